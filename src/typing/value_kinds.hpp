// The kinds of JSON value that the loader's type checking tells apart (internal), as bits: a
// value the loader knows to be a number or missing is `number | null`.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

namespace ablauf::detail {

using Kinds = std::uint8_t;

namespace kind {
inline constexpr Kinds null = 1 << 0;
inline constexpr Kinds boolean = 1 << 1;
inline constexpr Kinds number = 1 << 2;
inline constexpr Kinds string = 1 << 3;
inline constexpr Kinds array = 1 << 4;
inline constexpr Kinds object = 1 << 5;
inline constexpr Kinds any = (1 << 6) - 1;
}  // namespace kind

// The kind of a value.
Kinds kinds_of(const boost::json::value& value) noexcept;

// Whether something is known of the kinds: not any, not nothing.
inline bool known(Kinds kinds) noexcept {
  return kinds != kind::any && kinds != 0;
}

// For messages: "a number", "a string or null", "any value".
std::string describe_kinds(Kinds kinds);

}  // namespace ablauf::detail
