// A recorded answer as a person reads it (internal): options by their labels, yes or no,
// numbers, dates and times as the reader's language writes them. Shared by filled forms and
// timelines.
#pragma once

#include "ablauf/definition.hpp"
#include "ablauf/locale_format.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace ablauf::print {

// Picks the text of a title, label or description in the reader's language.
using TextOf = std::function<std::string(const LocalizedText&)>;

// The words an answer may be: a checkbox's yes and no, and "not applicable"; and the language
// its numbers and dates are written in.
struct AnswerWords {
  std::string_view yes, no, not_applicable;
  FormatLocale locale;
};

std::string answer_text(const boost::json::value& value, const ItemDefinition& item,
                        const TextOf& text, const AnswerWords& words);

// A location's answer as people read it: "52.52, 13.405 (± 12 m)".
std::string place_text(const boost::json::object& place);

// The item `item_id` of the checklist of `step`, or null.
const ItemDefinition* find_item(const StepDefinition& step, std::string_view item_id);

}  // namespace ablauf::print
