// The server's own routes: health, and the API under /api/v1 (docs/http.md), in groups by what
// they act on (internal).
#pragma once

#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>

#include "http/authentication.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

#include <atomic>
#include <span>

namespace ablauf::http::detail {

// How many entries a page of a list holds when the client names no `?limit=` (at most
// ServerOptions::max_page_size).
inline constexpr std::size_t default_page_size = 50;

// What the routes need of the server that runs them.
struct Api {
  Engine& engine;
  const ServerOptions& options;
  const std::atomic<bool>& ready;  // Server::ready() was called
  const HttpMetrics& metrics;
  const std::atomic<std::size_t>& connections;  // open now
  Authentication& authentication;
  const Router& router;  // the server's, through which the pages call the API
};

// docs/openapi.json, the API's OpenAPI 3.1 document (openapi.cpp.in).
std::string_view openapi_document();

// Every route below.
void add_api_v1(Router& router, const Api& api);

// `/healthz`, `/readyz`, `/metrics`, `/api/v1/openapi.json`.
void add_health_routes(Router& router, const Api& api);
// `/api/v1/definitions…`: what is deployed.
void add_definition_routes(Router& router, const Api& api);
// `/api/v1/instances…`: start, list, read and cancel instances.
void add_instance_routes(Router& router, const Api& api);
// `GET …/steps/{step}/form`: a checklist step's form as a client renders it.
void add_form_model_route(Router& router, const Api& api);
// `GET /api/v1/kpi`: key figures for a workflow and a period.
void add_kpi_route(Router& router, const Api& api);
void add_schedules_route(Router& router, const Api& api);
// Forms, tasks and signals: what people and systems give instances waiting for them.
void add_work_routes(Router& router, const Api& api);
// Files for file and photo items: uploaded before they are answered with, read back by hash.
void add_file_routes(Router& router, const Api& api);

// The graph of `workflow` as `?format=dot|mermaid` asks (DOT when absent), in `?lang=`, with the
// path of `history` drawn over it when given; 400 for another format.
Response graph_response(const Request& request, const Workflow& workflow,
                        std::span<const Event> history);

// Every answer of `answers` that `step`, a checklist of `workflow`, refuses, each as
// {"pointer", "item", "detail"}: the engine refuses a form at its first problem, and a person
// wants to see them all at once. Signatures are not answers checked here. Labels and words are
// in `language` (`?lang=`; check_answer()), else the definition's.
boost::json::array refused_answers(const Workflow& workflow, const StepDefinition& step,
                                   const boost::json::object& answers, std::string_view language);

// `?lang=`: the language a call's texts and refusals are wanted in; empty when not asked.
std::string language_parameter(const Request& request);

// The step's "title" or "description" (`field`) as an instance shows it: a template rendered over
// the instance's `data` as the engine renders it, in `language` where the text has it, else in
// the definition's default language, its format tags in that language and the definition's time
// zone; as written when it cannot be rendered. Empty when the step has none.
std::string step_text(const StepDefinition& step, std::string_view field,
                      const boost::json::value& data, std::string_view language,
                      const WorkflowDefinition& definition);

// An instance as the API shows it: to_json(InstanceState) with its "id", without the engine's
// own counters.
boost::json::object instance_body(const InstanceState& state);
// The instance as it is now, as instance_body() shows it, with `status`.
Response instance_response(const Api& api, const std::string& id, unsigned status = 200);

}  // namespace ablauf::http::detail
