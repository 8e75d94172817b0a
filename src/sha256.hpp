// SHA-256 through Nettle (internal): what signatures record of the answers they sign, and what
// chains an instance's events (history.hpp).
#pragma once

#include <string>
#include <string_view>

namespace ablauf::detail {

// The SHA-256 of `text`, in lowercase hex.
std::string sha256_hex(std::string_view text);

}  // namespace ablauf::detail
