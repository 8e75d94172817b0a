// `/api/v1/instances…`: start instances, list them by filters a page at a time, read one's
// state, history, timeline, graph and filled forms, cancel one.
#include "http/api_v1.hpp"
#include "http/idempotency.hpp"
#include "http/request_body.hpp"

#include <ablauf/printable.hpp>
#include <ablauf/timeline.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

namespace ablauf::http::detail {
namespace json = boost::json;
namespace {

Response start_instance(const Api& api, const Request& request) {
  Engine& engine = api.engine;
  auto body = object_body(request);
  if (!body) return std::move(body.error());
  auto workflow = string_member(*body, "workflow", true);
  if (!workflow) return std::move(workflow.error());
  auto key = string_member(*body, "business_key");
  if (!key) return std::move(key.error());
  auto request_key = idempotency_key(request);
  if (!request_key) return std::move(request_key.error());
  StartOptions options{
      .business_key = key->value_or(""), .actor = caller(request).name, .request = *request_key};
  if (const auto* version = body->if_contains("version")) {
    if (!version->is_int64() || version->get_int64() < 1 ||
        version->get_int64() > std::numeric_limits<std::uint32_t>::max())
      return unprocessable("\"version\" must be a whole number from 1");
    options.version = static_cast<std::uint32_t>(version->get_int64());
  }
  // Starting again with a business key is answered with the instance it started: 200, not 201,
  // so that a client retrying after a timeout can tell.
  unsigned status = 201;
  if (!options.business_key.empty()) {
    auto existing = engine.find(**workflow, options.business_key);
    if (!existing) return Response::problem(existing.error());
    if (*existing) status = 200;
  }
  const auto answer = [&](const std::string& id) {
    auto response = instance_response(api, id, status);
    if (response.status < 300) response.headers.emplace_back("Location", "/api/v1/instances/" + id);
    return response;
  };
  const auto* input = body->if_contains("input");
  auto id = engine.start(**workflow, input ? *input : json::value(json::object()), options);
  if (!id) return refused_or_replayed(engine, id.error(), options.request, answer);
  return answer(*id);
}

tl::expected<InstanceFilter, Response> instance_filter(const Request& request) {
  InstanceFilter filter;
  const auto text = [&](std::string_view name) {
    const auto given = request.query.find(name);
    return given == request.query.end() ? std::string() : given->second;
  };
  filter.workflow = text("workflow");
  filter.business_key = text("business_key");
  filter.waiting_for = text("assignee");
  if (const auto status = text("status"); !status.empty()) {
    for (auto candidate :
         {InstanceStatus::running, InstanceStatus::waiting, InstanceStatus::completed,
          InstanceStatus::failed, InstanceStatus::cancelled})
      if (to_string(candidate) == status) filter.status = candidate;
    if (!filter.status)
      return tl::make_unexpected(
          bad_parameter("'status' must be running, waiting, completed, failed or cancelled, not '" +
                        status + "'"));
  }
  for (auto [name, bound] : {std::pair{"started_from", &filter.started_from},
                             std::pair{"started_until", &filter.started_until},
                             std::pair{"updated_from", &filter.updated_from},
                             std::pair{"updated_until", &filter.updated_until}}) {
    auto time = time_parameter(request, name);
    if (!time) return tl::make_unexpected(std::move(time.error()));
    *bound = *time;
  }
  return filter;
}

// What a list shows of an instance: enough to pick one, not its data.
json::object instance_summary(const InstanceState& state) {
  json::object out{{"id", state.id},
                   {"workflow", state.workflow_id},
                   {"version", state.version},
                   {"status", to_string(state.status)},
                   {"started_at", to_rfc3339(state.started_at)},
                   {"updated_at", to_rfc3339(state.updated_at)}};
  if (!state.business_key.empty()) out["business_key"] = state.business_key;
  if (!state.parent.empty()) out["parent"] = state.parent;
  json::array waiting;
  for (const auto& token : state.tokens)
    if (token.state == Token::State::waiting) {
      json::object at{{"step", token.step}, {"for", to_string(token.waiting_for)}};
      if (!token.waiting_on.empty()) at["on"] = token.waiting_on;
      waiting.push_back(std::move(at));
    }
  if (!waiting.empty()) out["waiting"] = std::move(waiting);
  return out;
}

// One page of the instances that match, in the order they were started, after the instance
// `?cursor=` names (the "next_cursor" of the page before). A cursor naming an instance that no
// longer matches still marks its place.
Response list_instances(const Api& api, const Request& request) {
  auto filter = instance_filter(request);
  if (!filter) return std::move(filter.error());
  auto limit = page_limit(request, api.options.max_page_size);
  if (!limit) return std::move(limit.error());
  auto ids = api.engine.instance_ids();
  if (!ids) return Response::problem(ids.error());
  std::size_t first = 0;  // the position in `ids` the page starts after
  if (const auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
    const auto at = std::find(ids->begin(), ids->end(), cursor->second);
    if (at == ids->end())
      return bad_parameter("'cursor' names no instance: pass the \"next_cursor\" of a page");
    first = static_cast<std::size_t>(at - ids->begin()) + 1;
  }
  auto matching = api.engine.list(*filter);
  if (!matching) return Response::problem(matching.error());
  // list() returns them in the order of instance_ids(); skip those at or before the cursor.
  std::map<std::string_view, std::size_t> position;
  for (std::size_t i = 0; i < ids->size(); ++i) position.emplace((*ids)[i], i);
  json::array page;
  std::string next;
  for (const auto& state : *matching) {
    const auto at = position.find(state.id);
    if (at == position.end() || at->second < first) continue;
    if (page.size() == *limit) {
      next = std::string(page.back().as_object().at("id").as_string());
      break;
    }
    page.push_back(instance_summary(state));
  }
  json::object body{{"instances", std::move(page)}};
  if (!next.empty()) body["next_cursor"] = next;
  return Response::json(200, body);
}

// The instance, the workflow version it runs and its history; a problem response if one of
// them cannot be had.
struct Read {
  InstanceState state;
  Workflow workflow;
  std::vector<Event> history;
};
tl::expected<Read, Response> read_instance(Engine& engine, const std::string& id) {
  auto state = engine.get(id);
  if (!state) return tl::make_unexpected(Response::problem(state.error()));
  auto workflow = engine.workflow(state->workflow_id, state->version);
  if (!workflow) return tl::make_unexpected(Response::problem(workflow.error()));
  auto history = engine.history(id);
  if (!history) return tl::make_unexpected(Response::problem(history.error()));
  return Read{std::move(*state), std::move(*workflow), std::move(*history)};
}

Response timeline(Engine& engine, const Request& request) {
  auto read = read_instance(engine, request.parameters.at("id"));
  if (!read) return std::move(read.error());
  TimelineOptions options;
  if (const auto language = request.query.find("lang"); language != request.query.end())
    options.language = language->second;
  json::array entries;
  for (const auto& entry : read_timeline(read->workflow.definition(), read->history, options))
    entries.push_back(to_json(entry));
  return Response::json(200, json::object{{"id", read->state.id}, {"entries", std::move(entries)}});
}

// Its checklists as filled in: every answer with who gave it and when, every signature with the
// hash it signs, as `ablauf export --instance` prints them; `?format=html` (default), `pdf` or
// `markdown`, `?lang=`.
Response filled_form(Engine& engine, const Request& request) {
  auto read = read_instance(engine, request.parameters.at("id"));
  if (!read) return std::move(read.error());
  FormOptions options{.language = {}, .instance = read->state.id, .history = read->history};
  if (const auto language = request.query.find("lang"); language != request.query.end())
    options.language = language->second;
  const auto given = request.query.find("format");
  const std::string format = given != request.query.end() ? given->second : "html";
  const auto& definition = read->workflow.definition();
  if (format == "html")
    return Response{.status = 200,
                    .content_type = "text/html; charset=utf-8",
                    .body = to_html_form(definition, options)};
  if (format == "markdown")
    return Response{.status = 200,
                    .content_type = "text/markdown; charset=utf-8",
                    .body = to_markdown_form(definition, options)};
  if (format == "pdf") {
    auto pdf = to_pdf_form(definition, PdfOptions{.form = options});
    if (!pdf) return Response::problem(500, "The PDF cannot be made", pdf.error().message);
    return Response{.status = 200, .content_type = "application/pdf", .body = std::move(*pdf)};
  }
  return bad_parameter("'format' is html, pdf or markdown, not '" + format + "'");
}

Response cancel(const Api& api, const Request& request) {
  Engine& engine = api.engine;
  if (auto refused = require_role(request, admin_role, "cancelling an instance"))
    return std::move(*refused);
  auto body = object_body(request, true);
  if (!body) return std::move(body.error());
  auto reason = string_member(*body, "reason");
  if (!reason) return std::move(reason.error());
  auto key = idempotency_key(request);
  if (!key) return std::move(key.error());
  const auto& id = request.parameters.at("id");
  const auto answer = [&](const std::string& changed) { return instance_response(api, changed); };
  if (auto cancelled = engine.cancel(id, caller(request).name, reason->value_or(""), *key);
      !cancelled)
    return refused_or_replayed(engine, cancelled.error(), *key, answer);
  return answer(id);
}

}  // namespace

Response instance_response(const Api& api, const std::string& id, unsigned status) {
  // Where processes share the store, another one's worker may carry the instance on after the
  // change was committed here: the answer waits until it rests (waits or has ended), within
  // settle_timeout, so that a client may act on the step it waits at next.
  const auto deadline = std::chrono::steady_clock::now() + api.options.settle_timeout;
  for (auto pause = std::chrono::milliseconds(2);;
       pause = std::min(2 * pause, std::chrono::milliseconds(50))) {
    auto state = api.engine.get(id);
    if (!state) return Response::problem(state.error());
    if (state->status != InstanceStatus::running ||
        std::chrono::steady_clock::now() + pause > deadline)
      return Response::json(status, instance_body(*state));
    std::this_thread::sleep_for(pause);
  }
}

json::object instance_body(const InstanceState& state) {
  auto body = to_json(state).as_object();
  body.erase("next_token");
  body.erase("activations");
  body["id"] = state.id;
  return body;
}

void add_instance_routes(Router& router, const Api& api) {
  Engine& engine = api.engine;
  router.add("POST", "/api/v1/instances",
             [api](const Request& request) { return start_instance(api, request); });
  router.add("GET", "/api/v1/instances",
             [api](const Request& request) { return list_instances(api, request); });
  router.add("GET", "/api/v1/instances/{id}", [&engine](const Request& request) {
    auto state = engine.get(request.parameters.at("id"));
    if (!state) return Response::problem(state.error());
    return Response::json(200, instance_body(*state));
  });
  router.add("GET", "/api/v1/instances/{id}/history", [&engine](const Request& request) {
    auto history = engine.history(request.parameters.at("id"));
    if (!history) return Response::problem(history.error());
    json::array events;
    for (const auto& event : *history) events.push_back(to_json(event));
    return Response::json(200, json::object{{"events", std::move(events)}});
  });
  router.add("GET", "/api/v1/instances/{id}/timeline",
             [&engine](const Request& request) { return timeline(engine, request); });
  router.add("GET", "/api/v1/instances/{id}/graph", [&engine](const Request& request) {
    auto read = read_instance(engine, request.parameters.at("id"));
    if (!read) return std::move(read.error());
    return graph_response(request, read->workflow, read->history);
  });
  router.add("GET", "/api/v1/instances/{id}/form",
             [&engine](const Request& request) { return filled_form(engine, request); });
  router.add("POST", "/api/v1/instances/{id}/cancel",
             [api](const Request& request) { return cancel(api, request); });
}

}  // namespace ablauf::http::detail
