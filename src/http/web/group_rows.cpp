#include "http/web/group_rows.hpp"

#include "http/web/field_values.hpp"
#include "http/web/page.hpp"

#include "value_text.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <vector>

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

std::string_view text_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string_view(value->get_string()) : std::string_view();
}

bool repeats(const json::object& group) {
  const auto* repeat = group.if_contains("repeat");
  return repeat && repeat->is_bool() && repeat->get_bool();
}

std::size_t count_of(const json::object& group, std::string_view key, std::size_t fallback) {
  const auto* value = group.if_contains(key);
  return value && value->is_number() ? value->to_number<std::size_t>() : fallback;
}

const json::array& items_of(const json::object& group) {
  static const json::array none;
  const auto* items = group.if_contains("items");
  return items && items->is_array() ? items->get_array() : none;
}

// A cell's value as its field shows it: the text typed or recorded.
std::string shown(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_null()) return {};
  return ablauf::detail::to_text(value);
}

// One cell: row `n`'s field for `item`, its control, and `value` in it.
json::object cell(const json::object& item, const std::string& field, const json::value* value,
                  const std::string& dom_id) {
  const std::string kind(text_of(item, "kind"));
  json::object out{
      {"field", field},
      {"dom_id", dom_id},
      {"label", item.contains("label") ? item.at("label") : json::value(item.at("id"))},
      {"kind_" + (kind == "number" || kind == "text" || kind == "date" || kind == "time" ||
                          kind == "datetime" || kind == "checkbox" || kind == "location" ||
                          kind == "multi_choice"
                      ? kind
                      : std::string("select")),
       true}};
  if (kind == "location") {
    for (const auto* part : {"latitude", "longitude", "accuracy"})
      out[part] = value && value->is_object() && value->get_object().contains(part)
                      ? shown(value->get_object().at(part))
                      : std::string();
  } else if (kind == "checkbox") {
    out["checked"] = value && ((value->is_bool() && value->get_bool()) ||
                               (value->is_string() && value->get_string() == "true"));
  }
  if (kind == "location" || kind == "checkbox") {
    close_names(out, {"value", "options", "checked", "latitude", "longitude", "accuracy"});
    return out;
  }
  // A choice's options and a rating's points are chosen from a list; a multi-choice ticks them.
  json::array options;
  if (const auto* given = item.if_contains("options"); given && given->is_array())
    for (const auto& option : given->get_array()) options.push_back(option);
  if (kind == "rating")
    for (auto point = item.at("min").to_number<double>();
         point <= item.at("max").to_number<double>() && options.size() < 11; ++point)
      options.push_back(json::object{{"value", static_cast<std::int64_t>(point)},
                                     {"label", ablauf::detail::to_text(json::value(point))}});
  for (std::size_t n = 0; n < options.size(); ++n) {
    auto& option = options[n].as_object();
    const auto& option_value = option.at("value");
    bool chosen = false;
    if (value && value->is_array())
      for (const auto& each : value->get_array())
        chosen = chosen || shown(each) == shown(option_value);
    else if (value)
      chosen = shown(*value) == shown(option_value);
    option["checked"] = chosen;
    option["dom_id"] = dom_id + "-" + std::to_string(n);
  }
  if (!options.empty()) out["options"] = std::move(options);
  if (value && !value->is_array()) {
    std::string text = shown(*value);
    // A date and time shows in the field without its zone; the server's is added back.
    if (kind == "datetime" && text.size() >= 16) text = text.substr(0, 16);
    out["value"] = text;
  }
  close_names(out, {"value", "options", "checked", "latitude", "longitude", "accuracy"});
  return out;
}

}  // namespace

void add_rows_view(json::object& group, const json::value* value) {
  const auto& items = items_of(group);
  const std::string id(text_of(group, "id"));
  json::array columns;
  for (const auto& item : items) {
    const auto& column = item.as_object();
    json::object heading{
        {"label", column.contains("label") ? column.at("label") : column.at("id")},
        {"required", column.contains("required") && column.at("required") == true}};
    if (column.contains("unit")) heading["unit"] = column.at("unit");
    close_names(heading, {"unit"});
    columns.push_back(std::move(heading));
  }
  // The rows answered (or typed), then empty ones to add more.
  std::vector<const json::object*> answered;
  if (value && value->is_array())
    for (const auto& row : value->get_array())
      if (row.is_object()) answered.push_back(&row.get_object());
  if (value && value->is_object() && !repeats(group)) answered.push_back(&value->get_object());
  std::size_t shown_rows = repeats(group) ? answered.size() + spare_rows : 1;
  shown_rows = std::max(shown_rows, count_of(group, "min_rows", 1));
  shown_rows = std::min(shown_rows, repeats(group) ? count_of(group, "max_rows", 100) : 1);
  json::array rows;
  for (std::size_t n = 0; n < shown_rows; ++n) {
    json::array cells;
    for (const auto& item : items) {
      const auto& column = item.as_object();
      const std::string item_id(text_of(column, "id"));
      const json::value* cell_value =
          n < answered.size() ? answered[n]->if_contains(item_id) : nullptr;
      cells.push_back(cell(column, "answer." + id + "." + std::to_string(n) + "." + item_id,
                           cell_value, "item-" + id + "-" + std::to_string(n) + "-" + item_id));
    }
    rows.push_back(json::object{{"n", n + 1}, {"cells", std::move(cells)}});
  }
  group["columns"] = std::move(columns);
  group["rows"] = std::move(rows);
}

std::optional<SentRows> read_rows(const json::object& group, const FormFields& fields) {
  const std::string prefix = "answer." + std::string(text_of(group, "id")) + ".";
  // Row number → item → the values sent (a multi-choice sends one per option ticked; a place
  // sends its parts as "item.part").
  std::map<std::size_t, std::map<std::string, std::vector<std::string>>> sent;
  for (const auto& [name, value] : fields) {
    if (!name.starts_with(prefix)) continue;
    const std::string_view rest = std::string_view(name).substr(prefix.size());
    const auto dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 4) continue;  // at most 1,000 rows
    std::size_t row = 0;
    const auto [end, failed] = std::from_chars(rest.data(), rest.data() + dot, row);
    if (failed != std::errc() || end != rest.data() + dot) continue;
    sent[row][std::string(rest.substr(dot + 1))].push_back(value);
  }
  if (sent.empty()) return std::nullopt;
  json::array answer, typed;
  for (const auto& [row, values] : sent) {
    json::object given, as_typed;
    for (const auto& item_value : items_of(group)) {
      const auto& item = item_value.as_object();
      const std::string id(text_of(item, "id"));
      const std::string kind(text_of(item, "kind"));
      const auto value_of = [&](const std::string& key) -> const std::vector<std::string>* {
        const auto found = values.find(key);
        return found == values.end() ? nullptr : &found->second;
      };
      if (kind == "location") {
        json::object place, typed_place;
        for (const auto* part : {"latitude", "longitude", "accuracy"})
          if (const auto* text = value_of(id + "." + part); text && !text->back().empty()) {
            place[part] = typed_number(text->back());
            typed_place[part] = text->back();
          }
        if (!place.empty()) {
          given[id] = std::move(place);
          as_typed[id] = std::move(typed_place);
        }
        continue;
      }
      const auto* texts = value_of(id);
      if (!texts) continue;
      if (kind == "multi_choice") {
        json::array chosen;
        for (const auto& text : *texts)
          if (!text.empty()) chosen.emplace_back(text);
        if (!chosen.empty()) given[id] = as_typed[id] = chosen;
        continue;
      }
      const std::string& text = texts->back();
      // An unticked box is no answer: a row of unticked boxes is an empty row.
      if (text.empty() || (kind == "checkbox" && text != "true")) continue;
      as_typed[id] = text;
      if (kind == "checkbox")
        given[id] = true;
      else if (kind == "number" || kind == "rating")
        given[id] = typed_number(text);
      else if (kind == "datetime")
        given[id] = datetime_of(text, server_offset());
      else
        given[id] = text;
    }
    if (given.empty()) continue;  // a row left empty
    answer.emplace_back(std::move(given));
    typed.emplace_back(std::move(as_typed));
  }
  if (answer.empty()) return std::nullopt;
  if (!repeats(group)) return SentRows{answer[0], typed[0]};
  return SentRows{std::move(answer), std::move(typed)};
}

}  // namespace ablauf::http::detail::web
