/// @file
/// A source document: its name, its text, and where each of its values stands in the text.
///
/// Boost.JSON parses values but keeps no positions. A Source finds them on demand: the first
/// call to locate() scans the (already validated) text once and indexes every JSON pointer, so
/// documents without problems never pay for it. Diagnostics carry pointers while a document is
/// checked and get their line and column from here at the end.
///
/// Thread-safety: a Source is immutable once built; locate() may be called from several
/// threads at once (the index is built exactly once).
#pragma once

#include <ablauf/error.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// Which end of an object member a location points at: "unknown field" errors point at the
/// key, "wrong type" errors at the value.
enum class Anchor {
  value,  ///< the start of the value
  key     ///< the start of the member's key (the value's, for an array element or the root)
};

/// A key written more than once in one JSON object. JSON leaves such a document's meaning
/// open (Boost.JSON keeps the last value), so parse_json() refuses it.
struct DuplicateKey {
  std::string pointer;    ///< of the member, e.g. "/steps/0/to"
  std::size_t first = 0;  ///< byte offset of the key's earlier occurrence (its opening quote)
  std::size_t second = 0;  ///< byte offset of its next occurrence
};

/// A document's name and text, and the index that maps JSON pointers to lines and columns.
/// Neither copyable nor movable: share it through a `std::shared_ptr<const Source>`, as
/// WorkflowDefinition::source does.
class Source {
 public:
  /// Takes the document's text; `name` (usually its path) becomes the file of every location.
  Source(std::string name, std::string text);
  /// Frees the index, if locate() built one.
  ~Source();
  Source(const Source&) = delete;             ///< Neither copyable nor movable.
  Source& operator=(const Source&) = delete;  ///< Neither copyable nor movable.

  /// The name given to the constructor, e.g. "definitions/invoice.json".
  const std::string& name() const noexcept { return name_; }
  /// The document's text, as given (a UTF-8 byte order mark included).
  std::string_view text() const noexcept { return text_; }

  /// Line and column of a byte offset into text(). An offset past the end is clamped. The
  /// first call indexes where lines start; each call after costs O(log lines), so locating
  /// many findings stays linear in their number.
  SourceLocation location_at(std::size_t offset) const;

  /// Location of the value (or key) at a JSON pointer. A pointer that names nothing in the
  /// document (a missing field, say) is located at its nearest existing parent.
  /// REQUIRES: text() is valid JSON.
  SourceLocation locate(std::string_view pointer, Anchor anchor = Anchor::value) const;

  /// Location of a character inside the string at a JSON pointer: `offset` counts bytes of
  /// the string's decoded value (as Boost.JSON gives it); escapes in the text are accounted
  /// for. Expressions and durations use this to point at the character at fault.
  SourceLocation locate_in_string(std::string_view pointer, std::size_t offset) const;

  /// Byte offset of the value (or key) at a JSON pointer, found as for locate().
  std::size_t offset_of(std::string_view pointer, Anchor anchor = Anchor::value) const;

  /// Every key written again in an object that already has it, in the order of the repeats;
  /// a key written three times appears twice (first with second, second with third).
  /// REQUIRES: text() is valid JSON.
  const std::vector<DuplicateKey>& duplicate_keys() const;

 private:
  struct Index;
  const Index& index() const;
  struct Lines;
  const Lines& lines() const;

  std::string name_;
  std::string text_;
  mutable std::unique_ptr<Index> index_;
  mutable std::once_flag index_once_;
  mutable std::unique_ptr<Lines> lines_;
  mutable std::once_flag lines_once_;
};

/// Escapes one reference token of a JSON pointer ('~' → "~0", '/' → "~1").
std::string escape_pointer_token(std::string_view token);

}  // namespace ablauf
