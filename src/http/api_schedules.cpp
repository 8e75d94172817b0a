// `GET /api/v1/schedules`: the schedules of the deployed workflows and their next occurrences,
// as `ablauf schedules --json` lists them (Engine::schedules()).
#include "http/api_v1.hpp"

#include <charconv>

namespace ablauf::http::detail {
namespace {

Response schedules(const Api& api, const Request& request) {
  std::size_t count = 3;
  if (const auto asked = request.query.find("next"); asked != request.query.end()) {
    const auto& text = asked->second;
    const auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (failed != std::errc() || end != text.data() + text.size() || count < 1 || count > 100)
      return Response::problem(
          400, "Bad request",
          "'next' is how many occurrences to list, 1 to 100, not '" + text + "'");
  }
  auto listed = api.engine.schedules(count);
  if (!listed) return Response::problem(listed.error());
  boost::json::array out;
  for (const auto& status : *listed) out.emplace_back(to_json(status));
  return Response::json(200, out);
}

}  // namespace

void add_schedules_route(Router& router, const Api& api) {
  router.add("GET", "/api/v1/schedules",
             [api](const Request& request) { return schedules(api, request); });
}

}  // namespace ablauf::http::detail
