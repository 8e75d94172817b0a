#include "ablauf/answer.hpp"

#include "answers/file_answer.hpp"
#include "answers/group_answer.hpp"
#include "answers/refusal.hpp"
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
#include <tuple>
#include <vector>

namespace ablauf {
namespace {

namespace json = boost::json;
using detail::Refusal;

tl::expected<json::value, AnswerError> check_pattern(const ItemDefinition& item,
                                                     const json::string& text,
                                                     const Refusal& refuse) {
  const auto pattern = detail::TextPattern::compile(item.pattern);
  if (!pattern)
    return refuse(refuse.say("the required pattern is not a valid regular expression: ",
                             "das vorgegebene Muster ist kein gültiger regulärer Ausdruck: ") +
                  pattern.error());
  const auto matched = pattern->matches(text, detail::TextPattern::Span::whole);
  if (!matched) {
    using Why = detail::TextPattern::Unchecked::Why;
    if (matched.error().why == Why::not_utf8) return refuse(matched.error().message);
    return refuse(refuse.say("could not be checked against the required pattern: ",
                             "konnte nicht gegen das vorgegebene Muster geprüft werden: ") +
                  matched.error().message);
  }
  if (!*matched)
    return refuse(refuse.say("does not match the required pattern",
                             "entspricht nicht dem vorgegebenen Muster"));
  return json::value(text);
}

tl::expected<json::value, AnswerError> check_text(const ItemDefinition& item,
                                                  const json::value& value, const Refusal& refuse) {
  if (!value.is_string()) return refuse.wrong_type(refuse.say("text", "ein Text"), value);
  const json::string& text = value.get_string();
  const std::size_t length = detail::utf8::length(text);
  const auto has = [&] {
    return refuse.say("has ", "hat ") +
           refuse.count(length, "character", "characters", "Zeichen", "Zeichen");
  };
  if (item.min && static_cast<double>(length) < *item.min)
    return refuse(has() + refuse.say(", fewer than the minimum of ", ", weniger als mindestens ") +
                  refuse.number(*item.min));
  if (item.max && static_cast<double>(length) > *item.max)
    return refuse(has() + refuse.say(", more than the maximum of ", ", mehr als höchstens ") +
                  refuse.number(*item.max));
  if (item.pattern.empty()) return value;
  return check_pattern(item, text, refuse);
}

tl::expected<json::value, AnswerError> check_number(const ItemDefinition& item,
                                                    const json::value& value,
                                                    const Refusal& refuse) {
  const std::string expected = refuse.say("a number", "eine Zahl");
  if (!value.is_number()) return refuse.wrong_type(expected, value);
  if (value.is_double() && !std::isfinite(value.get_double()))
    return refuse(refuse.say("expected ", "erwartet: ") + expected +
                  refuse.say(", not ", ", nicht ") + detail::to_text(value));
  // "12 EUR", so the bound and the answer read in the unit the form shows.
  const std::string unit = item.unit.empty() ? std::string() : " " + refuse.in_language(item.unit);
  if (item.min && detail::compare_number(value, *item.min) < 0)
    return refuse(refuse.number(value) + unit +
                  refuse.say(" is below the minimum of ", " liegt unter dem Mindestwert von ") +
                  refuse.number(*item.min) + unit);
  if (item.max && detail::compare_number(value, *item.max) > 0)
    return refuse(refuse.number(value) + unit +
                  refuse.say(" is above the maximum of ", " liegt über dem Höchstwert von ") +
                  refuse.number(*item.max) + unit);
  return value;
}

tl::expected<json::value, AnswerError> check_date(const json::value& value, const Refusal& refuse) {
  const std::string expected = refuse.say("a date like 2026-11-23", "ein Datum wie 2026-11-23");
  if (!value.is_string()) return refuse.wrong_type(expected, value);
  const std::string_view text = value.get_string();
  const auto date = detail::parse_date(text);
  if (date && date->has_time())
    return refuse(
        Refusal::quote(text) +
        refuse.say(" is a date and time; expected ", " ist ein Datum mit Uhrzeit; erwartet: ") +
        expected + refuse.say(" without a time", " ohne Uhrzeit"));
  if (date) return json::value(detail::format_date(*date));
  const std::string is_not =
      Refusal::quote(text) + refuse.say(" is not ", " ist nicht ") + expected;
  // parse_date() expects a time after a full-date; here nothing may follow it.
  constexpr std::size_t date_length = 10;
  if (text.size() > date_length && detail::parse_date(text.substr(0, date_length)))
    return refuse(is_not + refuse.say(": unexpected text after the date", ": Text nach dem Datum"));
  // The calendar's own reason ("February 2026 has 28 days") is in English only.
  if (refuse.german()) return refuse(is_not);
  return refuse(is_not + ": " + date.error().message);
}

// A whole number on the item's scale.
tl::expected<json::value, AnswerError> check_rating(const ItemDefinition& item,
                                                    const json::value& value,
                                                    const Refusal& refuse) {
  const double low = item.min.value_or(1), high = item.max.value_or(5);
  const std::string scale = refuse.number(low) + refuse.say(" to ", " bis ") + refuse.number(high);
  const std::string expected = refuse.say("a whole number from ", "eine ganze Zahl von ") + scale;
  if (!value.is_number()) return refuse.wrong_type(expected, value);
  const double number = value.to_number<double>();
  if (std::trunc(number) != number || number < low || number > high)
    return refuse(refuse.number(value) +
                  refuse.say(" is not on the scale of ", " liegt nicht auf der Skala von ") +
                  scale);
  return json::value(static_cast<std::int64_t>(number));
}

// {"latitude", "longitude", "accuracy"}: degrees (WGS 84, as a phone reports them) and, if
// known, the radius in metres it is sure within; returned in that order.
tl::expected<json::value, AnswerError> check_location(const json::value& value,
                                                      const Refusal& refuse) {
  const std::string expected =
      refuse.say("a place as {\"latitude\", \"longitude\", \"accuracy\"}",
                 "ein Ort als {\"latitude\", \"longitude\", \"accuracy\"}");
  if (!value.is_object()) return refuse.wrong_type(expected, value);
  const auto& place = value.get_object();
  for (const auto& [name, member] : place)
    if (name != "latitude" && name != "longitude" && name != "accuracy")
      return refuse(refuse.say("has an unknown member ", "hat ein unbekanntes Feld ") +
                    Refusal::quote(name) + refuse.say(": expected ", ": erwartet: ") + expected);
  json::object canonical;
  for (const auto& [name, low, high] :
       {std::tuple{"latitude", -90.0, 90.0}, std::tuple{"longitude", -180.0, 180.0},
        std::tuple{"accuracy", 0.0, 40'000'000.0}}) {
    const auto* member = place.if_contains(name);
    const bool optional = std::string_view(name) == "accuracy";
    if (!member && optional) continue;
    if (!member || !member->is_number() ||
        (member->is_double() && !std::isfinite(member->get_double())))
      return refuse(Refusal::quote(name) + refuse.say(" must be a number", " muss eine Zahl sein"));
    const double number = member->to_number<double>();
    if (number < low || number > high)
      return refuse(Refusal::quote(name) + refuse.say(" must lie from ", " muss liegen zwischen ") +
                    refuse.number(low) + refuse.say(" to ", " und ") + refuse.number(high) +
                    refuse.say(", not ", ", nicht ") + refuse.number(*member));
    canonical[name] = *member;
  }
  return json::value(std::move(canonical));
}

// "14:05" or "14:05:30": a time of day on a 24-hour clock, seconds only when not zero.
tl::expected<json::value, AnswerError> check_time(const json::value& value, const Refusal& refuse) {
  const std::string expected = refuse.say("a time like 14:05", "eine Uhrzeit wie 14:05");
  if (!value.is_string()) return refuse.wrong_type(expected, value);
  const std::string_view text = value.get_string();
  const auto digits = [&](std::size_t at) {
    return text[at] >= '0' && text[at] <= '9' && text[at + 1] >= '0' && text[at + 1] <= '9';
  };
  const auto two = [&](std::size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); };
  const bool shaped = (text.size() == 5 || text.size() == 8) && digits(0) && text[2] == ':' &&
                      digits(3) && (text.size() == 5 || (text[5] == ':' && digits(6)));
  if (!shaped || two(0) > 23 || two(3) > 59 || (text.size() == 8 && two(6) > 59))
    return refuse(Refusal::quote(text) + refuse.say(" is not ", " ist nicht ") + expected);
  if (text.size() == 8 && text.substr(5) == ":00")
    return json::value(json::string(text.substr(0, 5)));
  return value;
}

// An RFC 3339 date-time with its offset, which it keeps: "2026-12-07T14:05:00+01:00" is the
// time a person noted, in their zone, and reads back so.
tl::expected<json::value, AnswerError> check_datetime(const json::value& value,
                                                      const Refusal& refuse) {
  const std::string expected = refuse.say("a date and time like 2026-12-07T14:05:00+01:00",
                                          "Datum und Uhrzeit wie 2026-12-07T14:05:00+01:00");
  if (!value.is_string()) return refuse.wrong_type(expected, value);
  const std::string_view text = value.get_string();
  const auto date = detail::parse_date(text);
  if (!date || !date->has_time())
    return refuse(Refusal::quote(text) + refuse.say(" is not ", " ist nicht ") + expected);
  std::string canonical(text);  // 't' and 'z' as RFC 3339 writes them
  for (auto& c : canonical)
    if (c == 't' || c == 'z') c = static_cast<char>(c - 'a' + 'A');
  return json::value(std::move(canonical));
}

const ChoiceOption* find_option(const ItemDefinition& item, std::string_view value) {
  const auto found = std::find_if(item.options.begin(), item.options.end(),
                                  [&](const ChoiceOption& o) { return o.value == value; });
  return found == item.options.end() ? nullptr : &*found;
}

tl::expected<json::value, AnswerError> check_choice(const ItemDefinition& item,
                                                    const json::value& value,
                                                    const Refusal& refuse) {
  if (!value.is_string())
    return refuse.wrong_type(refuse.say("one of ", "eine der Möglichkeiten ") + refuse.options(),
                             value);
  if (!find_option(item, value.get_string())) return refuse.not_an_option(value.get_string());
  return value;
}

tl::expected<json::value, AnswerError> check_multi_choice(const ItemDefinition& item,
                                                          const json::value& value,
                                                          const Refusal& refuse) {
  const std::string expected = refuse.say("a list of ", "eine Liste aus ") + refuse.options();
  if (!value.is_array()) return refuse.wrong_type(expected, value);
  std::vector<bool> chosen(item.options.size(), false);
  for (const auto& element : value.get_array()) {
    if (!element.is_string())
      return refuse(refuse.say("expected ", "erwartet: ") + expected +
                    refuse.say(", not a list holding ", ", nicht eine Liste mit: ") +
                    refuse.kind_of(element));
    const ChoiceOption* option = find_option(item, element.get_string());
    if (!option) return refuse.not_an_option(element.get_string());
    const auto index = static_cast<std::size_t>(option - item.options.data());
    if (chosen[index])
      return refuse(Refusal::quote(option->value) +
                    refuse.say(" is chosen twice", " ist doppelt gewählt"));
    chosen[index] = true;
  }
  const std::size_t count = value.get_array().size();
  const auto chosen_count = [&] {
    return refuse.count(count, "option is", "options are", "Möglichkeit ist",
                        "Möglichkeiten sind") +
           refuse.say(" chosen", " gewählt");
  };
  if (item.min && static_cast<double>(count) < *item.min)
    return refuse(chosen_count() +
                  refuse.say(", fewer than the minimum of ", ", weniger als mindestens ") +
                  refuse.number(*item.min));
  if (item.max && static_cast<double>(count) > *item.max)
    return refuse(chosen_count() +
                  refuse.say(", more than the maximum of ", ", mehr als höchstens ") +
                  refuse.number(*item.max));
  json::array canonical;
  canonical.reserve(count);
  for (std::size_t i = 0; i < item.options.size(); ++i)
    if (chosen[i]) canonical.emplace_back(item.options[i].value);
  return json::value(std::move(canonical));
}

}  // namespace

json::value not_applicable_answer() {
  return json::object{{"not_applicable", true}};
}

bool is_not_applicable(const json::value& answer) {
  const auto* object = answer.if_object();
  if (!object || object->size() != 1) return false;
  const auto* flag = object->if_contains("not_applicable");
  return flag && flag->is_bool() && flag->get_bool();
}

tl::expected<json::value, AnswerError> check_answer(const ItemDefinition& item,
                                                    const json::value& value,
                                                    std::string_view language,
                                                    std::string_view fallback,
                                                    std::string_view messages) {
  const Refusal refuse(item, language, fallback, messages);
  if (is_not_applicable(value)) {
    if (item.not_applicable) return not_applicable_answer();
    return refuse(
        refuse.say("cannot be answered 'not applicable': its definition does not allow "
                   "it (\"not_applicable\": true)",
                   "kann nicht mit „entfällt“ beantwortet werden: die Definition "
                   "erlaubt es nicht"));
  }
  switch (item.kind) {
    case ItemKind::checkbox:
      if (!value.is_bool())
        return refuse.wrong_type(refuse.say("true or false", "angekreuzt oder nicht"), value);
      // A required checkbox completes its step only when ticked: were false recorded, the step
      // would wait for an answer it already has.
      if (item.required && !value.get_bool()) return refuse.unticked();
      return value;
    case ItemKind::text: return check_text(item, value, refuse);
    case ItemKind::number: return check_number(item, value, refuse);
    case ItemKind::date: return check_date(value, refuse);
    case ItemKind::choice: return check_choice(item, value, refuse);
    case ItemKind::multi_choice: return check_multi_choice(item, value, refuse);
    case ItemKind::rating: return check_rating(item, value, refuse);
    case ItemKind::location: return check_location(value, refuse);
    case ItemKind::time: return check_time(value, refuse);
    case ItemKind::datetime: return check_datetime(value, refuse);
    case ItemKind::file:
    case ItemKind::photo: return detail::check_files(item, value, refuse);
    case ItemKind::group: return detail::check_group(item, value, refuse);
    case ItemKind::signature:
      return refuse(refuse.say("a signature is given with sign(), not as an answer",
                               "eine Unterschrift wird mit sign() gegeben, nicht als Antwort"));
  }
  return refuse(refuse.say("has a kind of answer this version does not know",
                           "hat eine Art von Antwort, die diese Version nicht kennt"));
}

}  // namespace ablauf
