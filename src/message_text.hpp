// Pieces of the messages people read when a value is refused (internal): the value quoted back,
// a count with its noun, a bound as a number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ablauf::detail {

// Most code points of a text quoted back in a message.
inline constexpr std::size_t max_quoted_length = 40;

// 'text' in single quotes, cut after max_quoted_length code points with "…".
std::string quoted_text(std::string_view text);

// "1 character", "5 characters".
std::string count_of(std::size_t count, std::string_view singular, std::string_view plural);

// A number as append_number() writes it: 3, 0.5, 1190.5.
std::string number_text(double number);

// A file's size as people read it: "800 B", "182 kB", "1.2 MB" ("1,2 MB" when `german`).
std::string size_text(std::uint64_t bytes, bool german);

}  // namespace ablauf::detail
