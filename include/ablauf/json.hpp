/// @file
/// Parsing JSON documents within limits.
///
/// Definitions, instance input and signal payloads all arrive as JSON text, some of it from
/// people or systems the host does not control. parse_json() is the one door they come through:
/// it enforces size, depth and string-length limits and reports a located error instead of
/// throwing.
///
/// Thread-safety: free functions on values; safe to call concurrently.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/source.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstddef>
#include <string_view>

namespace ablauf {

/// Limits on a JSON document. Defaults suit hand-written definitions; docs/limits.md lists
/// them with their reasons.
struct JsonLimits {
  /// Largest document accepted, in bytes.
  std::size_t max_document_bytes = 8 * 1024 * 1024;
  /// Deepest nesting of arrays and objects. Definitions need about 8.
  std::size_t max_depth = 64;
  /// Longest string (or object key), in bytes.
  std::size_t max_string_length = 64 * 1024;
};

/// Parses the whole of source.text() as one JSON document. A UTF-8 byte order mark is skipped;
/// anything but whitespace after the document is an error. On error the Diagnostic carries the
/// line and column of the offending character.
tl::expected<boost::json::value, Diagnostic> parse_json(const Source& source,
                                                        const JsonLimits& limits = {});

}  // namespace ablauf
