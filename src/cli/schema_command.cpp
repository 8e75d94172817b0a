// `ablauf schema`: the JSON Schema of definitions for editors, with the host's step types in it.
#include "commands.hpp"
#include "load.hpp"
#include "output.hpp"

#include <ablauf/definition_schema.hpp>
#include <ablauf/expression.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace ablauf::cli {
namespace {

struct SchemaFlags {
  std::string output;
  LimitFlags limits;
};

int run_schema(const SchemaFlags& flags) {
  std::ofstream file;
  auto* out = open_output(flags.output, file);
  if (!out) return exit_usage;
  *out << to_json_text(definition_schema(flags.limits.step_types)) << '\n';
  return out->flush() ? exit_ok : exit_usage;
}

}  // namespace

void add_schema_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<SchemaFlags>();
  auto* command = app.add_subcommand(
      "schema",
      "Print the JSON Schema of definitions (draft 2020-12), for editors and linters; with "
      "--step-types, steps of the host's types are checked by it as the built-in ones are.");
  command->add_option("-o,--output", flags->output, "Write to this file instead of stdout");
  flags->limits.add_to(*command);
  command->callback([flags, &run] {
    run = [flags] { return flags->limits.load_step_types() ? run_schema(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
