// `ablauf users add` and `ablauf users token`: write the users file of `ablauf serve --users`
// (docs/http.md#the-users-file), keeping only Argon2id hashes of passwords and tokens.
#include "commands.hpp"

#include <ablauf/expression.hpp>
#include <ablauf/http_users.hpp>

#include <boost/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace ablauf::cli {
namespace json = boost::json;
namespace {

struct UsersFlags {
  std::string file;
  std::string name;
  std::vector<std::string> roles;
  std::string display_name;
  std::string language;
  bool password_stdin = false;
  std::string note;
};

// The file's JSON, or an empty list of users when it does not exist yet.
std::optional<json::object> read_users(const std::string& path) {
  if (!std::filesystem::exists(path)) return json::object{{"users", json::array()}};
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto checked = http::UsersFile::read(text.str(), path);
  if (!checked) {
    for (const auto& finding : checked.error()) std::cerr << finding << '\n';
    return std::nullopt;
  }
  boost::system::error_code failed;
  auto value = json::parse(text.str(), failed);
  return value.as_object();
}

json::object* find_user(json::object& file, std::string_view name) {
  for (auto& user : file["users"].as_array())
    if (const auto* entry = user.as_object().if_contains("name");
        entry && entry->is_string() && entry->get_string() == name)
      return &user.as_object();
  return nullptr;
}

// Writes `file` where it was, whole or not at all (a temporary file renamed over it), readable
// by its owner only: it holds hashes a guesser could work on. Checked first, so that a broken
// file is never written.
int write_users(const std::string& path, const json::object& file) {
  // One user a line: a file people read and diff, and that is written whole each time.
  std::string text = "{\"users\": [";
  const auto& users = file.at("users").as_array();
  for (std::size_t i = 0; i < users.size(); ++i)
    text += (i == 0 ? "\n  " : ",\n  ") + to_json_text(users[i]);
  text += "\n]}\n";
  if (auto checked = http::UsersFile::read(text, path); !checked) {
    for (const auto& finding : checked.error()) std::cerr << finding << '\n';
    return exit_usage;
  }
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      std::cerr << "error: cannot write '" << temporary << "'\n";
      return exit_usage;
    }
  }
  std::error_code failed;
  std::filesystem::permissions(
      temporary, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, failed);
  std::filesystem::rename(temporary, path, failed);
  if (failed) {
    std::cerr << "error: cannot replace '" << path << "': " << failed.message() << '\n';
    return exit_usage;
  }
  return exit_ok;
}

int add_user(const UsersFlags& flags) {
  auto file = read_users(flags.file);
  if (!file) return exit_usage;
  if (find_user(*file, flags.name)) {
    std::cerr << "error: '" << flags.file << "' has a user '" << flags.name << "' already\n";
    return exit_usage;
  }
  json::object user{{"name", flags.name}};
  if (!flags.display_name.empty()) user["display_name"] = flags.display_name;
  json::array roles;
  for (const auto& role : flags.roles) roles.emplace_back(role);
  if (!roles.empty()) user["roles"] = std::move(roles);
  if (!flags.language.empty()) user["language"] = flags.language;
  if (flags.password_stdin) {
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) {
      std::cerr << "error: --password-stdin: the first line of standard input is empty\n";
      return exit_usage;
    }
    auto hash = http::hash_secret(password);
    if (!hash) {
      std::cerr << "error: " << hash.error().message << '\n';
      return exit_stopped;
    }
    user["password"] = *hash;
  }
  (*file)["users"].as_array().push_back(std::move(user));
  if (const int written = write_users(flags.file, *file); written != exit_ok) return written;
  std::cout << "added " << flags.name << " to " << flags.file << '\n';
  return exit_ok;
}

int add_token(const UsersFlags& flags) {
  auto file = read_users(flags.file);
  if (!file) return exit_usage;
  auto* user = find_user(*file, flags.name);
  if (!user) {
    std::cerr << "error: '" << flags.file << "' has no user '" << flags.name
              << "': add them first (ablauf users add)\n";
    return exit_usage;
  }
  auto token = http::make_token();
  if (!token) {
    std::cerr << "error: " << token.error().message << '\n';
    return exit_stopped;
  }
  json::object entry{{"id", token->id}, {"hash", token->hash}};
  if (!flags.note.empty()) entry["note"] = flags.note;
  auto& tokens = (*user)["tokens"];
  if (!tokens.is_array()) tokens = json::array();
  tokens.as_array().push_back(std::move(entry));
  if (const int written = write_users(flags.file, *file); written != exit_ok) return written;
  // Only the hash is kept: this is the one time the token can be read.
  std::cout << token->token << '\n';
  return exit_ok;
}

}  // namespace

void add_users_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<UsersFlags>();
  auto* command = app.add_subcommand(
      "users", "Write the users file of `serve --users`: people, their roles and their secrets");
  command->require_subcommand(1);
  auto* add = command->add_subcommand(
      "add", "Add a user; with --password-stdin, their password is the first line of stdin");
  auto* token = command->add_subcommand(
      "token", "Make an API token for a user and print it: only its hash is kept");
  for (auto* sub : {add, token}) {
    sub->add_option("name", flags->name, "The user's name (letters, digits, _)")->required();
    sub->add_option("--file", flags->file, "The users file; add creates it")->required();
  }
  add->add_option("--role", flags->roles, "A role of the user; repeat for more");
  add->add_option("--display-name", flags->display_name, "How pages greet them");
  add->add_option("--language", flags->language, "Their language (de, en, …)");
  add->add_flag("--password-stdin", flags->password_stdin,
                "Read the password from the first line of standard input");
  token->add_option("--note", flags->note, "What the token is for (\"bank feed\")");
  add->callback([flags, &run] { run = [flags] { return add_user(*flags); }; });
  token->callback([flags, &run] { run = [flags] { return add_token(*flags); }; });
}

}  // namespace ablauf::cli
