// Why an answer is refused, in the words of the person's language (internal): the one place
// that words check_answer()'s messages, for every kind of item and the files of file items.
#pragma once

#include "ablauf/answer.hpp"

#include "message_text.hpp"
#include "suggest.hpp"
#include "value_text.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

// Most option values a message lists before it says how many more there are.
constexpr std::size_t max_listed_options = 20;

// Builds the messages of one item, each led by its label, in English or German.
class Refusal {
 public:
  Refusal(const ItemDefinition& item, std::string_view language, std::string_view fallback,
          std::string_view messages)
      : item_(item),
        language_(language),
        fallback_(fallback),
        german_(messages == "de" || messages.starts_with("de-")),
        label_(in_language(item.label)) {
    if (label_.empty()) label_ = item.id;
  }

  bool german() const { return german_; }
  // The language of labels quoted, its fallback, and of the messages' words ("de" or ""): what
  // the items inside a group are checked in.
  const std::string& language() const { return language_; }
  const std::string& fallback() const { return fallback_; }
  std::string_view messages() const { return german_ ? "de" : ""; }

  // The English or the German words.
  std::string say(std::string_view english, std::string_view german) const {
    return std::string(german_ ? german : english);
  }

  // A number as the message's language writes it: 1.5, or 1,5 in German.
  std::string number(double value) const { return localized(number_text(value)); }
  std::string number(const boost::json::value& value) const { return localized(to_text(value)); }

  // A text of the item (its unit, say) in the language messages are written for.
  std::string in_language(const LocalizedText& text) const {
    return std::string(text.get(language_, fallback_));
  }

  tl::unexpected<AnswerError> operator()(std::string_view what) const {
    std::string message(label_);
    message += ": ";
    message += what;
    return tl::make_unexpected(AnswerError{std::move(message)});
  }

  // "expected <expected>, not a string"
  tl::unexpected<AnswerError> wrong_type(std::string_view expected,
                                         const boost::json::value& value) const {
    return (*this)(say("expected ", "erwartet: ") + std::string(expected) +
                   say(", not ", ", nicht ") + kind_of(value));
  }

  // What a value is, as "not …" names it: "a string", in German "ein Text".
  std::string kind_of(const boost::json::value& value) const {
    if (!german_) return describe(value);
    switch (value.kind()) {
      case boost::json::kind::null: return "leer (null)";
      case boost::json::kind::bool_: return "ein Wahrheitswert";
      case boost::json::kind::int64:
      case boost::json::kind::uint64:
      case boost::json::kind::double_: return "eine Zahl";
      case boost::json::kind::string: return "ein Text";
      case boost::json::kind::array: return "eine Liste";
      case boost::json::kind::object: return "ein Objekt";
    }
    return "ein Wert";
  }

  // A required checkbox answered false, named by its id too: the label alone may not find it
  // in an answers file.
  tl::unexpected<AnswerError> unticked() const {
    std::string what = say("is required and must be ticked (true), not false",
                           "ist Pflicht und muss angekreuzt sein");
    if (label_ != item_.id) what += " (item '" + item_.id + "')";
    return (*this)(what);
  }

  // "a, b, c" of the option values, shortened when there are many.
  std::string options() const {
    std::string out;
    const auto& options = item_.options;
    for (std::size_t i = 0; i < options.size() && i < max_listed_options; ++i) {
      if (i > 0) out += ", ";
      out += options[i].value;
    }
    if (options.size() > max_listed_options)
      out += say(" and ", " und ") + std::to_string(options.size() - max_listed_options) +
             say(" more", " weitere");
    return out;
  }

  // "'x' is not one of a, b, c; did you mean 'y'?"
  tl::unexpected<AnswerError> not_an_option(std::string_view value) const {
    if (item_.options.empty())
      return (*this)(say("there are no options to choose from", "es gibt nichts zur Auswahl"));
    std::vector<std::string_view> values;
    for (const auto& option : item_.options) values.push_back(option.value);
    if (!german_)
      return (*this)(quote(value) + " is not one of " + options() + did_you_mean(value, values));
    return (*this)(quote(value) + " ist keine der Möglichkeiten " + options());
  }

  // "3 characters", "1 Zeichen": a count with its noun, in the message's language.
  std::string count(std::size_t n, std::string_view singular, std::string_view plural,
                    std::string_view german_singular, std::string_view german_plural) const {
    if (!german_) return count_of(n, singular, plural);
    return std::to_string(n) + " " + std::string(n == 1 ? german_singular : german_plural);
  }

  static std::string quote(std::string_view text) { return quoted_text(text); }

 private:
  std::string localized(std::string text) const {
    if (german_) std::replace(text.begin(), text.end(), '.', ',');
    return text;
  }

  const ItemDefinition& item_;
  std::string language_, fallback_;
  bool german_;
  std::string label_;
};

}  // namespace ablauf::detail
