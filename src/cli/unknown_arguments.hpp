// Names and flags a command line gives that the tool does not have, said as such before CLI11
// parses it: CLI11 would say "A subcommand is required" for a misspelt command, and take a
// misspelt flag's value for a file name ("File does not exist: json").
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace ablauf::cli {

// "unknown command 'valdiate'; did you mean 'validate'?" for the first argument that names no
// command where one is expected, or "unknown option '--lnag' of 'ablauf validate'; did you mean
// '--lang'?" for the first long option the command it follows does not have; none when every
// command and long option exists. Arguments after "--" are not looked at.
std::optional<std::string> unknown_argument(CLI::App& app, int argc, const char* const* argv);

}  // namespace ablauf::cli
