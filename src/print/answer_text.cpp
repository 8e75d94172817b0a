#include "print/answer_text.hpp"

#include "time/calendar.hpp"
#include "value_text.hpp"

#include <ablauf/answer.hpp>
#include <ablauf/file_reference.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>

namespace ablauf::print {
namespace {

// A date, time or date-time answer in the reader's language; nothing for other answers. A
// date-time is shown at the UTC offset it was noted in, as the person noting it saw the clock.
std::optional<std::string> date_text(ItemKind kind, std::string_view written,
                                     const FormatLocale& locale) {
  tl::expected<std::string, std::string> text = tl::make_unexpected(std::string());
  if (kind == ItemKind::date) text = format_date(written, locale);
  if (kind == ItemKind::time) text = format_time(written, locale);
  if (kind == ItemKind::datetime) {
    const auto noted = detail::parse_date(written);
    if (!noted) return std::nullopt;
    const auto minutes = noted->offset.count();
    char zone[16];
    std::snprintf(zone, sizeof zone, "GMT%c%02d:%02d", minutes < 0 ? '-' : '+',
                  static_cast<int>(std::abs(minutes) / 60),
                  static_cast<int>(std::abs(minutes) % 60));
    text = format_datetime(written, FormatLocale{locale.language, zone});
  }
  if (!text) return std::nullopt;
  return std::move(*text);
}

}  // namespace

std::string answer_text(const boost::json::value& value, const ItemDefinition& item,
                        const TextOf& text, const AnswerWords& words) {
  if (is_not_applicable(value)) return std::string(words.not_applicable);
  const auto option_label = [&](const boost::json::value& chosen) -> std::string {
    for (const auto& option : item.options)
      if (chosen.is_string() && chosen.get_string() == option.value) {
        auto label = text(option.label);
        return label.empty() ? option.value : label;
      }
    return detail::to_text(chosen);
  };
  if (value.is_bool()) return std::string(value.get_bool() ? words.yes : words.no);
  if (item.kind == ItemKind::location && value.is_object()) return place_text(value.get_object());
  if (item.kind == ItemKind::group) {  // "Strom, 12 kWh; Gas, 3 m³": each row's answers
    const auto row_text = [&](const boost::json::object& row) {
      std::string out;
      for (const auto& column : item.items)
        // A group holds no group (the loader's rule): nothing recurses deeper than a row.
        if (const auto* answer = row.if_contains(column.id);
            answer && column.kind != ItemKind::group) {
          auto said = answer_text(*answer, column, text, words);
          if (const auto unit = text(column.unit); !unit.empty() && answer->is_number())
            said += " " + unit;
          out += (out.empty() ? "" : ", ") + said;
        }
      return out;
    };
    if (const auto* row = value.if_object()) return row_text(*row);
    std::string out;
    if (const auto* rows = value.if_array())
      for (const auto& row : *rows)
        if (const auto* object = row.if_object())
          out += (out.empty() ? "" : "; ") + row_text(*object);
    return out;
  }
  if (takes_files(item.kind)) {  // the files by name; the forms list their details
    std::string out;
    for (const auto& file : file_references(value)) out += (out.empty() ? "" : ", ") + file.name;
    return out;
  }
  if (const auto* written = value.if_string()) {
    if (auto dated = date_text(item.kind, *written, words.locale)) return *dated;
    return option_label(value);
  }
  if (value.is_number() && (item.kind == ItemKind::number || item.kind == ItemKind::rating))
    return format_number(value.to_number<double>(), words.locale);
  if (value.is_array()) {
    std::string out;
    for (const auto& chosen : value.get_array())
      out += (out.empty() ? "" : ", ") + option_label(chosen);
    return out;
  }
  return detail::to_text(value);
}

std::string place_text(const boost::json::object& place) {
  const auto part = [&](std::string_view name) {
    const auto* member = place.if_contains(name);
    return member ? detail::to_text(*member) : std::string();
  };
  std::string out = part("latitude") + ", " + part("longitude");
  if (place.contains("accuracy")) out += " (± " + part("accuracy") + " m)";
  return out;
}

const ItemDefinition* find_item(const StepDefinition& step, std::string_view item_id) {
  if (!step.checklist) return nullptr;
  for (const auto& section : step.checklist->sections)
    for (const auto& item : section.items)
      if (item.id == item_id) return &item;
  return nullptr;
}

}  // namespace ablauf::print
