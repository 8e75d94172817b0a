// Loading definitions for the command line: limits from flags, diagnostics to stderr.
#pragma once

#include <ablauf/engine.hpp>
#include <ablauf/workflow.hpp>

#include <boost/json/value.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ablauf::cli {

// The loader limits, as flags shared by every command that reads definitions; with
// `runs_instances`, the engine's limits as well (EngineLimits). And the host's step types
// (--step-types FILE, repeatable), which the definitions may use besides the built-in ones.
struct LimitFlags {
  LimitFlags() = default;
  LimitFlags(const LimitFlags&) = delete;  // options.step_types points at this one's registry
  LimitFlags& operator=(const LimitFlags&) = delete;

  LoadOptions options;
  EngineLimits engine;
  std::vector<std::string> step_type_files;
  StepTypeRegistry step_types;
  void add_to(CLI::App& command, bool runs_instances = false);
  // Only --step-types, for a command whose own flags would clash with the limits' names.
  void add_step_types_to(CLI::App& command);
  // Reads the manifests of --step-types into `step_types` and has `options` load with them;
  // prints every problem of each to stderr and returns false if any is wrong. Call once, after
  // the flags are parsed (the manifests are read within the same limits as definitions).
  bool load_step_types();
};

// Adds an option that takes one of `choices` by name (any case) into `target`. Help lists the
// names ("FORMAT:{dot,mermaid,svg}"), and anything else is refused naming them; unlike CLI11's
// enum options, help shows no numbers and `-f 0` is not taken for the first choice.
template <class Choice>
CLI::Option* add_choice(CLI::App& command, const std::string& name, Choice& target,
                        std::vector<std::pair<std::string, Choice>> choices,
                        const std::string& description) {
  std::vector<std::string> names;
  for (const auto& choice : choices) names.push_back(choice.first);
  return command
      .add_option_function<std::string>(
          name,
          [&target, choices](const std::string& given) {
            for (const auto& [choice_name, value] : choices)
              if (CLI::detail::to_lower(given) == choice_name) target = value;
          },
          description)
      ->check(CLI::IsMember(names, CLI::ignore_case))
      ->type_name("FORMAT");
}

// Checks that a flag is a whole number from `min` to `max`, written in decimal digits; its
// message names the range and the value given, and CLI11 prefixes the flag's name.
CLI::Validator whole_number(std::uint64_t min, std::uint64_t max);

// Loads and compiles one file: the workflow, its warnings kept in it, or every finding.
tl::expected<Workflow, Diagnostics> compile_workflow(const std::string& path,
                                                     const LoadOptions& options);

// Loads and compiles one file. Prints every diagnostic (errors and warnings) to stderr as
// FILE:LINE:COL: severity: message (at pointer); returns nothing on errors.
std::optional<Workflow> load_workflow(const std::string& path, const LoadOptions& options,
                                      std::size_t& warnings);

// Says on stderr when `definition` has no texts in `language` (asked for with --lang), and in
// which language it is shown instead, rather than show another language unasked. Says nothing
// for an empty `language`.
void warn_if_untranslated(const WorkflowDefinition& definition, const std::string& language);

// Reads a JSON file (instance input, answers, data). Prints a located error to stderr and
// returns nothing if it cannot be read or parsed.
std::optional<boost::json::value> read_json_file(const std::string& path);

}  // namespace ablauf::cli
