// Shared by the parts of the standard library: argument checks that produce the same messages.
#pragma once

#include "functions.hpp"

#include <string>

namespace ablauf::detail {

inline tl::unexpected<Failure> wrong_argument(std::string_view function, std::size_t index,
                                              std::string_view wanted,
                                              const boost::json::value& got) {
  static constexpr const char* ordinal[] = {"first", "second", "third", "fourth"};
  return tl::make_unexpected(
      type_mismatch(std::string(function) + "() needs " + std::string(wanted) + " as its " +
                    (index < 4 ? ordinal[index] : "next") + " argument, not " + describe(got)));
}

inline tl::unexpected<Failure> invalid_argument(std::string message) {
  return tl::make_unexpected(Failure{"invalid_argument", std::move(message)});
}

}  // namespace ablauf::detail
