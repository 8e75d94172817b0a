#include "ablauf/step_type.hpp"

#include "ablauf/definition.hpp"
#include "identifier.hpp"

#include <cassert>
#include <set>

namespace ablauf {
namespace {

ParameterSpec param(std::string name, ParameterType type, bool required = false,
                    std::vector<std::string> allowed = {}) {
  return {std::move(name), type, required, std::move(allowed)};
}

constexpr bool required = true;

bool always_waits(const StepDefinition&) {
  return true;
}

StepTypeRegistry make_builtin() {
  using T = ParameterType;
  StepTypeRegistry registry;
  const auto add = [&](StepTypeSpec spec) {
    [[maybe_unused]] const auto added = registry.add(std::move(spec));
    assert(added && "a built-in step type is malformed");
  };

  // Typed actions.
  add({.name = "fill_checklist",
       .parameters = {param("items", T::items), param("sections", T::sections),
                      param("assignee", T::string)},
       .exactly_one_of = {{"items", "sections"}},
       .waits = always_waits});
  add({.name = "send_email",
       .parameters = {param("to", T::recipients, required), param("cc", T::recipients),
                      param("bcc", T::recipients), param("reply_to", T::string),
                      param("subject", T::text, required), param("body", T::text, required),
                      // html: the body is HTML, and {{x}} in it is HTML-escaped.
                      param("format", T::string, false, {"text", "html"})}});
  add({.name = "create_task",
       // The task's title and description are the step's own.
       .parameters = {param("assignee", T::string), param("due", T::duration),
                      param("outcomes", T::strings), param("wait", T::boolean)},
       .waits = [](const StepDefinition& step) {
         const auto* wait = step.parameters.if_contains("wait");
         return !(wait && wait->is_bool() && !wait->get_bool());
       }});
  add({.name = "save_record",
       .parameters = {param("collection", T::string, required),
                      param("record", T::object, required), param("key", T::string)}});
  add({.name = "update_record",
       .parameters = {param("collection", T::string, required), param("key", T::string, required),
                      param("set", T::object, required),
                      // Create the record when it does not exist yet.
                      param("upsert", T::boolean)}});

  // Control steps.
  add({.name = "decision", .next = NextRule::transitions});
  add({.name = "parallel",
       .parameters = {param("branches", T::step_ids, required),
                      param("join", T::step_id, required)},
       .next = NextRule::forbidden});
  add({.name = "join"});
  add({.name = "wait",
       .parameters = {param("duration", T::duration), param("until", T::expression),
                      param("event", T::string), param("correlation", T::expression)},
       .exactly_one_of = {{"duration", "until", "event"}},
       .waits = always_waits});
  add({.name = "call",
       .parameters = {param("workflow", T::string, required), param("version", T::integer),
                      param("input", T::object)}});
  add({.name = "end",
       .parameters = {param("status", T::string, false, {"completed", "failed"})},
       .next = NextRule::forbidden});
  return registry;
}

}  // namespace

std::string_view to_string(ParameterType type) noexcept {
  switch (type) {
    case ParameterType::any: return "any value";
    case ParameterType::string: return "a string";
    case ParameterType::text: return "a string or an object of language codes";
    case ParameterType::recipients: return "a string or an array of strings";
    case ParameterType::strings: return "an array of strings";
    case ParameterType::boolean: return "true or false";
    case ParameterType::integer: return "a whole number";
    case ParameterType::number: return "a number";
    case ParameterType::object: return "an object";
    case ParameterType::duration: return "a duration";
    case ParameterType::expression: return "an expression";
    case ParameterType::step_id: return "a step id";
    case ParameterType::step_ids: return "an array of step ids";
    case ParameterType::items: return "an array of checklist items";
    case ParameterType::sections: return "an array of checklist sections";
  }
  return "?";
}

const ParameterSpec* StepTypeSpec::find_parameter(std::string_view wanted) const noexcept {
  for (const auto& p : parameters)
    if (p.name == wanted) return &p;
  return nullptr;
}

const StepTypeRegistry& StepTypeRegistry::builtin() {
  static const StepTypeRegistry registry = make_builtin();
  return registry;
}

tl::expected<void, Error> StepTypeRegistry::add(StepTypeSpec spec) {
  const auto fail = [](std::string message) {
    return tl::make_unexpected(Error{ErrorCode::invalid_value, std::move(message), {}, {}});
  };
  if (!detail::is_lowercase_identifier(spec.name))
    return fail("step type name '" + spec.name + "' is not a lowercase identifier");
  if (types_.count(spec.name)) return fail("step type '" + spec.name + "' is already registered");
  std::set<std::string_view> seen(std::begin(detail::common_step_fields),
                                  std::end(detail::common_step_fields));
  for (const auto& p : spec.parameters) {
    if (!seen.insert(p.name).second)
      return fail("step type '" + spec.name + "' names parameter '" + p.name +
                  "' twice, or as a field every step has");
  }
  auto name = spec.name;
  types_.emplace(std::move(name), std::move(spec));
  return {};
}

const StepTypeSpec* StepTypeRegistry::find(std::string_view name) const noexcept {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<std::string_view> StepTypeRegistry::names() const {
  std::vector<std::string_view> out;
  for (const auto& entry : types_) out.push_back(entry.first);
  return out;
}

}  // namespace ablauf
