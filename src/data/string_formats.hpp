// The string formats a data schema checks (internal): date, date-time and email.
#pragma once

#include "data/data_schema_data.hpp"

#include <string_view>

namespace ablauf::detail {

// Whether `text` is written in `format`:
// - date: an RFC 3339 full-date of a day that exists ("2026-11-23");
// - date-time: an RFC 3339 date-time with its offset ("2026-11-23T09:00:00Z", 'T' and 'Z' in
//   either case, "…+01:00");
// - email: an address as RFC 5321 writes a mailbox, with RFC 6531's international characters:
//   a local part of dot-separated atoms or a quoted string, at most 64 bytes; '@'; a domain of
//   dot-separated labels (letters, digits, '-', not at either end, at most 63 bytes each) or an
//   address literal in brackets; at most 254 bytes in all.
bool has_format(std::string_view text, DataFormat format);

// What a value of `format` looks like, for messages: "a date like 2026-11-23", ….
std::string_view format_example(DataFormat format);

}  // namespace ablauf::detail
