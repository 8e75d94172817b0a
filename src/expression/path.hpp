// Walking a path through JSON: object members by name, list elements by index.
#pragma once

#include "program.hpp"

#include <boost/json/value.hpp>

#include <span>
#include <string_view>
#include <vector>

namespace ablauf::detail {

// The value at `segments` below `root`, or nullptr when some step is missing. A segment that
// reads as an index picks a list element; on an object it is a member name like any other.
const boost::json::value* resolve(const boost::json::value* root,
                                  std::span<const PathSegment> segments) noexcept;

const boost::json::value* resolve(const boost::json::value* root,
                                  const PathSegment& segment) noexcept;

// JsonLogic's dotted form: "a.b.1" is {a, b, 1}; "" is the root itself.
std::vector<PathSegment> split_dotted(std::string_view path);

}  // namespace ablauf::detail
