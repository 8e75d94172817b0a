#include "commands.hpp"
#include "findings_report.hpp"
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
  std::string format = "text";
};

// Calls among the definitions validated together that would form a cycle (`a` calls `b`, `b`
// calls `a`): Engine::deploy refuses the definition that closes one, so validate says so first.
// Reported once per cycle, at the file of the definition found first in it, whose findings
// `report` holds at the same position as in `valid`.
void find_call_cycles(const std::vector<std::pair<std::size_t, Workflow>>& valid,
                      std::vector<FileFindings>& report) {
  std::map<std::string, std::vector<std::string>, std::less<>> calls;
  for (const auto& [at, workflow] : valid)
    calls.emplace(workflow.definition().id, called_workflows(workflow.definition()));
  std::set<std::string> reported;
  for (const auto& [at, workflow] : valid) {
    const auto& definition = workflow.definition();
    if (reported.count(definition.id)) continue;
    const auto cycle = call_cycle(definition, calls);
    if (cycle.size() < 3) continue;  // a workflow calling itself was refused when it loaded
    std::string path;
    for (const auto& id : cycle) path += (path.empty() ? "" : " → ") + id;
    auto& found = report[at];
    found.findings.add(Severity::error, ErrorCode::recursive_call,
                       "the calls of '" + definition.id + "' lead back to it (" + path +
                           "): each instance would start another, without end; deploying "
                           "these together is refused",
                       "", {.file = found.file, .line = 0, .column = 0});
    found.valid = false;
    reported.insert(cycle.begin(), cycle.end());
  }
}

int run_validate(const ValidateFlags& flags) {
  const bool text = flags.format == "text";
  std::vector<FileFindings> report;
  std::vector<std::pair<std::size_t, Workflow>> valid;
  std::vector<std::string> lines;  // "FILE: ok: …" of each valid file, in order
  for (const auto& file : flags.files) {
    FileFindings found{file, true, {}};
    auto workflow = compile_workflow(file, flags.limits.options);
    if (workflow) {
      found.findings.append(workflow->warnings());
      for (const auto& language : flags.required_languages)
        found.findings.append(missing_translations(workflow->definition(), language));
      found.valid = !(flags.warnings_are_errors && found.findings.warning_count() > 0);
    } else {
      found.findings = std::move(workflow.error());
      found.valid = false;
    }
    if (found.valid) valid.emplace_back(report.size(), std::move(*workflow));
    report.push_back(std::move(found));
  }
  find_call_cycles(valid, report);

  std::size_t invalid = 0;
  for (const auto& found : report) invalid += found.valid ? 0 : 1;
  if (flags.format == "json") std::cout << findings_json(report) << '\n';
  if (flags.format == "sarif")
    std::cout << findings_sarif(report, std::string(tool_version)) << '\n';
  if (!text) return invalid == 0 ? exit_ok : exit_invalid;

  std::size_t next = 0;  // the next of `valid`
  for (std::size_t i = 0; i < report.size(); ++i) {
    std::cerr << report[i].findings;
    if (!report[i].valid || flags.quiet) continue;
    while (next < valid.size() && valid[next].first < i) ++next;
    if (next == valid.size() || valid[next].first != i) continue;
    const auto& workflow = valid[next].second;
    const auto& definition = workflow.definition();
    const auto title =
        definition.title.get(flags.language.empty() ? definition.default_language : flags.language,
                             definition.default_language);
    std::cout << report[i].file << ": ok: " << to_string(definition.kind) << " '" << definition.id
              << "' version " << definition.version << ", " << workflow.step_count()
              << (workflow.step_count() == 1 ? " step" : " steps");
    if (!title.empty()) std::cout << ": " << title;
    std::cout << '\n';
  }
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
  command
      ->add_option("--format", flags->format,
                   "text (the default: problems on stderr), json or sarif (SARIF 2.1.0, for code "
                   "scanning and editors): one document on stdout")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  flags->limits.add_to(*command);
  command->callback([flags, &run] {
    run = [flags] { return flags->limits.load_step_types() ? run_validate(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
