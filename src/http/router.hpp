// Which handler answers a request: routes by method and path pattern (internal).
#pragma once

#include <ablauf/http_server.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::http::detail {

// Percent-decodes a path segment or a query part ("%C3%A4" → "ä"; in a query, "+" → " ").
// Returns false for a broken escape ("%G1", "%4") or a decoded NUL byte.
bool percent_decode(std::string_view text, bool query, std::string& decoded);

// `text` as one path segment: every byte but letters, digits and "-._~" percent-encoded, so
// that a slash in an id stays inside its segment.
std::string path_segment(std::string_view text);

// Lets a request through to its route's handler, having filled Request::user; or answers it
// (401, 403, 429).
using Gate = std::function<std::optional<Response>(Request& request, Access access)>;

// How a route answers what its gate refused: the pages show a page, not a problem document.
using Refusal = std::function<Response(const Request& request, Response refused)>;

class Router {
 public:
  // A later route for the same method and pattern replaces the earlier one.
  void add(std::string method, std::string pattern, Handler handler,
           Access access = Access::signed_in, Refusal refusal = {});
  // Passes every request that matches a route through `gate` first.
  void guard(Gate gate) { gate_ = std::move(gate); }
  // Fills the request's parameters, query and route and calls the handler of the route that
  // matches; 404 for a path no route has, 405 (with Allow) for a method its routes do not take,
  // 400 for a path or query whose escapes are broken.
  Response dispatch(Request& request, std::string_view target) const;
  // As dispatch(), without the gate: for the pages, which call the API in-process as the user
  // their own request was let through as (Request::user already filled).
  Response call(Request& request, std::string_view target) const;

 private:
  Response route(Request& request, std::string_view target, bool gated) const;

  struct Route {
    std::string method;
    std::string pattern;                // as given, for Request::route
    std::vector<std::string> segments;  // "{name}" for a parameter
    Handler handler;
    Access access;
    Refusal refusal;  // none: the gate's answer as it is
  };
  std::vector<Route> routes_;
  Gate gate_;
};

}  // namespace ablauf::http::detail
