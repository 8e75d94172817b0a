// Reading one Mustache tag (internal): its delimiters, sigil and name.
#pragma once

#include <ablauf/template.hpp>

#include <tl/expected.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace ablauf::detail::mustache {

struct Tag {
  std::size_t start = 0;  // of the opening delimiter
  std::size_t end = 0;    // one past the closing delimiter
  // '#' section, '^' inverted, '/' close, '!' comment, '>' partial, '<' parent, '$' block,
  // '=' set delimiters, '&' or '{' raw variable, 0 a variable.
  char sigil = 0;
  bool dynamic = false;   // '>', '<', '/': the name followed a '*'
  std::string_view name;  // trimmed; '!' and '=': the whole content
  std::size_t name_offset = 0;
  std::string_view format;  // a variable's format after '|', trimmed: "currency EUR"; or empty
  std::size_t format_offset = 0;
};

// Whether a tag of this sigil disappears with its line when it stands alone on it.
constexpr bool can_stand_alone(char sigil) noexcept {
  return sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!' || sigil == '>' ||
         sigil == '<' || sigil == '$' || sigil == '=';
}

// The tag whose opening delimiter is at `start`. Fails if it is never closed, has no name or a
// name with whitespace in it; the error points at the tag, or at the whitespace.
tl::expected<Tag, TemplateError> read_tag(std::string_view text, std::size_t start,
                                          std::string_view open, std::string_view close);

// The tag as written, shortened to a line and 40 characters, for messages.
std::string tag_excerpt(std::string_view text, const Tag& tag);

// How a tag of this sigil is called in messages: "section", "inverted section", …
std::string_view sigil_noun(char sigil) noexcept;

}  // namespace ablauf::detail::mustache
