// `GET /api/v1/kpi`: the key figures of `ablauf kpi` (compute_kpis(), docs/kpi.md) for a
// workflow and a period, read from the engine's store.
#include "http/api_v1.hpp"
#include "http/request_body.hpp"

#include <ablauf/kpi.hpp>

namespace ablauf::http::detail {
namespace {

Response key_figures(const Api& api, const Request& request) {
  if (!api.options.store)
    return Response::problem(501, "Not implemented",
                             "this server was given no store to read key figures from");
  KpiOptions options;
  options.records = api.options.records;
  if (const auto workflow = request.query.find("workflow"); workflow != request.query.end()) {
    // An unknown workflow is named as such, rather than answered with the figures of nothing.
    if (auto deployed = api.engine.workflow(workflow->second); !deployed)
      return Response::problem(deployed.error());
    options.workflow = workflow->second;
  }
  auto since = time_parameter(request, "since");
  if (!since) return std::move(since.error());
  auto at = time_parameter(request, "at");
  if (!at) return std::move(at.error());
  options.since = *since;
  options.at = *at;
  if (const auto invoices = request.query.find("invoices"); invoices != request.query.end())
    options.invoices = invoices->second;
  auto figures = compute_kpis(*api.options.store, options);
  if (!figures) return Response::problem(figures.error());
  return Response::json(200, to_json(*figures));
}

}  // namespace

void add_kpi_route(Router& router, const Api& api) {
  router.add("GET", "/api/v1/kpi",
             [api](const Request& request) { return key_figures(api, request); });
}

}  // namespace ablauf::http::detail
