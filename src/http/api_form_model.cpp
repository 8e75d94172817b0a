// `GET /api/v1/instances/{id}/steps/{step}/form`: a checklist step's form as a client renders
// it, from the same definition as the printed form: its sections and items with their kinds,
// rules and visibility now, and the answers given so far. `POST …/form/preview`: the same as if
// some answers were given, with those refused, for a client that shows rules and refusals live.
#include "http/api_v1.hpp"
#include "http/request_body.hpp"
#include "http/roles.hpp"
#include "http/router.hpp"

#include <ablauf/expression.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>

namespace ablauf::http::detail {
namespace json = boost::json;
namespace {

// Adds `name` with the text in `language` when the text is not empty.
void add_text(json::object& out, std::string_view name, const LocalizedText& text,
              std::string_view language, std::string_view fallback) {
  if (!text.empty()) out[name] = text.get(language, fallback);
}

// An item as the client renders it. `visible` is its visible_if evaluated over the instance's
// data now; an item whose rule cannot be evaluated is shown, with the reason.
json::object item_model(const ItemDefinition& item, const json::value& data,
                        const json::object* answers, std::string_view language,
                        std::string_view fallback) {
  json::object out{{"id", item.id}, {"kind", to_string(item.kind)}, {"required", item.required}};
  if (item.not_applicable) out["not_applicable"] = true;  // {"not_applicable": true} answers it
  add_text(out, "label", item.label, language, fallback);
  add_text(out, "description", item.description, language, fallback);
  if (!item.options.empty()) {
    json::array options;
    for (const auto& option : item.options) {
      json::object entry{{"value", option.value}};
      entry["label"] = option.label.empty() ? std::string_view(option.value)
                                            : option.label.get(language, fallback);
      options.push_back(std::move(entry));
    }
    out["options"] = std::move(options);
  }
  if (item.min) out["min"] = *item.min;
  if (item.max) out["max"] = *item.max;
  add_text(out, "unit", item.unit, language, fallback);
  add_text(out, "low_label", item.low_label, language, fallback);  // a rating's ends
  add_text(out, "high_label", item.high_label, language, fallback);
  if (!item.pattern.empty()) out["pattern"] = item.pattern;
  if (item.kind == ItemKind::group) {  // its items, answered in each row (or once)
    out["repeat"] = item.repeat;
    if (item.repeat) {
      out["min_rows"] = item.min_rows;
      out["max_rows"] = item.max_rows;
    }
    json::array items;
    for (const auto& column : item.items)
      // One level deep: the loader allows no group inside a group.
      if (column.kind != ItemKind::group) {
        auto model = item_model(column, data, nullptr, language, fallback);
        model.erase("visible");  // shown with its row
        items.push_back(std::move(model));
      }
    out["items"] = std::move(items);
  }
  if (takes_files(item.kind)) {  // uploaded to "upload", then answered with what it returns
    json::array types;
    for (const auto& type : item.media_types) types.emplace_back(type);
    out["media_types"] = std::move(types);
    out["max_files"] = item.max_files;
    out["max_bytes"] = item.max_bytes;
  }
  bool visible = true;
  if (item.visible_if) {
    const auto& rule = *item.visible_if;
    // The rule as written, for a client that applies it live as the person answers.
    json::object shown{{"syntax", rule.syntax() == ExpressionSyntax::text ? "text" : "jsonlogic"}};
    boost::system::error_code not_json;
    auto logic = rule.syntax() == ExpressionSyntax::jsonlogic ? json::parse(rule.text(), not_json)
                                                              : json::value();
    if (rule.syntax() == ExpressionSyntax::jsonlogic && !not_json)
      shown["rule"] = std::move(logic);
    else
      shown["rule"] = rule.text();
    out["visible_if"] = std::move(shown);
    EvaluationOptions options;
    options.now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (auto evaluated = evaluate_condition(rule, data, options); evaluated)
      visible = *evaluated;
    else
      out["visible_error"] = evaluated.error().message;
  }
  out["visible"] = visible;
  if (const auto* answer = answers ? answers->if_contains(item.id) : nullptr)
    out["answer"] = *answer;
  return out;
}

// The form model of the step the request names; with `pending`, as if those answers were given
// (their rules evaluated over them, each refused one in "errors"), recording nothing.
}  // namespace

std::string language_parameter(const Request& request) {
  const auto given = request.query.find("lang");
  return given == request.query.end() ? std::string() : given->second;
}

std::string step_text(const StepDefinition& step, std::string_view field, const json::value& data,
                      std::string_view language, const WorkflowDefinition& definition) {
  const std::string_view fallback = definition.default_language;
  const LocalizedText& written = field == "title" ? step.title : step.description;
  const auto compiled = step.values.find(field);
  if (compiled == step.values.end()) return std::string(written.get(language, fallback));
  DynamicEvaluationOptions options;
  options.templates.locale = {std::string(written.has(language) ? language : fallback),
                              definition.time_zone};
  auto rendered = compiled->second.evaluate(data, options);
  if (!rendered) return std::string(written.get(language, fallback));
  if (const auto* text = rendered->if_string()) return std::string(*text);
  if (const auto* texts = rendered->if_object()) {  // one per language
    for (const auto code : {language, fallback})
      if (const auto* found = texts->if_contains(code); found && found->is_string())
        return std::string(found->get_string());
    for (const auto& [code, found] : *texts)
      if (found.is_string()) return std::string(found.get_string());
  }
  return std::string(written.get(language, fallback));
}

namespace {

Response form_model(Engine& engine, const Request& request, const json::object* pending) {
  const User& user = caller(request);
  const auto& id = request.parameters.at("id");
  const auto& step_id = request.parameters.at("step");
  auto state = engine.get(id);
  if (!state) return Response::problem(state.error());
  auto workflow = engine.workflow(state->workflow_id, state->version);
  if (!workflow) return Response::problem(workflow.error());
  const StepDefinition* step = workflow->find_step(step_id);
  if (!step || !step->checklist)
    return Response::problem(
        404, "Not found",
        "workflow '" + state->workflow_id + "' has no checklist step '" + step_id + "'");
  const auto& definition = workflow->definition();
  std::string language = language_parameter(request);
  if (language.empty()) language = definition.default_language;
  const std::string_view fallback = definition.default_language;

  if (pending) {  // over the answers recorded, as submitting them would record them
    auto& steps = state->data.as_object()["steps"];
    if (!steps.is_object()) steps = json::object();
    auto& entry = steps.as_object()[step_id];
    if (!entry.is_object()) entry = json::object();
    auto& recorded = entry.as_object()["answers"];
    if (!recorded.is_object()) recorded = json::object();
    for (const auto& [item, value] : *pending) recorded.as_object()[item] = value;
  }
  const json::object* answers = nullptr;
  if (const auto* steps = state->data.as_object().if_contains("steps"))
    if (const auto* entry = steps->as_object().if_contains(step_id))
      if (const auto* recorded = entry->as_object().if_contains("answers"))
        answers = recorded->if_object();
  const bool waiting = std::any_of(state->tokens.begin(), state->tokens.end(), [&](const Token& t) {
    return t.step == step_id && t.state == Token::State::waiting &&
           t.waiting_for == WaitingFor::checklist;
  });

  json::array sections;
  for (const auto& section : step->checklist->sections) {
    json::object entry{{"id", section.id}};
    add_text(entry, "title", section.title, language, fallback);
    add_text(entry, "description", section.description, language, fallback);
    json::array items;
    for (const auto& item : section.items) {
      auto model = item_model(item, state->data, answers, language, fallback);
      // Who answers it, and whether the caller may: a page shows the others read-only.
      json::array names;
      for (const auto& name : answerers(*step, section, item)) names.emplace_back(name);
      if (!names.empty()) model["roles"] = std::move(names);
      model["may_answer"] = may_answer(user, *step, section, item);
      if (takes_files(item.kind)) {
        const std::string instance_path = "/api/v1/instances/" + path_segment(id);
        if (waiting)
          model["upload"] = instance_path + "/steps/" + path_segment(step_id) + "/items/" +
                            path_segment(item.id) + "/files";
        // Each file answered, with where to read it.
        if (auto* answer = model.if_contains("answer"); answer && answer->is_array())
          for (auto& file : answer->as_array())
            if (auto* reference = file.if_object())
              if (const auto* sha256 = reference->if_contains("sha256");
                  sha256 && sha256->is_string())
                (*reference)["href"] =
                    instance_path + "/files/" + std::string(sha256->get_string());
      }
      items.push_back(std::move(model));
    }
    entry["items"] = std::move(items);
    sections.push_back(std::move(entry));
  }
  json::object model{{"instance", id},
                     {"workflow", state->workflow_id},
                     {"version", state->version},
                     {"step", step_id},
                     {"waiting", waiting}};
  // The step's texts are templates over the instance's data, rendered as the engine does.
  if (auto title = step_text(*step, "title", state->data, language, definition); !title.empty())
    model["title"] = std::move(title);
  if (auto text = step_text(*step, "description", state->data, language, definition); !text.empty())
    model["description"] = std::move(text);
  if (!language.empty()) model["language"] = language;
  model["sections"] = std::move(sections);
  if (waiting)
    model["submit"] =
        "/api/v1/instances/" + path_segment(id) + "/steps/" + path_segment(step_id) + "/form";
  if (pending)
    model["errors"] = refused_answers(*workflow, *step, *pending, language_parameter(request));
  return Response::json(200, model);
}

Response preview(Engine& engine, const Request& request) {
  auto body = object_body(request);
  if (!body) return std::move(body.error());
  const auto* answers = body->if_contains("answers");
  if (!answers || !answers->is_object())
    return unprocessable("\"answers\" must be an object: item id → value");
  return form_model(engine, request, &answers->get_object());
}

}  // namespace

void add_form_model_route(Router& router, const Api& api) {
  Engine& engine = api.engine;
  router.add("GET", "/api/v1/instances/{id}/steps/{step}/form",
             [&engine](const Request& request) { return form_model(engine, request, nullptr); });
  router.add("POST", "/api/v1/instances/{id}/steps/{step}/form/preview",
             [&engine](const Request& request) { return preview(engine, request); });
}

}  // namespace ablauf::http::detail
