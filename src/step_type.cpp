#include "ablauf/step_type.hpp"

#include "ablauf/definition.hpp"
#include "identifier.hpp"
#include "steps/builtin_steps.hpp"
#include "steps/parameters.hpp"

#include <cassert>
#include <set>

namespace ablauf {
namespace {

StepTypeRegistry make_builtin() {
  StepTypeRegistry registry;
  for (auto& spec : detail::builtin_step_types()) {
    [[maybe_unused]] const auto added = registry.add(std::move(spec));
    assert(added && "a built-in step type is malformed");
  }
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
    if (p.default_value)
      if (auto problem = detail::default_problem(p, *p.default_value); !problem.empty())
        return fail("step type '" + spec.name + "', parameter '" + p.name + "': " + problem);
  }
  for (const auto& group : spec.exactly_one_of)
    if (auto problem = detail::exactly_one_of_problem(spec, group); !problem.empty())
      return fail("step type '" + spec.name + "', exactly_one_of: " + problem);
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
