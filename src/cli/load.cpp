#include "load.hpp"

#include <ablauf/duration.hpp>
#include <ablauf/json.hpp>
#include <ablauf/source.hpp>
#include <ablauf/step_type_manifest.hpp>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

namespace ablauf::cli {

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        // Digits only: CLI11 would read "-1" as the largest unsigned number, and "0x10" as 16.
        std::uint64_t value = 0;
        bool valid = !text.empty() && text.size() <= 20;
        for (char c : text) {
          if (c < '0' || c > '9') {
            valid = false;
            break;
          }
          const auto digit = static_cast<std::uint64_t>(c - '0');
          if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
            valid = false;
            break;
          }
          value = value * 10 + digit;
        }
        if (valid && value >= min && value <= max) return {};
        return "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
               ", not '" + text + "'";
      },
      std::to_string(min) + ".." + std::to_string(max), "whole number");
}

namespace {

// A size or count flag in the "Limits" group, showing its default: a whole number from 1 to
// `max` (by default the largest the field holds).
template <class T>
void limit(CLI::App& command, const std::string& name, T& value, const std::string& what,
           std::uint64_t max = std::numeric_limits<T>::max()) {
  command.add_option(name, value, what)
      ->capture_default_str()
      ->check(whole_number(1, max))
      ->group("Limits");
}

constexpr std::uint64_t bytes_ceiling = JsonLimits::max_bytes_ceiling;
// Past these a limit guards nothing: a chain of a hundred thousand sub-workflows, or a mail to
// ten thousand people, is a mistake, not a need.
constexpr std::uint64_t max_call_depth_ceiling = 100'000;
constexpr std::uint64_t max_recipients_ceiling = 10'000;

}  // namespace

void LimitFlags::add_step_types_to(CLI::App& command) {
  command
      .add_option("--step-types", step_type_files,
                  "A manifest of the host's own step types (docs/adapters.md); repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false)  // one a time: the definitions follow
      ->check(CLI::ExistingFile);
}

void LimitFlags::add_to(CLI::App& command, bool runs_instances) {
  add_step_types_to(command);
  limit(command, "--max-bytes", options.json.max_document_bytes, "Largest document, in bytes",
        bytes_ceiling);
  limit(command, "--max-depth", options.json.max_depth, "Deepest nesting of arrays and objects",
        JsonLimits::max_depth_ceiling);
  limit(command, "--max-string-length", options.json.max_string_length, "Longest string, in bytes",
        bytes_ceiling);
  limit(command, "--max-steps", options.max_steps, "Most steps (or sections)");
  limit(command, "--max-identifier-length", options.max_identifier_length,
        "Longest step, section or item id");
  limit(command, "--max-expression-length", options.expressions.max_length,
        "Longest expression, in bytes", bytes_ceiling);
  limit(command, "--max-expression-depth", options.expressions.max_depth,
        "Deepest nesting of operators and calls in an expression",
        LoadOptions::max_expression_depth_ceiling);
  limit(command, "--max-template-bytes", options.templates.max_template_bytes,
        "Longest template, in bytes", bytes_ceiling);
  limit(command, "--max-template-nesting", options.templates.max_nesting,
        "Deepest nesting of sections in a template", LoadOptions::max_template_nesting_ceiling);
  limit(command, "--max-transitions", options.max_transitions, "Most transitions in a step's next");
  limit(command, "--max-parallel-branches", options.max_parallel_branches,
        "Most branches of a parallel step");
  limit(command, "--max-retries", options.max_retry_attempts,
        "Highest max_attempts of a retry policy");
  limit(command, "--max-errors", options.max_errors,
        "Most problems reported per file, the earliest; the rest are counted");
  command
      .add_option_function<std::string>(
          "--max-timer-horizon",
          [this](const std::string& text) {
            const auto horizon = parse_duration(text)->exact();  // checked below
            options.max_timer_horizon = horizon;
            engine.max_timer_horizon = horizon;
          },
          "Farthest ahead a timer may lie, as an ISO 8601 duration in days and time")
      ->check([](const std::string& text) -> std::string {
        const auto parsed = parse_duration(text);
        if (!parsed) return "'" + text + "' is not a duration: " + parsed.error().message;
        if (parsed->is_calendar()) return "give the horizon in days (P3660D), not years or months";
        if (parsed->exact().count() <= 0) return "the horizon must be longer than zero";
        return {};
      })
      ->default_str(to_string(days_and_time(options.max_timer_horizon)))
      ->group("Limits");
  if (!runs_instances) return;
  limit(command, "--max-output-bytes", engine.max_output_bytes,
        "Largest step output, answer or signal payload, as JSON", bytes_ceiling);
  limit(command, "--max-data-bytes", engine.max_data_bytes, "Largest instance data, as JSON",
        bytes_ceiling);
  limit(command, "--max-history-events", engine.max_history_events,
        "Most events in an instance's history");
  limit(command, "--max-activations", engine.max_activations,
        "Most steps one instance runs (loop guard)");
  // --max-evaluation-steps is its name of 0.1, kept for scripts.
  limit(command, "--max-evaluation-operations,--max-evaluation-steps",
        engine.max_evaluation_operations, "Operations of one expression evaluation");
  limit(command, "--max-rendered-bytes", engine.max_rendered_bytes,
        "Largest text one template renders", bytes_ceiling);
  limit(command, "--max-call-depth", engine.max_call_depth,
        "Deepest nesting of sub-workflows (calls inside calls)", max_call_depth_ceiling);
  limit(command, "--max-recipients", engine.max_recipients,
        "Most recipients of one mail, to, cc and bcc together", max_recipients_ceiling);
  limit(command, "--max-file-bytes", engine.max_file_bytes,
        "Largest file kept for a file or photo item, in bytes", EngineLimits::largest_file_bytes);
  limit(command, "--max-attachment-bytes", engine.max_attachment_bytes,
        "Most bytes of files one mail carries, together", EngineLimits::largest_file_bytes);
}

bool LimitFlags::load_step_types() {
  step_types = StepTypeRegistry::builtin();
  bool all_read = true;
  for (const auto& file : step_type_files)
    if (auto added = add_step_types_file(step_types, file, options); !added) {
      std::cerr << added.error();
      all_read = false;
    }
  options.step_types = &step_types;
  return all_read;
}

tl::expected<Workflow, Diagnostics> compile_workflow(const std::string& path,
                                                     const LoadOptions& options) {
  auto definition = load_definition_file(path, options);
  if (!definition) return tl::make_unexpected(std::move(definition.error()));
  return Workflow::compile(std::move(*definition), options.step_types, options.max_errors);
}

std::optional<Workflow> load_workflow(const std::string& path, const LoadOptions& options,
                                      std::size_t& warnings) {
  auto workflow = compile_workflow(path, options);
  if (!workflow) {
    std::cerr << workflow.error();
    return std::nullopt;
  }
  std::cerr << workflow->warnings();
  warnings += workflow->warnings().size();
  return std::move(*workflow);
}

void warn_if_untranslated(const WorkflowDefinition& definition, const std::string& language) {
  if (language.empty() || definition.title.has(language)) return;
  const auto& translations = definition.title.translations();
  const std::string shown = !definition.default_language.empty() ? definition.default_language
                            : translations.empty()               ? std::string()
                                                                 : translations.front().first;
  std::cerr << "warning: '" << definition.id << "' has no texts in '" << language << "'; shown "
            << (shown.empty() ? std::string("as written") : "in '" + shown + "'") << " instead\n";
}

std::optional<boost::json::value> read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": error: cannot read the file\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const Source source(path, std::move(text).str());
  auto data = parse_json(source);
  if (!data) {
    std::cerr << data.error() << '\n';
    return std::nullopt;
  }
  return std::move(*data);
}

}  // namespace ablauf::cli
