// The one way code inside the library refuses with an Error that names no place in a file
// (internal).
#pragma once

#include "ablauf/error.hpp"

#include <tl/expected.hpp>

#include <string>

namespace ablauf::detail {

inline tl::unexpected<Error> error(ErrorCode code, std::string message) {
  return tl::make_unexpected(Error{code, std::move(message), {}, {}});
}

}  // namespace ablauf::detail
