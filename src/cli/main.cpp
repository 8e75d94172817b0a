// ablauf: check, draw and run workflow and checklist definitions, and try expressions.
#include "commands.hpp"
#include "unknown_arguments.hpp"

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"ablauf — workflows and checklists as JSON definitions", "ablauf"};
  app.set_version_flag("--version", "ablauf " + std::string(ablauf::cli::tool_version));
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success, 1 a definition or expression has errors (or an instance failed),\n"
      "2 bad usage, 3 an instance waits for input it was not given.\n"
      "Run `ablauf COMMAND --help` for a command's options.");

  std::function<int()> run;
  ablauf::cli::add_validate_command(app, run);
  ablauf::cli::add_graph_command(app, run);
  ablauf::cli::add_export_command(app, run);
  ablauf::cli::add_eval_command(app, run);
  ablauf::cli::add_run_command(app, run);
  ablauf::cli::add_instances_command(app, run);
  ablauf::cli::add_kpi_command(app, run);
  ablauf::cli::add_schema_command(app, run);
  ablauf::cli::add_serve_command(app, run);
  ablauf::cli::add_users_command(app, run);
  ablauf::cli::add_files_command(app, run);
  ablauf::cli::add_schedules_command(app, run);

  if (const auto unknown = ablauf::cli::unknown_argument(app, argc, argv)) {
    std::cerr << "ablauf: " << *unknown << "\nRun with --help for more information.\n";
    return ablauf::cli::exit_usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? ablauf::cli::exit_ok : ablauf::cli::exit_usage;
  }
  return run ? run() : ablauf::cli::exit_usage;
}
