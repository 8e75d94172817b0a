#include "message_text.hpp"

#include "expression/utf8.hpp"
#include "value_text.hpp"

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

}  // namespace ablauf::detail
