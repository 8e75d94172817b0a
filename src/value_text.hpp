// How a JSON value reads as text: in a rendered template, in string(), in `+` concatenation.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace ablauf::detail {

// The JSON type names people know: "a string", "an array", … for messages.
const char* describe(const boost::json::value& value) noexcept;

// The shortest text that reads back as the same double, without an exponent for everyday
// magnitudes: 3 (not 3E0), 0.5, 1190.5, 1e+21. NaN and infinities read "NaN", "Infinity".
void append_number(double number, std::string& out);

// Compact JSON, with numbers as append_number() writes them (0.5, not Boost.JSON's 5E-1).
void append_json(const boost::json::value& value, std::string& out);

// Strings as they are, numbers as append_number() and integers in full, true/false, null as
// the empty string, arrays and objects as append_json().
void append_text(const boost::json::value& value, std::string& out);

// Appends `text` with & < > " ' replaced by their HTML entities, and nothing else changed.
void append_html_escaped(std::string_view text, std::string& out);

inline std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_html_escaped(text, out);
  return out;
}

// The string at `key`, or "" when it is missing or not a string: for reading event data and
// records, whose fields a report must not trust.
inline std::string string_at(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

inline std::string to_text(const boost::json::value& value) {
  std::string out;
  append_text(value, out);
  return out;
}

}  // namespace ablauf::detail
