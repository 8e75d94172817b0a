// The text language's arithmetic and ordering: no coercions, whole numbers stay whole.
//
// Integers stay integers while the result is exact (7 / 2 is 3.5, 8 / 2 is 4), and a whole
// result is an integer whatever its operands (1000 * 1.19 is 1190: JSON has one kind of
// number); a result that overflows 64 bits stays a double. A string added to a string, number
// or boolean concatenates their text. Everything else across types is a type_mismatch.
#pragma once

#include "value.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <compare>

namespace ablauf::detail {

using Computed = tl::expected<boost::json::value, Failure>;

enum class ArithmeticOp { add, subtract, multiply, divide, remainder };

Computed apply(ArithmeticOp op, const boost::json::value& a, const boost::json::value& b);
Computed negate(const boost::json::value& a);

// Orders two numbers or two strings (by code point); anything else is a type_mismatch.
tl::expected<std::partial_ordering, Failure> compare(const boost::json::value& a,
                                                     const boost::json::value& b);

}  // namespace ablauf::detail
