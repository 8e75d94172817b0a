// `/instances/{id}/steps/{step}` (pages.hpp): a checklist step's form, rendered from the API's
// form model (the one the printed form shares), sent back as the API's answers and sign-offs.
// Refusals come back next to their items with what the person typed kept; the page's script
// asks `…/preview` as the person types, for the rules and refusals live.
#include "http/request_body.hpp"
#include "http/router.hpp"
#include "http/web/field_values.hpp"
#include "http/web/group_rows.hpp"
#include "http/web/page.hpp"
#include "http/web/pages.hpp"
#include "print/answer_text.hpp"

#include "message_text.hpp"
#include "value_text.hpp"

#include <ablauf/answer.hpp>

#include <boost/json/parse.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

constexpr std::string_view answer_prefix = "answer.";
constexpr std::string_view sign_prefix = "sign.";
// A datetime item's UTC offset, chosen beside its date and time; and "not applicable".
constexpr std::string_view zone_prefix = "zone.";
constexpr std::string_view not_applicable_prefix = "na.";
// A file or photo item: files.<id> marks it as on the form, keep.<id> holds the hash of each
// file answered that stays, and file.<id> the files chosen to add.
constexpr std::string_view files_prefix = "files.";
constexpr std::string_view keep_prefix = "keep.";
constexpr std::string_view upload_prefix = "file.";

bool takes_files(std::string_view kind) {
  return kind == "file" || kind == "photo";
}

// A file answered as the API takes it again: the form model adds where to read it.
json::value without_href(json::value file) {
  if (auto* reference = file.if_object()) reference->erase("href");
  return file;
}

std::string form_api(const Page& page) {
  const auto& parameters = page.request().parameters;
  return "/api/v1/instances/" + path_segment(parameters.at("id")) + "/steps/" +
         path_segment(parameters.at("step")) + "/form";
}

std::string form_page(const Page& page) {
  const auto& parameters = page.request().parameters;
  return instance_page(parameters.at("id")) + "/steps/" + path_segment(parameters.at("step"));
}

std::string_view string_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string_view(value->get_string()) : std::string_view();
}

bool bool_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_bool() && value->get_bool();
}

// Every item of the form model, in order.
template <typename Visit>
void for_each_item(json::object& model, Visit visit) {
  auto* sections = model.if_contains("sections");
  if (!sections || !sections->is_array()) return;
  for (auto& section : sections->get_array())
    if (auto* items = section.as_object().if_contains("items"); items && items->is_array())
      for (auto& item : items->get_array()) visit(section.as_object(), item.as_object());
}

// What the person sent: the answers and sign-offs as the API takes them, and each answer as
// typed, to show again if the form is refused.
struct Sent {
  json::object answers;
  json::array signatures;
  json::object typed;  // item id → the text as typed (an array for a multi-choice)
};

// The answers in `fields` to the items the caller may answer. `changed_only` leaves out an
// answer the same as the one recorded, so that saving a form records only what changed.
Sent read_sent(json::object& model, const FormFields& fields, bool changed_only) {
  Sent sent;
  for_each_item(model, [&](json::object&, json::object& item) {
    if (!bool_of(item, "may_answer")) return;
    const std::string id(string_of(item, "id"));
    const std::string_view kind = string_of(item, "kind");
    if (kind == "signature") {
      if (form_field(fields, std::string(sign_prefix) + id) == "yes" && !item.contains("answer"))
        sent.signatures.push_back(json::object{{"item", id}});
      return;
    }
    if (bool_of(item, "not_applicable") &&
        form_field(fields, std::string(not_applicable_prefix) + id) == "yes") {
      sent.typed[id] = not_applicable_answer();
      if (!changed_only || !item.contains("answer") || !is_not_applicable(item.at("answer")))
        sent.answers[id] = not_applicable_answer();
      return;
    }
    if (takes_files(kind)) return;  // uploaded first: sent_files()
    if (kind == "group") {          // its rows, a field per item in each
      auto rows = read_rows(item, fields);
      if (!rows) return;
      sent.typed[id] = rows->typed;
      if (changed_only)
        if (const auto* recorded = item.if_contains("answer");
            recorded && *recorded == rows->answer)
          return;
      sent.answers[id] = std::move(rows->answer);
      return;
    }
    const std::string name = std::string(answer_prefix) + id;
    if (kind == "location") {  // three fields: answer.<id>.latitude, …
      json::object place, typed_place;
      for (const auto* part : {"latitude", "longitude", "accuracy"}) {
        const auto text = form_field(fields, name + "." + part).value_or("");
        typed_place[part] = text;
        if (!text.empty()) place[part] = typed_number(text);
      }
      if (!form_field(fields, name + ".latitude")) return;  // not on the form sent
      sent.typed[id] = std::move(typed_place);
      if (place.empty()) return;  // not answered yet
      if (changed_only)
        if (const auto* recorded = item.if_contains("answer"); recorded && *recorded == place)
          return;
      sent.answers[id] = std::move(place);
      return;
    }
    std::vector<std::string_view> values;
    for (const auto& [field, value] : fields)
      if (field == name) values.push_back(value);
    if (values.empty()) return;  // not on the form sent
    json::value answer;
    if (kind == "multi_choice") {
      json::array chosen;
      for (const auto value : values)
        if (!value.empty()) chosen.emplace_back(value);  // the first is the empty marker
      sent.typed[id] = chosen;
      answer = std::move(chosen);
    } else {
      const std::string_view text = values.back();
      sent.typed[id] = text;
      // A required box left unticked is not answered yet, as an empty field is: the form may
      // be saved part-way. An optional one left unticked is answered "no".
      if (kind == "checkbox" && text != "true" && bool_of(item, "required")) return;
      if (kind == "checkbox")
        answer = text == "true";
      else if (text.empty())
        return;  // not answered yet
      else if (kind == "number" || kind == "rating")
        answer = typed_number(text);
      else if (kind == "datetime")
        sent.typed[id] = answer = datetime_of(
            text, form_field(fields, std::string(zone_prefix) + id).value_or(server_offset()));
      else
        answer = text;
    }
    if (changed_only)
      if (const auto* recorded = item.if_contains("answer"); recorded && *recorded == answer)
        return;
    sent.answers[id] = std::move(answer);
  });
  return sent;
}

// The answers to file and photo items: the files answered before that the person kept, then
// each file chosen, uploaded through the API. An upload refused is a refusal of its item, and
// its item is left as it was; the files uploaded before it stay unanswered, orphans a sweep
// removes.
void sent_files(const Page& page, json::object& model, const SentForm& form, Sent& sent,
                json::object& refusals) {
  for_each_item(model, [&](json::object&, json::object& item) {
    const std::string id(string_of(item, "id"));
    if (!takes_files(string_of(item, "kind")) || !bool_of(item, "may_answer")) return;
    if (!form_field(form.fields, std::string(files_prefix) + id)) return;  // not on the form
    if (sent.answers.contains(id)) return;                                 // "not applicable"
    json::array files;
    const auto* recorded = item.if_contains("answer");
    if (recorded && recorded->is_array())
      for (const auto& file : recorded->get_array())
        for (const auto& [field, value] : form.fields)
          if (field == std::string(keep_prefix) + id && file.is_object() &&
              string_of(file.get_object(), "sha256") == value)
            files.push_back(without_href(file));
    const auto* upload = item.if_contains("upload");
    for (const auto& chosen : form.files) {
      if (chosen.name != std::string(upload_prefix) + id || !upload || !upload->is_string())
        continue;
      auto kept = page.call_with_text(
          "POST", std::string(upload->get_string()) + "?name=" + path_segment(chosen.filename),
          chosen.content, chosen.content_type);
      if (!kept.ok()) {
        refusals[id] = kept.detail();
        return;
      }
      files.push_back(std::move(kept.body));
    }
    // No files is not an answer, and the same files as before change nothing.
    if (files.empty()) return;
    if (recorded && recorded->is_array()) {
      json::array before;
      for (const auto& file : recorded->get_array()) before.push_back(without_href(file));
      if (before == files) return;
    }
    sent.answers[id] = std::move(files);
  });
}

// An answer as a person reads it: option labels for choices, yes/no, a number with its unit.
std::string shown_answer(const Page& page, const json::object& item, const json::value& answer) {
  if (is_not_applicable(answer)) return page.text("not_applicable");
  const auto label_of = [&](const json::value& value) {
    if (const auto* options = item.if_contains("options"); options && options->is_array())
      for (const auto& option : options->get_array())
        if (option.as_object().at("value") == value)
          return std::string(option.as_object().at("label").as_string());
    return ablauf::detail::to_text(value);
  };
  if (answer.is_bool()) return page.text(answer.get_bool() ? "yes" : "no");
  if (string_of(item, "kind") == "group") {  // "HT, 120 kWh; NT, 80 kWh": each row's answers
    const auto row_text = [&](const json::object& row) {
      std::string out;
      if (const auto* items = item.if_contains("items"); items && items->is_array())
        for (const auto& column : items->get_array())
          // One level deep: the items of a group are no groups.
          if (const auto* value = row.if_contains(string_of(column.as_object(), "id"));
              value && string_of(column.as_object(), "kind") != "group")
            out += (out.empty() ? "" : ", ") + shown_answer(page, column.as_object(), *value);
      return out;
    };
    if (const auto* row = answer.if_object()) return row_text(*row);
    std::string out;
    if (const auto* rows = answer.if_array())
      for (const auto& row : *rows)
        if (row.is_object()) out += (out.empty() ? "" : "; ") + row_text(row.get_object());
    return out;
  }
  if (takes_files(string_of(item, "kind")) && answer.is_array()) {  // the files by name
    std::string out;
    for (const auto& file : answer.get_array())
      if (file.is_object() && file.get_object().contains("name"))
        out += (out.empty() ? "" : ", ") + std::string(file.at("name").as_string());
    return out;
  }
  if (const auto* place = answer.if_object(); place && string_of(item, "kind") == "location")
    return print::place_text(*place);
  if (answer.is_array()) {
    std::string out;
    for (const auto& value : answer.get_array()) out += (out.empty() ? "" : ", ") + label_of(value);
    return out;
  }
  std::string out = label_of(answer);
  if (const auto unit = string_of(item, "unit"); !unit.empty()) out += " " + std::string(unit);
  return out;
}

// The range a number item takes, as a hint: "at least 0", "2 to 36".
std::string range_text(const Page& page, const json::object& item) {
  const auto number = [&](std::string_view key) {
    std::string text = ablauf::detail::to_text(item.at(key));
    if (page.language() == "de") std::replace(text.begin(), text.end(), '.', ',');
    return text;
  };
  const bool low = item.contains("min"), high = item.contains("max");
  if (low && high) return number("min") + " " + page.text("to") + " " + number("max");
  if (low) return page.text("at_least") + " " + number("min");
  if (high) return page.text("at_most") + " " + number("max");
  return {};
}

// The form model as the template shows it: a flag per kind, field names, values as typed or
// recorded, refusals next to their items, and what each sign-off signs.
json::object form_view(const Page& page, json::object model, const json::object& typed,
                       const json::object& refusals) {
  const bool waiting = bool_of(model, "waiting");
  json::array answered;  // label and answer of each item so far: what a sign-off signs
  // Set before the items are visited, so that marking a section adds no member to it while its
  // items are walked.
  if (auto* sections = model.if_contains("sections"); sections && sections->is_array())
    for (auto& section : sections->get_array()) section.as_object()["has_editable"] = false;
  for_each_item(model, [&](json::object& section, json::object& item) {
    const std::string id(string_of(item, "id"));
    const std::string kind(string_of(item, "kind"));
    item["kind_" + kind] = true;
    item["field"] = std::string(answer_prefix) + id;
    item["dom_id"] = "item-" + id;
    item["hidden"] = !bool_of(item, "visible");
    const bool editable = waiting && bool_of(item, "may_answer");
    item["editable"] = editable;
    if (editable && takes_files(kind)) model["has_files"] = true;  // sent as multipart
    section["has_editable"] = bool_of(section, "has_editable") || editable;
    if (const auto* roles = item.if_contains("roles"); roles && roles->is_array()) {
      std::string names;
      for (const auto& role : roles->get_array())
        names += (names.empty() ? "" : ", ") + std::string(role.as_string());
      item["roles_text"] = names;
    }
    // Copies, not pointers into `item`: the members added to it below may move its storage.
    std::optional<json::value> recorded;
    if (const auto* answer = item.if_contains("answer")) recorded = *answer;
    std::optional<json::value> value = recorded;
    if (const auto* given = typed.if_contains(id)) value = *given;
    if (bool_of(item, "not_applicable")) {
      item["na_field"] = std::string(not_applicable_prefix) + id;
      item["answered_not_applicable"] = value && is_not_applicable(*value);
      if (value && is_not_applicable(*value)) value.reset();  // the field itself stays empty
    }
    if (kind == "datetime") {
      // The date and time as the browser's field takes them, and the zone beside them.
      const std::string written =
          value && value->is_string() ? std::string(value->get_string()) : std::string();
      std::string zone = written.size() > 19 ? written.substr(19) : std::string();
      if (const auto fraction = zone.find_first_of("+-Z"); fraction != std::string::npos)
        zone = zone.substr(fraction);
      if (zone.empty() || zone == "Z") zone = written.empty() ? server_offset() : "+00:00";
      json::array choices;
      for (const auto offset : zones)
        choices.push_back(json::object{{"value", offset}, {"selected", offset == zone}});
      item["zones"] = std::move(choices);
      item["zone_field"] = std::string(zone_prefix) + id;
      if (written.size() >= 16) item["value"] = written.substr(0, 16);
      value.reset();
    }
    if (kind == "location") {  // its parts, each in a field of its own
      if (value && value->is_object())
        for (const auto* part : {"latitude", "longitude", "accuracy"})
          if (const auto* given = value->get_object().if_contains(part))
            item[std::string(part)] = ablauf::detail::to_text(*given);
      close_names(item, {"latitude", "longitude", "accuracy"});
      value.reset();
    }
    if (kind == "group") {  // a table: a row per answer given, and empty ones to add more
      add_rows_view(item, value ? &*value : nullptr);
      value.reset();
    }
    if (takes_files(kind)) {  // the files answered, each with a box to keep it, and a chooser
      item["kind_files"] = true;
      item["photo"] = kind == "photo";
      item["files_field"] = std::string(files_prefix) + id;
      item["keep_field"] = std::string(keep_prefix) + id;
      item["upload_field"] = std::string(upload_prefix) + id;
      item["multiple"] = item.contains("max_files") && item.at("max_files").to_number<double>() > 1;
      std::string accept;
      if (const auto* types = item.if_contains("media_types"); types && types->is_array())
        for (const auto& type : types->get_array())
          accept += (accept.empty() ? "" : ",") + std::string(type.as_string());
      item["accept"] = accept;
      json::array files;
      if (recorded && recorded->is_array())
        for (const auto& file : recorded->get_array()) {
          if (!file.is_object()) continue;
          const auto& reference = file.get_object();
          const auto type = string_of(reference, "media_type");
          const auto size = reference.if_contains("size");
          files.push_back(json::object{
              {"dom_id", "item-" + id + "-file-" + std::to_string(files.size())},
              {"name", string_of(reference, "name")},
              {"sha256", string_of(reference, "sha256")},
              {"href", string_of(reference, "href")},
              {"picture", type == "image/jpeg" || type == "image/png"},
              {"details", std::string(type) + ", " +
                              ablauf::detail::size_text(size ? size->to_number<std::uint64_t>() : 0,
                                                        page.language() == "de")}});
        }
      item["files"] = std::move(files);
      close_names(item, {"accept", "multiple", "photo"});
      value.reset();
    }
    if (kind == "rating") {  // a radio button per step of the scale, its ends named
      json::array scale;
      const auto low = item.at("min").to_number<double>(),
                 high = item.at("max").to_number<double>();
      for (auto point = low; point <= high && scale.size() < 11; ++point) {  // the loader's most
        json::object entry{
            {"value", static_cast<std::int64_t>(point)},
            {"dom_id", "item-" + id + "-" + std::to_string(scale.size())},
            {"checked", value && value->is_number() && value->to_number<double>() == point}};
        if (point == low && item.contains("low_label")) entry["end"] = item.at("low_label");
        if (point == high && item.contains("high_label")) entry["end"] = item.at("high_label");
        close_names(entry, {"end"});
        scale.push_back(std::move(entry));
      }
      item["scale"] = std::move(scale);
    }
    if (kind == "signature") {
      if (recorded && recorded->is_object()) {
        const auto& signature = recorded->get_object();
        const auto at = parse_rfc3339(std::string(string_of(signature, "signed_at")));
        item["signature"] =
            json::object{{"by", string_of(signature, "signed_by")},
                         {"at", at ? readable_time(*at, page.language()) : std::string()},
                         {"hash", string_of(signature, "hash")}};
      }
      item["signs"] = answered;
      item["sign_field"] = std::string(sign_prefix) + id;
    } else if (value) {
      if (kind == "checkbox") {
        item["checked"] = value->is_bool() ? value->get_bool()
                                           : value->is_string() && value->get_string() == "true";
      } else if (value->is_array()) {
        if (auto* options = item.if_contains("options"); options && options->is_array())
          for (auto& option : options->get_array()) {
            const auto& chosen = value->get_array();
            option.as_object()["checked"] =
                std::find(chosen.begin(), chosen.end(), option.as_object().at("value")) !=
                chosen.end();
          }
      } else {
        item["value"] = ablauf::detail::to_text(*value);
        if (auto* options = item.if_contains("options"); options && options->is_array())
          for (auto& option : options->get_array())
            option.as_object()["checked"] = option.as_object().at("value") == *value;
      }
    }
    if (auto* options = item.if_contains("options"); options && options->is_array())
      for (std::size_t i = 0; i < options->get_array().size(); ++i)
        options->get_array()[i].as_object()["dom_id"] = "item-" + id + "-" + std::to_string(i);
    if (recorded && kind != "signature") {
      const auto shown = shown_answer(page, item, *recorded);
      item["shown"] = shown;
      answered.push_back(json::object{{"label", string_of(item, "label")}, {"answer", shown}});
    }
    if (const auto* refusal = refusals.if_contains(id)) item["refusal"] = *refusal;
    if (kind == "number") item["range"] = range_text(page, item);
    close_names(item, {"label",     "description",
                       "unit",      "range",
                       "value",     "checked",
                       "shown",     "roles_text",
                       "signature", "refusal",
                       "options",   "required",
                       "na_field",  "answered_not_applicable",
                       "zones",     "scale",
                       "files",     "kind_files",
                       "rows",      "columns"});
  });
  auto& sections = model["sections"].as_array();
  // A checklist's section that is its step (a `checklist` kind) is titled by the page already.
  if (sections.size() == 1 && model.contains("title") &&
      sections.front().as_object().if_contains("title") &&
      sections.front().as_object().at("title") == model.at("title")) {
    sections.front().as_object().erase("title");
    sections.front().as_object().erase("description");
  }
  for (auto& section : sections)
    close_names(section.as_object(), {"title", "description", "has_editable"});
  close_names(model, {"has_files"});
  model["title_or_step"] = model.contains("title") ? model.at("title") : model.at("step");
  model["instance_href"] = instance_page(string_of(model, "instance"));
  return model;
}

// Refusals by item, from the API's "errors".
json::object refusals_of(const json::value& problem) {
  json::object out;
  if (const auto* object = problem.if_object())
    if (const auto* errors = object->if_contains("errors"); errors && errors->is_array())
      for (const auto& error : errors->get_array()) {
        const auto& entry = error.as_object();
        out[string_of(entry, "item")] = string_of(entry, "detail");
      }
  return out;
}

tl::expected<json::object, ApiAnswer> read_model(const Page& page) {
  auto model = page.call("GET", form_api(page) + "?lang=" + page.language());
  if (!model.ok() || !model.body.is_object()) return tl::make_unexpected(std::move(model));
  return std::move(model.body.get_object());
}

Response show(const Page& page) {
  auto model = read_model(page);
  if (!model) return page.error(model.error());
  auto view = form_view(page, std::move(*model), {}, {});
  view["saved"] = page.request().query.contains("saved");
  return page.render("checklist", json::object{{"form", std::move(view)}});
}

Response save(const Page& page) {
  auto model = read_model(page);
  if (!model) return page.error(model.error());
  const auto form = sent_form(page.request());
  if (!form) return page.error(400, page.text("error_bad_form"));
  const FormFields* fields = &form->fields;
  auto sent = read_sent(*model, *fields, true);
  json::object refused_uploads;
  sent_files(page, *model, *form, sent, refused_uploads);
  if (!refused_uploads.empty()) {  // nothing recorded: the form again, with why
    auto view = form_view(page, std::move(*model), sent.typed, refused_uploads);
    view["problem"] = page.text("form_refused");
    return page.render("checklist", json::object{{"form", std::move(view)}}, 422);
  }
  // The rules again, over the answers as sent: an item they hide now is not answered, though
  // its field, hidden, still held what was typed before (the page's script hides it live; a
  // page without script shows the rule's effect once saved).
  if (!sent.answers.empty()) {
    auto preview =
        page.call("POST", form_api(page) + "/preview", json::object{{"answers", sent.answers}});
    if (preview.ok() && preview.body.is_object())
      for_each_item(preview.body.get_object(), [&](json::object&, json::object& item) {
        if (!bool_of(item, "visible")) sent.answers.erase(string_of(item, "id"));
      });
  }
  if (sent.answers.empty() && sent.signatures.empty()) return redirect(form_page(page));
  json::object body{{"answers", std::move(sent.answers)}};
  if (!sent.signatures.empty()) body["signatures"] = std::move(sent.signatures);
  const auto key = form_field(*fields, key_field).value_or("");
  auto answer = page.call("POST", form_api(page) + "?lang=" + page.language(), body, key);
  if (answer.ok()) {
    // Still waiting here: back to the form, to go on; else the instance, which has moved on.
    const auto again = read_model(page);
    if (again && bool_of(*again, "waiting")) return redirect(form_page(page) + "?saved=1");
    return redirect(instance_page(page.request().parameters.at("id")));
  }
  auto refusals = refusals_of(answer.body);
  if (refusals.empty()) return page.error(answer);
  auto view = form_view(page, std::move(*model), sent.typed, refusals);
  view["problem"] = answer.detail();
  return page.render("checklist", json::object{{"form", std::move(view)}}, answer.status);
}

// What the page's script asks as the person types: which items show, which answers the engine
// refuses, and what each sign-off would sign, for the form as it stands. Records nothing.
Response preview(const Page& page) {
  auto model = read_model(page);
  if (!model) return Response::json(model.error().status, model.error().body);
  const auto fields = form_fields(page.request().body);
  if (!fields) return Response::problem(400, "Bad form", "a field has a broken escape");
  auto sent = read_sent(*model, *fields, false);
  auto answer = page.call("POST", form_api(page) + "/preview?lang=" + page.language(),
                          json::object{{"answers", std::move(sent.answers)}});
  if (!answer.ok()) return Response::json(answer.status, answer.body);
  auto refusals = refusals_of(answer.body);
  // The model with the answers as they stand: what each sign-off would sign now.
  auto shown = form_view(page, std::move(answer.body.as_object()), {}, {});
  json::object visible, signs;
  for_each_item(shown, [&](json::object&, json::object& item) {
    const std::string id(string_of(item, "id"));
    visible[id] = bool_of(item, "visible");
    if (bool_of(item, "kind_signature")) signs[id] = item.at("signs");
  });
  return Response::json(200, json::object{{"visible", std::move(visible)},
                                          {"refusals", std::move(refusals)},
                                          {"signs", std::move(signs)}});
}

}  // namespace

void add_checklist_page(Router& router, const Api& api) {
  add_page(router, api, "GET", "/instances/{id}/steps/{step}", show);
  add_page(router, api, "POST", "/instances/{id}/steps/{step}", save);
  add_page(router, api, "POST", "/instances/{id}/steps/{step}/preview", preview);
}

}  // namespace ablauf::http::detail::web
