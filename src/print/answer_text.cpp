#include "print/answer_text.hpp"

#include "value_text.hpp"

#include <ablauf/answer.hpp>
#include <ablauf/file_reference.hpp>

namespace ablauf::print {

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
  if (value.is_string()) return option_label(value);
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
