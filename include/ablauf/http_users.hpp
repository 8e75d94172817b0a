/// @file
/// Who may use the server of ablauf::http: users with roles, and how a request proves to be
/// one of them (docs/http.md, "Users and roles").
///
/// A person signs in with a name and a password and then carries a session cookie; a system
/// presents an API token as `Authorization: Bearer …`. Either way the server asks an
/// Authenticator who that is. UsersFile is the one ablauf ships, reading a JSON file of users
/// whose passwords and tokens are kept only as Argon2id hashes (libsodium's crypto_pwhash); a
/// host with its own directory of people implements Authenticator instead.
///
/// The roles a user has are matched against what definitions name: a task's assignee and a
/// checklist step's assignee name a person or a role, and a checklist section or item may list
/// the roles that answer it (docs/format.md, "Who acts"). Two roles are the server's own: `admin`
/// deploys definitions, cancels instances and may act for any assignee (but never signs for
/// another); `integration` sends signals. docs/http.md lists what each route needs.
///
/// Thread-safety: a User is a value. An Authenticator is called from the server's I/O threads,
/// several at once; UsersFile is safe for that.
#pragma once

#include <ablauf/error.hpp>

#include <tl/expected.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ablauf::http {

/// The role that deploys definitions, cancels instances and may act for any assignee.
inline constexpr std::string_view admin_role = "admin";
/// The role of systems that send signals with a bearer token (a bank feed, a mail gateway).
inline constexpr std::string_view integration_role = "integration";

/// Someone the server knows: a person or a system.
struct User {
  std::string name;                ///< an identifier, recorded as the actor of what they do
  std::string display_name;        ///< how pages greet them; may be empty
  std::vector<std::string> roles;  ///< identifiers, sorted, without repeats
  std::string language;            ///< "de", "en", …; empty: as the browser asks

  /// Whether the user has `role`.
  bool has_role(std::string_view role) const noexcept;
  /// Whether `assignee`, as a task or a checklist step names it, is this user or one of their
  /// roles. An empty assignee is everyone's.
  bool is(std::string_view assignee) const noexcept;
};

/// Tells who a request comes from. The server asks it for every request to a route that needs
/// a signed-in user, from several threads at once; each answer should take at most the time of
/// one password hash.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /// The user an API token belongs to (the text after `Bearer `); none for any other text.
  virtual std::optional<User> by_token(std::string_view token) const = 0;
  /// The user with this name and password; none when either is wrong.
  virtual std::optional<User> by_password(std::string_view name,
                                          std::string_view password) const = 0;
};

/// A secret as the users file keeps it: its Argon2id hash with salt and cost, in the format of
/// libsodium's crypto_pwhash_str ("$argon2id$v=19$m=65536,t=2,p=1$…"), at the cost libsodium
/// calls interactive (64 MiB, 2 passes). An io_error when the system gives no random numbers or
/// not the memory.
tl::expected<std::string, Error> hash_secret(std::string_view secret);

/// An API token just made: the token to hand out once, and what the users file keeps of it.
struct NewToken {
  std::string id;     ///< 16 hexadecimal characters, also inside the token
  std::string token;  ///< "ablauf_<id>_<64 hexadecimal characters>"
  std::string hash;   ///< hash_secret(token)
};

/// A new API token from the system's random numbers.
tl::expected<NewToken, Error> make_token();

/// The users of a JSON file (docs/http.md, "The users file"):
///
///     {"users": [
///       {"name": "anna", "display_name": "Anna Berger", "roles": ["billing_team"],
///        "language": "de", "password": "$argon2id$v=19$…"},
///       {"name": "bank_feed", "roles": ["integration"],
///        "tokens": [{"id": "4f0c2a9e81b3d657", "hash": "$argon2id$v=19$…", "note": "SEPA"}]}]}
///
/// `ablauf users add` and `ablauf users token` write it. A password or token in clear text is
/// refused. A verified token is remembered by its BLAKE2b digest, so that a system presenting
/// it again costs a hash of microseconds, not another Argon2id.
class UsersFile final : public Authenticator {
 public:
  /// Reads the users from `text`; `source_name` names it in diagnostics. Every problem at once,
  /// located (line, column, JSON pointer), with the loader's JSON limits: names that are not
  /// identifiers or are given twice, a user named like a role, roles that are not identifiers,
  /// a secret that is not an Argon2id hash, a token id given twice.
  static tl::expected<std::unique_ptr<UsersFile>, Diagnostics> read(std::string text,
                                                                    std::string source_name);
  /// Reads the file at `path`.
  static tl::expected<std::unique_ptr<UsersFile>, Diagnostics> load(
      const std::filesystem::path& path);

  /// Every user, in the order of the file.
  const std::vector<User>& users() const noexcept { return users_; }

  /// The user with that token: found by the token's id, verified against its hash.
  std::optional<User> by_token(std::string_view token) const override;
  /// The user with that name, verified against their password's hash.
  std::optional<User> by_password(std::string_view name, std::string_view password) const override;

 private:
  struct Token {
    std::size_t user;  // index into users_
    std::string hash;
  };
  UsersFile() = default;

  std::vector<User> users_;
  std::vector<std::string> password_hashes_;       // beside users_; "" for a user without one
  std::unordered_map<std::string, Token> tokens_;  // by id
  mutable std::mutex verified_mutex_;
  mutable std::unordered_map<std::string, std::string> verified_;  // token id → its digest
};

}  // namespace ablauf::http
