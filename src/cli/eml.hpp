// A mail as the text of an .eml file (RFC 5322), composed by GMime rather than by hand: it
// parses the addresses, encodes non-ASCII header text (RFC 2047) and folds long header lines.
#pragma once

#include <ablauf/services.hpp>

#include <string>
#include <string_view>

namespace ablauf::cli {

// The sender of mail that names none (Mail::from, `ablauf run --mail-from`).
inline constexpr std::string_view default_sender = "ablauf <ablauf@localhost>";

// The mail as RFC 5322 text with CRLF line ends, its body in UTF-8 (8bit), with From (the
// mail's sender, else default_sender), Date (when it was queued, in UTC) and a Message-ID made
// of its idempotency key; with attachments, multipart/mixed: the text, then each file in Base64
// under its name. Refuses an attachment whose content was not read (its size differs). Refuses a
// mail whose header fields hold control characters, or a recipient entry that is not exactly one
// address (a comma must not add recipients).
tl::expected<std::string, std::string> compose_eml(const Mail& mail);

}  // namespace ablauf::cli
