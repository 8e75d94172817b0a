#include "template/template_values.hpp"

#include "value_text.hpp"

#include <charconv>
#include <cmath>

namespace ablauf::detail::mustache {
namespace {

const boost::json::value* member(const boost::json::value& value, std::string_view part) {
  if (const auto* object = value.if_object()) return object->if_contains(part);
  if (const auto* array = value.if_array()) {
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
    if (ec == std::errc{} && end == part.data() + part.size() && index < array->size())
      return &(*array)[index];
  }
  return nullptr;
}

}  // namespace

const boost::json::value* resolve(const Path& path, const ContextStack& contexts) {
  if (path.empty()) return contexts.back();
  const boost::json::value* found = nullptr;
  for (auto context = contexts.rbegin(); context != contexts.rend() && !found; ++context)
    if (const auto* object = (*context)->if_object()) found = object->if_contains(path.front());
  for (std::size_t i = 1; i < path.size() && found; ++i) found = member(*found, path[i]);
  return found;
}

bool is_truthy(const boost::json::value* value) noexcept {
  if (value == nullptr) return false;
  switch (value->kind()) {
    case boost::json::kind::null: return false;
    case boost::json::kind::bool_: return value->get_bool();
    case boost::json::kind::int64: return value->get_int64() != 0;
    case boost::json::kind::uint64: return value->get_uint64() != 0;
    case boost::json::kind::double_: {
      const double number = value->get_double();
      return number != 0 && !std::isnan(number);
    }
    case boost::json::kind::string: return !value->get_string().empty();
    case boost::json::kind::array: return !value->get_array().empty();
    case boost::json::kind::object: return true;
  }
  return false;
}

void append_value(const boost::json::value& value, bool escape, std::string& out,
                  std::string& scratch) {
  std::string_view text;
  if (const auto* string = value.if_string()) {
    text = *string;
  } else {
    scratch.clear();
    append_text(value, scratch);
    text = scratch;
  }
  if (escape)
    append_html_escaped(text, out);
  else
    out += text;
}

}  // namespace ablauf::detail::mustache
