// `/definitions` and `/definitions/{id}` (pages.hpp): what is deployed, each workflow's graph and
// versions, and a new version checked before anyone deploys it, its findings located like the
// CLI's (`file:line:column`).
#include "http/request_body.hpp"
#include "http/router.hpp"
#include "http/web/page.hpp"
#include "http/web/pages.hpp"

#include <map>

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

constexpr std::string_view definition_field = "definition";

// Every deployed version, grouped by workflow: [{id, title, versions: [...]}] in id order.
json::array deployed(const Page& page, std::string_view only = {}) {
  std::map<std::string, json::object> by_id;
  for (const auto& workflow : page.api().engine.workflows()) {
    const auto& definition = workflow.definition();
    if (!only.empty() && definition.id != only) continue;
    auto& entry = by_id[definition.id];
    entry["id"] = definition.id;
    entry["title"] = definition.title.get(page.language(), definition.default_language);
    entry["href"] = "/definitions/" + path_segment(definition.id);
    auto& versions = entry["versions"];
    if (!versions.is_array()) versions = json::array();
    versions.as_array().push_back(json::object{{"version", definition.version},
                                               {"steps", workflow.step_count()},
                                               {"kind", to_string(definition.kind)}});
  }
  json::array out;
  for (auto& [id, entry] : by_id) out.push_back(std::move(entry));
  return out;
}

// The findings of `POST /api/v1/definitions/check`, each as the CLI prints it.
json::array findings_of(const json::value& answer, std::string_view file) {
  json::array shown;
  const auto* object = answer.if_object();
  if (!object) return shown;
  for (const auto* list : {"findings", "warnings"}) {
    const auto* findings = object->if_contains(list);
    if (!findings || !findings->is_array()) continue;
    for (const auto& finding : findings->get_array()) {
      const auto& entry = finding.as_object();
      std::string place(file);
      if (entry.contains("line"))
        place += ":" + std::to_string(entry.at("line").to_number<long long>()) + ":" +
                 std::to_string(entry.at("column").to_number<long long>());
      const std::string severity(entry.at("severity").as_string());
      shown.push_back(json::object{
          {"place", place},
          {"severity", severity},
          {"error", severity == "error"},
          {"message", entry.at("message")},
          {"pointer", entry.contains("pointer") ? entry.at("pointer") : json::value()}});
    }
  }
  return shown;
}

Response list(const Page& page) {
  return page.render("definitions", json::object{{"workflows", deployed(page)}});
}

Response show(const Page& page, json::object checked = {}, unsigned status = 200) {
  const auto& id = page.request().parameters.at("id");
  auto workflows = deployed(page, id);
  if (workflows.empty()) return page.error(404, page.text("error_no_workflow") + " '" + id + "'");
  json::object view{{"workflow", std::move(workflows.front())},
                    {"graph_src", "/api/v1/definitions/" + path_segment(id) +
                                      "/graph?format=svg&lang=" + page.language()}};
  if (!checked.empty()) view["checked"] = std::move(checked);
  return page.render("definition", std::move(view), status);
}

// A new version sent as a file (multipart/form-data), checked through the API, deployed nowhere.
Response check(const Page& page) {
  std::optional<FormPart> file;
  if (const auto parts = multipart_parts(page.request()))
    for (const auto& part : *parts)
      if (part.name == definition_field) file = part;
  if (!file || file->content.empty())
    return show(page, json::object{{"problem", page.text("definition_missing")}}, 400);
  const std::string name = file->filename.empty() ? "definition.json" : file->filename;
  auto answer = page.call_with_text("POST", "/api/v1/definitions/check?file=" + path_segment(name),
                                    std::move(file->content));
  json::object checked{{"file", name}, {"findings", findings_of(answer.body, name)}};
  if (answer.ok()) {
    checked["valid"] = true;
    const auto& body = answer.body.as_object();
    checked["version"] = body.at("version");
    checked["deployed"] = body.at("deployed");
  } else if (!answer.body.is_object() || !answer.body.as_object().contains("findings")) {
    checked["problem"] = answer.detail();
  }
  return show(page, std::move(checked), answer.ok() ? 200 : answer.status);
}

}  // namespace

void add_definition_pages(Router& router, const Api& api) {
  add_page(router, api, "GET", "/definitions", list);
  add_page(router, api, "GET", "/definitions/{id}", [](const Page& page) { return show(page); });
  add_page(router, api, "POST", "/definitions/{id}/check", check);
}

}  // namespace ablauf::http::detail::web
