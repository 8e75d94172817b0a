// Who a request comes from: the gate every routed request passes, the sign-in routes, and the
// checks of roles handlers make (internal; docs/http.md#users-and-roles).
#pragma once

#include <ablauf/http_server.hpp>

#include "http/router.hpp"
#include "http/sessions.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ablauf::http::detail {

// The cookie that carries a browser's session id.
inline constexpr std::string_view session_cookie = "ablauf_session";
// The header in which a page sends its session's CSRF token with a change.
inline constexpr std::string_view csrf_header = "X-CSRF-Token";

// What the server keeps to know who is signed in.
struct Authentication {
  explicit Authentication(const ServerOptions& options);

  const ServerOptions& options;
  Sessions sessions;
  SignInLimiter limiter;
};

// The gate (Router::guard): fills Request::user from a bearer token or a session cookie; 401
// for a wrong token, an ended session, or none on a signed_in route; 403 for a change by
// session without its CSRF token; 429 for an address past its failed sign-ins.
std::optional<Response> authenticate(Authentication& authentication, Request& request,
                                     Access access);

// `POST /api/v1/session` (sign in with name and password), `GET` (who am I), `DELETE` (sign out).
void add_session_routes(Router& router, Authentication& authentication);

// The user a handler acts for. REQUIRES: the route is signed_in, or the handler checked
// Request::user.
const User& caller(const Request& request);

// A 401 problem with the challenge that names the scheme; `error` as RFC 6750 names it
// ("invalid_token"), or none.
Response unauthorized(std::string detail, std::string_view error = {});

// A 403 problem: the caller is known and may not do this.
Response forbidden(std::string detail);

// 403 unless the caller has `role` or is an admin; `what` names the call ("deploying a
// definition").
std::optional<Response> require_role(const Request& request, std::string_view role,
                                     std::string_view what);

}  // namespace ablauf::http::detail
