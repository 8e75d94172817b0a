#include "unknown_arguments.hpp"

#include "suggest.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace ablauf::cli {
namespace {

std::vector<std::string> command_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* command : app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(command->get_name());
  return names;
}

CLI::App* find_command(CLI::App& app, std::string_view name) {
  for (auto* command : app.get_subcommands([](CLI::App*) { return true; }))
    if (command->get_name() == name) return command;
  return nullptr;
}

// The options a command takes: its own and those of the commands it belongs to.
std::vector<const CLI::Option*> options_of(const CLI::App& app) {
  std::vector<const CLI::Option*> options;
  for (const CLI::App* at = &app; at; at = at->get_parent())
    for (const auto* option : at->get_options()) options.push_back(option);
  return options;
}

// The option `argument` names ("--lang", "--lang=de", "-o"), or null.
const CLI::Option* option_named(const std::vector<const CLI::Option*>& options,
                                std::string_view argument) {
  const bool long_name = argument.starts_with("--");
  const auto name = argument.substr(long_name ? 2 : 1, argument.find('=') - (long_name ? 2 : 1));
  for (const auto* option : options) {
    const auto& names = long_name ? option->get_lnames() : option->get_snames();
    if (std::find(names.begin(), names.end(), name) != names.end()) return option;
  }
  return nullptr;
}

bool takes_arguments(const CLI::App& app) {
  return !app.get_options([](const CLI::Option* option) { return option->get_positional(); })
              .empty();
}

std::string listed(const std::vector<std::string>& names, std::string_view what,
                   std::string_view name) {
  const std::vector<std::string_view> views(names.begin(), names.end());
  return detail::did_you_mean_or_list(name, views, what);
}

std::string path_of(const CLI::App& app) {
  std::string path;
  for (const CLI::App* at = &app; at; at = at->get_parent())
    path = at->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

}  // namespace

std::optional<std::string> unknown_argument(CLI::App& app, int argc, const char* const* argv) {
  CLI::App* command = &app;
  bool own_arguments = false;  // past the first of a command's own arguments: no subcommands
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if (argument == "--") return std::nullopt;
    if (argument.starts_with("-") && argument.size() > 1) {
      const auto options = options_of(*command);
      const auto* option = option_named(options, argument);
      if (!option && argument.starts_with("--")) {
        std::vector<std::string> names;
        for (const auto* known : options)
          for (const auto& name : known->get_lnames()) names.push_back("--" + name);
        const auto name = argument.substr(0, argument.find('='));
        return "unknown option '" + std::string(name) + "' of '" + path_of(*command) + "'" +
               listed(names, "its options", name);
      }
      // A value of its own follows an option that takes one, unless given with '='.
      if (option && option->get_type_size_min() > 0 && argument.find('=') == std::string_view::npos)
        ++i;
      continue;
    }
    if (own_arguments) continue;
    if (CLI::App* sub = find_command(*command, argument)) {
      command = sub;
      continue;
    }
    if (takes_arguments(*command) || command_names(*command).empty()) {
      own_arguments = true;
      continue;
    }
    return "unknown command '" + std::string(argument) + "'" +
           (command == &app ? std::string() : " of '" + path_of(*command) + "'") +
           listed(command_names(*command), "the commands", argument);
  }
  return std::nullopt;
}

}  // namespace ablauf::cli
