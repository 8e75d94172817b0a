// Who a request comes from: the gate every routed request passes, the sign-in routes, and the
// checks of roles handlers make (internal; docs/http.md#users-and-roles).
#pragma once

#include <ablauf/http_server.hpp>

#include "http/router.hpp"
#include "http/sessions.hpp"

#include <tl/expected.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ablauf::http::detail {

// The cookie that carries a browser's session id.
inline constexpr std::string_view session_cookie = "ablauf_session";
// The header in which a page sends its session's CSRF token with a change.
inline constexpr std::string_view csrf_header = "X-CSRF-Token";
// The field in which a page's HTML form sends it, having no headers of its own.
inline constexpr std::string_view csrf_field = "csrf_token";

// What the server keeps to know who is signed in.
struct Authentication {
  explicit Authentication(const ServerOptions& options);

  const ServerOptions& options;
  Sessions sessions;
  SignInLimiter limiter;
  // Without users, the token every page's form carries instead of a session's.
  const std::string anonymous_csrf_token;
};

// The value of cookie `name` in the request's Cookie header; empty when it has none.
std::string_view cookie(const Request& request, std::string_view name);

// The gate (Router::guard): fills Request::user from a bearer token or a session cookie; 401
// for a wrong token, an ended session, or none on a signed_in route; 403 for a change by
// session without its CSRF token; 429 for an address past its failed sign-ins.
std::optional<Response> authenticate(Authentication& authentication, Request& request,
                                     Access access);

// A new session: its cookie, as a Set-Cookie header's value, and the session.
struct SignedIn {
  std::string set_cookie;
  Sessions::Session session;
};

// Signs `name` in with `password` (the session route and the sign-in page): 401 for a wrong
// name or password, counted against the client's address; 429 past its failed sign-ins; 501
// for a server without users.
tl::expected<SignedIn, Response> sign_in(Authentication& authentication, const Request& request,
                                         std::string_view name, std::string_view password);

// Ends the request's session, if it came by one: the Set-Cookie header's value that clears the
// cookie.
std::string sign_out(Authentication& authentication, const Request& request);

// The CSRF token of the session the request came by (without users, the server's); empty when
// it came by none.
std::string session_csrf_token(Authentication& authentication, const Request& request);

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
