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
#include <string>
#include <string_view>

namespace ablauf {

/// Limits on a JSON document. Defaults suit hand-written definitions; docs/limits.md lists
/// them with their reasons.
/// Each limit must be at least 1 and at most its ceiling; parse_json() refuses others with
/// ErrorCode::invalid_value (a zero or a wrapped-round negative is a mistake, not a limit).
struct JsonLimits {
  /// Largest document accepted, in bytes; at most max_bytes_ceiling.
  std::size_t max_document_bytes = 8 * 1024 * 1024;
  /// Deepest nesting of arrays and objects; at most max_depth_ceiling. Definitions need
  /// about 8.
  std::size_t max_depth = 64;
  /// Longest string (or object key), in bytes; at most max_bytes_ceiling.
  std::size_t max_string_length = 64 * 1024;

  /// The highest max_depth accepted. Boost.JSON's parser recurses once per level, and
  /// values are freed recursively: 10,000 levels take up to 2 MiB of stack (docs/limits.md).
  static constexpr std::size_t max_depth_ceiling = 10'000;
  /// The highest max_document_bytes and max_string_length accepted: 1 GiB.
  static constexpr std::size_t max_bytes_ceiling = std::size_t{1} << 30;
};

/// Why `limits` cannot be used ("max_depth must be between 1 and 10000, not 0"), or "" when
/// every limit lies within its range.
std::string check_json_limits(const JsonLimits& limits);

/// Parses the whole of source.text() as one JSON document. A UTF-8 byte order mark is skipped;
/// anything but whitespace after the document is an error, and so is a key written twice in
/// one object (a syntax_error at the repeat that names the line and column of the first). On
/// error the Diagnostic carries the line and column of the offending character. Limits out of
/// range (check_json_limits()) are refused with ErrorCode::invalid_value.
tl::expected<boost::json::value, Diagnostic> parse_json(const Source& source,
                                                        const JsonLimits& limits = {});

}  // namespace ablauf
