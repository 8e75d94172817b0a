// The users file and its secrets: Argon2id hashes from libsodium, read with the loader's
// located diagnostics.
#include <ablauf/http_users.hpp>

#include "definition/definition_parts.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace ablauf::http {
namespace json = boost::json;
namespace {

using detail::DefinitionReader;
using detail::Fields;

constexpr std::string_view token_prefix = "ablauf_";
constexpr std::size_t token_id_bytes = 8;
constexpr std::size_t token_secret_bytes = 32;

// sodium_init() may be called again and from several threads; it fails only when the system
// gives no random numbers.
tl::expected<void, Error> initialise_sodium() {
  if (sodium_init() >= 0) return {};
  return tl::make_unexpected(
      Error{ErrorCode::io_error, "libsodium cannot be initialised: no random source", {}, {}});
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

// The id inside "ablauf_<id>_<secret>"; empty for text of another shape.
std::string_view token_id(std::string_view token) {
  if (!token.starts_with(token_prefix)) return {};
  token.remove_prefix(token_prefix.size());
  const auto underscore = token.find('_');
  if (underscore != token_id_bytes * 2) return {};
  return token.substr(0, underscore);
}

// A digest of a verified token, to know it again without Argon2id: the token holds 256 random
// bits, so a fast hash suffices to recognise it.
std::string digest(std::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return {reinterpret_cast<const char*>(out.data()), out.size()};
}

// The bytes of `text` for libsodium, which takes no null pointer even for no bytes (an empty
// view may have one).
const char* bytes_of(std::string_view text) {
  return text.empty() ? "" : text.data();
}

bool verify(const std::string& hash, std::string_view secret) {
  return crypto_pwhash_str_verify(hash.c_str(), bytes_of(secret), secret.size()) == 0;
}

// Verifies `secret` against a hash of nothing, so that a name no user has takes as long to
// refuse as a wrong password: the time of an answer must not tell which names exist.
void spend_as_long_as_verify(std::string_view secret) {
  static const std::string decoy = hash_secret({}).value_or("");
  if (!decoy.empty()) verify(decoy, secret);
}

std::optional<std::string> read_hash(DefinitionReader& reader, Fields& fields,
                                     std::string_view name, Fields::Requirement requirement) {
  auto hash = fields.string(name, requirement);
  if (!hash) return std::nullopt;
  if (!hash->starts_with("$argon2id$") || hash->size() >= crypto_pwhash_STRBYTES) {
    reader.error(ErrorCode::invalid_value, fields.pointer_of(name),
                 "'" + std::string(name) +
                     "' must be an Argon2id hash (\"$argon2id$v=19$…\"), never the secret "
                     "itself: let `ablauf users add` or `ablauf users token` write it");
    return std::nullopt;
  }
  return hash;
}

std::vector<std::string> read_roles(DefinitionReader& reader, Fields& fields) {
  std::vector<std::string> roles;
  const auto* array = fields.array("roles");
  if (!array) return roles;
  for (std::size_t i = 0; i < array->size(); ++i)
    if (auto role = detail::read_identifier(
            reader, (*array)[i], detail::element_pointer(fields.pointer_of("roles"), i), "role"))
      roles.push_back(std::move(*role));
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

}  // namespace

bool User::has_role(std::string_view role) const noexcept {
  return std::binary_search(roles.begin(), roles.end(), role);
}

bool User::is(std::string_view assignee) const noexcept {
  return assignee.empty() || assignee == name || has_role(assignee);
}

tl::expected<std::string, Error> hash_secret(std::string_view secret) {
  if (auto ready = initialise_sodium(); !ready) return tl::make_unexpected(ready.error());
  std::array<char, crypto_pwhash_STRBYTES> hash{};
  if (crypto_pwhash_str(hash.data(), bytes_of(secret), secret.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return tl::make_unexpected(Error{ErrorCode::io_error,
                                     "hashing a secret needs 64 MiB of memory, which the system "
                                     "did not give",
                                     {},
                                     {}});
  return std::string(hash.data());
}

tl::expected<NewToken, Error> make_token() {
  if (auto ready = initialise_sodium(); !ready) return tl::make_unexpected(ready.error());
  NewToken made;
  made.id = random_hex(token_id_bytes);
  made.token = std::string(token_prefix) + made.id + "_" + random_hex(token_secret_bytes);
  auto hash = hash_secret(made.token);
  if (!hash) return tl::make_unexpected(std::move(hash.error()));
  made.hash = std::move(*hash);
  return made;
}

tl::expected<std::unique_ptr<UsersFile>, Diagnostics> UsersFile::read(std::string text,
                                                                      std::string source_name) {
  const LoadOptions options;
  auto document = detail::parse_document(std::move(text), std::move(source_name), options);
  if (!document) return tl::make_unexpected(std::move(document.error()));
  if (auto ready = initialise_sodium(); !ready) {
    Diagnostics failed;
    failed.add(Severity::error, ready.error().code, ready.error().message, "");
    return tl::make_unexpected(std::move(failed));
  }
  DefinitionReader reader(document->source, options);
  std::unique_ptr<UsersFile> file(new UsersFile);
  if (!document->value.is_object()) {
    reader.error(ErrorCode::wrong_type, "",
                 "a users file must be a JSON object with \"users\", not " +
                     std::string(detail::describe(document->value)));
    return tl::make_unexpected(reader.take_diagnostics());
  }
  Fields root(reader, document->value.get_object(), "", {"$schema", "users"}, "a users file");
  root.check_unknown();
  detail::IdScope names;
  std::map<std::string, std::string, std::less<>> role_pointers;
  const auto* users = root.array("users", Fields::required);
  for (std::size_t i = 0; users && i < users->size(); ++i) {
    const std::string pointer = detail::element_pointer("/users", i);
    if (!(*users)[i].is_object()) {
      reader.error(ErrorCode::wrong_type, pointer,
                   "a user must be an object, not " + std::string(detail::describe((*users)[i])));
      continue;
    }
    Fields fields(reader, (*users)[i].get_object(), pointer,
                  {"name", "display_name", "roles", "language", "password", "tokens"}, "a user");
    User user;
    if (auto name = fields.identifier("name", Fields::required);
        name && detail::claim_id(reader, names, *name, fields.pointer_of("name"), "user"))
      user.name = std::move(*name);
    if (auto display = fields.string("display_name")) user.display_name = std::move(*display);
    if (auto language = fields.string("language")) user.language = std::move(*language);
    user.roles = read_roles(reader, fields);
    for (const auto& role : user.roles) role_pointers.emplace(role, fields.pointer_of("roles"));
    auto password = read_hash(reader, fields, "password", Fields::optional);
    if (const auto* tokens = fields.array("tokens")) {
      for (std::size_t t = 0; t < tokens->size(); ++t) {
        const std::string token_pointer = detail::element_pointer(fields.pointer_of("tokens"), t);
        if (!(*tokens)[t].is_object()) {
          reader.error(ErrorCode::wrong_type, token_pointer,
                       "a token must be an object with \"id\" and \"hash\"");
          continue;
        }
        Fields token(reader, (*tokens)[t].get_object(), token_pointer, {"id", "hash", "note"},
                     "a token");
        auto id = token.string("id", Fields::required);
        auto hash = read_hash(reader, token, "hash", Fields::required);
        token.string("note");
        token.check_unknown();
        if (!id || !hash) continue;
        if (id->size() != token_id_bytes * 2 || !std::all_of(id->begin(), id->end(), [](char c) {
              return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            })) {
          reader.error(ErrorCode::invalid_value, token.pointer_of("id"),
                       "a token's id is 16 lower-case hexadecimal characters, as `ablauf users "
                       "token` writes it");
          continue;
        }
        if (!file->tokens_.emplace(*id, Token{file->users_.size(), std::move(*hash)}).second)
          reader.error(ErrorCode::duplicate_id, token.pointer_of("id"),
                       "token id '" + *id + "' is given twice");
      }
    }
    fields.check_unknown();
    file->users_.push_back(std::move(user));
    file->password_hashes_.push_back(password.value_or(""));
  }
  // Assignees name a person or a role in one word: a user named like a role would be both.
  for (const auto& [name, pointer] : names)
    if (const auto role = role_pointers.find(name); role != role_pointers.end())
      reader.error(ErrorCode::duplicate_id, pointer,
                   "user '" + name + "' has the name of a role (" + reader.line_of(role->second) +
                       "): an assignee names either, so each name must be one or the other");
  if (reader.has_errors()) return tl::make_unexpected(reader.take_diagnostics());
  return file;
}

tl::expected<std::unique_ptr<UsersFile>, Diagnostics> UsersFile::load(
    const std::filesystem::path& path) {
  auto text = detail::read_document(path, LoadOptions{});
  if (!text) return tl::make_unexpected(std::move(text.error()));
  return read(std::move(*text), path.string());
}

std::optional<User> UsersFile::by_token(std::string_view token) const {
  const auto id = token_id(token);
  const auto found = tokens_.find(std::string(id));
  if (id.empty() || found == tokens_.end()) return std::nullopt;
  const std::string presented = digest(token);
  {
    std::lock_guard lock(verified_mutex_);
    if (const auto known = verified_.find(found->first); known != verified_.end())
      return sodium_memcmp(known->second.data(), presented.data(), presented.size()) == 0
                 ? std::optional(users_[found->second.user])
                 : std::nullopt;
  }
  if (!verify(found->second.hash, token)) return std::nullopt;
  std::lock_guard lock(verified_mutex_);
  verified_.emplace(found->first, presented);
  return users_[found->second.user];
}

std::optional<User> UsersFile::by_password(std::string_view name, std::string_view password) const {
  for (std::size_t i = 0; i < users_.size(); ++i)
    if (users_[i].name == name)
      return !password_hashes_[i].empty() && verify(password_hashes_[i], password)
                 ? std::optional(users_[i])
                 : std::nullopt;
  spend_as_long_as_verify(password);
  return std::nullopt;
}

}  // namespace ablauf::http
