#include "answers/group_answer.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

// One row (or the one answer of a group that does not repeat): each member an answer to one of
// the group's items, checked as that item checks it; every required item answered. `row` is
// the words that name it in a message: "row 2, " or "".
tl::expected<json::object, AnswerError> check_row(const ItemDefinition& group,
                                                  const json::value& value, const std::string& row,
                                                  const Refusal& refuse) {
  const auto* given = value.if_object();
  if (!given)
    return refuse(row +
                  refuse.say("expected an object of the group's answers by item id, not ",
                             "erwartet: ein Objekt der Antworten nach Punkt, nicht ") +
                  refuse.kind_of(value));
  for (const auto& [id, answer] : *given) {
    const bool known = std::any_of(group.items.begin(), group.items.end(),
                                   [&](const ItemDefinition& item) { return item.id == id; });
    if (known) continue;
    std::vector<std::string_view> ids;
    for (const auto& item : group.items) ids.push_back(item.id);
    return refuse(row + refuse.say("has no item ", "hat keinen Punkt ") + Refusal::quote(id) +
                  (refuse.german() ? std::string() : did_you_mean(id, ids)));
  }
  json::object canonical;
  for (const auto& item : group.items) {
    const auto* answer = given->if_contains(item.id);
    if (!answer || answer->is_null()) {
      if (item.required) {
        std::string label(item.label.get(refuse.language(), refuse.fallback()));
        if (label.empty()) label = item.id;
        return refuse(row + Refusal::quote(label) +
                      refuse.say(" is required and missing", " fehlt, ist aber Pflicht"));
      }
      continue;
    }
    // The loader allows no group inside a group; one a host built in code is refused here, so
    // that checking never recurses deeper than one level.
    if (item.kind == ItemKind::group)
      return refuse(row + Refusal::quote(item.id) +
                    refuse.say(" is a group inside a group, which is not answered",
                               " ist eine Gruppe in einer Gruppe und wird nicht beantwortet"));
    auto checked =
        check_answer(item, *answer, refuse.language(), refuse.fallback(), refuse.messages());
    if (!checked) return refuse(row + checked.error().message);
    canonical[item.id] = std::move(*checked);
  }
  if (canonical.empty())
    return refuse(row + refuse.say("is empty: answer at least one of its items",
                                   "ist leer: beantworten Sie mindestens einen Punkt"));
  return canonical;
}

}  // namespace

tl::expected<json::value, AnswerError> check_group(const ItemDefinition& group,
                                                   const json::value& value,
                                                   const Refusal& refuse) {
  if (!group.repeat) {
    auto row = check_row(group, value, "", refuse);
    if (!row) return tl::make_unexpected(std::move(row.error()));
    return json::value(std::move(*row));
  }
  const auto* rows = value.if_array();
  if (!rows) return refuse.wrong_type(refuse.say("a list of rows", "eine Liste von Zeilen"), value);
  const auto count = [&](std::size_t n) {
    return refuse.count(n, "row", "rows", "Zeile", "Zeilen");
  };
  if (rows->size() < group.min_rows)
    return refuse(refuse.say("has ", "hat ") + count(rows->size()) +
                  refuse.say(", fewer than the ", ", weniger als die ") +
                  std::to_string(group.min_rows) + refuse.say(" it needs", " nötigen"));
  if (rows->size() > group.max_rows)
    return refuse(refuse.say("has ", "hat ") + count(rows->size()) +
                  refuse.say(", more than the ", ", mehr als die ") +
                  std::to_string(group.max_rows) + refuse.say(" it takes", " möglichen"));
  json::array canonical;
  canonical.reserve(rows->size());
  for (std::size_t n = 0; n < rows->size(); ++n) {
    auto row = check_row(group, (*rows)[n],
                         refuse.say("row ", "Zeile ") + std::to_string(n + 1) + ", ", refuse);
    if (!row) return tl::make_unexpected(std::move(row.error()));
    canonical.emplace_back(std::move(*row));
  }
  return json::value(std::move(canonical));
}

}  // namespace ablauf::detail
