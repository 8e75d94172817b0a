#include "identifier.hpp"

namespace ablauf::detail {
namespace {

bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alpha(char c) {
  return is_lower(c) || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool is_identifier(std::string_view s) noexcept {
  if (s.empty() || !(is_alpha(s[0]) || s[0] == '_')) return false;
  for (char c : s)
    if (!(is_alpha(c) || is_digit(c) || c == '_')) return false;
  return true;
}

bool is_lowercase_identifier(std::string_view s) noexcept {
  if (s.empty() || !is_lower(s[0])) return false;
  for (char c : s)
    if (!(is_lower(c) || is_digit(c) || c == '_')) return false;
  return true;
}

bool is_definition_id(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!(is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

bool is_language_code(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && is_lower(s[i])) ++i;
  if (i < 2 || i > 3) return false;
  while (i < s.size()) {
    if (s[i++] != '-') return false;
    const std::size_t start = i;
    while (i < s.size() && (is_alpha(s[i]) || is_digit(s[i]))) ++i;
    if (i - start < 2 || i - start > 8) return false;
  }
  return true;
}

}  // namespace ablauf::detail
