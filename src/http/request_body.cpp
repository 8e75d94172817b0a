// Reading a request's JSON body and query (request_body.hpp).
#include "http/request_body.hpp"

#include "http/api_v1.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <charconv>

namespace ablauf::http::detail {
namespace json = boost::json;

Response unprocessable(std::string detail) {
  return Response::problem(422, "Unprocessable content", detail);
}

Response bad_parameter(std::string detail) {
  return Response::problem(400, "Bad query parameter", detail);
}

tl::expected<json::object, Response> object_body(const Request& request, bool empty_is_object) {
  if (empty_is_object && request.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return json::object();
  boost::system::error_code failed;
  auto body = json::parse(request.body, failed);
  if (failed)
    return tl::make_unexpected(
        Response::problem(400, "Bad JSON", "the body is not JSON: " + failed.message()));
  if (!body.is_object())
    return tl::make_unexpected(unprocessable("the body must be a JSON object"));
  return std::move(body.as_object());
}

tl::expected<std::optional<std::string>, Response> string_member(const json::object& body,
                                                                 std::string_view name,
                                                                 bool required) {
  const auto* member = body.if_contains(name);
  const std::string quoted = "\"" + std::string(name) + "\"";
  if (!member) {
    if (required) return tl::make_unexpected(unprocessable(quoted + " is required, as a string"));
    return std::nullopt;
  }
  if (!member->is_string()) return tl::make_unexpected(unprocessable(quoted + " must be a string"));
  if (required && member->get_string().empty())
    return tl::make_unexpected(unprocessable(quoted + " must not be empty"));
  return std::string(member->get_string());
}

tl::expected<std::size_t, Response> count_parameter(const Request& request, std::string_view name,
                                                    std::size_t fallback, std::size_t low,
                                                    std::size_t high) {
  const auto given = request.query.find(name);
  if (given == request.query.end()) return fallback;
  const std::string& text = given->second;
  std::size_t value = 0;
  const auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || failed != std::errc() || end != text.data() + text.size() || value < low ||
      value > high)
    return tl::make_unexpected(bad_parameter(
        "'" + std::string(name) + "' must be a whole number from " + std::to_string(low) + " to " +
        std::to_string(high) + ", not '" + text + "'"));
  return value;
}

tl::expected<std::optional<Time>, Response> time_parameter(const Request& request,
                                                           std::string_view name) {
  const auto given = request.query.find(name);
  if (given == request.query.end()) return std::nullopt;
  auto time = parse_rfc3339(given->second);
  if (!time)
    return tl::make_unexpected(bad_parameter("'" + std::string(name) +
                                             "' must be an RFC 3339 time such as "
                                             "2026-12-01T00:00:00Z: " +
                                             time.error()));
  return *time;
}

tl::expected<std::size_t, Response> page_limit(const Request& request, std::size_t max_page_size) {
  return count_parameter(request, "limit", std::min(default_page_size, max_page_size), 1,
                         max_page_size);
}

}  // namespace ablauf::http::detail
