// Base64 (RFC 4648, with padding) through Nettle (internal): photos shown inline in a form
// printed as one self-contained HTML page, as data: URLs.
#pragma once

#include <string>
#include <string_view>

namespace ablauf::detail {

std::string base64(std::string_view bytes);

}  // namespace ablauf::detail
