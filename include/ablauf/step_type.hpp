/// @file
/// Step types: the names a definition's "type" may take, and the parameters each one takes.
///
/// Each step type declares its parameters (name, JSON type, required), so a misspelt or
/// missing parameter fails when the definition loads, not at 3 a.m. when the step runs. The
/// built-in types (fill_checklist, send_email, create_task, save_record, update_record and the
/// control steps decision, parallel, join, wait, call, end) are in StepTypeRegistry::builtin(),
/// each declared and run by one file of the library's src/steps/; a host that adds its own step
/// type copies that registry and adds a StepTypeSpec to it, with the adapter that runs its steps
/// (or reads the types from a manifest: step_type_manifest.hpp).
///
/// Thread-safety: a registry is read-only once built; reading it from several threads is safe.
#pragma once

#include <ablauf/data_schema.hpp>
#include <ablauf/error.hpp>
#include <ablauf/localized_text.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

struct StepDefinition;
class Adapter;

namespace detail {
class StepBehavior;
}

/// The JSON a parameter accepts.
enum class ParameterType {
  any,         ///< any JSON value (strings in it are Mustache templates)
  string,      ///< a string (for actions: a Mustache template)
  text,        ///< a string, or an object of language codes to strings
  recipients,  ///< a string, or an array of strings
  strings,     ///< an array of strings
  boolean,     ///< true or false
  integer,     ///< a whole number >= 0
  number,      ///< any JSON number
  object,      ///< any object (record fields, call input)
  duration,    ///< ISO 8601 string or seconds
  expression,  ///< a non-empty string in the expression language
  step_id,     ///< an identifier naming a step of the same definition
  step_ids,    ///< an array of such identifiers
  items,       ///< checklist items (fill_checklist)
  sections,    ///< checklist sections (fill_checklist)
};

/// What a value of the type is, for messages: "a string or an array of strings".
std::string_view to_string(ParameterType type) noexcept;

/// One parameter of a step type. Parameters that hold a value for the step's action (all types
/// but expression, step_id, step_ids, items, sections, and strings with allowed_values) may also
/// be computed with `{"=": …}`.
struct ParameterSpec {
  std::string name;                         ///< its key in the step object
  ParameterType type = ParameterType::any;  ///< the JSON it accepts
  bool required = false;                    ///< whether every step of the type must give it
  std::vector<std::string> allowed_values;  ///< for strings: the values permitted; empty: any
  /// What the step's action gets for the parameter when a step leaves it out (as written, never
  /// a template); none: it gets nothing. Only for parameters that are not required.
  std::optional<boost::json::value> default_value;
};

/// Whether a step of some type may, must or must not have "next". `transitions`: it must, as
/// an array of transitions (a decision that always goes one way is no decision).
enum class NextRule {
  optional,     ///< may have "next"; without it the step is final
  required,     ///< must have "next"
  transitions,  ///< must have "next", as an array of transitions
  forbidden     ///< may not have "next" (parallel, end)
};

/// How DOT and Mermaid draw the steps of a type.
enum class StepShape {
  action,      ///< a rounded box: a step that does something (the default)
  form,        ///< a note: a checklist people fill in
  decision,    ///< a diamond: the token takes one of several ways
  gateway,     ///< a gateway: branches part (parallel) or meet (join)
  timer,       ///< an ellipse: the token waits for time or an event
  terminal,    ///< a double oval: the instance ends
  record,      ///< a cylinder: a record is written
  subprocess,  ///< a component: another workflow runs
};

/// A step type: its name, the parameters it takes, how its steps join the graph, and what runs
/// them. A host declares its own type in one object, with the adapter that runs its steps:
///
///     registry.add({.name = "check_credit",
///                   .parameters = {{.name = "customer", .type = ParameterType::string,
///                                   .required = true}},
///                   .adapter = std::make_shared<CheckCredit>(agency)});
///
/// or declares it in a manifest (step_type_manifest.hpp) and registers the adapter with
/// Engine::register_adapter(). Either way Engine::deploy() refuses a workflow with a step whose
/// type has no adapter.
struct StepTypeSpec {
  std::string name;  ///< lowercase identifier, e.g. "send_email"
  /// What people call it, for editors, the schema and drawings; may be empty.
  LocalizedText title;
  /// The parameters its steps take, besides the fields every step has (id, type, title,
  /// description, next, retry, timeout, on_timeout, on_error, assign); no parameter may take
  /// one of those names.
  std::vector<ParameterSpec> parameters;
  /// Groups of parameters of which a step gives exactly one (a wait step: duration, until or
  /// event).
  std::vector<std::vector<std::string>> exactly_one_of;
  NextRule next = NextRule::optional;  ///< whether its steps may, must or must not have "next"
  /// Whether a token stays at the step until a person, a signal or time moves it on. Loops
  /// must pass through such a step, or they would spin. Null: the step never waits.
  std::function<bool(const StepDefinition&)> waits;
  /// What a step of the type publishes as its output when it completes (what expressions read
  /// at steps.ID.output), as a JSON Schema (data_schema.hpp). Paths into it are checked when a
  /// definition loads: reading field "scoer" of an output that declares "score" is an unknown
  /// field, with a suggestion, and ordering "score" against a string is a type mismatch. None:
  /// the output is undeclared, and paths into it read any value. The engine does not check
  /// what an adapter returns against it.
  std::optional<DataSchema> output;
  /// How DOT and Mermaid draw its steps.
  StepShape shape = StepShape::action;
  /// Whether a step of the type ends the instance (end). A parallel branch that fails or times
  /// out into such a step ends the instance on purpose, so it need not reach its join.
  bool ends_instance = false;
  /// Whether steps of the type are where a parallel step's branches meet (join): a parallel
  /// step's "join" must name one.
  bool gathers_branches = false;
  /// What runs the steps of a host's type, shared by every workflow compiled with the registry.
  /// Null for the built-in types (the library runs them), and for a type whose adapter is
  /// registered with the engine instead (Engine::register_adapter(), which takes precedence).
  std::shared_ptr<Adapter> adapter;
  /// Internal: how the library runs the steps of a built-in type; set only in
  /// StepTypeRegistry::builtin(). A host's type leaves it null, and its steps run through its
  /// adapter (registered with the engine, or `adapter` above).
  const detail::StepBehavior* behavior = nullptr;

  /// The parameter named `wanted`, or null.
  const ParameterSpec* find_parameter(std::string_view wanted) const noexcept;
};

/// The step types a definition may use, by name. LoadOptions::step_types and
/// Workflow::compile() take one; null there means builtin().
class StepTypeRegistry {
 public:
  /// An empty registry.
  StepTypeRegistry() = default;

  /// The built-in step types. Lives for the whole program.
  static const StepTypeRegistry& builtin();

  /// Adds a step type. Fails when the name is taken, is not a lowercase identifier, or names a
  /// parameter twice.
  tl::expected<void, Error> add(StepTypeSpec spec);

  /// The type of this name, or null.
  const StepTypeSpec* find(std::string_view name) const noexcept;

  /// Every name, sorted.
  std::vector<std::string_view> names() const;

 private:
  std::map<std::string, StepTypeSpec, std::less<>> types_;
};

}  // namespace ablauf
