/// @file
/// Answers to checklist items: what a person may enter for an item, in canonical form.
///
/// check_answer() is the one place that knows what each ItemKind accepts (docs/format.md,
/// "Checklist items"); Engine::answer() records only what it returns. Whether an item must be
/// answered at all is the engine's completeness rule, not part of checking one answer; but a
/// required checkbox must be ticked, so false is refused here rather than recorded as an answer
/// that could never complete its step.
///
/// Thread-safety: a pure function; it may run concurrently with itself.
#pragma once

#include <ablauf/definition.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <string>
#include <string_view>

namespace ablauf {

/// Why an answer was refused, in words for the person filling the form: it names the item by
/// its label ("Betrag: 12 is below the minimum of 100", "IBAN: does not match the required
/// pattern").
struct AnswerError {
  std::string message;  ///< led by the item's label (its id when it has none) and a colon
};

/// The answer "not applicable", {"not_applicable": true}, which an item with `not_applicable`
/// takes whatever its kind: it answers the item (a required one too), and scoring leaves it out.
boost::json::value not_applicable_answer();

/// Whether `answer` is not_applicable_answer().
bool is_not_applicable(const boost::json::value& answer);

/// Checks a person's answer to `item` against the item's kind and rules and returns it in
/// canonical form:
/// - checkbox: true or false; a required checkbox only true (false is refused, naming the
///   item's label and id).
/// - text: a string; `min`/`max` bound its length in code points ("Grüße" has 5); `pattern`,
///   an ECMAScript regular expression, must match the whole text. A pattern too costly to run
///   on the answer refuses it rather than hang.
/// - number: a finite JSON number within `min`..`max` (inclusive), returned as given. Strings
///   holding numbers are refused: callers convert typed input first.
/// - date: an RFC 3339 full-date ("2026-11-23") of a day that exists; a date-time is refused.
/// - choice: the value (not the label) of one of the options.
/// - multi_choice: an array of distinct option values, `min`..`max` of them, returned in the
///   order of the options, so equal selections compare equal.
/// - time: "HH:MM" or "HH:MM:SS" on a 24-hour clock, returned as "HH:MM" when the seconds are
///   zero.
/// - datetime: an RFC 3339 date-time with its UTC offset ("2026-12-07T14:05:00+01:00", "…Z"),
///   returned as written (with 'T' and 'Z' upper case): the offset is part of what was noted.
/// - signature: always refused; a signature is given with Engine::sign().
/// - any kind: not_applicable_answer(), where the item allows it (`not_applicable`); refused
///   where it does not.
/// `language` picks the translation of the label quoted in messages, else `fallback` (the
/// definition's default language), else the first one; the item id when the item has no label.
/// `messages` is the language of the message's own words: "de" (or "de-…") for German, with
/// numbers written with a decimal comma; anything else, English.
tl::expected<boost::json::value, AnswerError> check_answer(const ItemDefinition& item,
                                                           const boost::json::value& value,
                                                           std::string_view language = {},
                                                           std::string_view fallback = {},
                                                           std::string_view messages = {});

}  // namespace ablauf
