#include "steps/parameters.hpp"

#include "value_text.hpp"

#include "ablauf/duration.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <stdexcept>

namespace ablauf::detail {

DataSchema declared_output(std::string_view schema) {
  auto read = DataSchema::read(boost::json::parse(schema));
  if (!read)
    throw std::logic_error("a built-in step type's output schema does not read: " +
                           describe_problems(read.error()));
  return std::move(*read);
}

DataSchema no_output() {
  static const DataSchema none = declared_output(R"({"type": "null"})");
  return none;
}

std::string text_parameter(const boost::json::object& parameters, std::string_view name) {
  const auto* value = parameters.if_contains(name);
  return value ? to_text(*value) : std::string();
}

bool flag_parameter(const boost::json::object& parameters, std::string_view name) {
  const auto* value = parameters.if_contains(name);
  return value && value->is_bool() && value->get_bool();
}

namespace {

bool all_strings(const boost::json::array& array) noexcept {
  for (const auto& v : array)
    if (!v.is_string()) return false;
  return true;
}

}  // namespace

bool fits(ParameterType type, const boost::json::value& value) noexcept {
  using T = ParameterType;
  switch (type) {
    case T::string:
    case T::expression:
    case T::step_id: return value.is_string();
    case T::text:
      if (const auto* object = value.if_object()) {
        for (const auto& [language, text] : *object)
          if (!text.is_string()) return false;
        return true;
      }
      return value.is_string();
    case T::recipients:
      return value.is_string() || (value.is_array() && all_strings(value.get_array()));
    case T::strings:
    case T::step_ids: return value.is_array() && all_strings(value.get_array());
    case T::boolean: return value.is_bool();
    case T::integer: return value.is_uint64() || (value.is_int64() && value.get_int64() >= 0);
    case T::number: return value.is_number();
    case T::object: return value.is_object();
    case T::duration: return value.is_string() || value.is_number();
    case T::items:
    case T::sections: return value.is_array();
    case T::any: return true;
  }
  return true;
}

std::string default_problem(const ParameterSpec& spec, const boost::json::value& value) {
  if (spec.required) return "a required parameter has no default: every step gives it";
  switch (spec.type) {
    case ParameterType::expression:
    case ParameterType::step_id:
    case ParameterType::step_ids:
    case ParameterType::items:
    case ParameterType::sections:
      return "a parameter of type " + std::string(to_string(spec.type)) + " has no default";
    default: break;
  }
  const auto* object = value.if_object();
  if (object && object->size() == 1 && object->begin()->key() == "=")
    return "a default is a value, not computed";
  const bool fitting = spec.type == ParameterType::duration ? parse_duration(value).has_value()
                                                            : fits(spec.type, value);
  if (!fitting)
    return "the default must be " + std::string(to_string(spec.type)) + ", not " +
           std::string(describe(value));
  if (!spec.allowed_values.empty() &&
      (!value.is_string() || std::find(spec.allowed_values.begin(), spec.allowed_values.end(),
                                       value.get_string()) == spec.allowed_values.end()))
    return "the default must be one of the allowed values";
  return {};
}

std::string exactly_one_of_problem(const StepTypeSpec& spec,
                                   const std::vector<std::string>& group) {
  if (group.size() < 2) return "a group names at least two parameters";
  for (std::size_t i = 0; i < group.size(); ++i) {
    const auto* parameter = spec.find_parameter(group[i]);
    if (!parameter) return "'" + group[i] + "' is not a parameter of the step type";
    if (parameter->required)
      return "'" + group[i] + "' is required, so it cannot be one of several to choose from";
    if (parameter->default_value)
      return "'" + group[i] + "' has a default, so a step would always give it";
    if (std::find(group.begin(), group.begin() + static_cast<std::ptrdiff_t>(i), group[i]) !=
        group.begin() + static_cast<std::ptrdiff_t>(i))
      return "'" + group[i] + "' is named twice in one group";
  }
  return {};
}

std::string text_in(const boost::json::value& value, std::string_view language,
                    std::string_view fallback) {
  if (const auto* object = value.if_object()) {
    for (const auto wanted : {language, fallback})
      if (!wanted.empty())
        if (const auto* chosen = object->if_contains(wanted)) return to_text(*chosen);
    return object->empty() ? std::string() : to_text(object->begin()->value());
  }
  return to_text(value);
}

}  // namespace ablauf::detail
