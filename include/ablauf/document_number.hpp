/// @file
/// Document numbers: what a definition's "document_number" makes of each instance it starts,
/// such as "ACC-2026-00042", printed on every form of it.
///
/// Thread-safety: an immutable value.
#pragma once

#include <ablauf/clock.hpp>

#include <tl/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// The format of a document number: text with the fields `{year}` (2026), `{month}` (01–12)
/// and exactly one counter, `{seq}` or `{seq:05}` (at least that many digits, zero-padded).
/// The counter counts per *sequence*: the number as it reads without its counter, so that
/// "ACC-{year}-{seq:05}" starts at ACC-2027-00001 in the new year while "ACC-{seq:05}" counts on.
class DocumentNumberFormat {
 public:
  /// Most characters a format may have.
  static constexpr std::size_t max_length = 64;
  /// Most digits a counter may be padded to.
  static constexpr int max_width = 12;

  /// The format `text` gives, or why it is none (a message that says how to write it).
  static tl::expected<DocumentNumberFormat, std::string> parse(std::string_view text);

  /// The sequence a number made at `when` (read in UTC) counts in: "ACC-2026-".
  std::string sequence(Time when) const;
  /// The number made at `when` with counter `n`: "ACC-2026-00042".
  std::string format(Time when, std::uint64_t n) const;
  /// The format as written.
  const std::string& text() const noexcept { return text_; }

 private:
  struct Part {
    enum class Kind { literal, year, month, counter } kind;
    std::string literal;
    int width = 0;  // the counter's least digits
  };
  std::string render(Time when, const std::uint64_t* n) const;

  std::string text_;
  std::vector<Part> parts_;
};

}  // namespace ablauf
