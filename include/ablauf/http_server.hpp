/// @file
/// ablauf::http: the server a host runs beside its Engine (docs/http.md). It speaks HTTP/1.1
/// (Boost.Beast), answers in JSON, and reports every error as an RFC 9457 problem document
/// (`application/problem+json`). It brings its own routes (`/healthz`, the API under
/// `/api/v1`), and the host may add more.
///
/// Hostile clients are bounded by ServerOptions: a request must arrive whole within
/// request_timeout (a client that sends its headers a byte a minute is cut off), its headers and
/// body within their sizes (431 and 413), and at most max_connections are open at once (503 for
/// the next). stop() takes no new connections, lets the requests being handled finish, and
/// returns once the I/O threads have ended.
///
/// Thread-safety: route() before start(); start(), port() and stop() from one thread, never from
/// a handler (stop() waits for the I/O threads a handler runs on). Handlers
/// run on the server's I/O threads, several at once: they may call the Engine, which is
/// thread-safe.
#pragma once

#include <ablauf/engine.hpp>
#include <ablauf/error.hpp>
#include <ablauf/http_users.hpp>
#include <ablauf/http_webhooks.hpp>
#include <ablauf/record_source.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ablauf::http {

/// A request as a handler sees it: read whole, within the server's limits.
struct Request {
  std::string method;  ///< "GET", "POST", …
  std::string path;    ///< the target without its query, as sent ("/api/v1/instances/i-1")
  std::map<std::string, std::string, std::less<>> query;  ///< decoded, the last of a repeated name
  /// The `{name}` segments of the route's pattern, decoded ("id" → "i-1").
  std::map<std::string, std::string, std::less<>> parameters;
  /// The pattern of the route that answers it, as given to Server::route()
  /// ("/api/v1/instances/{id}"); empty when none does (404, 405).
  std::string route;
  std::vector<std::pair<std::string, std::string>> headers;  ///< in order, names as sent
  std::string body;  ///< as sent, within ServerOptions::max_body_bytes (max_upload_bytes)
  /// The client's `X-Request-Id` when it is 1 to 128 ASCII letters, digits, dots, underscores
  /// and hyphens, else one the server made; the answer carries it back, and the access log
  /// records it.
  std::string request_id;
  /// Who sent it: the user its session cookie or bearer token names. Without
  /// ServerOptions::authenticator, every request comes from `api`, with the roles `admin` and
  /// `integration`. None on an open route (Access::open) that was sent without credentials.
  std::optional<User> user;
  /// Whether `user` was named by a session cookie, whose changes must carry the session's CSRF
  /// token.
  bool by_session = false;
  /// The client's address: the peer's, or the one a trusted proxy names
  /// (ServerOptions::trusted_proxies). The access log records it.
  std::string remote;

  /// The first header of that name, any case; "" when there is none.
  std::string_view header(std::string_view name) const;
};

/// What a handler answers.
struct Response {
  unsigned status = 200;                          ///< the HTTP status code
  std::string content_type = "application/json";  ///< the Content-Type header; "": none (204)
  std::string body;                               ///< as it is sent
  std::vector<std::pair<std::string, std::string>> headers;  ///< besides Content-Type

  /// `value` as JSON with that status.
  static Response json(unsigned status, const boost::json::value& value);
  /// An RFC 9457 problem document: `title` a short summary that does not change from
  /// occurrence to occurrence, `detail` this occurrence's explanation. `extra` members (such
  /// as "errors") are added to it.
  static Response problem(unsigned status, std::string_view title, std::string_view detail,
                          boost::json::object extra = {});
  /// The problem document for an engine error, with the status its code stands for
  /// (not_found 404, a limit 413, a store failure 503, other runtime errors 409, the rest 422)
  /// and the code as "code".
  static Response problem(const Error& error);
};

/// Answers one request. A handler that throws answers 500, without the exception's text.
using Handler = std::function<Response(const Request&)>;

/// Who may reach a route when the server has an authenticator.
enum class Access {
  open,      ///< anyone; Request::user is filled if the request names a user anyway
  signed_in  ///< a signed-in user; 401 for anyone else
};

/// One answer the server wrote, for the access log (ServerOptions::access_log).
struct AccessRecord {
  Time time{};                           ///< when the request had arrived whole (system clock)
  std::string request_id;                ///< Request::request_id; made by the server if unread
  std::string remote;                    ///< the client's address
  std::string method;                    ///< "" for a request that could not be read
  std::string path;                      ///< without the query, which may hold personal data
  std::string route;                     ///< Request::route
  unsigned status = 0;                   ///< the answer's status code
  std::size_t bytes = 0;                 ///< the answer's body
  std::chrono::microseconds duration{};  ///< from the request read to the answer written
};

/// One line of JSON: `{"time", "request_id", "remote", "method", "path", "status", "bytes",
/// "ms"}`, without a newline.
std::string to_json_line(const AccessRecord& record);

/// The server's address and its limits against slow, large and many clients. check() refuses
/// values outside the ranges documented with each.
struct ServerOptions {
  std::string address = "127.0.0.1";     ///< where to listen; "0.0.0.0" or "::" for every address
  std::uint16_t port = 8080;             ///< 0: a free port the system picks (Server::port())
  std::size_t max_body_bytes = 1 << 20;  ///< 1 to 1 GiB; a larger body is refused with 413
  /// The largest body of a request that brings files, 1 KiB to 2 GiB, past it 413: a file
  /// uploaded for a file or photo item, and a page's form sent as multipart/form-data. At least
  /// EngineLimits::max_file_bytes, so that the largest file the engine keeps can arrive.
  std::size_t max_upload_bytes = 64 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;  ///< 1 KiB to 1 MiB; past it, 431
  /// To read one whole request, headers and body, from its first byte: 10 ms to 1 hour.
  std::chrono::milliseconds request_timeout{10'000};
  /// How long a kept-alive connection may wait for its next request: 10 ms to 1 hour.
  std::chrono::milliseconds idle_timeout{30'000};
  std::size_t max_connections = 256;  ///< open at once, 1 to 100,000; past it, 503 and closed
  std::size_t threads = 2;            ///< I/O threads that also run the handlers, 1 to 256
  /// Called once per answer written, on an I/O thread, several at once: the access log. Null:
  /// none. It must not throw.
  std::function<void(const AccessRecord&)> access_log;
  /// Most entries one page of a list holds (instances, tasks), 1 to 10,000; a client asks for
  /// fewer with `?limit=`, and a larger limit is refused with 400.
  std::size_t max_page_size = 500;
  /// How long a change's answer may wait for its instance to rest (wait for someone, or end)
  /// when another process's worker carries it on (a PostgreSQL store shared by several
  /// servers), 0 to 60 seconds; past it, the instance is shown running. On a store of one
  /// process the instance rests when the change returns, and nothing waits.
  std::chrono::milliseconds settle_timeout{2'000};
  /// How `POST /api/v1/definitions` loads a definition: the loader's limits and the host's step
  /// types (LoadOptions::step_types), as for the definitions the host loads itself.
  LoadOptions load_options;
  /// The engine's store, not owned: `POST /api/v1/definitions` keeps what it deploys in its
  /// definition_archive(), so that a restarted server deploys it again, and `GET /api/v1/kpi`
  /// reads the figures from it. Null, or a store that keeps no definitions: those routes
  /// answer 501 (a definition kept nowhere would leave its instances without one after a
  /// restart).
  Store* store = nullptr;
  /// Where `GET /api/v1/kpi` reads invoice records, not owned: the host's RecordStore where
  /// its EngineConfig::records names one. Null: the store, where the built-in steps write them.
  const RecordSource* records = nullptr;
  /// Who may use the server (http_users.hpp), not owned. Null: no one signs in, and every
  /// request acts as `api` with every role; fit for a server on loopback and for tests only.
  const Authenticator* authenticator = nullptr;
  /// Failed sign-ins (a wrong password or token) one client address may make within
  /// sign_in_window, 1 to 1,000; past them it is answered 429 until the window has passed.
  std::size_t max_failed_sign_ins = 10;
  std::chrono::seconds sign_in_window{15 * 60};  ///< 1 second to 1 day
  /// How long a browser session lasts without use, 1 minute to 30 days.
  std::chrono::seconds session_idle_timeout{8 * 60 * 60};
  /// Sessions open at once, 1 to 1,000,000; a new one past it ends the one used longest ago.
  std::size_t max_sessions = 10'000;
  /// Sends the session cookie with `Secure`: set it when clients reach the server over HTTPS
  /// (a reverse proxy that ends TLS), so that the browser never sends the cookie in clear.
  bool secure_cookies = false;
  /// The addresses of reverse proxies in front of the server ("127.0.0.1"). A request from one
  /// of them is taken to come from the last address its `X-Forwarded-For` names, which the
  /// proxy adds: the sign-in limit counts per client then, not per proxy, and the access log
  /// names the client. From any other address, `X-Forwarded-For` is ignored, so that a client
  /// cannot name itself another.
  std::vector<std::string> trusted_proxies;
  /// The systems that send signals as signed webhooks (http_webhooks.hpp); each secret at least
  /// 32 bytes. Empty: a signal needs a signed-in user with the role `integration`.
  std::vector<WebhookSource> webhook_sources;
  /// How far a webhook signature's time may lie from the server's clock, 1 second to 1 hour;
  /// further is 401, so that a captured request cannot be sent again later.
  std::chrono::seconds webhook_tolerance{5 * 60};

  /// Serves the pages people use in a browser (docs/web.md): sign-in, inbox, checklist forms,
  /// instances, start, key figures and definitions, beside the API. A host that brings its own
  /// pages turns them off.
  bool pages = true;
  /// The largest page the pages render, 64 KiB to 1 GiB; a larger one (a checklist of
  /// thousands of items, a timeline of years) is answered with an error page instead.
  std::size_t max_page_bytes = 16 * 1024 * 1024;

  /// Why these options cannot be used, naming the field; "" when every value lies in range.
  std::string check() const;
};

/// The HTTP server. Its own routes, described in docs/http.md and docs/openapi.json:
/// - `GET /healthz`: 200 while the process serves; `GET /readyz`: 200 once ready() was called
///   and while the store answers, else 503; `GET /metrics`: Prometheus figures; `GET
///   /api/v1/openapi.json`: the OpenAPI document.
/// - Sign-in: `POST /api/v1/session` (name and password; sets the session cookie), `GET` (who
///   calls), `DELETE` (sign out).
/// - Definitions: `GET /api/v1/definitions` (every deployed version), `POST` to it (deploys a
///   new version, kept in ServerOptions::store; the loader's findings as a 422), `GET
///   /api/v1/definitions/{id}` (the newest or `?version=`, as written), `GET
///   /api/v1/definitions/{id}/graph?format=dot|mermaid|svg`.
/// - Instances: `POST /api/v1/instances` (start; a business key an instance of the workflow
///   already has returns that one, 200 instead of 201), `GET /api/v1/instances` (filtered,
///   paged by cursor), `GET /api/v1/instances/{id}` (its state), `…/{id}/history`,
///   `…/{id}/timeline`, `…/{id}/graph`, `…/{id}/form` (filled in, as HTML, PDF or Markdown),
///   `POST …/{id}/cancel`.
/// - Work: `GET /api/v1/instances/{id}/steps/{step}/form` (a checklist step's form model), `POST`
///   to it (answers and sign-offs, recorded whole or refused whole), `GET /api/v1/tasks` (the
///   caller's open tasks, or an assignee's), `POST` and `DELETE …/tasks/{task}/claim`, `POST
///   …/tasks/{task}/complete`, `POST /api/v1/signals/{name}` (by a user, or as a signed webhook).
/// - `GET /api/v1/kpi`: the figures of `ablauf kpi` (compute_kpis()) from ServerOptions::store.
///
/// With ServerOptions::authenticator, every route but the health routes, the OpenAPI document,
/// sign-in and signed webhooks needs a signed-in user, and each call checks the roles it needs
/// (docs/http.md, "Who may do what").
class Server {
 public:
  /// The engine must outlive the server.
  explicit Server(Engine& engine, ServerOptions options = {});
  /// Stops it (stop()).
  ~Server();
  Server(const Server&) = delete;             ///< Not copyable.
  Server& operator=(const Server&) = delete;  ///< Not copyable.

  /// Adds a route before start(): `method` ("GET", …) and a pattern of segments, each literal
  /// or a `{name}` that takes one segment into Request::parameters. A later route for the same
  /// method and pattern replaces the earlier one, so a host may replace a built-in route. With
  /// an authenticator, a signed_in route answers only signed-in users, and a change by session
  /// cookie must carry the session's CSRF token.
  void route(std::string method, std::string pattern, Handler handler,
             Access access = Access::signed_in);

  /// Binds, listens and starts the I/O threads; returns once connections are accepted. An
  /// address that cannot be bound (in use, not this machine's) is an io_error; options that
  /// check() refuses are an invalid_value error.
  tl::expected<void, Error> start();
  /// Makes `/readyz` answer 200 (while the store answers): call it once the host has
  /// recovered what an earlier process left (Engine::resume()) and its workers run. Thread-safe.
  void ready() noexcept;
  /// The port it listens on (the system's pick for port 0); 0 before start().
  std::uint16_t port() const noexcept;
  /// Stops accepting, lets the requests being handled answer, closes every connection and ends
  /// the I/O threads. Does nothing when not started; may be called again. A stopped server
  /// does not start again.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ablauf::http
