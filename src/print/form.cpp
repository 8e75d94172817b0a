#include "print/form.hpp"

#include <charconv>

namespace ablauf::print {
namespace {

FormWords words_in(const std::string& language) {
  if (language == "de")
    return {.required = "Pflichtangabe",
            .conditional = "falls zutreffend",
            .tick_one = "eine Antwort ankreuzen",
            .tick_any = "alle zutreffenden ankreuzen",
            .sign_off = "Abzeichnung",
            .name = "Name",
            .date = "Datum",
            .signature = "Unterschrift",
            .date_format = "TT.MM.JJJJ"};
  return {.required = "required",
          .conditional = "if applicable",
          .tick_one = "tick one",
          .tick_any = "tick all that apply",
          .sign_off = "Sign-off",
          .name = "Name",
          .date = "Date",
          .signature = "Signature",
          .date_format = "YYYY-MM-DD"};
}

// 0, 2.5, 1000: the shortest text that reads back as the same number.
std::string number_text(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return {buffer, end};
}

std::string range_of(const ItemDefinition& item) {
  if (item.kind != ItemKind::number) return {};
  if (item.min && item.max) return number_text(*item.min) + "–" + number_text(*item.max);
  if (item.min) return "≥ " + number_text(*item.min);
  if (item.max) return "≤ " + number_text(*item.max);
  return {};
}

}  // namespace

Form build_form(const WorkflowDefinition& definition, const std::string& language) {
  const std::string& fallback = definition.default_language;
  const std::string chosen = language.empty() ? fallback : language;
  const auto text = [&](const LocalizedText& localized) {
    return std::string(localized.get(chosen, fallback));
  };
  Form form{.language = chosen,
            .title = text(definition.title),
            .description = text(definition.description),
            .parts = {},
            .words = words_in(chosen)};
  for (const auto& step : definition.steps) {
    if (!step.checklist) continue;
    FormPart part{text(step.title), text(step.description), {}};
    if (part.title.empty()) part.title = step.id;
    for (const auto& section : step.checklist->sections) {
      FormSection printed{text(section.title), text(section.description), {}};
      // A checklist definition's step is its section: say its title and description once.
      if (printed.title == part.title) printed.title.clear();
      if (printed.description == part.description) printed.description.clear();
      for (const auto& item : section.items) {
        FormItem entry{.label = text(item.label),
                       .description = text(item.description),
                       .kind = item.kind,
                       .required = item.required,
                       .conditional = item.visible_if.has_value(),
                       .options = {},
                       .unit = text(item.unit),
                       .range = range_of(item)};
        if (entry.label.empty()) entry.label = item.id;
        for (const auto& option : item.options) {
          auto label = text(option.label);
          entry.options.push_back(label.empty() ? option.value : std::move(label));
        }
        printed.items.push_back(std::move(entry));
      }
      part.sections.push_back(std::move(printed));
    }
    form.parts.push_back(std::move(part));
  }
  return form;
}

}  // namespace ablauf::print
