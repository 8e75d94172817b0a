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
  std::string input_of;  // a definition whose declared input to print
  LimitFlags limits;
};

int run_schema(const SchemaFlags& flags) {
  boost::json::value schema;
  if (flags.input_of.empty()) {
    schema = definition_schema(flags.limits.step_types);
  } else {
    std::size_t warnings = 0;
    const auto workflow = load_workflow(flags.input_of, flags.limits.options, warnings);
    if (!workflow) return exit_invalid;
    const auto& declared = workflow->definition().input;
    if (!declared) {
      std::cerr << flags.input_of << ": error: the definition declares no \"input\"; it takes "
                << "any object\n";
      return exit_invalid;
    }
    schema = declared->json();
  }
  std::ofstream file;
  auto* out = open_output(flags.output, file);
  if (!out) return exit_usage;
  *out << to_json_text(schema) << '\n';
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
  command
      ->add_option("--input", flags->input_of,
                   "Print instead the input this definition declares (its \"input\"), for forms "
                   "and clients that start its instances")
      ->check(CLI::ExistingFile);
  flags->limits.add_to(*command);
  command->callback([flags, &run] {
    run = [flags] { return flags->limits.load_step_types() ? run_schema(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
