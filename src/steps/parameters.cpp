#include "steps/parameters.hpp"

#include "value_text.hpp"

namespace ablauf::detail {

std::string text_parameter(const boost::json::object& parameters, std::string_view name) {
  const auto* value = parameters.if_contains(name);
  return value ? to_text(*value) : std::string();
}

bool flag_parameter(const boost::json::object& parameters, std::string_view name) {
  const auto* value = parameters.if_contains(name);
  return value && value->is_bool() && value->get_bool();
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
