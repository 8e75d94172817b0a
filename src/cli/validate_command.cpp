#include "commands.hpp"
#include "load.hpp"

#include <ablauf/translations.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <set>

namespace ablauf::cli {
namespace {

struct ValidateFlags {
  std::vector<std::string> files;
  LimitFlags limits;
  bool warnings_are_errors = false;
  bool quiet = false;
  std::vector<std::string> required_languages;
  std::string language;
};

// Calls among the definitions validated together that would form a cycle (`a` calls `b`, `b`
// calls `a`): Engine::deploy refuses the definition that closes one, so validate says so first.
// Reported once per cycle, at the file of the definition found first in it.
std::size_t report_call_cycles(const std::vector<std::pair<std::string, Workflow>>& valid) {
  std::map<std::string, std::vector<std::string>, std::less<>> calls;
  for (const auto& [file, workflow] : valid)
    calls.emplace(workflow.definition().id, called_workflows(workflow.definition()));
  std::set<std::string> reported;
  std::size_t cycles = 0;
  for (const auto& [file, workflow] : valid) {
    const auto& definition = workflow.definition();
    if (reported.count(definition.id)) continue;
    const auto cycle = call_cycle(definition, calls);
    if (cycle.size() < 3) continue;  // a workflow calling itself was refused when it loaded
    std::string path;
    for (const auto& id : cycle) path += (path.empty() ? "" : " → ") + id;
    std::cerr << file << ": error: the calls of '" << definition.id << "' lead back to it (" << path
              << "): each instance would start another, without end; deploying "
              << "these together is refused\n";
    reported.insert(cycle.begin(), cycle.end());
    ++cycles;
  }
  return cycles;
}

int run_validate(const ValidateFlags& flags) {
  std::size_t invalid = 0, warnings = 0;
  std::vector<std::pair<std::string, Workflow>> valid;
  for (const auto& file : flags.files) {
    const std::size_t warnings_before = warnings;
    auto workflow = load_workflow(file, flags.limits.options, warnings);
    if (workflow)
      for (const auto& language : flags.required_languages) {
        const auto missing = missing_translations(workflow->definition(), language);
        std::cerr << missing;
        warnings += missing.size();
      }
    if (!workflow || (flags.warnings_are_errors && warnings > warnings_before)) {
      ++invalid;
      continue;
    }
    if (!flags.quiet) {
      const auto& definition = workflow->definition();
      const auto title = definition.title.get(
          flags.language.empty() ? definition.default_language : flags.language,
          definition.default_language);
      std::cout << file << ": ok: " << to_string(definition.kind) << " '" << definition.id
                << "' version " << definition.version << ", " << workflow->step_count()
                << (workflow->step_count() == 1 ? " step" : " steps");
      if (!title.empty()) std::cout << ": " << title;
      std::cout << '\n';
    }
    valid.emplace_back(file, std::move(*workflow));
  }
  invalid += report_call_cycles(valid);
  if (flags.files.size() > 1 && !flags.quiet)
    std::cout << flags.files.size() - invalid << " of " << flags.files.size()
              << " definitions valid\n";
  return invalid == 0 ? exit_ok : exit_invalid;
}

}  // namespace

void add_validate_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<ValidateFlags>();
  auto* command = app.add_subcommand(
      "validate",
      "Check definitions: JSON syntax, fields, step types, the step graph. Prints each "
      "problem as FILE:LINE:COL: error: MESSAGE (at JSON-POINTER); exits 1 if any file has "
      "errors.");
  command->add_option("files", flags->files, "Definition files (.json)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_flag("--werror", flags->warnings_are_errors, "Treat warnings as errors");
  command->add_flag("--strict", flags->limits.options.strict,
                    "Require declarations: a definition without \"input\" is an error");
  command->add_option("--lang", flags->language,
                      "Language of the titles quoted (de, en, …); default: each definition's");
  command
      ->add_option("--require-lang", flags->required_languages,
                   "Warn where a text people read has no translation into this language "
                   "(e.g. en; repeat for several)")
      ->allow_extra_args(false);
  command->add_flag("-q,--quiet", flags->quiet, "Print only problems");
  flags->limits.add_to(*command);
  command->callback([flags, &run] {
    run = [flags] { return flags->limits.load_step_types() ? run_validate(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
