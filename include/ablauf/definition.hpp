/// @file
/// Definitions: what authors write, read into plain structs.
///
/// A definition is a JSON document (docs/format.md) describing a workflow or a checklist.
/// load_definition() parses and checks it field by field, reporting every problem in one pass
/// with its line, column and JSON pointer; the result is a WorkflowDefinition, a plain value
/// that compile() (workflow.hpp) turns into an executable graph. A checklist document loads
/// as a workflow too: one fill_checklist step per section.
///
/// Thread-safety: plain values; load_definition() may run concurrently with itself.
#pragma once

#include <ablauf/duration.hpp>
#include <ablauf/dynamic_value.hpp>
#include <ablauf/error.hpp>
#include <ablauf/expression.hpp>
#include <ablauf/json.hpp>
#include <ablauf/localized_text.hpp>
#include <ablauf/source.hpp>

#include <boost/json/object.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

class StepTypeRegistry;

enum class DefinitionKind { workflow, checklist };

enum class ItemKind { checkbox, text, number, date, choice, multi_choice, signature };

std::string_view to_string(DefinitionKind kind) noexcept;
std::string_view to_string(ItemKind kind) noexcept;

struct ChoiceOption {
  std::string value;
  LocalizedText label;  ///< the value itself when none is given
};

struct ItemDefinition {
  std::string id;
  LocalizedText label;
  LocalizedText description;
  ItemKind kind = ItemKind::checkbox;
  bool required = true;
  std::vector<ChoiceOption> options;  ///< choice and multi_choice only
  std::optional<double> min;          ///< number: value; text: length; multi_choice: count
  std::optional<double> max;
  LocalizedText unit;                    ///< number only
  std::string pattern;                   ///< text only; "" when none (checked to be a valid pattern)
  std::optional<Expression> visible_if;  ///< none: always visible
  std::string pointer;                   ///< of the item in its document
};

struct SectionDefinition {
  std::string id;
  LocalizedText title;
  LocalizedText description;
  std::vector<ItemDefinition> items;
  std::string pointer;
};

/// The form of a fill_checklist step. Items given directly form one untitled section.
struct ChecklistDefinition {
  std::vector<SectionDefinition> sections;
};

struct Transition {
  std::optional<Expression> when;  ///< none: the default transition
  std::string to;                  ///< step id
  LocalizedText label;
  std::string pointer;  ///< of the target step id in the document
};

struct RetryPolicy {
  std::uint32_t max_attempts = 1;
  Duration initial_interval{.time = std::chrono::seconds(1)};
  double backoff = 2.0;
  Duration max_interval{.time = std::chrono::hours(1)};
  bool jitter = true;
};

struct StepDefinition {
  std::string id;
  std::string type;
  LocalizedText title;
  LocalizedText description;
  std::vector<Transition> next;  ///< empty: the step is final
  std::optional<RetryPolicy> retry;
  std::optional<Duration> timeout;
  std::string on_timeout;  ///< step id; "" when none
  std::string on_error;    ///< step id; "" when none
  /// Values put into vars.<name> when the step completes, before its transitions are tried.
  std::vector<std::pair<std::string, Expression>> assign;

  /// The parameters of the step's type, as written.
  boost::json::object parameters;
  /// Compiled forms: every parameter that takes a value (strings are templates, {"=": …} is
  /// computed), plus the step's "title" and "description", which are templates too; and the
  /// parameters that are expressions (wait's "until" and "correlation").
  std::map<std::string, DynamicValue, std::less<>> values;
  std::map<std::string, Expression, std::less<>> expressions;
  /// Typed views of parameters the graph needs, filled for the built-in types.
  std::optional<ChecklistDefinition> checklist;  ///< fill_checklist
  std::vector<std::string> branches;             ///< parallel
  std::string join;                              ///< parallel: the id of its join step

  std::string pointer;  ///< of the step in its document, e.g. "/steps/3"
};

struct WorkflowDefinition {
  std::string id;
  std::uint32_t version = 1;
  DefinitionKind kind = DefinitionKind::workflow;
  LocalizedText title;
  LocalizedText description;
  std::string default_language;  ///< "" when the definition names none
  std::string start;             ///< step id
  std::vector<StepDefinition> steps;
  boost::json::object metadata;

  /// The document it was loaded from, to locate later findings; null when built in code.
  std::shared_ptr<const Source> source;
  /// Findings that do not stop the definition from loading.
  Diagnostics warnings;

  /// The step with this id, or null.
  const StepDefinition* find_step(std::string_view id) const noexcept;
};

/// Limits and knobs of the loader. Every limit has a default suited to hand-written
/// definitions; docs/limits.md lists them.
struct LoadOptions {
  JsonLimits json;
  /// Most steps in one definition (for a checklist: sections).
  std::size_t max_steps = 10'000;
  /// Longest id: of the definition, its steps, sections and items.
  std::size_t max_identifier_length = 64;
  /// Most transitions in one step's 'next'.
  std::size_t max_transitions = 1'000;
  /// Most branches of one parallel step.
  std::size_t max_parallel_branches = 100;
  /// Highest 'max_attempts' of a step's retry policy.
  std::uint32_t max_retry_attempts = 1'000;
  /// Longest duration a definition gives a timer (a wait, timeout, retry interval or task due
  /// date), as Duration::longest() measures it. About ten years.
  std::chrono::milliseconds max_timer_horizon = std::chrono::days(3'660);
  /// The step types a definition may use and the parameters each takes; null means the
  /// built-in types (StepTypeRegistry::builtin()).
  const StepTypeRegistry* step_types = nullptr;
  /// Limits of the expressions and templates in it.
  ExpressionLimits expressions;
  TemplateLimits templates;
};

/// Loads a definition from its text. `source_name` names it in diagnostics (usually a path).
tl::expected<WorkflowDefinition, Diagnostics> load_definition(std::string text,
                                                              std::string source_name,
                                                              const LoadOptions& options = {});

/// Loads a definition from a file.
tl::expected<WorkflowDefinition, Diagnostics> load_definition_file(
    const std::filesystem::path& path, const LoadOptions& options = {});

}  // namespace ablauf
