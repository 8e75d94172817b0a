/// @file
/// Text that people read, in one or more languages.
///
/// Titles, descriptions and labels in a definition are either a plain string or an object of
/// language codes: {"de": "Rechnung prüfen", "en": "Check invoice"}. A reader asks for a
/// language and gets the best text there is: that language, then the fallback (usually the
/// definition's default_language), then the first one given.
///
/// Thread-safety: a plain value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ablauf {

/// A text in one or more languages, kept in the order written. Empty when the author gave none.
class LocalizedText {
 public:
  /// No text: empty(), and get() returns "".
  LocalizedText() = default;
  /// A text in no particular language, as written with a plain string.
  explicit LocalizedText(std::string text) { translations_.emplace_back("", std::move(text)); }

  /// Adds the text in `language` (a code such as "de" or "de-CH"). Does not replace an earlier
  /// text in the same language; get() finds the first.
  void add(std::string language, std::string text) {
    translations_.emplace_back(std::move(language), std::move(text));
  }

  /// Whether no text was given in any language.
  bool empty() const noexcept { return translations_.empty(); }

  /// The text in `language`, else in `fallback`, else the first given; "" when empty().
  std::string_view get(std::string_view language = {}, std::string_view fallback = {}) const;

  /// Whether the text exists in `language` (a plain string counts for every language).
  bool has(std::string_view language) const;

  /// (language, text) pairs in the order written; the language of a plain string is "".
  const std::vector<std::pair<std::string, std::string>>& translations() const noexcept {
    return translations_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> translations_;
};

}  // namespace ablauf
