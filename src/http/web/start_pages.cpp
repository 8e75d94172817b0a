// `/start` and `/start/{workflow}` (pages.hpp): the deployed workflows, and a form that starts
// one, made from the input it declares (docs/format.md, "Declared input"): a field per value,
// of the kind its schema gives, under headings for the objects that hold them. A workflow that
// declares none takes its input as JSON.
#include "http/request_body.hpp"
#include "http/router.hpp"
#include "http/web/page.hpp"
#include "http/web/pages.hpp"

#include <ablauf/json.hpp>
#include <ablauf/source.hpp>

#include <boost/json/parse.hpp>

#include <charconv>
#include <vector>

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

// The text of a schema's "title" or "description": a string, or one per language.
std::string localized(const json::value* text, std::string_view language,
                      std::string_view fallback) {
  if (!text) return {};
  if (text->is_string()) return std::string(text->get_string());
  if (const auto* texts = text->if_object()) {
    for (const auto code : {language, fallback})
      if (const auto* found = texts->if_contains(code); found && found->is_string())
        return std::string(found->get_string());
    for (const auto& [code, found] : *texts)
      if (found.is_string()) return std::string(found.get_string());
  }
  return {};
}

std::string_view type_of(const json::object& schema) {
  const auto* type = schema.if_contains("type");
  return type && type->is_string() ? std::string_view(type->get_string()) : std::string_view();
}

// One line of the start form: a heading for an object, or a field for a value, named by the
// JSON pointer of its place in the input.
struct Field {
  std::vector<std::string> path;  // the members that lead to its place in the input
  std::string pointer;
  json::object shown;  // what the template shows
  std::string kind;    // text, number, integer, boolean, choice, date, json; "" for a heading
};

// The fields of `schema`, in the order its properties are declared, objects opened into
// their members; depth first, on a stack of its own rather than the call stack.
std::vector<Field> fields_of(const json::value& schema, std::string_view language,
                             std::string_view fallback) {
  struct Place {
    const json::object* schema;
    std::vector<std::string> path;
    std::string pointer;
    std::string name;  // the property's name, when the schema has no title
    bool required;
  };
  std::vector<Field> fields;
  std::vector<Place> pending;
  if (const auto* root = schema.if_object())
    pending.push_back({root, {}, "", "", true});
  else
    fields.push_back({{}, "", {}, "json"});
  while (!pending.empty()) {
    const Place place = std::move(pending.back());
    pending.pop_back();
    const auto& node = *place.schema;
    std::string label = localized(node.if_contains("title"), language, fallback);
    if (label.empty()) label = place.name;
    Field field{place.path, place.pointer,
                json::object{{"label", label},
                             {"required", place.required},
                             {"description",
                              localized(node.if_contains("description"), language, fallback)}},
                ""};
    const auto* properties = node.if_contains("properties");
    const auto* others = node.if_contains("additionalProperties");
    const bool closed = others && others->is_bool() && !others->get_bool();
    // An object whose members are declared (or that takes none) opens into them; one that
    // takes any is asked for as JSON.
    if (type_of(node) == "object" && ((properties && properties->is_object()) || closed)) {
      if (!place.pointer.empty()) fields.push_back(std::move(field));  // a heading
      std::vector<std::string> required;
      if (const auto* names = node.if_contains("required"); names && names->is_array())
        for (const auto& name : names->get_array())
          if (name.is_string()) required.emplace_back(name.get_string());
      static const json::object none;
      const auto& members = properties && properties->is_object() ? properties->get_object() : none;
      // Pushed last first, so that they come off the stack in the order declared.
      for (auto member = members.end(); member != members.begin();) {
        --member;
        if (!member->value().is_object()) continue;
        const std::string name(member->key());
        auto path = place.path;
        path.push_back(name);
        pending.push_back({&member->value().get_object(), std::move(path),
                           place.pointer + "/" + escape_pointer_token(name), name,
                           std::find(required.begin(), required.end(), name) != required.end()});
      }
      continue;
    }
    const auto type = type_of(node);
    const auto* choices = node.if_contains("enum");
    const auto* format = node.if_contains("format");
    if (choices && choices->is_array()) {
      field.kind = "choice";
      json::array options;
      for (const auto& choice : choices->get_array())
        options.push_back(
            json::object{{"value", to_json_text(choice)},
                         {"label", choice.is_string() ? std::string(choice.get_string())
                                                      : to_json_text(choice)}});
      field.shown["options"] = std::move(options);
    } else if (type == "string") {
      field.kind =
          format && format->is_string() && format->get_string() == "date" ? "date" : "text";
    } else if (type == "number" || type == "integer" || type == "boolean") {
      field.kind = std::string(type);
    } else {
      field.kind = "json";
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

// The value typed into a field, as its kind reads it; a number that does not read as one stays
// the text typed, for the engine to refuse naming its place.
tl::expected<json::value, std::string> typed_value(const Field& field, std::string_view text) {
  if (field.kind == "number" || field.kind == "integer") {
    double number = 0;
    const auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (failed != std::errc() || end != text.data() + text.size()) return json::string(text);
    if (field.kind == "integer" && number == static_cast<double>(static_cast<std::int64_t>(number)))
      return static_cast<std::int64_t>(number);
    return number;
  }
  if (field.kind == "boolean") return text == "true";
  if (field.kind == "choice" || field.kind == "json") {
    boost::system::error_code not_json;
    auto value = json::parse(text, not_json);
    if (not_json) return tl::make_unexpected(not_json.message());
    return value;
  }
  return json::string(text);
}

// Puts `value` at `path` in `input`, making the objects on the way.
void place_at(json::value& input, const std::vector<std::string>& path, json::value value) {
  json::value* at = &input;
  for (const auto& member : path) {
    if (!at->is_object()) *at = json::object();
    at = &at->get_object()[member];
  }
  *at = std::move(value);
}

struct StartForm {
  std::string workflow;
  std::string title;
  std::string description;  // of its input as a whole
  std::vector<Field> fields;
};

tl::expected<StartForm, Response> start_form(const Page& page) {
  const auto& id = page.request().parameters.at("workflow");
  auto workflow = page.api().engine.workflow(id);
  if (!workflow) return tl::make_unexpected(page.error(404, workflow.error().message));
  const auto& definition = workflow->definition();
  const json::value schema = definition.input ? definition.input->json() : json::value();
  StartForm form{id,
                 std::string(definition.title.get(page.language(), definition.default_language)),
                 {},
                 fields_of(schema, page.language(), definition.default_language)};
  if (const auto* object = schema.if_object())
    form.description =
        localized(object->if_contains("description"), page.language(), definition.default_language);
  return form;
}

Response show_form(const Page& page, const StartForm& form, const FormFields* sent = nullptr,
                   unsigned status = 200, std::string problem = {}) {
  json::array shown;
  for (std::size_t i = 0; i < form.fields.size(); ++i) {
    const auto& field = form.fields[i];
    auto entry = field.shown;
    const std::string name = "input" + field.pointer;
    entry["name"] = name;
    entry["dom_id"] = "input-" + std::to_string(i);
    if (field.kind.empty())
      entry["heading"] = true;
    else
      entry["kind_" + field.kind] = true;
    if (field.kind == "json" && field.pointer.empty()) entry["label"] = page.text("input_json");
    if (sent)
      if (const auto value = form_field(*sent, name)) {
        entry["value"] = *value;
        entry["checked"] = *value == "true";
        if (auto* options = entry.if_contains("options"))
          for (auto& option : options->as_array())
            option.as_object()["selected"] = is_text(option.as_object().at("value"), *value);
      }
    if (!problem.empty() && !field.pointer.empty() &&
        problem.find(field.pointer + ":") != std::string::npos)
      entry["invalid"] = true;
    close_names(entry, {"value", "checked", "invalid", "options", "heading"});
    shown.push_back(std::move(entry));
  }
  json::object view{{"workflow", form.workflow},
                    {"title", form.title.empty() ? form.workflow : form.title},
                    {"description", form.description},
                    {"fields", std::move(shown)}};
  if (sent) view["business_key"] = form_field(*sent, "business_key").value_or("");
  if (!problem.empty()) view["problem"] = problem;
  return page.render("start", std::move(view), status);
}

Response start(const Page& page) {
  auto form = start_form(page);
  if (!form) return std::move(form.error());
  const auto sent = form_fields(page.request().body);
  if (!sent) return page.error(400, page.text("error_bad_form"));
  json::value input = json::object();
  for (const auto& field : form->fields) {
    if (field.kind.empty()) continue;
    const auto text = form_field(*sent, "input" + field.pointer);
    if (!text || (text->empty() && field.kind != "boolean")) continue;
    auto value = typed_value(field, *text);
    if (!value)
      return show_form(page, *form, &*sent, 422,
                       page.text("input_not_json") + " (" +
                           std::string(field.shown.at("label").as_string()) +
                           "): " + value.error());
    place_at(input, field.path, std::move(*value));
  }
  json::object body{{"workflow", form->workflow}, {"input", std::move(input)}};
  if (const auto key = form_field(*sent, "business_key"); key && !key->empty())
    body["business_key"] = *key;
  auto answer =
      page.call("POST", "/api/v1/instances", body, form_field(*sent, key_field).value_or(""));
  if (!answer.ok()) return show_form(page, *form, &*sent, answer.status, answer.detail());
  return redirect(instance_page(answer.body.as_object().at("id").as_string()));
}

Response workflows(const Page& page) {
  auto answer = page.call("GET", "/api/v1/definitions");
  if (!answer.ok()) return page.error(answer);
  json::array shown;
  for (const auto& entry : answer.body.as_object().at("definitions").as_array()) {
    const auto& definition = entry.as_object();
    shown.push_back(json::object{
        {"id", definition.at("id")},
        {"version", definition.at("version")},
        {"title", definition.contains("title") ? definition.at("title") : definition.at("id")},
        {"href", "/start/" + path_segment(definition.at("id").as_string())}});
  }
  return page.render("start_list", json::object{{"workflows", std::move(shown)}});
}

}  // namespace

void add_start_pages(Router& router, const Api& api) {
  add_page(router, api, "GET", "/start", workflows);
  add_page(router, api, "GET", "/start/{workflow}", [](const Page& page) {
    auto form = start_form(page);
    return form ? show_form(page, *form) : std::move(form.error());
  });
  add_page(router, api, "POST", "/start/{workflow}", start);
}

}  // namespace ablauf::http::detail::web
