#include "ablauf/answer.hpp"

#include "expression/utf8.hpp"
#include "json_number.hpp"
#include "message_text.hpp"
#include "suggest.hpp"
#include "text_pattern.hpp"
#include "time/calendar.hpp"
#include "value_text.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace ablauf {
namespace {

namespace json = boost::json;

// Most option values a message lists before it says how many more there are.
constexpr std::size_t max_listed_options = 20;

// Builds the messages of one item, each led by its label.
class Refusal {
 public:
  Refusal(const ItemDefinition& item, std::string_view language, std::string_view fallback)
      : item_(item), language_(language), fallback_(fallback), label_(in_language(item.label)) {
    if (label_.empty()) label_ = item.id;
  }

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
                                         const json::value& value) const {
    return (*this)("expected " + std::string(expected) + ", not " + detail::describe(value));
  }

  // A required checkbox answered false, named by its id too: the label alone may not find it
  // in an answers file.
  tl::unexpected<AnswerError> unticked() const {
    std::string what = "is required and must be ticked (true), not false";
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
      out += " and " + std::to_string(options.size() - max_listed_options) + " more";
    return out;
  }

  // "'x' is not one of a, b, c; did you mean 'y'?"
  tl::unexpected<AnswerError> not_an_option(std::string_view value) const {
    if (item_.options.empty()) return (*this)("there are no options to choose from");
    std::vector<std::string_view> values;
    for (const auto& option : item_.options) values.push_back(option.value);
    return (*this)(quote(value) + " is not one of " + options() +
                   detail::did_you_mean(value, values));
  }

  static std::string quote(std::string_view text) { return detail::quoted_text(text); }

 private:
  const ItemDefinition& item_;
  std::string language_, fallback_;
  std::string label_;
};

using detail::count_of;
using detail::number_text;

tl::expected<json::value, AnswerError> check_pattern(const ItemDefinition& item,
                                                     const json::string& text,
                                                     const Refusal& refuse) {
  const auto pattern = detail::TextPattern::compile(item.pattern);
  if (!pattern)
    return refuse("the required pattern is not a valid regular expression: " + pattern.error());
  const auto matched = pattern->matches(text, detail::TextPattern::Span::whole);
  if (!matched) {
    using Why = detail::TextPattern::Unchecked::Why;
    if (matched.error().why == Why::not_utf8) return refuse(matched.error().message);
    return refuse("could not be checked against the required pattern: " + matched.error().message);
  }
  if (!*matched) return refuse("does not match the required pattern");
  return json::value(text);
}

tl::expected<json::value, AnswerError> check_text(const ItemDefinition& item,
                                                  const json::value& value, const Refusal& refuse) {
  if (!value.is_string()) return refuse.wrong_type("text", value);
  const json::string& text = value.get_string();
  const std::size_t length = detail::utf8::length(text);
  if (item.min && static_cast<double>(length) < *item.min)
    return refuse("has " + count_of(length, "character", "characters") +
                  ", fewer than the minimum of " + number_text(*item.min));
  if (item.max && static_cast<double>(length) > *item.max)
    return refuse("has " + count_of(length, "character", "characters") +
                  ", more than the maximum of " + number_text(*item.max));
  if (item.pattern.empty()) return value;
  return check_pattern(item, text, refuse);
}

tl::expected<json::value, AnswerError> check_number(const ItemDefinition& item,
                                                    const json::value& value,
                                                    const Refusal& refuse) {
  if (!value.is_number()) return refuse.wrong_type("a number", value);
  if (value.is_double() && !std::isfinite(value.get_double()))
    return refuse("expected a number, not " + detail::to_text(value));
  // "12 EUR", so the bound and the answer read in the unit the form shows.
  const std::string unit = item.unit.empty() ? std::string() : " " + refuse.in_language(item.unit);
  if (item.min && detail::compare_number(value, *item.min) < 0)
    return refuse(detail::to_text(value) + unit + " is below the minimum of " +
                  number_text(*item.min) + unit);
  if (item.max && detail::compare_number(value, *item.max) > 0)
    return refuse(detail::to_text(value) + unit + " is above the maximum of " +
                  number_text(*item.max) + unit);
  return value;
}

tl::expected<json::value, AnswerError> check_date(const json::value& value, const Refusal& refuse) {
  constexpr std::string_view expected = "a date like 2026-11-23";
  if (!value.is_string()) return refuse.wrong_type(expected, value);
  const std::string_view text = value.get_string();
  const auto date = detail::parse_date(text);
  if (date && date->has_time())
    return refuse(Refusal::quote(text) + " is a date and time; expected " + std::string(expected) +
                  " without a time");
  if (date) return json::value(detail::format_date(*date));
  // parse_date() expects a time after a full-date; here nothing may follow it.
  constexpr std::size_t date_length = 10;
  if (text.size() > date_length && detail::parse_date(text.substr(0, date_length)))
    return refuse(Refusal::quote(text) + " is not " + std::string(expected) +
                  ": unexpected text after the date");
  return refuse(Refusal::quote(text) + " is not " + std::string(expected) + ": " +
                date.error().message);
}

const ChoiceOption* find_option(const ItemDefinition& item, std::string_view value) {
  const auto found = std::find_if(item.options.begin(), item.options.end(),
                                  [&](const ChoiceOption& o) { return o.value == value; });
  return found == item.options.end() ? nullptr : &*found;
}

tl::expected<json::value, AnswerError> check_choice(const ItemDefinition& item,
                                                    const json::value& value,
                                                    const Refusal& refuse) {
  if (!value.is_string()) return refuse.wrong_type("one of " + refuse.options(), value);
  if (!find_option(item, value.get_string())) return refuse.not_an_option(value.get_string());
  return value;
}

tl::expected<json::value, AnswerError> check_multi_choice(const ItemDefinition& item,
                                                          const json::value& value,
                                                          const Refusal& refuse) {
  const std::string expected = "a list of " + refuse.options();
  if (!value.is_array()) return refuse.wrong_type(expected, value);
  std::vector<bool> chosen(item.options.size(), false);
  for (const auto& element : value.get_array()) {
    if (!element.is_string())
      return refuse("expected " + expected + ", not a list holding " + detail::describe(element));
    const ChoiceOption* option = find_option(item, element.get_string());
    if (!option) return refuse.not_an_option(element.get_string());
    const auto index = static_cast<std::size_t>(option - item.options.data());
    if (chosen[index]) return refuse(Refusal::quote(option->value) + " is chosen twice");
    chosen[index] = true;
  }
  const std::size_t count = value.get_array().size();
  if (item.min && static_cast<double>(count) < *item.min)
    return refuse(count_of(count, "option is", "options are") +
                  " chosen, fewer than the minimum of " + number_text(*item.min));
  if (item.max && static_cast<double>(count) > *item.max)
    return refuse(count_of(count, "option is", "options are") +
                  " chosen, more than the maximum of " + number_text(*item.max));
  json::array canonical;
  canonical.reserve(count);
  for (std::size_t i = 0; i < item.options.size(); ++i)
    if (chosen[i]) canonical.emplace_back(item.options[i].value);
  return json::value(std::move(canonical));
}

}  // namespace

tl::expected<json::value, AnswerError> check_answer(const ItemDefinition& item,
                                                    const json::value& value,
                                                    std::string_view language,
                                                    std::string_view fallback) {
  const Refusal refuse(item, language, fallback);
  switch (item.kind) {
    case ItemKind::checkbox:
      if (!value.is_bool()) return refuse.wrong_type("true or false", value);
      // A required checkbox completes its step only when ticked: were false recorded, the step
      // would wait for an answer it already has.
      if (item.required && !value.get_bool()) return refuse.unticked();
      return value;
    case ItemKind::text: return check_text(item, value, refuse);
    case ItemKind::number: return check_number(item, value, refuse);
    case ItemKind::date: return check_date(value, refuse);
    case ItemKind::choice: return check_choice(item, value, refuse);
    case ItemKind::multi_choice: return check_multi_choice(item, value, refuse);
    case ItemKind::signature: return refuse("a signature is given with sign(), not as an answer");
  }
  return refuse("has a kind of answer this version does not know");
}

}  // namespace ablauf
