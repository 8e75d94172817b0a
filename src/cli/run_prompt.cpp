#include "run_prompt.hpp"

#include <ablauf/answer.hpp>

#include <boost/json/parse.hpp>

#include <iostream>
#include <sstream>

namespace ablauf::cli {
namespace json = boost::json;
namespace {

std::string options_of(const ItemDefinition& item, const std::string& language) {
  std::string text;
  for (const auto& option : item.options) {
    if (!text.empty()) text += ", ";
    text += option.value;
    const auto label = option.label.get(language);
    if (!label.empty() && label != option.value) text.append(" (").append(label).append(")");
  }
  return text;
}

// What the item accepts, as a person types it: "a number from 0 to 100, in EUR".
std::string accepts(const ItemDefinition& item, const std::string& actor,
                    const std::string& language) {
  std::ostringstream text;
  switch (item.kind) {
    case ItemKind::checkbox:
      text << (item.required ? "y to confirm (yes, ja)" : "y or n (yes/no, ja/nein)");
      break;
    case ItemKind::text:
      text << "text";
      if (item.min) text << ", at least " << *item.min << " characters";
      if (item.max) text << ", at most " << *item.max << " characters";
      if (!item.pattern.empty()) text << ", matching " << item.pattern;
      break;
    case ItemKind::number:
      text << "a number";
      if (item.min) text << ", at least " << *item.min;
      if (item.max) text << ", at most " << *item.max;
      if (!item.unit.empty()) text << ", in " << item.unit.get(language);
      break;
    case ItemKind::date: text << "a date, YYYY-MM-DD"; break;
    case ItemKind::time: text << "a time, HH:MM"; break;
    case ItemKind::location: text << "latitude, longitude[, accuracy in metres]"; break;
    case ItemKind::rating:
      text << "a whole number from " << item.min.value_or(1) << " to " << item.max.value_or(5);
      break;
    case ItemKind::datetime:
      text << "a date and time with its zone, YYYY-MM-DDTHH:MM:SS+01:00";
      break;
    case ItemKind::choice: text << "one of " << options_of(item, language); break;
    case ItemKind::multi_choice:
      text << "some of " << options_of(item, language) << ", separated by commas";
      if (item.min) text << ", at least " << *item.min;
      if (item.max) text << ", at most " << *item.max;
      break;
    case ItemKind::file:
    case ItemKind::photo:
      text << (item.max_files == 1 ? "the file's path"
                                   : "paths of up to " + std::to_string(item.max_files) +
                                         " files, separated by commas");
      break;
    case ItemKind::group:
      text << (item.repeat ? "rows, each asked item by item; Enter on a row's first item ends them"
                           : "its items, asked one by one");
      break;
    case ItemKind::signature: text << "your name; Enter for " << actor; break;
  }
  if (item.not_applicable) text << "; n/a if not applicable";
  if (!item.required && item.kind != ItemKind::signature) text << "; Enter to skip";
  return text.str();
}

// What a person types, as the JSON value the item's kind takes.
json::value typed(const ItemDefinition& item, const std::string& line) {
  if (item.not_applicable && (line == "n/a" || line == "entfällt")) return not_applicable_answer();
  switch (item.kind) {
    case ItemKind::checkbox:
      if (line == "y" || line == "yes" || line == "j" || line == "ja" || line == "true")
        return true;
      if (line == "n" || line == "no" || line == "nein" || line == "false") return false;
      return json::value(line);
    case ItemKind::number:
    case ItemKind::rating: {
      boost::system::error_code ec;
      auto number = json::parse(line, ec);
      return !ec && number.is_number() ? number : json::value(line);
    }
    case ItemKind::location: {  // "52.52, 13.405, 12"
      json::object place;
      std::istringstream in(line);
      const char* names[] = {"latitude", "longitude", "accuracy"};
      std::size_t n = 0;
      for (std::string part; std::getline(in, part, ',') && n < 3; ++n) {
        boost::system::error_code ec;
        auto number = json::parse(part, ec);
        place[names[n]] = !ec && number.is_number() ? number : json::value(part);
      }
      return place;
    }
    case ItemKind::file:
    case ItemKind::photo:
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

namespace {

// A group's rows, item by item; a repeating group's end with an empty first item once it has
// `min_rows`. The rows are checked whole, as the engine will check them, and asked again when
// refused.
Asked ask_rows(const ItemDefinition& group, const std::string& actor, const std::string& language,
               std::string_view fallback, std::istream& in, std::ostream& out) {
  using What = Asked::What;
  for (;;) {
    json::array rows;
    while (rows.size() < (group.repeat ? group.max_rows : 1)) {
      if (group.repeat)
        out << "  " << group.label.get(language) << ", row " << rows.size() + 1 << '\n';
      json::object row;
      for (const auto& item : group.items) {
        ItemDefinition optional = item;  // within a row, Enter leaves an item out
        optional.required = false;
        auto asked = ask(optional, actor, language, fallback, in, out);
        if (asked.what == What::ended) return {};
        if (asked.what == What::answer) row[item.id] = std::move(asked.value);
        if (row.empty() && group.repeat && rows.size() >= group.min_rows) break;
      }
      if (row.empty()) break;
      rows.emplace_back(std::move(row));
    }
    if (rows.empty() && !group.required) return {What::skipped, nullptr};
    json::value value = group.repeat ? json::value(std::move(rows))
                                     : (rows.empty() ? json::value(json::object()) : rows[0]);
    auto accepted = check_answer(group, value, language, fallback);
    if (accepted) return {What::answer, std::move(*accepted)};
    out << "    " << accepted.error().message << '\n';
  }
}

}  // namespace

Asked ask(const ItemDefinition& item, const std::string& actor, const std::string& language,
          std::string_view fallback, std::istream& in, std::ostream& out) {
  using What = Asked::What;
  if (item.kind == ItemKind::group) return ask_rows(item, actor, language, fallback, in, out);
  for (;;) {
    out << "  " << item.label.get(language) << " [" << accepts(item, actor, language)
        << "]: " << std::flush;
    std::string line;
    if (!std::getline(in, line)) return {};
    if (item.kind == ItemKind::signature)
      return {What::signature, json::value(line.empty() ? actor : line)};
    if (line.empty() && !item.required) return {What::skipped, nullptr};
    // Paths: the caller keeps the files, and the engine checks them.
    const json::value value = typed(item, line);
    if (takes_files(item.kind) && !is_not_applicable(value)) return {What::files, value};
    auto accepted = check_answer(item, value, language, fallback);
    if (accepted) return {What::answer, std::move(*accepted)};
    out << "    " << accepted.error().message << '\n';
  }
}

}  // namespace ablauf::cli
