// The one way code inside the library refuses with an Error that names no place in a file
// (internal).
#pragma once

#include "ablauf/error.hpp"

#include <tl/expected.hpp>

#include <string>
#include <string_view>

namespace ablauf::detail {

inline tl::unexpected<Error> error(ErrorCode code, std::string message) {
  return tl::make_unexpected(Error{code, std::move(message), {}, {}});
}

// What every store answers a commit under a request key it has committed before (RequestKey).
inline tl::unexpected<Error> duplicate_request(std::string_view key) {
  return error(ErrorCode::duplicate_request,
               "a change was committed under the request key '" + std::string(key) + "' already");
}

}  // namespace ablauf::detail
