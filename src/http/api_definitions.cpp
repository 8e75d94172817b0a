// `/api/v1/definitions…`: the deployed workflows, their text and their graphs.
#include "http/api_v1.hpp"
#include "http/request_body.hpp"
#include "http/router.hpp"

#include <ablauf/graph_svg.hpp>
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

// The loader's findings, each located: what an editor or a form shows next to the text.
json::array findings_of(const Diagnostics& diagnostics) {
  json::array findings;
  for (const auto& finding : diagnostics) {
    json::object entry{{"severity", to_string(finding.severity)},
                       {"code", to_string(finding.code)},
                       {"message", finding.message},
                       {"pointer", finding.pointer}};
    if (finding.location.known()) {
      entry["line"] = finding.location.line;
      entry["column"] = finding.location.column;
    }
    findings.push_back(std::move(entry));
  }
  return findings;
}

Response refused_definition(const Diagnostics& diagnostics) {
  std::string detail = std::to_string(diagnostics.error_count()) +
                       " error(s) in the definition; nothing was deployed";
  if (diagnostics.omitted() > 0)
    detail +=
        " (" + std::to_string(diagnostics.omitted()) + " finding(s) past max_errors not listed)";
  return Response::problem(422, "The definition has errors", detail,
                           {{"findings", findings_of(diagnostics)}});
}

// The definition the body holds, loaded and compiled as the server's own are, named in its
// findings as `?file=` says; the findings as a 422 when it has errors.
tl::expected<Workflow, Response> compiled_body(const Api& api, const Request& request) {
  const auto file = request.query.find("file");
  const std::string name = file != request.query.end() ? file->second : "definition.json";
  const auto& load = api.options.load_options;
  auto loaded = load_definition(request.body, name, load);
  if (!loaded) return tl::make_unexpected(refused_definition(loaded.error()));
  auto compiled = Workflow::compile(std::move(*loaded), load.step_types, load.max_errors);
  if (!compiled) return tl::make_unexpected(refused_definition(compiled.error()));
  return std::move(*compiled);
}

// Checks the definition the body holds as deploying it would, deploying nothing: for an
// author, or a page, that wants the findings before an admin deploys it.
Response check_definition(const Api& api, const Request& request) {
  auto compiled = compiled_body(api, request);
  if (!compiled) return std::move(compiled.error());
  auto body = summary(*compiled);
  body["warnings"] = findings_of(compiled->warnings());
  const auto& definition = compiled->definition();
  // Whether this version is deployed already: a change must then be deployed as a new one.
  body["deployed"] = api.engine.workflow(definition.id, definition.version).has_value();
  return Response::json(200, body);
}

// Deploys the definition the body holds, and keeps its text so that a restarted server
// deploys it again. The same text again changes nothing (200); another text under a deployed
// version is 409.
Response deploy_definition(const Api& api, const Request& request) {
  if (auto refused = require_role(request, admin_role, "deploying a definition"))
    return std::move(*refused);
  DefinitionArchive* archive =
      api.options.store ? api.options.store->definition_archive() : nullptr;
  if (!archive)
    return Response::problem(501, "Not implemented",
                             "this server keeps no definitions, so it deploys none over the API");
  auto compiled = compiled_body(api, request);
  if (!compiled) return std::move(compiled.error());
  const auto& definition = compiled->definition();
  unsigned status = 201;
  if (auto deployed = api.engine.workflow(definition.id, definition.version); deployed) {
    const auto& source = deployed->definition().source;
    if (!source || source->text() != request.body)
      return Response::problem(409, "Version deployed",
                               "version " + std::to_string(definition.version) + " of '" +
                                   definition.id +
                                   "' is deployed with another text; deploy the change as a "
                                   "new version");
    status = 200;  // sent again: kept below if the first time could not keep it
  } else if (auto ok = api.engine.deploy(*compiled); !ok) {
    return Response::problem(ok.error());
  }
  if (auto kept = archive->keep_definition({definition.id, definition.version, request.body});
      !kept)
    return Response::problem(503, "Deployed, not kept",
                             "the definition is deployed, but the store could not keep it (" +
                                 kept.error().message +
                                 "); send it again before starting instances of it");
  auto body = summary(*compiled);
  body["warnings"] = findings_of(compiled->warnings());
  auto response = Response::json(status, body);
  response.headers.emplace_back("Location", "/api/v1/definitions/" + path_segment(definition.id) +
                                                "?version=" + std::to_string(definition.version));
  return response;
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
  if (name == "svg") {
    auto svg = render_svg(to_dot(workflow, options));
    if (!svg) return Response::problem(501, "Not implemented", svg.error().message);
    return {.status = 200, .content_type = "image/svg+xml", .body = std::move(*svg)};
  }
  return bad_parameter("'format' must be dot, mermaid or svg, not '" + std::string(name) + "'");
}

void add_definition_routes(Router& router, const Api& api) {
  Engine& engine = api.engine;
  router.add("GET", "/api/v1/definitions", [&engine](const Request&) {
    json::array definitions;
    for (const auto& workflow : engine.workflows()) definitions.push_back(summary(workflow));
    return Response::json(200, json::object{{"definitions", std::move(definitions)}});
  });
  router.add("POST", "/api/v1/definitions",
             [api](const Request& request) { return deploy_definition(api, request); });
  router.add("POST", "/api/v1/definitions/check",
             [api](const Request& request) { return check_definition(api, request); });
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
