#include "steps/parameters.hpp"

#include "value_text.hpp"

#include <boost/json/array.hpp>

namespace ablauf::detail {

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
