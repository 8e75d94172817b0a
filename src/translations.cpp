#include "ablauf/translations.hpp"

#include "ablauf/source.hpp"

#include <set>
#include <string>

namespace ablauf {

Diagnostics missing_translations(const WorkflowDefinition& definition, std::string_view language) {
  Diagnostics found;
  std::set<std::string> seen;  // a checklist's step and its section share their texts
  const auto check = [&](const LocalizedText& text, const std::string& pointer) {
    if (text.empty() || text.has(language) || !seen.insert(pointer).second) return;
    SourceLocation where;
    if (definition.source) where = definition.source->locate(pointer);
    found.add(
        Severity::warning, ErrorCode::missing_translation,
        "'" + std::string(text.get()) + "' has no translation into '" + std::string(language) + "'",
        pointer, where);
  };
  check(definition.title, "/title");
  check(definition.description, "/description");
  for (const auto& step : definition.steps) {
    check(step.title, step.pointer + "/title");
    check(step.description, step.pointer + "/description");
    for (const auto& transition : step.next)
      if (transition.pointer.ends_with("/to"))
        check(transition.label,
              transition.pointer.substr(0, transition.pointer.size() - 3) + "/label");
    if (!step.checklist) continue;
    for (const auto& section : step.checklist->sections) {
      check(section.title, section.pointer + "/title");
      check(section.description, section.pointer + "/description");
      for (const auto& item : section.items) {
        check(item.label, item.pointer + "/label");
        check(item.description, item.pointer + "/description");
        check(item.unit, item.pointer + "/unit");
        for (std::size_t n = 0; n < item.options.size(); ++n)
          check(item.options[n].label, item.pointer + "/options/" + std::to_string(n) + "/label");
      }
    }
  }
  return found;
}

}  // namespace ablauf
