#include "run_prompt.hpp"

#include <boost/json/parse.hpp>

#include <iostream>
#include <sstream>

namespace ablauf::cli {
namespace json = boost::json;
namespace {

std::string rules_of(const ItemDefinition& item, const std::string& language) {
  std::ostringstream rules;
  rules << to_string(item.kind);
  if (!item.required) rules << ", optional";
  if (item.min) rules << ", min " << *item.min;
  if (item.max) rules << ", max " << *item.max;
  if (!item.unit.empty()) rules << ", in " << item.unit.get(language);
  if (!item.pattern.empty()) rules << ", pattern " << item.pattern;
  if (!item.options.empty()) {
    rules << "; options:";
    for (const auto& option : item.options)
      rules << ' ' << option.value << " (" << option.label.get(language) << ')';
  }
  return rules.str();
}

// What a person types, as the JSON value the item's kind takes.
json::value typed(const ItemDefinition& item, const std::string& line) {
  switch (item.kind) {
    case ItemKind::checkbox:
      if (line == "y" || line == "yes" || line == "j" || line == "ja" || line == "true")
        return true;
      if (line == "n" || line == "no" || line == "nein" || line == "false") return false;
      return json::value(line);
    case ItemKind::number: {
      boost::system::error_code ec;
      auto number = json::parse(line, ec);
      return !ec && number.is_number() ? number : json::value(line);
    }
    case ItemKind::multi_choice: {
      json::array values;
      std::istringstream in(line);
      for (std::string part; std::getline(in, part, ',');) {
        const auto first = part.find_first_not_of(' ');
        const auto last = part.find_last_not_of(' ');
        if (first != std::string::npos) values.emplace_back(part.substr(first, last - first + 1));
      }
      return values;
    }
    default: return json::value(line);
  }
}

}  // namespace

bool ask(Engine& engine, const std::string& instance, const StepDefinition& step,
         const ItemDefinition& item, const std::string& actor, const std::string& language,
         std::ostream& out) {
  for (;;) {
    out << "  " << item.label.get(language) << " [" << rules_of(item, language) << "]"
        << (item.kind == ItemKind::signature ? " — your name: " : ": ") << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return false;
    if (line.empty() && !item.required) return true;
    const auto done = item.kind == ItemKind::signature
                          ? engine.sign(instance, step.id, item.id, line.empty() ? actor : line)
                          : engine.answer(instance, step.id, item.id, typed(item, line), actor);
    if (done) return true;
    out << "    " << done.error().message << '\n';
  }
}

}  // namespace ablauf::cli
