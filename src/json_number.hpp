// JSON numbers compared with bounds exactly, whatever their kind (internal).
#pragma once

#include <boost/json/value.hpp>

#include <compare>

namespace ablauf::detail {

// How `number` compares with `bound`, exactly for every JSON number: 2^53 + 1 as an int64
// does not round onto a bound of 2^53. Unordered when the bound is NaN.
// REQUIRES: number.is_number()
std::partial_ordering compare_number(const boost::json::value& number, double bound) noexcept;

}  // namespace ablauf::detail
