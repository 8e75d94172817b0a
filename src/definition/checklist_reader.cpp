#include "definition/definition_parts.hpp"
#include "definition/expression_reader.hpp"
#include "message_text.hpp"
#include "suggest.hpp"

#include "ablauf/checklist_score.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace ablauf::detail {
namespace {

constexpr std::pair<std::string_view, ItemKind> item_kinds[] = {
    {"checkbox", ItemKind::checkbox},   {"text", ItemKind::text},
    {"number", ItemKind::number},       {"date", ItemKind::date},
    {"choice", ItemKind::choice},       {"multi_choice", ItemKind::multi_choice},
    {"signature", ItemKind::signature}, {"time", ItemKind::time},
    {"datetime", ItemKind::datetime},   {"rating", ItemKind::rating},
    {"location", ItemKind::location},   {"file", ItemKind::file},
    {"photo", ItemKind::photo},         {"group", ItemKind::group}};

// The most steps a rating's scale has: beyond it, a number item says what is meant.
constexpr double max_rating_steps = 11;

// The most files one item takes, and the largest file an item may allow (as the engine's own
// limit, EngineLimits::max_file_bytes, which may be lower): past them a checklist is an archive.
constexpr std::int64_t max_files_per_item = 100;
constexpr auto largest_max_bytes = static_cast<std::int64_t>(ItemDefinition::largest_max_bytes);

// A media type as an item lists it: "type/subtype" or "type/*", in lower case, of the
// characters RFC 6838 allows in names.
bool is_media_type_pattern(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return false;
  const auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' || c == '#' || c == '$' ||
           c == '&' || c == '-' || c == '^' || c == '_' || c == '.' || c == '+';
  };
  const auto type = text.substr(0, slash), subtype = text.substr(slash + 1);
  return std::all_of(type.begin(), type.end(), name_char) &&
         (subtype == "*" || std::all_of(subtype.begin(), subtype.end(), name_char));
}

// The most rows a repeating group takes: a checklist's rows are read by people.
constexpr std::int64_t most_rows = 1000;

// The kinds an item inside a group may not be: a group is one level deep, a sign-off signs a
// step, and files are kept for a step's items.
bool allowed_in_group(ItemKind kind) {
  return kind != ItemKind::group && kind != ItemKind::signature && !takes_files(kind);
}

// How an item scores and when its answer is flagged: `weight`, `scored` (a checkbox or a
// rating), `score` with `max_score` (computed from the answer), `flag`.
void read_scoring(DefinitionReader& reader, Fields& fields, ItemDefinition& item, bool kind_known) {
  if (auto weight = fields.number("weight")) {
    if (*weight < 0 || *weight > 1000)
      reader.error(ErrorCode::invalid_value, fields.pointer_of("weight"),
                   "'weight' must be between 0 and 1000, not " + number_text(*weight));
    else
      item.weight = *weight;
  }
  if (auto scored = fields.boolean("scored")) {
    item.scored = *scored;
    if (kind_known && *scored && item.kind != ItemKind::checkbox && item.kind != ItemKind::rating)
      reader.error(ErrorCode::invalid_value, fields.pointer_of("scored"),
                   "'scored' applies to a checkbox (1 when ticked) and a rating (its steps above "
                   "its lowest); give a choice's options a 'score', or another item a 'score' "
                   "expression with 'max_score'",
                   Anchor::key);
  }
  if (const auto* score = fields.value("score"))
    item.score = read_answer_expression(reader, *score, fields.pointer_of("score"), "score");
  item.max_score = fields.number("max_score");
  if (item.max_score && !(*item.max_score > 0))
    reader.error(ErrorCode::invalid_value, fields.pointer_of("max_score"),
                 "'max_score' must be above 0, not " + number_text(*item.max_score));
  if (fields.has("score") && !fields.has("max_score"))
    reader.error(ErrorCode::missing_field, fields.pointer_of("score"),
                 "a 'score' expression needs 'max_score', the most points it gives, for the "
                 "percentage",
                 Anchor::key);
  if (fields.has("max_score") && !fields.has("score"))
    reader.error(ErrorCode::invalid_value, fields.pointer_of("max_score"),
                 "'max_score' bounds a 'score' expression, which this item does not have",
                 Anchor::key);
  if (kind_known && item.score && item.scored)
    reader.error(ErrorCode::invalid_value, fields.pointer_of("score"),
                 "an item scores one way: 'scored' or a 'score' expression, not both", Anchor::key);
  if (const auto* flag = fields.value("flag"))
    item.flag = read_answer_expression(reader, *flag, fields.pointer_of("flag"), "flag");
}

// `due` of a corrective action: a duration from when it is raised ("P3D"), or from the answer
// to a date or datetime item ({"item": "deadline", "plus": "P1D"}, checked against the step's
// items once they are all read).
void read_action_due(DefinitionReader& reader, Fields& fields, CorrectiveAction& action) {
  const auto* due = fields.value("due");
  if (!due || !due->is_object()) {
    action.due = fields.duration("due");
    return;
  }
  Fields from(reader, due->get_object(), fields.pointer_of("due"), {"item", "plus"},
              "a due date counted from an answer");
  if (auto item = from.identifier("item", Fields::required)) action.due_item = std::move(*item);
  action.due = from.has("plus") ? from.duration("plus") : Duration{};
  from.check_unknown();
}

// The fields of a corrective action, of an item's or a rule's.
CorrectiveAction read_action_fields(DefinitionReader& reader, Fields& fields) {
  CorrectiveAction action;
  action.pointer = fields.pointer();
  if (auto title = fields.text("title", Fields::required)) action.title = std::move(*title);
  if (auto assignee = fields.string("assignee", Fields::required)) {
    if (assignee->empty())
      reader.error(ErrorCode::invalid_value, fields.pointer_of("assignee"),
                   "a corrective action needs an owner: name the person or role who does it");
    action.assignee = std::move(*assignee);
  }
  read_action_due(reader, fields, action);
  if (auto priority = fields.string("priority")) {
    if (const auto known = priority_from_string(*priority))
      action.priority = *known;
    else
      reader.error(ErrorCode::invalid_value, fields.pointer_of("priority"),
                   "'" + *priority + "' is not a priority; use low, normal, high or urgent");
  }
  if (auto verify_by = fields.string("verify_by")) action.verify_by = std::move(*verify_by);
  if (auto sign = fields.boolean("sign_while_open")) action.sign_while_open = *sign;
  return action;
}

// `on_fail` or `on_flag` of an item: the corrective action its answer raises.
std::optional<CorrectiveAction> read_corrective_action(DefinitionReader& reader, Fields& item,
                                                       std::string_view name) {
  const auto* object = item.object(name);
  if (!object) return std::nullopt;
  Fields fields(reader, *object, item.pointer_of(name),
                {"title", "assignee", "due", "priority", "verify_by", "sign_while_open"},
                "a corrective action");
  auto action = read_action_fields(reader, fields);
  fields.check_unknown();
  return action;
}

// `media_types`, `max_files` and `max_bytes` of a file or photo item.
void read_file_limits(DefinitionReader& reader, Fields& fields, ItemDefinition& item) {
  if (const auto* types = fields.array("media_types")) {
    const std::string pointer = fields.pointer_of("media_types");
    if (types->empty())
      reader.error(ErrorCode::invalid_value, pointer,
                   "'media_types' is empty: list what is accepted, or leave it out for " +
                       std::string(item.kind == ItemKind::photo ? "JPEG and PNG" : "any file"));
    for (std::size_t i = 0; i < types->size(); ++i) {
      const auto& type = (*types)[i];
      const std::string type_pointer = element_pointer(pointer, i);
      if (!type.is_string() || !is_media_type_pattern(type.get_string())) {
        reader.error(ErrorCode::invalid_value, type_pointer,
                     "a media type is written \"type/subtype\" or \"type/*\" in lower case, "
                     "such as \"application/pdf\" or \"image/*\", not " +
                         std::string(describe(type)));
        continue;
      }
      if (item.kind == ItemKind::photo && !type.get_string().starts_with("image/"))
        reader.error(ErrorCode::invalid_value, type_pointer,
                     "a photo is an image: '" + std::string(type.get_string()) +
                         "' is not an image/ type; make the item a 'file' to take it");
      if (std::find(item.media_types.begin(), item.media_types.end(), type.get_string()) !=
          item.media_types.end())
        reader.error(ErrorCode::duplicate_id, type_pointer,
                     "'" + std::string(type.get_string()) + "' is listed twice");
      else
        item.media_types.emplace_back(type.get_string());
    }
  } else if (item.kind == ItemKind::photo) {
    item.media_types = {"image/jpeg", "image/png"};
  }
  if (auto count = fields.integer("max_files", 1, max_files_per_item))
    item.max_files = static_cast<std::uint32_t>(*count);
  if (auto bytes = fields.integer("max_bytes", 1, largest_max_bytes))
    item.max_bytes = static_cast<std::uint64_t>(*bytes);
}

std::optional<ItemKind> read_kind(DefinitionReader& reader, Fields& fields) {
  auto name = fields.string("kind");
  if (!name) return fields.has("kind") ? std::nullopt : std::optional(ItemKind::checkbox);
  std::vector<std::string_view> names;
  for (const auto& [kind_name, kind] : item_kinds) {
    if (kind_name == *name) return kind;
    names.push_back(kind_name);
  }
  std::string message =
      "unknown item kind '" + *name + "'" + did_you_mean_or_list(*name, names, "the kinds");
  reader.error(ErrorCode::invalid_value, fields.pointer_of("kind"), std::move(message));
  return std::nullopt;
}

std::vector<ChoiceOption> read_options(DefinitionReader& reader, const boost::json::array& array,
                                       const std::string& pointer) {
  std::vector<ChoiceOption> options;
  std::set<std::string, std::less<>> values;
  if (array.empty())
    reader.error(ErrorCode::invalid_value, pointer, "'options' needs at least one option");
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string option_ptr = element_pointer(pointer, i);
    ChoiceOption option;
    if (array[i].is_string()) {
      option.value = array[i].get_string();
      option.label = LocalizedText(option.value);
    } else if (array[i].is_object()) {
      Fields fields(reader, array[i].get_object(), option_ptr, {"value", "label", "score", "flag"},
                    "an option");
      auto value = fields.string("value", Fields::required);
      auto label = fields.text("label");
      option.score = fields.number("score");
      if (option.score && *option.score < 0)
        reader.error(ErrorCode::invalid_value, fields.pointer_of("score"),
                     "an option's 'score' is points, 0 or more; a bad answer scores 0 and may be "
                     "flagged (\"flag\": true)");
      if (auto flag = fields.boolean("flag")) option.flag = *flag;
      fields.check_unknown();
      if (!value) continue;
      option.value = *value;
      option.label = label ? *label : LocalizedText(*value);
    } else {
      reader.error(ErrorCode::wrong_type, option_ptr,
                   "an option must be a string or an object with 'value' and 'label', not " +
                       std::string(describe(array[i])));
      continue;
    }
    if (!values.insert(option.value).second) {
      reader.error(ErrorCode::duplicate_id, option_ptr,
                   "option '" + option.value + "' is listed twice");
      continue;
    }
    options.push_back(std::move(option));
  }
  return options;
}

// `roles`: the names of the persons or roles who answer, each an identifier, none twice.
std::vector<std::string> read_roles(DefinitionReader& reader, Fields& fields) {
  std::vector<std::string> roles;
  const auto* array = fields.array("roles");
  if (!array) return roles;
  if (array->empty())
    reader.error(ErrorCode::invalid_value, fields.pointer_of("roles"),
                 "'roles' is empty: name who answers, or leave 'roles' out for anyone");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string pointer = element_pointer(fields.pointer_of("roles"), i);
    auto role = read_identifier(reader, (*array)[i], pointer, "role");
    if (!role) continue;
    if (std::find(roles.begin(), roles.end(), *role) != roles.end())
      reader.error(ErrorCode::duplicate_id, pointer, "role '" + *role + "' is listed twice");
    else
      roles.push_back(std::move(*role));
  }
  return roles;
}

// Which kinds a field applies to, as the words of an error message.
void reject_field(DefinitionReader& reader, const Fields& fields, std::string_view field,
                  std::string_view applies_to) {
  if (!fields.has(field)) return;
  reader.error(ErrorCode::invalid_value, fields.pointer_of(field),
               "'" + std::string(field) + "' applies only to " + std::string(applies_to) + " items",
               Anchor::key);
}

std::optional<ItemDefinition> read_item(DefinitionReader& reader, const boost::json::value& value,
                                        std::string pointer, IdScope& item_ids, bool in_group);

// A group's `items` (each id unique within the group, of a kind a group holds), `repeat`,
// `min_rows` and `max_rows`.
void read_group(DefinitionReader& reader, Fields& fields, ItemDefinition& group) {
  if (const auto* items = fields.array("items", Fields::required)) {
    const std::string pointer = fields.pointer_of("items");
    if (items->empty()) reader.error(ErrorCode::invalid_value, pointer, "'items' is empty");
    IdScope ids;
    for (std::size_t i = 0; i < items->size(); ++i)
      if (auto item = read_item(reader, (*items)[i], element_pointer(pointer, i), ids, true))
        group.items.push_back(std::move(*item));
  }
  if (auto repeat = fields.boolean("repeat")) group.repeat = *repeat;
  if (group.required) group.min_rows = 1;
  if (!group.repeat) {
    reject_field(reader, fields, "min_rows", "repeating group (\"repeat\": true)");
    reject_field(reader, fields, "max_rows", "repeating group (\"repeat\": true)");
    return;
  }
  if (auto least = fields.integer("min_rows", 0, most_rows))
    group.min_rows = static_cast<std::uint32_t>(*least);
  if (auto most = fields.integer("max_rows", 1, most_rows))
    group.max_rows = static_cast<std::uint32_t>(*most);
  if (group.min_rows > group.max_rows)
    reader.error(ErrorCode::invalid_value, fields.pointer_of("max_rows"),
                 "'max_rows' (" + std::to_string(group.max_rows) +
                     ") is smaller than 'min_rows' (" + std::to_string(group.min_rows) + ")");
  if (group.required && group.min_rows == 0)
    reader.error(ErrorCode::invalid_value, fields.pointer_of("min_rows"),
                 "a required group has at least one row: make it \"required\": false to allow "
                 "none, or leave 'min_rows' out",
                 Anchor::key);
}

std::optional<ItemDefinition> read_item(DefinitionReader& reader, const boost::json::value& value,
                                        std::string pointer, IdScope& item_ids, bool in_group) {
  if (!value.is_object()) {
    reader.error(ErrorCode::wrong_type, pointer,
                 "an item must be an object, not " + std::string(describe(value)));
    return std::nullopt;
  }
  Fields fields(
      reader, value.get_object(), pointer,
      {"id",         "label",    "description", "kind",      "required",  "not_applicable",
       "options",    "min",      "max",         "unit",      "pattern",   "labels",
       "visible_if", "roles",    "media_types", "max_files", "max_bytes", "items",
       "repeat",     "min_rows", "max_rows",    "weight",    "scored",    "score",
       "max_score",  "flag",     "on_fail",     "on_flag"},
      "an item");
  ItemDefinition item;
  item.pointer = std::move(pointer);
  auto id = fields.identifier("id", Fields::required);
  if (id && claim_id(reader, item_ids, *id, fields.pointer_of("id"), "item")) item.id = *id;
  if (auto label = fields.text("label", Fields::required)) item.label = std::move(*label);
  if (auto description = fields.text("description")) item.description = std::move(*description);
  const auto kind = read_kind(reader, fields);
  if (kind) item.kind = *kind;
  if (auto required = fields.boolean("required")) item.required = *required;
  if (auto not_applicable = fields.boolean("not_applicable")) {
    item.not_applicable = *not_applicable;
    // A sign-off is a person's own act: it is given or not, never "not applicable".
    if (kind && item.kind == ItemKind::signature && *not_applicable)
      reader.error(ErrorCode::invalid_value, fields.pointer_of("not_applicable"),
                   "a signature cannot be answered 'not applicable': leave 'not_applicable' out, "
                   "or make the signature optional with \"required\": false",
                   Anchor::key);
  }
  if (auto visible_if = fields.expression("visible_if")) item.visible_if = std::move(*visible_if);
  item.roles = read_roles(reader, fields);

  const bool choices = item.kind == ItemKind::choice || item.kind == ItemKind::multi_choice;
  if (kind && choices) {
    if (const auto* options = fields.array("options", Fields::required))
      item.options = read_options(reader, *options, fields.pointer_of("options"));
  } else if (kind) {
    reject_field(reader, fields, "options", "choice and multi_choice");
  }

  const bool ranged = item.kind == ItemKind::number || item.kind == ItemKind::text ||
                      item.kind == ItemKind::multi_choice || item.kind == ItemKind::rating;
  if (kind && ranged) {
    item.min = fields.number("min");
    item.max = fields.number("max");
    if (item.kind != ItemKind::number) {
      // For text a length, for multi_choice a count: whole and not negative.
      for (const auto& [name, bound] : {std::pair{"min", item.min}, std::pair{"max", item.max}}) {
        if (bound && (*bound < 0 || std::trunc(*bound) != *bound))
          reader.error(ErrorCode::invalid_value, fields.pointer_of(name),
                       std::string("'") + name + "' " +
                           (item.kind == ItemKind::text           ? "counts characters"
                            : item.kind == ItemKind::multi_choice ? "counts options"
                                                                  : "is an end of the scale") +
                           " here and must be a whole number >= 0");
      }
    }
    if (item.kind == ItemKind::rating) {
      if (!item.min) item.min = 1;
      if (!item.max) item.max = 5;
      if (*item.max - *item.min + 1 > max_rating_steps)
        reader.error(ErrorCode::invalid_value, fields.pointer_of(fields.has("max") ? "max" : "min"),
                     "a rating's scale has at most 11 steps, not " +
                         number_text(*item.max - *item.min + 1) +
                         ": a wider range is a number item");
    }
    if (item.min && item.max && *item.min > *item.max)
      reader.error(ErrorCode::invalid_value, fields.pointer_of("max"),
                   "'max' is smaller than 'min'");
  } else if (kind) {
    reject_field(reader, fields, "min", "number, text, multi_choice and rating");
    reject_field(reader, fields, "max", "number, text, multi_choice and rating");
  }

  if (kind && item.kind == ItemKind::number) {
    if (auto unit = fields.text("unit")) item.unit = std::move(*unit);
  } else if (kind) {
    reject_field(reader, fields, "unit", "number");
  }
  if (kind && item.kind == ItemKind::rating) {
    if (const auto* labels = fields.object("labels")) {
      Fields ends(reader, *labels, fields.pointer_of("labels"), {"low", "high"},
                  "a rating's labels");
      if (auto low = ends.text("low")) item.low_label = std::move(*low);
      if (auto high = ends.text("high")) item.high_label = std::move(*high);
      ends.check_unknown();
    }
  } else if (kind) {
    reject_field(reader, fields, "labels", "rating");
  }
  if (kind && item.kind == ItemKind::text) {
    if (auto pattern = fields.string("pattern")) {
      check_pattern(reader, *pattern, fields.pointer_of("pattern"));
      item.pattern = std::move(*pattern);
    }
  } else if (kind) {
    reject_field(reader, fields, "pattern", "text");
  }
  if (kind && takes_files(item.kind)) {
    read_file_limits(reader, fields, item);
  } else if (kind) {
    for (const char* name : {"media_types", "max_files", "max_bytes"})
      reject_field(reader, fields, name, "file and photo");
  }
  if (kind && item.kind == ItemKind::group) {
    read_group(reader, fields, item);
  } else if (kind) {
    for (const char* name : {"items", "repeat", "min_rows", "max_rows"})
      reject_field(reader, fields, name, "group");
  }
  read_scoring(reader, fields, item, kind.has_value());
  item.on_fail = read_corrective_action(reader, fields, "on_fail");
  item.on_flag = read_corrective_action(reader, fields, "on_flag");
  if (in_group) {
    // A row's answers are not scored one by one: the group's own score or flag reads them.
    for (const char* name :
         {"weight", "scored", "score", "max_score", "flag", "on_fail", "on_flag"})
      reject_field(reader, fields, name, "a step's (not a group's)");
    if (kind && !allowed_in_group(item.kind))
      reader.error(ErrorCode::invalid_value, fields.pointer_of("kind"),
                   "a group's items are answered in each of its rows, so none is a " +
                       std::string(to_string(item.kind)) +
                       ": put it beside the group, in the step's items");
    // A row is shown whole and answered by whoever answers the group.
    reject_field(reader, fields, "visible_if", "a step's (not a group's)");
    reject_field(reader, fields, "roles", "a step's (not a group's)");
  }
  fields.check_unknown();
  return item;
}

}  // namespace

std::optional<double> read_pass_mark(DefinitionReader& reader, Fields& fields) {
  auto mark = fields.number("pass_mark");
  if (mark && (*mark < 0 || *mark > 100)) {
    reader.error(ErrorCode::invalid_value, fields.pointer_of("pass_mark"),
                 "'pass_mark' is a percentage, from 0 to 100, not " + number_text(*mark));
    return std::nullopt;
  }
  return mark;
}

std::vector<ItemDefinition> read_items(DefinitionReader& reader, const boost::json::array& items,
                                       const std::string& pointer, IdScope& item_ids) {
  std::vector<ItemDefinition> out;
  if (items.empty()) reader.error(ErrorCode::invalid_value, pointer, "'items' is empty");
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (auto item = read_item(reader, items[i], element_pointer(pointer, i), item_ids, false))
      out.push_back(std::move(*item));
  }
  return out;
}

std::optional<SectionDefinition> read_section(DefinitionReader& reader,
                                              const boost::json::value& value, std::string pointer,
                                              IdScope& section_ids, IdScope& item_ids) {
  if (!value.is_object()) {
    reader.error(ErrorCode::wrong_type, pointer,
                 "a section must be an object, not " + std::string(describe(value)));
    return std::nullopt;
  }
  Fields fields(reader, value.get_object(), pointer,
                {"id", "title", "description", "items", "roles", "pass_mark", "actions"},
                "a section");
  SectionDefinition section;
  section.pointer = std::move(pointer);
  auto id = fields.identifier("id", Fields::required);
  if (id && claim_id(reader, section_ids, *id, fields.pointer_of("id"), "section"))
    section.id = *id;
  if (auto title = fields.text("title", Fields::required)) section.title = std::move(*title);
  if (auto description = fields.text("description")) section.description = std::move(*description);
  section.roles = read_roles(reader, fields);
  section.pass_mark = read_pass_mark(reader, fields);
  if (const auto* items = fields.array("items", Fields::required))
    section.items = read_items(reader, *items, fields.pointer_of("items"), item_ids);
  section.action_rules = read_action_rules(reader, fields, item_ids);
  fields.check_unknown();
  return section;
}

std::vector<ActionRule> read_action_rules(DefinitionReader& reader, Fields& owner,
                                          IdScope& item_ids) {
  std::vector<ActionRule> rules;
  const auto* array = owner.array("actions");
  if (!array) return rules;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string pointer = element_pointer(owner.pointer_of("actions"), i);
    if (!(*array)[i].is_object()) {
      reader.error(ErrorCode::wrong_type, pointer,
                   "a rule's action is an object {\"id\", \"when\", \"title\", \"assignee\", …}, "
                   "not " +
                       std::string(describe((*array)[i])));
      continue;
    }
    Fields fields(
        reader, (*array)[i].get_object(), pointer,
        {"id", "when", "title", "assignee", "due", "priority", "verify_by", "sign_while_open"},
        "a rule's corrective action");
    auto id = fields.identifier("id", Fields::required);
    // Its id names it where an item's action names the item: unique among both.
    const bool claimed =
        id && claim_id(reader, item_ids, *id, fields.pointer_of("id"), "item or rule");
    auto when = fields.expression("when", Fields::required);
    auto action = read_action_fields(reader, fields);
    action.pointer = pointer;
    fields.check_unknown();
    if (claimed && when)
      rules.push_back({std::move(*id), std::move(*when), std::move(action), pointer});
  }
  return rules;
}

// The item a corrective action's due date counts from: one of the step's, a date or datetime.
void check_due_item(DefinitionReader& reader,
                    const std::map<std::string_view, const ItemDefinition*>& items,
                    const CorrectiveAction& action) {
  if (action.due_item.empty()) return;
  const auto& due_item = action.due_item;
  const std::string pointer = member_pointer(member_pointer(action.pointer, "due"), "item");
  const auto found = items.find(due_item);
  if (found == items.end()) {
    std::vector<std::string_view> ids;
    for (const auto& [id, _] : items) ids.push_back(id);
    reader.error(ErrorCode::unknown_reference, pointer,
                 "the step has no item '" + due_item + "' to count the due date from" +
                     did_you_mean(due_item, ids));
  } else if (found->second->kind != ItemKind::date && found->second->kind != ItemKind::datetime) {
    reader.error(ErrorCode::invalid_value, pointer,
                 "a due date counts from a date or datetime item; '" + due_item + "' is a " +
                     std::string(to_string(found->second->kind)));
  }
}

void check_corrective_actions(DefinitionReader& reader, const ChecklistDefinition& checklist) {
  std::map<std::string_view, const ItemDefinition*> items;
  for (const auto& section : checklist.sections)
    for (const auto& item : section.items) items.emplace(item.id, &item);
  for (const auto& section : checklist.sections)
    for (const auto& item : section.items) {
      if (item.on_fail && !scores(item))
        reader.error(ErrorCode::invalid_value, item.on_fail->pointer,
                     "'on_fail' needs an item that scores, as an answer fails when it scores no "
                     "points: give its options a 'score', set 'scored', or give it a 'score' "
                     "expression; or raise the action with 'on_flag'",
                     Anchor::key);
      if (item.on_flag && !can_flag(item))
        reader.error(ErrorCode::invalid_value, item.on_flag->pointer,
                     "'on_flag' needs an item whose answer can be flagged: an option with "
                     "\"flag\": true, or a 'flag' rule",
                     Anchor::key);
      for (const auto* action : {&item.on_fail, &item.on_flag})
        if (*action) check_due_item(reader, items, **action);
    }
  for (const auto& section : checklist.sections)
    for (const auto& rule : section.action_rules) check_due_item(reader, items, rule.action);
}

}  // namespace ablauf::detail
