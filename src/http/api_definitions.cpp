// `/api/v1/definitions…`: the deployed workflows, their text and their graphs.
#include "http/api_v1.hpp"
#include "http/request_body.hpp"

#include <ablauf/workflow.hpp>

namespace ablauf::http::detail {
namespace json = boost::json;
namespace {

json::object summary(const Workflow& workflow) {
  const auto& definition = workflow.definition();
  json::object out{{"id", definition.id},
                   {"version", definition.version},
                   {"kind", to_string(definition.kind)},
                   {"title", definition.title.get(definition.default_language)},
                   {"steps", workflow.step_count()}};
  if (!definition.default_language.empty()) out["language"] = definition.default_language;
  return out;
}

// `?version=N`: 0 (the newest) when absent.
tl::expected<std::uint32_t, Response> version_parameter(const Request& request) {
  auto version = count_parameter(request, "version", 0, 1, UINT32_MAX);
  if (!version) return tl::make_unexpected(std::move(version.error()));
  return static_cast<std::uint32_t>(*version);
}

tl::expected<Workflow, Response> requested_workflow(Engine& engine, const Request& request) {
  auto version = version_parameter(request);
  if (!version) return tl::make_unexpected(std::move(version.error()));
  auto workflow = engine.workflow(request.parameters.at("id"), *version);
  if (!workflow) return tl::make_unexpected(Response::problem(workflow.error()));
  return std::move(*workflow);
}

}  // namespace

// `?format=dot|mermaid` (dot when absent): the graph as Graphviz DOT or a Mermaid flowchart,
// with the path of `history` drawn over it when given. Shared with the instances' graph.
Response graph_response(const Request& request, const Workflow& workflow,
                        std::span<const Event> history) {
  // Not `found ? "dot" : found->second`: that makes a std::string the view would outlive.
  std::string_view name = "dot";
  if (const auto format = request.query.find("format"); format != request.query.end())
    name = format->second;
  ExportOptions options;
  options.history = history;
  if (const auto language = request.query.find("lang"); language != request.query.end())
    options.language = language->second;
  if (name == "dot")
    return {.status = 200,
            .content_type = "text/vnd.graphviz; charset=utf-8",
            .body = to_dot(workflow, options)};
  if (name == "mermaid")
    return {.status = 200,
            .content_type = "text/plain; charset=utf-8",
            .body = to_mermaid(workflow, options)};
  return bad_parameter("'format' must be dot or mermaid, not '" + std::string(name) + "'");
}

void add_definition_routes(Router& router, const Api& api) {
  Engine& engine = api.engine;
  router.add("GET", "/api/v1/definitions", [&engine](const Request&) {
    json::array definitions;
    for (const auto& workflow : engine.workflows()) definitions.push_back(summary(workflow));
    return Response::json(200, json::object{{"definitions", std::move(definitions)}});
  });
  router.add("GET", "/api/v1/definitions/{id}", [&engine](const Request& request) {
    auto workflow = requested_workflow(engine, request);
    if (!workflow) return std::move(workflow.error());
    const auto& definition = workflow->definition();
    if (!definition.source)
      return Response::problem(404, "Not found",
                               "workflow '" + definition.id + "' version " +
                                   std::to_string(definition.version) +
                                   " was built in code by the host: there is no text to show");
    Response response{.status = 200,
                      .content_type = "application/json",
                      .body = std::string(definition.source->text())};
    return response;
  });
  router.add("GET", "/api/v1/definitions/{id}/graph", [&engine](const Request& request) {
    auto workflow = requested_workflow(engine, request);
    if (!workflow) return std::move(workflow.error());
    return graph_response(request, *workflow, {});
  });
}

}  // namespace ablauf::http::detail
