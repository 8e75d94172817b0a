// JavaScript's coercions, which JsonLogic rules are written against ("1" == 1, "2" > 1,
// {"+": ["1", 1]} is 2). Only JsonLogic operations use them; the text language does not coerce.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace ablauf::detail::js {

// Number(value): "" is 0, " 12 " is 12, "3 apples" is NaN, null is 0, [5] is 5.
double to_number(const boost::json::value& value);

// parseFloat(String(value)): the longest number at the start, so "3 apples" is 3.
double parse_float(const boost::json::value& value);

// String(value): null reads "null", [1, [2, 3]] reads "1,2,3", objects "[object Object]".
void append_string(const boost::json::value& value, std::string& out);

// value == other, the abstract equality comparison.
bool loosely_equal(const boost::json::value& a, const boost::json::value& b);

// a < b (or a <= b) after ToPrimitive: strings compare as strings, everything else as numbers.
bool less(const boost::json::value& a, const boost::json::value& b, bool or_equal);

}  // namespace ablauf::detail::js
