// The subcommands of the ablauf command-line tool. Each registers itself on the app and
// returns the exit status when run.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string_view>

namespace ablauf::cli {

// What `ablauf --version` prints after the name, and SARIF reports name as the tool's version.
inline constexpr std::string_view tool_version = "0.1.0";

// Exit statuses, as documented in `ablauf --help`.
inline constexpr int exit_ok = 0;
inline constexpr int exit_invalid = 1;  // a definition (or expression) has errors
inline constexpr int exit_usage = 2;    // bad command line, unreadable output file
inline constexpr int exit_waiting = 3;  // run: the instance waits for input it was not given
inline constexpr int exit_stopped =
    4;  // run: the store or the outbox failed; work stopped, resumable

// Adds the subcommand; `run` is set to what executes it once parsing succeeded.
void add_validate_command(CLI::App& app, std::function<int()>& run);
void add_graph_command(CLI::App& app, std::function<int()>& run);
void add_export_command(CLI::App& app, std::function<int()>& run);
void add_eval_command(CLI::App& app, std::function<int()>& run);
void add_run_command(CLI::App& app, std::function<int()>& run);
void add_instances_command(CLI::App& app, std::function<int()>& run);
void add_kpi_command(CLI::App& app, std::function<int()>& run);
void add_schema_command(CLI::App& app, std::function<int()>& run);
void add_serve_command(CLI::App& app, std::function<int()>& run);
void add_users_command(CLI::App& app, std::function<int()>& run);
void add_files_command(CLI::App& app, std::function<int()>& run);
void add_schedules_command(CLI::App& app, std::function<int()>& run);

}  // namespace ablauf::cli
