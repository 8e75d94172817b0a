// The server's own routes: /healthz and the API under /api/v1 (docs/http.md).
#include "http/api_v1.hpp"

#include <boost/json/parse.hpp>

namespace ablauf::http::detail {
namespace json = boost::json;
namespace {

// The request's body as a JSON object, or the problem that says why it is not one.
tl::expected<json::object, Response> object_body(const Request& request) {
  boost::system::error_code failed;
  auto body = json::parse(request.body, failed);
  if (failed)
    return tl::make_unexpected(
        Response::problem(400, "Bad JSON", "the body is not JSON: " + failed.message()));
  if (!body.is_object())
    return tl::make_unexpected(
        Response::problem(422, "Unprocessable content", "the body must be a JSON object"));
  return std::move(body.as_object());
}

// An instance as the API shows it: its state with its id, without the engine's counters.
json::object instance_body(const InstanceState& state) {
  auto body = to_json(state).as_object();
  body.erase("next_token");
  body.erase("activations");
  body["id"] = state.id;
  return body;
}

Response start_instance(Engine& engine, const Request& request) {
  auto body = object_body(request);
  if (!body) return std::move(body.error());
  const auto* workflow = body->if_contains("workflow");
  if (!workflow || !workflow->is_string() || workflow->get_string().empty())
    return Response::problem(422, "Unprocessable content",
                             "\"workflow\" must name the workflow to start, as a string");
  StartOptions options;
  if (const auto* key = body->if_contains("business_key")) {
    if (!key->is_string())
      return Response::problem(422, "Unprocessable content", "\"business_key\" must be a string");
    options.business_key = std::string(key->get_string());
  }
  if (const auto* version = body->if_contains("version")) {
    if (!version->is_int64() || version->get_int64() < 1 ||
        version->get_int64() > std::numeric_limits<std::uint32_t>::max())
      return Response::problem(422, "Unprocessable content",
                               "\"version\" must be a whole number from 1");
    options.version = static_cast<std::uint32_t>(version->get_int64());
  }
  const auto* input = body->if_contains("input");
  auto id =
      engine.start(workflow->get_string(), input ? *input : json::value(json::object()), options);
  if (!id) return Response::problem(id.error());
  auto state = engine.get(*id);
  if (!state) return Response::problem(state.error());
  auto response = Response::json(201, instance_body(*state));
  response.headers.emplace_back("Location", "/api/v1/instances/" + *id);
  return response;
}

}  // namespace

void add_api_v1(Server& server, Engine& engine) {
  server.route("GET", "/healthz", [](const Request&) {
    return Response::json(200, json::object{{"status", "ok"}});
  });
  server.route("POST", "/api/v1/instances",
               [&engine](const Request& request) { return start_instance(engine, request); });
  server.route("GET", "/api/v1/instances/{id}", [&engine](const Request& request) {
    auto state = engine.get(request.parameters.at("id"));
    if (!state) return Response::problem(state.error());
    return Response::json(200, instance_body(*state));
  });
}

}  // namespace ablauf::http::detail
