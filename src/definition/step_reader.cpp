#include "definition/definition_parts.hpp"
#include "definition/expression_reader.hpp"
#include "identifier.hpp"
#include "steps/task_follow_ups.hpp"
#include "suggest.hpp"

#include "ablauf/step_type.hpp"

namespace ablauf::detail {
namespace {

// "a wait step", "an end step".
std::string a_step(std::string_view type) {
  const bool vowel =
      !type.empty() && std::string_view("aeiou").find(type[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(type) + " step";
}

std::vector<Transition> read_next(DefinitionReader& reader, const boost::json::value& value,
                                  const std::string& pointer) {
  std::vector<Transition> out;
  if (value.is_string()) {
    if (auto to = read_identifier(reader, value, pointer, "next"))
      out.push_back({.when = {}, .to = std::move(*to), .label = {}, .pointer = pointer});
    return out;
  }
  if (!value.is_array()) {
    reader.error(ErrorCode::wrong_type, pointer,
                 "'next' must be a step id or an array of {\"when\", \"to\"} transitions, not " +
                     std::string(describe(value)));
    return out;
  }
  const auto& array = value.get_array();
  if (array.empty()) {
    reader.error(ErrorCode::invalid_value, pointer,
                 "'next' is empty; leave it out to make the step final");
    return out;
  }
  if (const auto most = reader.options().max_transitions; array.size() > most) {
    reader.error(ErrorCode::too_many_transitions, pointer,
                 "'next' has " + std::to_string(array.size()) +
                     " transitions, more than the limit of " + std::to_string(most) +
                     " (max_transitions)");
    return out;
  }
  std::string default_pointer;  // of the first transition without "when"
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string transition_ptr = element_pointer(pointer, i);
    if (!array[i].is_object()) {
      reader.error(ErrorCode::wrong_type, transition_ptr,
                   "a transition must be an object like {\"when\": \"…\", \"to\": \"step\"}, not " +
                       std::string(describe(array[i])));
      continue;
    }
    Fields fields(reader, array[i].get_object(), transition_ptr, {"when", "to", "label"},
                  "a transition");
    Transition transition;
    transition.pointer = fields.pointer_of("to");
    auto when = fields.expression("when");
    auto to = fields.identifier("to", Fields::required);
    if (auto label = fields.text("label")) transition.label = std::move(*label);
    fields.check_unknown();
    if (!default_pointer.empty()) {
      reader.error(ErrorCode::unreachable_transition, transition_ptr,
                   "this transition is never taken: the one before it at " +
                       reader.line_of(default_pointer) + " has no 'when' and always applies");
    } else if (!fields.has("when")) {
      default_pointer = transition_ptr;
    }
    if (!to) continue;
    transition.when = std::move(when);
    transition.to = std::move(*to);
    out.push_back(std::move(transition));
  }
  return out;
}

std::optional<RetryPolicy> read_retry(DefinitionReader& reader, Fields& step) {
  const auto* object = step.object("retry");
  if (!object) return std::nullopt;
  Fields fields(reader, *object, step.pointer_of("retry"),
                {"max_attempts", "initial_interval", "backoff", "max_interval", "jitter"},
                "'retry'");
  RetryPolicy retry;
  if (auto n = fields.integer("max_attempts", 1, std::numeric_limits<std::int32_t>::max())) {
    if (const auto most = reader.options().max_retry_attempts; *n > most)
      reader.error(ErrorCode::too_many_retries, fields.pointer_of("max_attempts"),
                   "'max_attempts' is " + std::to_string(*n) + ", more than the limit of " +
                       std::to_string(most) + " (max_retry_attempts)");
    else
      retry.max_attempts = static_cast<std::uint32_t>(*n);
  }
  // Backoff multiplies an exact length; a month has none.
  const auto exact_interval = [&](const char* name) -> std::optional<Duration> {
    auto d = fields.duration(name);
    if (d && d->is_calendar()) {
      reader.error(ErrorCode::invalid_duration, fields.pointer_of(name),
                   "'" + std::string(name) +
                       "' must be an exact length (days, hours, minutes, seconds), not years, "
                       "months or business days");
      return std::nullopt;
    }
    return d;
  };
  if (auto d = exact_interval("initial_interval")) retry.initial_interval = *d;
  if (auto d = exact_interval("max_interval")) retry.max_interval = *d;
  if (auto backoff = fields.number("backoff")) {
    if (*backoff < 1 || *backoff > 100)
      reader.error(ErrorCode::invalid_value, fields.pointer_of("backoff"),
                   "'backoff' multiplies the interval after each attempt and must be between 1 "
                   "and 100");
    else
      retry.backoff = *backoff;
  }
  if (auto jitter = fields.boolean("jitter")) retry.jitter = *jitter;
  fields.check_unknown();
  return retry;
}

void read_step_ids(DefinitionReader& reader, const boost::json::value& value,
                   const std::string& pointer, std::string_view name,
                   std::vector<std::string>& out) {
  if (!value.is_array()) {
    reader.error(ErrorCode::wrong_type, pointer,
                 "'" + std::string(name) + "' must be an array of step ids, not " +
                     std::string(describe(value)));
    return;
  }
  for (std::size_t i = 0; i < value.get_array().size(); ++i) {
    if (auto id = read_identifier(reader, value.get_array()[i], element_pointer(pointer, i), name))
      out.push_back(std::move(*id));
  }
}

// Parameters that hold a value for the step's action, rather than shaping the graph or naming
// a fixed choice: they may be computed ({"=": …}), and those holding text are templates.
bool takes_value(const ParameterSpec& spec) noexcept {
  using T = ParameterType;
  switch (spec.type) {
    case T::string: return spec.allowed_values.empty();
    case T::any:
    case T::text:
    case T::recipients:
    case T::strings:
    case T::boolean:
    case T::integer:
    case T::number:
    case T::object:
    case T::duration: return true;
    default: return false;
  }
}

bool strings_are_templates(const ParameterSpec& spec) noexcept {
  using T = ParameterType;
  return spec.type == T::any || spec.type == T::string || spec.type == T::text ||
         spec.type == T::recipients || spec.type == T::strings || spec.type == T::object;
}

// Checks one parameter against its spec; fills the typed views of the built-in types.
void read_parameter(DefinitionReader& reader, Fields& fields, const ParameterSpec& spec,
                    StepDefinition& step, IdScope& item_ids) {
  const auto* value = fields.value(spec.name, spec.required ? Fields::required : Fields::optional);
  const std::string pointer = fields.pointer_of(spec.name);
  if (!value) {
    // Left out: the action gets the type's default, as declared (no template, nothing computed).
    if (spec.default_value)
      step.values.emplace(spec.name, DynamicValue::constant(*spec.default_value));
    return;
  }
  const auto wrong = [&] {
    reader.error(ErrorCode::wrong_type, pointer,
                 "'" + spec.name + "' must be " + std::string(to_string(spec.type)) + ", not " +
                     std::string(describe(*value)));
  };
  using T = ParameterType;
  if (takes_value(spec) && is_computed(*value)) {
    // {"=": …}: typed by the expression, checked when it runs.
    if (auto computed = read_dynamic_value(reader, *value, pointer))
      step.values.emplace(spec.name, std::move(*computed));
    step.parameters.emplace(spec.name, *value);
    return;
  }
  switch (spec.type) {
    case T::any: break;
    case T::string:
      if (!value->is_string()) return wrong();
      if (!spec.allowed_values.empty()) {
        const std::string_view s = value->get_string();
        std::vector<std::string_view> allowed(spec.allowed_values.begin(),
                                              spec.allowed_values.end());
        if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
          std::string message = "'" + std::string(s) + "' is not a value of '" + spec.name + "'" +
                                did_you_mean_or_list(s, allowed, "allowed");
          reader.error(ErrorCode::invalid_value, pointer, std::move(message));
        }
      }
      break;
    case T::text: (void)read_text(reader, *value, pointer, spec.name); break;
    case T::recipients:
      if (value->is_array()) {
        const auto& array = value->get_array();
        if (array.empty())
          reader.error(ErrorCode::invalid_value, pointer, "'" + spec.name + "' is empty");
        for (std::size_t i = 0; i < array.size(); ++i)
          if (!array[i].is_string())
            reader.error(ErrorCode::wrong_type, element_pointer(pointer, i),
                         "each entry of '" + spec.name + "' must be a string, not " +
                             std::string(describe(array[i])));
      } else if (!value->is_string()) {
        return wrong();
      }
      break;
    case T::strings:
      if (!value->is_array()) return wrong();
      for (std::size_t i = 0; i < value->get_array().size(); ++i)
        if (!value->get_array()[i].is_string())
          reader.error(ErrorCode::wrong_type, element_pointer(pointer, i),
                       "each entry of '" + spec.name + "' must be a string, not " +
                           std::string(describe(value->get_array()[i])));
      break;
    case T::boolean:
      if (!value->is_bool()) return wrong();
      break;
    case T::integer:
      (void)fields.integer(spec.name, 0, std::numeric_limits<std::int32_t>::max());
      break;
    case T::number:
      if (!value->is_number()) return wrong();
      break;
    case T::object:
      if (!value->is_object()) return wrong();
      break;
    case T::duration: (void)read_duration(reader, *value, pointer); break;
    case T::expression:
      if (auto expression = fields.expression(spec.name))
        step.expressions.emplace(spec.name, std::move(*expression));
      break;
    case T::step_id:
      if (auto id = read_identifier(reader, *value, pointer, spec.name))
        if (spec.name == "join") step.join = std::move(*id);
      break;
    case T::step_ids: {
      std::vector<std::string> ids;
      read_step_ids(reader, *value, pointer, spec.name, ids);
      if (spec.name == "branches") {
        const auto most = reader.options().max_parallel_branches;
        if (value->is_array() && value->get_array().size() < 2)
          reader.error(ErrorCode::invalid_value, pointer,
                       "a parallel step needs at least two branches");
        else if (value->is_array() && value->get_array().size() > most)
          reader.error(ErrorCode::too_many_branches, pointer,
                       "the parallel step has " + std::to_string(value->get_array().size()) +
                           " branches, more than the limit of " + std::to_string(most) +
                           " (max_parallel_branches)");
        step.branches = std::move(ids);
      }
      break;
    }
    case T::items:
      if (!value->is_array()) return wrong();
      step.checklist.emplace().sections.push_back(
          {.id = {},
           .title = {},
           .description = {},
           .items = read_items(reader, value->get_array(), pointer, item_ids),
           .pointer = pointer});
      break;
    case T::sections: {
      if (!value->is_array()) return wrong();
      auto& checklist = step.checklist.emplace();
      IdScope section_ids;
      const auto& array = value->get_array();
      if (array.empty()) reader.error(ErrorCode::invalid_value, pointer, "'sections' is empty");
      for (std::size_t i = 0; i < array.size(); ++i)
        if (auto section =
                read_section(reader, array[i], element_pointer(pointer, i), section_ids, item_ids))
          checklist.sections.push_back(std::move(*section));
      break;
    }
  }
  if (takes_value(spec)) {
    if (auto compiled = read_dynamic_value(reader, *value, pointer, strings_are_templates(spec)))
      step.values.emplace(spec.name, std::move(*compiled));
  } else if (spec.type == T::string) {
    // A fixed choice (allowed_values): no template and never computed, but the step's action
    // reads it with the rest of its parameters.
    if (auto literal = read_dynamic_value(reader, *value, pointer, false))
      step.values.emplace(spec.name, std::move(*literal));
  }
  step.parameters.emplace(spec.name, *value);
}

void check_exactly_one_of(DefinitionReader& reader, const Fields& fields,
                          const StepTypeSpec& spec) {
  for (const auto& group : spec.exactly_one_of) {
    std::vector<std::string_view> present;
    for (const auto& name : group)
      if (fields.has(name)) present.push_back(name);
    if (present.size() == 1) continue;
    std::string names;
    for (std::size_t i = 0; i < group.size(); ++i)
      names += (i == 0 ? "'" : i + 1 == group.size() ? "' or '" : "', '") + group[i];
    names += "'";
    if (present.empty())
      reader.error(ErrorCode::missing_field, fields.pointer(),
                   a_step(spec.name) + " needs " + names);
    else
      reader.error(ErrorCode::invalid_value, fields.pointer_of(present[1]),
                   a_step(spec.name) + " takes only one of " + names + "; '" +
                       std::string(present[0]) + "' is already given",
                   Anchor::key);
  }
}

// Parameters of built-in types that mean something only beside another: a wait's "from" counts
// its "duration" (or an event wait's "timeout"), its "correlation" matches its "event".
void check_only_with(DefinitionReader& reader, const Fields& fields, const StepTypeSpec& spec) {
  if (spec.name == "wait" && fields.has("from") && !fields.has("duration") &&
      !(fields.has("event") && fields.has("timeout")))
    reader.error(ErrorCode::invalid_value, fields.pointer_of("from"),
                 "'from' goes with 'duration', or with 'event' and the 'timeout' it counts from, "
                 "which a wait step here does not have",
                 Anchor::key);
  static constexpr std::array<std::array<std::string_view, 3>, 1> rules{{
      {"wait", "correlation", "event"},
  }};
  for (const auto& [type, name, needed] : rules)
    if (spec.name == type && fields.has(name) && !fields.has(needed))
      reader.error(ErrorCode::invalid_value, fields.pointer_of(name),
                   "'" + std::string(name) + "' goes with '" + std::string(needed) + "', which " +
                       a_step(spec.name) + " here does not have",
                   Anchor::key);
}

// A create_task step's "remind" and "escalate", as written (task_follow_ups.hpp).
void check_follow_ups(DefinitionReader& reader, const Fields& fields, const StepTypeSpec& spec,
                      const boost::json::object& object) {
  if (spec.name != "create_task") return;
  if (const auto* remind = object.if_contains("remind"); remind && remind->is_array())
    for (std::size_t i = 0; i < remind->get_array().size(); ++i) {
      const auto& entry = remind->get_array()[i];
      if (!entry.is_string()) continue;  // the parameter's type reports it
      const auto pointer = element_pointer(fields.pointer_of("remind"), i);
      auto reminder = parse_reminder(entry.get_string());
      if (!reminder)
        reader.error(ErrorCode::invalid_value, pointer, reminder.error());
      else if (reminder->from != Reminder::From::made && !fields.has("due"))
        reader.error(ErrorCode::invalid_value, pointer,
                     "a reminder before or after the due date needs the step's 'due'");
    }
  if (const auto* escalate = object.if_contains("escalate"))
    if (auto escalation = parse_escalation(*escalate); !escalation)
      reader.error(ErrorCode::invalid_value, fields.pointer_of("escalate"), escalation.error());
}

// A send_email step's "attachments" as written: a list of entries, each giving exactly one of
// "files", "form" and "document" (steps/mail_attachments.cpp); whether a form names a checklist
// step is checked with the whole graph (check_attached_forms).
void check_attachments(DefinitionReader& reader, const Fields& fields, const StepTypeSpec& spec,
                       const boost::json::object& object) {
  if (spec.name != "send_email") return;
  const auto* attachments = object.if_contains("attachments");
  if (!attachments) return;
  const auto at = fields.pointer_of("attachments");
  if (const auto* computed = attachments->if_object(); computed && computed->contains("="))
    return;  // a list computed at run time
  if (!attachments->is_array()) {
    reader.error(
        ErrorCode::wrong_type, at,
        "'attachments' must be a list of attachments, not " + std::string(describe(*attachments)));
    return;
  }
  static constexpr std::array<std::string_view, 3> kinds{"files", "form", "document"};
  static constexpr std::array<std::string_view, 5> known{"files", "form", "document", "title",
                                                         "name"};
  for (std::size_t i = 0; i < attachments->get_array().size(); ++i) {
    const auto pointer = element_pointer(at, i);
    const auto* entry = attachments->get_array()[i].if_object();
    if (!entry) {
      reader.error(ErrorCode::wrong_type, pointer,
                   "an attachment must be an object with 'files', 'form' or 'document'");
      continue;
    }
    std::vector<std::string_view> given;
    for (const auto& [key, value] : *entry) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        reader.error(ErrorCode::unknown_field, member_pointer(pointer, key),
                     "unknown attachment field '" + std::string(key) + "'" +
                         did_you_mean_or_list(key, {known.begin(), known.end()},
                                              "the fields of an attachment"),
                     Anchor::key);
        continue;
      }
      if (std::find(kinds.begin(), kinds.end(), key) != kinds.end()) given.push_back(key);
      const bool text = key == "document" || key == "title";
      if (key != "files" && !value.is_string() && !(text && value.is_object()))
        reader.error(ErrorCode::wrong_type, member_pointer(pointer, key),
                     "the attachment's '" + std::string(key) + "' must be " +
                         (text ? "a text, or an object of language codes to texts" : "a string"));
    }
    if (given.size() != 1)
      reader.error(given.empty() ? ErrorCode::missing_field : ErrorCode::invalid_value,
                   given.empty() ? pointer : member_pointer(pointer, given[1]),
                   given.empty() ? std::string("an attachment needs 'files' (files answered on a "
                                               "checklist), 'form' (a checklist step's filled "
                                               "form) or 'document' (a text made into a PDF)")
                                 : "an attachment takes only one of 'files', 'form' and "
                                   "'document'; '" +
                                       std::string(given[0]) + "' is already given",
                   given.empty() ? Anchor::value : Anchor::key);
    else if (entry->contains("title") && given[0] != "document")
      reader.error(ErrorCode::invalid_value, member_pointer(pointer, "title"),
                   "'title' goes with 'document', which this attachment does not have",
                   Anchor::key);
  }
}

}  // namespace

bool claim_id(DefinitionReader& reader, IdScope& scope, const std::string& id,
              const std::string& pointer, std::string_view what) {
  auto [it, inserted] = scope.try_emplace(id, pointer);
  if (inserted) return true;
  reader.error(ErrorCode::duplicate_id, pointer,
               "duplicate " + std::string(what) + " id '" + id + "'; it is first used at " +
                   reader.line_of(it->second));
  return false;
}

std::optional<StepDefinition> read_step(DefinitionReader& reader, const boost::json::value& value,
                                        std::string pointer, IdScope& step_ids) {
  if (!value.is_object()) {
    reader.error(ErrorCode::wrong_type, pointer,
                 "a step must be an object, not " + std::string(describe(value)));
    return std::nullopt;
  }
  const auto& object = value.get_object();
  const StepTypeRegistry& registry =
      reader.options().step_types ? *reader.options().step_types : StepTypeRegistry::builtin();

  // The type decides which fields are allowed, so it is read first.
  const StepTypeSpec* spec = nullptr;
  std::vector<std::string_view> allowed(std::begin(common_step_fields),
                                        std::end(common_step_fields));
  const auto* type_value = object.if_contains("type");
  if (type_value && type_value->is_string()) {
    const std::string_view type = type_value->get_string();
    spec = registry.find(type);
    if (!spec) {
      std::string message = "unknown step type '" + std::string(type) + "'" +
                            did_you_mean_or_list(type, registry.names(), "the types");
      reader.error(ErrorCode::unknown_step_type, member_pointer(pointer, "type"),
                   std::move(message));
    }
  }
  if (spec)
    for (const auto& p : spec->parameters) allowed.push_back(p.name);

  const std::string what = spec ? a_step(spec->name) : std::string("a step");
  Fields fields(reader, object, pointer, allowed, what);
  StepDefinition step;
  step.pointer = pointer;
  auto id = fields.identifier("id", Fields::required);
  if (id && claim_id(reader, step_ids, *id, fields.pointer_of("id"), "step")) step.id = *id;
  if (auto type = fields.string("type", Fields::required)) step.type = std::move(*type);
  for (const std::string_view name : {"title", "description"}) {
    auto text = fields.text(name);
    if (!text) continue;
    (name == "title" ? step.title : step.description) = std::move(*text);
    // Titles and descriptions are what a person reads in a task: templates over the data.
    if (auto compiled = read_dynamic_value(reader, object.at(name), fields.pointer_of(name)))
      step.values.emplace(name, std::move(*compiled));
  }
  if (const auto* next = fields.value("next"))
    step.next = read_next(reader, *next, fields.pointer_of("next"));
  if (const auto* assign = fields.object("assign")) {
    for (const auto& [name, written] : *assign) {
      const std::string at = member_pointer(fields.pointer_of("assign"), name);
      if (!is_identifier(name)) {
        reader.error(ErrorCode::invalid_identifier, at,
                     "'" + std::string(name) +
                         "' is not a variable name: use letters, digits "
                         "and '_', starting with a letter",
                     Anchor::key);
        continue;
      }
      if (auto expression = read_expression(reader, written, at, name))
        step.assign.emplace_back(std::string(name), std::move(*expression));
    }
  }
  step.retry = read_retry(reader, fields);
  step.timeout = fields.duration("timeout");
  if (auto target = fields.identifier("on_error")) step.on_error = std::move(*target);
  if (auto target = fields.identifier("on_timeout")) {
    step.on_timeout = std::move(*target);
    if (!fields.has("timeout"))
      reader.error(ErrorCode::missing_field, fields.pointer_of("on_timeout"),
                   "'on_timeout' needs a 'timeout' that says when it applies", Anchor::key);
  }

  if (spec) {
    IdScope item_ids;
    for (const auto& parameter : spec->parameters)
      read_parameter(reader, fields, parameter, step, item_ids);
    check_exactly_one_of(reader, fields, *spec);
    check_only_with(reader, fields, *spec);
    check_follow_ups(reader, fields, *spec, object);
    check_attachments(reader, fields, *spec, object);
    if (step.checklist && fields.has("pass_mark"))
      step.checklist->pass_mark = read_pass_mark(reader, fields);
    // A step's rules go with its first section: they read the whole step's answers anyway.
    if (step.checklist && !step.checklist->sections.empty() && fields.has("actions")) {
      auto rules = read_action_rules(reader, fields, item_ids);
      auto& first = step.checklist->sections.front().action_rules;
      first.insert(first.end(), std::make_move_iterator(rules.begin()),
                   std::make_move_iterator(rules.end()));
    }
    if (step.checklist) check_corrective_actions(reader, *step.checklist);
    const bool needs_next = spec->next == NextRule::required || spec->next == NextRule::transitions;
    if (spec->next == NextRule::transitions && fields.has("next") && !object.at("next").is_array())
      reader.error(ErrorCode::wrong_type, fields.pointer_of("next"),
                   "the 'next' of " + a_step(spec->name) +
                       " is an array of {\"when\", \"to\"} transitions; for one way on, use " +
                       "another step type");
    if (needs_next && !fields.has("next"))
      reader.error(ErrorCode::missing_field, pointer,
                   a_step(spec->name) + " needs 'next' with its transitions");
    if (spec->next == NextRule::forbidden && fields.has("next"))
      reader.error(ErrorCode::invalid_value, fields.pointer_of("next"),
                   spec->name == "parallel"
                       ? "a parallel step has no 'next': its branches lead on, and its join "
                         "continues the flow"
                       : a_step(spec->name) + " has no 'next'",
                   Anchor::key);
    fields.check_unknown();
  }
  return step;
}

}  // namespace ablauf::detail
