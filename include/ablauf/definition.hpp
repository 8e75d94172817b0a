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

#include <ablauf/business_calendar.hpp>
#include <ablauf/data_schema.hpp>
#include <ablauf/document_number.hpp>
#include <ablauf/duration.hpp>
#include <ablauf/dynamic_value.hpp>
#include <ablauf/error.hpp>
#include <ablauf/expression.hpp>
#include <ablauf/json.hpp>
#include <ablauf/localized_text.hpp>
#include <ablauf/priority.hpp>
#include <ablauf/schedule.hpp>
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

/// What a definition document describes: its "kind".
enum class DefinitionKind {
  workflow,  ///< steps and their transitions
  checklist  ///< sections of items, run in order as one fill_checklist step each
};

/// What a checklist item asks for; check_answer() (answer.hpp) says what each accepts.
enum class ItemKind {
  checkbox,      ///< ticked or not
  text,          ///< free text, optionally bounded in length and matched against a pattern
  number,        ///< a number, optionally within a range and with a unit
  date,          ///< a calendar day
  choice,        ///< one of the options
  multi_choice,  ///< some of the options
  signature,     ///< a sign-off over the answers before it, given with Engine::sign()
  time,          ///< a time of day, as a clock shows it: "14:05"
  datetime,      ///< an instant with the UTC offset it was noted in: "2026-12-07T14:05:00+01:00"
  rating,        ///< a whole number on a scale, `min` (default 1) to `max` (default 5)
  location,      ///< where on earth: {"latitude", "longitude", "accuracy" in metres}
  file,          ///< documents kept in a BlobStore, answered by their SHA-256 (FileReference)
  photo,         ///< pictures (JPEG or PNG unless `media_types` says otherwise), as `file`
  group          ///< items answered together: once (an object), or once per row with `repeat`
};

/// Whether items of `kind` are answered with files (file, photo): FileReference objects in an
/// array.
constexpr bool takes_files(ItemKind kind) noexcept {
  return kind == ItemKind::file || kind == ItemKind::photo;
}

/// The kind's name as written in a definition: "workflow" or "checklist".
std::string_view to_string(DefinitionKind kind) noexcept;
/// The kind's name as written in a definition, e.g. "multi_choice".
std::string_view to_string(ItemKind kind) noexcept;

/// One option of a choice or multi_choice item.
struct ChoiceOption {
  std::string value;            ///< what an answer holds; unique within the item
  LocalizedText label;          ///< the value itself when none is given
  std::optional<double> score;  ///< the points choosing it gives (score_checklist()); none: 0
  bool flag = false;            ///< whether choosing it is an answer that needs attention
};

/// The task an item raises when its answer fails or is flagged (ItemDefinition::on_fail,
/// on_flag): a corrective action, with an owner, a due date and a status of its own
/// (docs/format.md, "Corrective actions"). The engine raises it once per visit of the step, in
/// the same transaction as the answer, and keeps the instance from ending until it is closed.
struct CorrectiveAction {
  LocalizedText title;   ///< what is to be done
  std::string assignee;  ///< who does it: a person's or a role's name
  /// How long after it is raised, or after the answer to `due_item`, it is due; none (and no
  /// `due_item`): it has no due date.
  std::optional<Duration> due;
  /// A date or datetime item of the same step whose answer the due date counts from (a date
  /// from 00:00 UTC of its day); "": from when the action is raised. Unanswered: no due date.
  std::string due_item;
  Priority priority = Priority::normal;  ///< how urgent it is
  /// Who verifies it once it is done, a role or a person, and not whoever did it; "": done
  /// closes it.
  std::string verify_by;
  /// Whether the step's signatures may be given while it is open; false keeps a sign-off back
  /// until it is closed.
  bool sign_while_open = true;
  std::string pointer;  ///< of the action in its document
};

/// One item of a checklist: a question or instruction and the answer it takes.
struct ItemDefinition {
  std::string id;                      ///< unique among the items of its step
  LocalizedText label;                 ///< the question or instruction
  LocalizedText description;           ///< help shown under the label; may be empty
  ItemKind kind = ItemKind::checkbox;  ///< what kind of answer it takes
  /// Whether the item must be answered (a checkbox: ticked) before its step completes; holds
  /// only while the item is visible.
  bool required = true;
  /// Whether "not applicable" may be answered ({"not_applicable": true}, not_applicable_answer());
  /// it answers the item, a required one too. Never for a signature.
  bool not_applicable = false;
  std::vector<ChoiceOption> options;  ///< choice and multi_choice only
  /// number: value; text: length; multi_choice: count; rating: the scale's ends (1 to 5 unless
  /// given, always set for a rating once loaded)
  std::optional<double> min;
  std::optional<double> max;  ///< upper bound, as for min; both are inclusive
  LocalizedText unit;         ///< number only
  LocalizedText low_label;    ///< rating only: what its lowest value means ("hard"); may be empty
  LocalizedText high_label;   ///< rating only: what its highest value means ("easy"); may be empty
  std::string pattern;        ///< text only; "" when none (checked to be a valid pattern)
  /// file and photo: the media types accepted, each "type/subtype" or "type/*"; empty: any (a
  /// photo's are image/jpeg and image/png once loaded, unless given)
  std::vector<std::string> media_types;
  std::uint32_t max_files = 1;                 ///< file and photo: how many files at most, 1–100
  std::uint64_t max_bytes = 10 * 1024 * 1024;  ///< file and photo: the largest file, in bytes
  /// The most `max_bytes` may be: 1 GiB. A file is kept and read whole, in memory.
  static constexpr std::uint64_t largest_max_bytes = std::uint64_t{1} << 30;
  /// group: its items, answered together as an object of their answers by id; none of them a
  /// group, a signature, a file or a photo, nor with `visible_if` or `roles` of its own
  std::vector<ItemDefinition> items;
  /// group: whether it is answered once per row (an array of such objects: invoice lines,
  /// meter readings), rather than once
  bool repeat = false;
  std::uint32_t min_rows = 0;    ///< a repeating group: the fewest rows (1 when required)
  std::uint32_t max_rows = 100;  ///< a repeating group: the most rows, at most 1,000
  /// Scoring (checklist_score.hpp): what the item's points count for against the others', >= 0.
  double weight = 1;
  /// A checkbox scores 1 when ticked, a rating its steps above `min`: whether this one scores.
  bool scored = false;
  /// Points computed from the answer (read as `answer`), for any kind; needs max_score.
  std::optional<Expression> score;
  /// The most points `score` gives; the points it computes are taken within 0..max_score.
  std::optional<double> max_score;
  /// Whether an answer needs attention, computed from it (read as `answer`): a flag.
  std::optional<Expression> flag;
  /// The corrective action a failing answer raises: one that scores no points where it could
  /// score some. Only for an item that scores.
  std::optional<CorrectiveAction> on_fail;
  /// The corrective action a flagged answer raises. Only for an item that can be flagged.
  std::optional<CorrectiveAction> on_flag;
  std::optional<Expression> visible_if;  ///< none: always visible
  /// Who may answer it (a signature: who may sign), each a person's or a role's name; empty: as
  /// its section says. ablauf::http enforces it; the engine records whoever a host names.
  std::vector<std::string> roles;
  std::string pointer;  ///< of the item in its document
};

/// A corrective action raised by a rule over the checklist's answers rather than by one item's
/// (a section's, or a step's, `actions`): raised once per visit when `when` holds after answers
/// are recorded. Its task names the rule's id where an item's names the item.
struct ActionRule {
  std::string id;           ///< unique among the items and rules of its step
  Expression when;          ///< a condition over the instance data, as visible_if is
  CorrectiveAction action;  ///< what it raises
  std::string pointer;      ///< of the rule in its document
};

/// A titled group of checklist items.
struct SectionDefinition {
  std::string id;       ///< "" for the one untitled section of a step that lists its items directly
  LocalizedText title;  ///< may be empty
  LocalizedText description;          ///< may be empty
  std::vector<ItemDefinition> items;  ///< in the order written
  /// Who may answer its items, as ItemDefinition::roles; empty: the step's `assignee`, or
  /// anyone.
  std::vector<std::string> roles;
  /// The least score, as a percentage 0–100, its items must reach; below it the section fails,
  /// and so does its step's checklist. None: it cannot fail.
  std::optional<double> pass_mark;
  /// The corrective actions raised by rules over its answers (its `actions`; a step's go with
  /// its first section), in the order written.
  std::vector<ActionRule> action_rules;
  std::string pointer;  ///< of the section in its document
};

/// The form of a fill_checklist step. Items given directly form one untitled section.
struct ChecklistDefinition {
  std::vector<SectionDefinition> sections;  ///< in the order written
  /// The least overall score, as a percentage 0–100 (the step's `pass_mark`); none: only a
  /// failed section fails it.
  std::optional<double> pass_mark;
};

/// One way on from a step: taken when its condition holds (or always, without one).
struct Transition {
  std::optional<Expression> when;  ///< none: the default transition
  std::string to;                  ///< step id
  LocalizedText label;  ///< shown on the edge in exports; empty: exports show the condition
  std::string pointer;  ///< of the target step id in the document
};

/// How often a failed step is tried again, and how long the engine waits in between: the n-th
/// retry comes `initial_interval × backoff^(n−1)` after the failure, capped at `max_interval`.
struct RetryPolicy {
  /// Attempts in all, the first included: 1 means no retry.
  std::uint32_t max_attempts = 1;
  Duration initial_interval{.time = std::chrono::seconds(1)};  ///< before the first retry
  double backoff = 2.0;  ///< factor the interval grows by after each retry, 1 to 100
  Duration max_interval{.time = std::chrono::hours(1)};  ///< the longest wait between attempts
  /// Whether each wait is drawn from the second half of its interval (reproducibly, from the
  /// instance, step and attempt), so that instances that failed together do not return at once.
  bool jitter = true;
};

/// One step of a workflow: its type, its parameters and where it leads.
struct StepDefinition {
  std::string id;                ///< unique within the definition; expressions read `steps.<id>`
  std::string type;              ///< the step type's name, e.g. "send_email" (see step_type.hpp)
  LocalizedText title;           ///< may be empty
  LocalizedText description;     ///< may be empty
  std::vector<Transition> next;  ///< empty: the step is final
  std::optional<RetryPolicy> retry;  ///< none: a failed step is not tried again
  /// How long the step may take (for a waiting step: how long it waits); none: no limit.
  std::optional<Duration> timeout;
  std::string on_timeout;  ///< step id; "" when none
  std::string on_error;    ///< step id; "" when none
  /// Values put into `vars.<name>` when the step completes, before its transitions are tried.
  std::vector<std::pair<std::string, Expression>> assign;

  /// The parameters of the step's type, as written.
  boost::json::object parameters;
  /// Compiled forms: every parameter that takes a value (strings are templates, {"=": …} is
  /// computed) or names a fixed choice (a string with allowed values, as written), plus the
  /// step's "title" and "description", which are templates too. What an adapter gets as
  /// StepContext::parameters is these, rendered.
  std::map<std::string, DynamicValue, std::less<>> values;
  /// The parameters that are expressions (wait's "until" and "correlation"), by name.
  std::map<std::string, Expression, std::less<>> expressions;
  /// Typed views of parameters the graph needs, filled for the built-in types.
  std::optional<ChecklistDefinition> checklist;  ///< fill_checklist
  std::vector<std::string> branches;             ///< parallel
  std::string join;                              ///< parallel: the id of its join step

  std::string pointer;  ///< of the step in its document, e.g. "/steps/3"
};

/// A whole definition as loaded, checked field by field; Workflow::compile() checks its graph.
struct WorkflowDefinition {
  std::string id;             ///< the definition's name; `call` steps and the engine use it
  std::uint32_t version = 1;  ///< >= 1; instances stay on the version they started with
  DefinitionKind kind = DefinitionKind::workflow;  ///< for a checklist, steps come from sections
  LocalizedText title;                             ///< what people see
  LocalizedText description;                       ///< may be empty
  std::string default_language;                    ///< "" when the definition names none
  /// The IANA time zone its people work in ("Europe/Berlin"): mails and tasks show date-times
  /// in it (`{{sent | datetime}}`). "" when the definition names none: UTC.
  std::string time_zone;
  /// Which days are business days, for durations such as "P10BD": its "calendar" (a region's
  /// holidays and closed days); Monday to Friday when it names none. Counted in time_zone.
  BusinessCalendar calendar;
  std::string start;  ///< step id
  /// How each instance is numbered, "ACC-{year}-{seq:05}"; none: instances have no document
  /// number. The engine takes the counter from its store when it starts an instance.
  std::optional<DocumentNumberFormat> document_number;
  /// When the engine starts instances by itself, each schedule with the input it gives them
  /// (schedule.hpp); ids unique. Those of a workflow's newest deployed version run.
  std::vector<ScheduleDefinition> schedules;
  /// The input an instance takes, as its "input" declares it; none: any object. Engine::start
  /// and call steps refuse input that does not fit.
  std::optional<DataSchema> input;
  /// What an instance hands back when it completes, as its "output" declares it: its `vars`,
  /// which a `call` step's output carries to the caller. None: undeclared. The engine fails an
  /// instance whose vars do not fit when it completes, and the loader types `vars.…` by it.
  std::optional<DataSchema> output;
  std::vector<StepDefinition> steps;  ///< in the order written, which gives each its StepIndex
  boost::json::object metadata;       ///< free-form data for the host; the engine never reads it

  /// The document it was loaded from, to locate later findings; null when built in code.
  std::shared_ptr<const Source> source;
  /// Findings that do not stop the definition from loading.
  Diagnostics warnings;

  /// The step with this id, or null.
  const StepDefinition* find_step(std::string_view id) const noexcept;
};

/// Limits and knobs of the loader. Every limit has a default suited to hand-written
/// definitions; docs/limits.md lists them. Every limit must be at least 1 (and the timer
/// horizon positive); depths must stay within their ceilings (JsonLimits::max_depth_ceiling,
/// LoadOptions::max_expression_depth_ceiling, LoadOptions::max_template_nesting_ceiling), since
/// each level costs stack. load_definition() refuses other values with ErrorCode::invalid_value.
struct LoadOptions {
  JsonLimits json;  ///< size, depth and string length of the document
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
  TemplateLimits templates;  ///< limits of its templates (step titles, descriptions, parameters)

  /// Most findings (errors and warnings) kept, the earliest in the document; the rest are
  /// counted (Diagnostics::omitted()), so a document with a great many problems is reported
  /// in time and memory bounded by this, not by its problems.
  std::size_t max_errors = 1'000;

  /// Requires what a definition may leave undeclared: its `input` (docs/format.md, "Declared
  /// input"). A definition without is refused with a missing_field error; by default it takes
  /// any input. `ablauf validate --strict` sets it.
  bool strict = false;

  /// The highest expressions.max_depth accepted: parsing and evaluating recurse per level.
  static constexpr std::size_t max_expression_depth_ceiling = 1'000;
  /// The highest templates.max_nesting and templates.max_partial_depth accepted.
  static constexpr std::size_t max_template_nesting_ceiling = 1'000;
};

/// Why `options` cannot be used, naming the field ("LoadOptions::max_steps must be between 1
/// and …, not 0"), or "" when every limit lies within its range.
std::string check_load_options(const LoadOptions& options);

/// Loads a definition from its text. `source_name` names it in diagnostics (usually a path).
tl::expected<WorkflowDefinition, Diagnostics> load_definition(std::string text,
                                                              std::string source_name,
                                                              const LoadOptions& options = {});

/// Loads a definition from a file.
tl::expected<WorkflowDefinition, Diagnostics> load_definition_file(
    const std::filesystem::path& path, const LoadOptions& options = {});

}  // namespace ablauf
