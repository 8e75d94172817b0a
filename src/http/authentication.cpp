// The gate of every routed request, the sign-in routes and role checks (authentication.hpp).
#include "http/authentication.hpp"

#include "http/request_body.hpp"

#include <sodium.h>

namespace ablauf::http::detail {
namespace json = boost::json;
namespace {

// Who acts when the server has no authenticator.
const User& anonymous_api_user() {
  static const User user{"api", {}, {std::string(admin_role), std::string(integration_role)}, {}};
  return user;
}

std::optional<Response> too_many_failures(Authentication& authentication, const Request& request) {
  const auto wait = authentication.limiter.wait(request.remote, Clock::now());
  if (wait.count() == 0) return std::nullopt;
  auto response =
      Response::problem(429, "Too many failed sign-ins",
                        "this address gave a wrong password or token " +
                            std::to_string(authentication.options.max_failed_sign_ins) +
                            " times; try again in " + std::to_string(wait.count()) + " s");
  response.headers.emplace_back("Retry-After", std::to_string(wait.count()));
  return response;
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool changes_something(const Request& request) {
  return request.method != "GET" && request.method != "HEAD";
}

// The CSRF token a change carries: in its header (the API's clients), or as the field
// `csrf_token` of an HTML form, plain or multipart (the pages, which work without script).
std::string csrf_token_sent(const Request& request) {
  if (const auto header = request.header(csrf_header); !header.empty()) return std::string(header);
  if (has_multipart_body(request)) {  // a form that sends a file
    if (const auto parts = multipart_parts(request))
      for (const auto& part : *parts)
        if (part.name == csrf_field && part.filename.empty()) return part.content;
    return {};
  }
  if (!has_form_body(request)) return {};
  const auto fields = form_fields(request.body);
  if (!fields) return {};
  return std::string(form_field(*fields, csrf_field).value_or(""));
}

json::object user_body(const User& user) {
  json::array roles;
  for (const auto& role : user.roles) roles.emplace_back(role);
  json::object body{{"name", user.name}, {"roles", std::move(roles)}};
  if (!user.display_name.empty()) body["display_name"] = user.display_name;
  if (!user.language.empty()) body["language"] = user.language;
  return body;
}

std::string session_cookie_header(const ServerOptions& options, std::string_view value,
                                  bool expire) {
  std::string header = std::string(session_cookie) + "=" + std::string(value) +
                       "; Path=/; HttpOnly; SameSite=Strict";
  if (options.secure_cookies) header += "; Secure";
  if (expire) header += "; Max-Age=0";
  return header;
}

Response sign_in_route(Authentication& authentication, const Request& request) {
  auto body = object_body(request);
  if (!body) return std::move(body.error());
  auto name = string_member(*body, "name", true);
  if (!name) return std::move(name.error());
  auto password = string_member(*body, "password", true);
  if (!password) return std::move(password.error());
  auto signed_in = sign_in(authentication, request, **name, **password);
  if (!signed_in) return std::move(signed_in.error());
  auto response = Response::json(201, json::object{{"user", user_body(signed_in->session.user)},
                                                   {"csrf_token", signed_in->session.csrf_token}});
  response.headers.emplace_back("Set-Cookie", std::move(signed_in->set_cookie));
  return response;
}

}  // namespace

std::string_view cookie(const Request& request, std::string_view name) {
  std::string_view cookies = request.header("Cookie");
  while (!cookies.empty()) {
    const auto semicolon = cookies.find(';');
    std::string_view pair = cookies.substr(0, semicolon);
    cookies =
        semicolon == std::string_view::npos ? std::string_view() : cookies.substr(semicolon + 1);
    while (pair.starts_with(' ')) pair.remove_prefix(1);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
  }
  return {};
}

Authentication::Authentication(const ServerOptions& o)
    : options(o),
      sessions(o.max_sessions, o.session_idle_timeout),
      limiter(o.max_failed_sign_ins, o.sign_in_window),
      anonymous_csrf_token(random_token()) {}

std::optional<Response> authenticate(Authentication& authentication, Request& request,
                                     Access access) {
  const auto* authenticator = authentication.options.authenticator;
  if (!authenticator) {
    // No one signs in, but a page's form still proves it came from a page of this server:
    // another site's form could otherwise make changes through a browser on this machine.
    if (changes_something(request) && (has_form_body(request) || has_multipart_body(request)) &&
        !same_secret(csrf_token_sent(request), authentication.anonymous_csrf_token))
      return forbidden("a form sent to this server must carry the " + std::string(csrf_field) +
                       " of the page it came from");
    request.user = anonymous_api_user();
    return std::nullopt;
  }
  const std::string_view authorization = request.header("Authorization");
  const std::string_view session_id = cookie(request, session_cookie);
  if (!authorization.empty()) {
    constexpr std::string_view scheme = "Bearer ";
    if (!authorization.starts_with(scheme))
      return unauthorized("the Authorization header takes an API token: \"Bearer <token>\"",
                          "invalid_request");
    if (auto refused = too_many_failures(authentication, request)) return refused;
    request.user = authenticator->by_token(authorization.substr(scheme.size()));
    if (!request.user) {
      authentication.limiter.failed(request.remote, Clock::now());
      return unauthorized("the API token is not valid (mistyped, or removed from the users)",
                          "invalid_token");
    }
  } else if (!session_id.empty()) {
    auto session = authentication.sessions.use(session_id, Clock::now());
    if (!session) {
      if (access == Access::open) return std::nullopt;
      return unauthorized(
          "the session has ended (signed out, idle too long, or the server was "
          "restarted): sign in again");
    }
    if (changes_something(request) && !same_secret(csrf_token_sent(request), session->csrf_token))
      return forbidden("a change made by session must carry the session's CSRF token in the " +
                       std::string(csrf_header) + " header (or a form's field " +
                       std::string(csrf_field) + ")");
    request.user = std::move(session->user);
    request.by_session = true;
  }
  if (!request.user && access == Access::signed_in)
    return unauthorized(
        "sign in first: send an API token as \"Authorization: Bearer <token>\", or the session "
        "cookie POST /api/v1/session gives");
  return std::nullopt;
}

tl::expected<SignedIn, Response> sign_in(Authentication& authentication, const Request& request,
                                         std::string_view name, std::string_view password) {
  const auto* authenticator = authentication.options.authenticator;
  if (!authenticator)
    return tl::make_unexpected(Response::problem(
        501, "No users",
        "the server runs without users (ServerOptions::authenticator, `ablauf serve --users`): "
        "there is no one to sign in as"));
  if (auto refused = too_many_failures(authentication, request))
    return tl::make_unexpected(std::move(*refused));
  auto user = authenticator->by_password(name, password);
  if (!user) {
    authentication.limiter.failed(request.remote, Clock::now());
    return tl::make_unexpected(
        Response::problem(401, "Unauthorized", "the name or the password is wrong"));
  }
  authentication.limiter.succeeded(request.remote);
  auto [id, session] = authentication.sessions.open(std::move(*user), Clock::now());
  return SignedIn{session_cookie_header(authentication.options, id, false), std::move(session)};
}

std::string sign_out(Authentication& authentication, const Request& request) {
  if (request.by_session) authentication.sessions.close(cookie(request, session_cookie));
  return session_cookie_header(authentication.options, "", true);
}

std::string session_csrf_token(Authentication& authentication, const Request& request) {
  if (!authentication.options.authenticator) return authentication.anonymous_csrf_token;
  if (!request.by_session) return {};
  const auto session = authentication.sessions.use(cookie(request, session_cookie), Clock::now());
  return session ? session->csrf_token : std::string();
}

void add_session_routes(Router& router, Authentication& authentication) {
  router.add(
      "POST", "/api/v1/session",
      [&authentication](const Request& request) { return sign_in_route(authentication, request); },
      Access::open);
  router.add("GET", "/api/v1/session", [](const Request& request) {
    return Response::json(200, json::object{{"user", user_body(caller(request))}});
  });
  router.add("DELETE", "/api/v1/session", [&authentication](const Request& request) {
    Response response{.status = 204, .content_type = {}, .body = {}};
    response.headers.emplace_back("Set-Cookie", sign_out(authentication, request));
    return response;
  });
}

const User& caller(const Request& request) {
  static const User nobody;  // has no role and is no assignee's
  return request.user ? *request.user : nobody;
}

Response unauthorized(std::string detail, std::string_view error) {
  auto response = Response::problem(401, "Unauthorized", detail);
  std::string challenge = "Bearer realm=\"ablauf\"";
  if (!error.empty()) challenge += ", error=\"" + std::string(error) + "\"";
  response.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  return response;
}

Response forbidden(std::string detail) {
  return Response::problem(403, "Forbidden", detail);
}

std::optional<Response> require_role(const Request& request, std::string_view role,
                                     std::string_view what) {
  const User& user = caller(request);
  if (user.has_role(role) || user.has_role(admin_role)) return std::nullopt;
  return forbidden(std::string(what) + " needs the role '" + std::string(role) + "', which " +
                   user.name + " does not have");
}

}  // namespace ablauf::http::detail
