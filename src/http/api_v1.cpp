// The server's own routes: health, readiness and the OpenAPI document here, the API's groups in
// their files (docs/http.md).
#include "http/api_v1.hpp"
#include "http/web/pages.hpp"

namespace ablauf::http::detail {
namespace json = boost::json;

void add_health_routes(Router& router, const Api& api) {
  router.add(
      "GET", "/healthz",
      [](const Request&) {
        return Response::json(200, json::object{{"status", "ok"}});
      },
      Access::open);
  router.add(
      "GET", "/readyz",
      [api](const Request&) {
        if (!api.ready)
          return Response::problem(503, "Not ready",
                                   "the server is starting: what an earlier process left is being "
                                   "recovered");
        // Reading an instance no one has answers not_found from a store that answers, and the
        // store's error from one that does not (the database away, the file unreadable).
        if (auto probe = api.engine.get("readyz-probe");
            !probe && probe.error().code != ErrorCode::not_found)
          return Response::problem(503, "Not ready",
                                   "the store does not answer: " + probe.error().message);
        return Response::json(200, json::object{{"status", "ready"}});
      },
      Access::open);
  router.add(
      "GET", "/metrics",
      [api](const Request&) {
        auto engine = engine_metrics(api.engine);
        if (!engine) return Response::problem(engine.error());
        std::string steps;
        if (api.options.store) {
          auto figures = step_metrics(api.engine, *api.options.store);
          if (!figures) return Response::problem(figures.error());
          steps = std::move(*figures);
        }
        const std::string connections =
            "# HELP ablauf_http_connections_open Connections open now.\n"
            "# TYPE ablauf_http_connections_open gauge\n"
            "ablauf_http_connections_open " +
            std::to_string(api.connections.load()) + "\n";
        return Response{.status = 200,
                        .content_type = "text/plain; version=0.0.4; charset=utf-8",
                        .body = api.metrics.text() + connections + *engine + steps};
      },
      Access::open);
  router.add(
      "GET", "/api/v1/openapi.json",
      [](const Request&) {
        return Response{.status = 200,
                        .content_type = "application/json",
                        .body = std::string(openapi_document())};
      },
      Access::open);
}

void add_api_v1(Router& router, const Api& api) {
  add_health_routes(router, api);
  add_session_routes(router, api.authentication);
  add_definition_routes(router, api);
  add_instance_routes(router, api);
  add_form_model_route(router, api);
  add_work_routes(router, api);
  add_file_routes(router, api);
  add_kpi_route(router, api);
  add_schedules_route(router, api);
  if (api.options.pages) add_pages(router, api);
}

}  // namespace ablauf::http::detail
