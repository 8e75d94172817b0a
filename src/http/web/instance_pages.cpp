// `/instances` and `/instances/{id}` (pages.hpp): the instances with the API's filters, and one
// instance told as its timeline, drawn as its path over the graph, with its filled forms to
// download and, for an admin, a button that cancels it.
#include "http/request_body.hpp"
#include "http/router.hpp"
#include "http/web/page.hpp"
#include "http/web/pages.hpp"

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

// The filters of the instances' page, passed on to the API as they are.
constexpr std::string_view instance_filters[] = {"workflow", "status", "business_key", "cursor"};
constexpr std::string_view statuses[] = {"running", "waiting", "completed", "failed", "cancelled"};
constexpr std::size_t instances_page_size = 50;

std::string readable(const json::value& rfc3339, std::string_view language) {
  if (!rfc3339.is_string()) return {};
  auto time = parse_rfc3339(std::string(rfc3339.get_string()));
  return time ? readable_time(*time, language) : std::string(rfc3339.get_string());
}

Response list(const Page& page) {
  const auto& query = page.request().query;
  std::string target = "/api/v1/instances?limit=" + std::to_string(instances_page_size);
  json::object filters;
  for (const auto name : instance_filters)
    if (const auto given = query.find(name); given != query.end() && !given->second.empty()) {
      target += "&" + std::string(name) + "=" + path_segment(given->second);
      filters[name] = given->second;
    }
  auto answer = page.call("GET", target);
  if (!answer.ok()) return page.error(answer);
  auto& body = answer.body.as_object();
  json::array rows;
  for (auto& entry : body["instances"].as_array()) {
    auto& instance = entry.as_object();
    const std::string status(instance.at("status").as_string());
    instance["href"] = instance_page(instance.at("id").as_string());
    instance["status_text"] = page.text("status_" + status);
    instance["status_" + status] = true;
    instance["started"] = readable(instance.at("started_at"), page.language());
    instance["updated"] = readable(instance.at("updated_at"), page.language());
    rows.push_back(std::move(instance));
  }
  json::array choices;
  const std::string chosen =
      filters.contains("status") ? std::string(filters.at("status").as_string()) : std::string();
  for (const auto status : statuses)
    choices.push_back(json::object{{"value", status},
                                   {"text", page.text("status_" + std::string(status))},
                                   {"selected", status == chosen}});
  json::object view{
      {"instances", std::move(rows)}, {"filters", filters}, {"statuses", std::move(choices)}};
  if (const auto* next = body.if_contains("next_cursor"); next && next->is_string()) {
    std::string href = "/instances?cursor=" + path_segment(next->get_string());
    for (const auto& [name, value] : filters)
      if (name != "cursor") href += "&" + std::string(name) + "=" + path_segment(value.as_string());
    view["next_href"] = href;
  }
  return page.render("instances", std::move(view));
}

Response show(const Page& page, unsigned status = 200, std::string problem = {}) {
  const auto& id = page.request().parameters.at("id");
  const std::string api = "/api/v1/instances/" + path_segment(id);
  auto state = page.api().engine.get(id);
  if (!state) return page.error(Response::problem(state.error()).status, state.error().message);
  auto timeline = page.call("GET", api + "/timeline?lang=" + page.language());
  if (!timeline.ok()) return page.error(timeline);

  json::array entries;
  for (auto& entry : timeline.body.as_object()["entries"].as_array()) {
    auto& shown = entry.as_object();
    shown["when"] = readable(shown.at("time"), page.language());
    close_names(shown, {"changes"});
    entries.push_back(std::move(shown));
  }
  // Where it waits for people: the checklists to fill and the tasks to do, each a link.
  const auto workflow = page.api().engine.workflow(state->workflow_id, state->version);
  const auto step_title = [&](const std::string& step_id) {
    const StepDefinition* step = workflow ? workflow->find_step(step_id) : nullptr;
    auto title =
        step ? step_text(*step, "title", state->data, page.language(), workflow->definition())
             : std::string();
    return title.empty() ? step_id : title;
  };
  json::array open;
  for (const auto& token : state->tokens)
    if (token.state == Token::State::waiting && token.waiting_for == WaitingFor::checklist)
      open.push_back(
          json::object{{"text", page.text("fill_checklist") + ": " + step_title(token.step)},
                       {"href", instance_page(id) + "/steps/" + path_segment(token.step)}});
  if (!state->finished())
    for (const auto& task : state->tasks)
      if (!task.completed)
        open.push_back(json::object{
            {"text", page.text("task") + ": " + (task.title.empty() ? task.step : task.title)},
            {"href", instance_page(id) + "/tasks/" + path_segment(task.id)}});
  const std::string status_name(to_string(state->status));
  const std::string language = "lang=" + page.language();
  json::object view{
      {"id", id},
      {"title", workflow ? std::string(workflow->definition().title.get(
                               page.language(), workflow->definition().default_language))
                         : state->workflow_id},
      {"workflow", state->workflow_id},
      {"version", state->version},
      {"business_key", state->business_key},
      {"document_number", state->document_number},
      {"error", state->error},
      {"status", status_name},
      {"status_text", page.text("status_" + status_name)},
      {"entries", std::move(entries)},
      {"open", std::move(open)},
      {"graph_src", api + "/graph?format=svg&" + language},
      {"form_html", api + "/form?format=html&" + language},
      {"form_pdf", api + "/form?format=pdf&" + language},
      {"may_cancel", !state->finished() && page.request().user->has_role(admin_role)}};
  if (!problem.empty()) view["problem"] = problem;
  return page.render("instance", std::move(view), status);
}

Response cancel(const Page& page) {
  const auto fields = form_fields(page.request().body);
  if (!fields) return page.error(400, page.text("error_bad_form"));
  const auto& id = page.request().parameters.at("id");
  json::object body;
  if (const auto reason = form_field(*fields, "reason"); reason && !reason->empty())
    body["reason"] = *reason;
  const auto answer = page.call("POST", "/api/v1/instances/" + path_segment(id) + "/cancel", body,
                                form_field(*fields, key_field).value_or(""));
  if (!answer.ok()) return show(page, answer.status, answer.detail());
  return redirect(instance_page(id));
}

}  // namespace

void add_instance_pages(Router& router, const Api& api) {
  add_page(router, api, "GET", "/instances", list);
  add_page(router, api, "GET", "/instances/{id}", [](const Page& page) { return show(page); });
  add_page(router, api, "POST", "/instances/{id}/cancel", cancel);
}

}  // namespace ablauf::http::detail::web
