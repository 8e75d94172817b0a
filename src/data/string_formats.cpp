#include "data/string_formats.hpp"

#include "time/calendar.hpp"

#include <algorithm>
#include <cctype>

namespace ablauf::detail {
namespace {

constexpr std::size_t max_address_length = 254;  // RFC 5321's path of 256, less its brackets
constexpr std::size_t max_local_length = 64;
constexpr std::size_t max_label_length = 63;

bool is_letter_or_digit(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322's atext, and any byte of a UTF-8 sequence (RFC 6531).
bool is_atom_character(unsigned char c) {
  return is_letter_or_digit(c) || c >= 0x80 ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
             std::string_view::npos;
}

// Parts separated by single dots, none empty, each of characters `fits` accepts.
template <class Fits>
bool dotted(std::string_view text, std::size_t max_part, Fits fits) {
  if (text.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    const auto part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty() || part.size() > max_part || !fits(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_quoted_local(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      if (++i + 1 >= text.size()) return false;  // a backslash escapes the next character
      continue;
    }
    if (c == '"' || (c < 0x20 && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

bool is_domain(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    auto literal = text.substr(1, text.size() - 2);
    if (literal.starts_with("IPv6:")) literal.remove_prefix(5);
    return !literal.empty() && std::all_of(literal.begin(), literal.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':';
    });
  }
  return dotted(text, max_label_length, [](std::string_view label) {
    if (label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return is_letter_or_digit(u) || c == '-' || u >= 0x80;
    });
  });
}

bool is_email(std::string_view text) {
  if (text.size() > max_address_length) return false;
  const auto at = text.rfind('@');
  if (at == std::string_view::npos) return false;
  const auto local = text.substr(0, at);
  const auto domain = text.substr(at + 1);
  if (local.empty() || local.size() > max_local_length || !is_domain(domain)) return false;
  if (local.front() == '"') return is_quoted_local(local);
  return dotted(local, max_local_length, [](std::string_view atom) {
    return std::all_of(atom.begin(), atom.end(),
                       [](char c) { return is_atom_character(static_cast<unsigned char>(c)); });
  });
}

}  // namespace

bool has_format(std::string_view text, DataFormat format) {
  switch (format) {
    case DataFormat::none: return true;
    case DataFormat::date: {
      const auto date = parse_date(text);
      return date && !date->has_time();
    }
    case DataFormat::date_time: {
      const auto date = parse_date(text);
      return date && date->has_time();
    }
    case DataFormat::email: return is_email(text);
  }
  return false;
}

std::string_view format_example(DataFormat format) {
  switch (format) {
    case DataFormat::none: return "a string";
    case DataFormat::date: return "a date like 2026-11-23";
    case DataFormat::date_time: return "a date and time like 2026-11-23T09:00:00Z";
    case DataFormat::email: return "an email address";
  }
  return "a string";
}

}  // namespace ablauf::detail
