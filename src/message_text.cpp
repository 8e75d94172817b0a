#include "message_text.hpp"

#include "expression/utf8.hpp"
#include "value_text.hpp"

#include <algorithm>
#include <cmath>

namespace ablauf::detail {

std::string quoted_text(std::string_view text) {
  if (utf8::length(text) <= max_quoted_length) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, utf8::offset_of(text, max_quoted_length))) + "…'";
}

std::string count_of(std::size_t count, std::string_view singular, std::string_view plural) {
  return std::to_string(count) + ' ' + std::string(count == 1 ? singular : plural);
}

std::string number_text(double number) {
  std::string out;
  append_number(number, out);
  return out;
}

std::string size_text(std::uint64_t bytes, bool german) {
  if (bytes < 1000) return std::to_string(bytes) + " B";
  const bool mega = bytes >= 1'000'000;
  const double scaled = static_cast<double>(bytes) / (mega ? 1e6 : 1e3);
  std::string out = number_text(std::round(scaled * 10) / 10);
  if (german) std::replace(out.begin(), out.end(), '.', ',');
  return out + (mega ? " MB" : " kB");
}

}  // namespace ablauf::detail
