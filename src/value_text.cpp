#include "value_text.hpp"

#include <boost/json/serialize.hpp>

#include <array>
#include <charconv>
#include <cmath>

namespace ablauf::detail {

const char* describe(const boost::json::value& value) noexcept {
  switch (value.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

void append_number(double number, std::string& out) {
  if (std::isnan(number)) {
    out += "NaN";
    return;
  }
  if (std::isinf(number)) {
    out += number < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (number == 0) number = 0;  // -0 reads "0"
  std::array<char, 32> buffer;
  // Plain notation up to 1e21, as people (and JavaScript) write numbers.
  const bool plain = std::fabs(number) < 1e21 && (std::fabs(number) >= 1e-6 || number == 0);
  const auto [end, ec] = plain
                             ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                             std::chars_format::fixed)
                             : std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  if (ec == std::errc{}) {
    out.append(buffer.data(), end);
  } else {  // cannot happen with 32 bytes; fall back rather than lose the value
    out += boost::json::serialize(boost::json::value(number));
  }
}

void append_text(const boost::json::value& value, std::string& out) {
  switch (value.kind()) {
    case boost::json::kind::null: return;
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; return;
    case boost::json::kind::int64: out += std::to_string(value.get_int64()); return;
    case boost::json::kind::uint64: out += std::to_string(value.get_uint64()); return;
    case boost::json::kind::double_: append_number(value.get_double(), out); return;
    case boost::json::kind::string: out += value.get_string(); return;
    case boost::json::kind::array:
    case boost::json::kind::object: append_json(value, out); return;
  }
}

void append_json(const boost::json::value& value, std::string& out) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; return;
    case boost::json::kind::string: out += boost::json::serialize(value.get_string()); return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append_json(element, out);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, element] : value.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(key);
        out += ':';
        append_json(element, out);
      }
      out += '}';
      return;
    }
    default: append_text(value, out); return;
  }
}

void append_html_escaped(std::string_view text, std::string& out) {
  std::size_t begin = 0;
  while (true) {
    const std::size_t special = text.find_first_of("&<>\"'", begin);
    if (special == std::string_view::npos) break;
    out.append(text, begin, special - begin);
    switch (text[special]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += "&#39;"; break;
    }
    begin = special + 1;
  }
  out.append(text, begin);
}

}  // namespace ablauf::detail
