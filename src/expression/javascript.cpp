#include "javascript.hpp"

#include "value.hpp"
#include "value_text.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

namespace ablauf::detail::js {
namespace json = boost::json;
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Reads a decimal literal (sign, digits, fraction, exponent) or Infinity from the start of
// `s`; returns how many characters it used, 0 if none.
std::size_t read_decimal(std::string_view s, double& out) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (s.substr(i).starts_with("Infinity")) {
    out = negative ? -std::numeric_limits<double>::infinity()
                   : std::numeric_limits<double>::infinity();
    return i + 8;
  }
  const std::size_t start = i;
  std::size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return 0;
  std::size_t end = i;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    const std::size_t exponent_start = j;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j > exponent_start) end = j;
  }
  // from_chars does not take a leading '+' or a bare trailing '.', so give it a clean copy.
  std::string literal = s[start] == '.' ? "0" : "";
  literal.append(s.substr(start, end - start));
  double value = 0;
  const auto result = std::from_chars(literal.data(), literal.data() + literal.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    value = literal.find_first_of("eE") != std::string::npos &&
                    literal.find("e-") == std::string::npos &&
                    literal.find("E-") == std::string::npos
                ? std::numeric_limits<double>::infinity()
                : 0;
  }
  out = negative ? -value : value;
  return end;
}

double string_to_number(std::string_view text) {
  text = trim(text);
  if (text.empty()) return 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    std::uint64_t value = 0;
    const auto result = std::from_chars(text.data() + 2, text.data() + text.size(), value, 16);
    if (result.ec != std::errc{} || result.ptr != text.data() + text.size()) return nan;
    return static_cast<double>(value);
  }
  double value = 0;
  return read_decimal(text, value) == text.size() ? value : nan;
}

std::string to_string(const json::value& value) {
  std::string out;
  append_string(value, out);
  return out;
}

}  // namespace

void append_string(const json::value& value, std::string& out) {
  switch (value.kind()) {
    case json::kind::null: out += "null"; return;
    case json::kind::array: {
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        if (!element.is_null()) append_string(element, out);
      }
      return;
    }
    case json::kind::object: out += "[object Object]"; return;
    default: append_text(value, out); return;
  }
}

double to_number(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: return 0;
    case json::kind::bool_: return value.get_bool() ? 1 : 0;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return as_double(value);
    case json::kind::string: return string_to_number(value.get_string());
    case json::kind::array: return string_to_number(to_string(value));
    case json::kind::object: return nan;
  }
  return nan;
}

double parse_float(const json::value& value) {
  if (value.is_number()) return as_double(value);
  const std::string text = to_string(value);
  std::string_view rest = text;
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  double result = 0;
  return read_decimal(rest, result) > 0 ? result : nan;
}

bool loosely_equal(const json::value& a, const json::value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  const bool a_composite = a.is_array() || a.is_object();
  const bool b_composite = b.is_array() || b.is_object();
  if (a_composite && b_composite) return strictly_equal(a, b);  // see docs: not by reference
  if (a_composite) return loosely_equal(json::value(to_string(a)), b);
  if (b_composite) return loosely_equal(a, json::value(to_string(b)));
  if (a.is_string() && b.is_string()) return a.get_string() == b.get_string();
  if (a.is_number() && b.is_number()) return as_double(a) == as_double(b);
  if (a.is_bool() && b.is_bool()) return a.get_bool() == b.get_bool();
  return to_number(a) == to_number(b);  // number, string and boolean meet as numbers
}

bool less(const json::value& a, const json::value& b, bool or_equal) {
  const auto primitive = [](const json::value& v) {
    return v.is_array() || v.is_object() ? json::value(to_string(v)) : v;
  };
  const json::value x = primitive(a);
  const json::value y = primitive(b);
  if (x.is_string() && y.is_string()) {
    const auto order = x.get_string().subview().compare(y.get_string().subview());
    return or_equal ? order <= 0 : order < 0;
  }
  const double m = to_number(x);
  const double n = to_number(y);
  return or_equal ? m <= n : m < n;
}

}  // namespace ablauf::detail::js
