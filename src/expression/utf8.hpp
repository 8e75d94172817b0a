// Just enough UTF-8 for the string functions: they count and cut code points, not bytes, so
// that size("Grüße") is 5.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ablauf::detail::utf8 {

std::size_t length(std::string_view text) noexcept;

// The byte offset of the first byte that does not belong to well-formed UTF-8 (a stray
// continuation byte, a truncated sequence, an overlong form, a surrogate, past U+10FFFF),
// or std::string_view::npos when there is none.
std::size_t invalid_at(std::string_view text) noexcept;

// Appends the UTF-8 encoding of a code point.
void append(char32_t code_point, std::string& out);

// The byte offset of code point `index` (length(text) → text.size()).
std::size_t offset_of(std::string_view text, std::size_t index) noexcept;

// Letters of Latin-1 and Latin Extended-A change case (Ä ↔ ä); other characters stay.
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);

}  // namespace ablauf::detail::utf8
