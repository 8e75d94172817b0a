// Regular expressions as JavaScript reads them, matched within a budget (internal): the
// `pattern` of a text item and of a data schema's string.
//
// As in JavaScript, ^ and $ match only at the ends of the text and '.' not a line break, and
// the pattern works on characters, not bytes: '.' and [äöü] take a whole character and {2,30}
// counts characters. A pattern that backtracks without end, such as (a+)+$, stops after a
// number of steps that grows with the text, so a hostile pattern or text cannot hang the engine.
//
// Thread-safety: a compiled pattern is immutable; distinct threads may match with one.
#pragma once

#include <tl/expected.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace ablauf::detail {

class TextPattern {
 public:
  // Where the pattern must match: the whole text (a checklist item) or anywhere in it, as JSON
  // Schema's "pattern" does.
  enum class Span { whole, anywhere };

  // Why a text could not be checked.
  struct Unchecked {
    enum class Why { too_costly, not_utf8, failed } why;
    std::string message;  // "the check takes too long", "the text is not valid UTF-8", …
  };

  // Compiles `pattern`, in the syntax of JavaScript's regular expressions; the error says why
  // it is not one.
  static tl::expected<TextPattern, std::string> compile(std::string_view pattern);

  // Whether `text` matches, over the span asked for.
  tl::expected<bool, Unchecked> matches(std::string_view text, Span span) const;

  // The pattern as written.
  const std::string& source() const noexcept;

 private:
  struct Compiled;
  explicit TextPattern(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace ablauf::detail
