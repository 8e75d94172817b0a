// The server's transport: connections accepted and read on Boost.Asio, requests parsed and
// answers written by Boost.Beast, within ServerOptions' limits; the router picks the handler.
#include <ablauf/http_server.hpp>

#include "http/access_log.hpp"
#include "http/api_v1.hpp"
#include "http/authentication.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

namespace ablauf::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace wire = beast::http;
using tcp = asio::ip::tcp;

namespace detail {

// What the connections share with the server that accepts them.
struct Shared {
  explicit Shared(ServerOptions o) : options(std::move(o)), authentication(options) {}

  ServerOptions options;
  Authentication authentication;
  Router router;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};  // requests read and not yet answered
  std::atomic<bool> stopping{false};
  RequestIds request_ids;
  HttpMetrics metrics;
};

}  // namespace detail

struct Server::Impl {
  Impl(Engine& e, ServerOptions o) : engine(e), shared(std::move(o)) {}

  void accept();

  Engine& engine;
  // Before io: the sessions its pending handlers hold count themselves off as it goes.
  detail::Shared shared;
  bool stopped = false;
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::atomic<bool> ready{false};
};

namespace {

// One connection: reads a request, answers it, and reads the next while the client keeps it
// alive. Each step holds the session (shared_from_this) until it completes.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, detail::Shared& server)
      : stream_(std::move(socket)), server_(server) {}
  ~Session() { --server_.connections; }

  void start(bool over_capacity) {
    beast::error_code failed;
    const auto remote = stream_.socket().remote_endpoint(failed);
    if (!failed) remote_ = remote.address().to_string();
    if (!over_capacity) return read(server_.options.request_timeout);
    answer(Response::problem(503, "Too many connections",
                             "the server has as many connections open as it takes; try again"),
           false, 11, unread());
  }

 private:
  void read(std::chrono::milliseconds timeout) {
    parser_.emplace();
    // Beast checks a Content-Length against the limit as the headers end: the larger limit
    // until they are read, the request's own once they are (on_header).
    body_limit_ = std::max(server_.options.max_body_bytes, server_.options.max_upload_bytes);
    parser_->body_limit(body_limit_);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    stream_.expires_after(timeout);
    wire::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  // The headers say which limit the body has: a request that brings files (an upload, a page's
  // multipart form) may be as large as max_upload_bytes, any other as max_body_bytes.
  void on_header(beast::error_code failed, std::size_t) {
    if (failed) return on_read(failed, 0);
    body_limit_ = brings_files(parser_->get()) ? server_.options.max_upload_bytes
                                               : server_.options.max_body_bytes;
    if (const auto length = parser_->content_length(); length && *length > body_limit_)
      return on_read(wire::error::body_limit, 0);
    parser_->body_limit(body_limit_);  // for a chunked body, counted as it arrives
    wire::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  template <class Message>
  static bool brings_files(const Message& message) {
    if (message.method() != wire::verb::post) return false;
    const auto target = message.target();
    const auto path = target.substr(0, target.find('?'));
    const auto type = message[wire::field::content_type];
    return (path.starts_with("/api/v1/instances/") && path.ends_with("/files")) ||
           beast::iequals(type.substr(0, type.find(';')), "multipart/form-data");
  }

  void on_read(beast::error_code failed, std::size_t) {
    if (failed == wire::error::end_of_stream || failed == beast::error::timeout ||
        failed == asio::error::operation_aborted || failed == asio::error::connection_reset)
      return close();
    if (failed == wire::error::body_limit)
      return refuse(
          413, "Body too large",
          "the body is larger than the server takes (" + std::to_string(body_limit_) + " bytes)");
    if (failed == wire::error::header_limit)
      return refuse(431, "Headers too large",
                    "the request's headers are larger than the server takes (" +
                        std::to_string(server_.options.max_header_bytes) + " bytes)");
    if (failed) return refuse(400, "Bad request", "not an HTTP/1.1 request: " + failed.message());
    auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    for (const auto& field : message)
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request.body = std::move(message.body());
    request.request_id = server_.request_ids.take(request.header("X-Request-Id"));
    request.remote = client_address(request);
    Arrival arrival = unread();
    arrival.record.request_id = request.request_id;
    arrival.record.remote = request.remote;
    arrival.record.method = request.method;
    ++server_.in_flight;
    Response response;
    try {
      response = server_.router.dispatch(request, message.target());
    } catch (...) {  // a handler's exception text is not for the client
      response = Response::problem(500, "Internal error", "the server failed to answer");
    }
    arrival.record.path = request.path;
    arrival.record.route = request.route;
    answer(std::move(response), message.keep_alive(), message.version(), std::move(arrival), true);
  }

  // The peer, or the client a trusted proxy names last in X-Forwarded-For (when it is an
  // address).
  std::string client_address(const Request& request) const {
    const auto& proxies = server_.options.trusted_proxies;
    if (std::find(proxies.begin(), proxies.end(), remote_) == proxies.end()) return remote_;
    std::string_view forwarded = request.header("X-Forwarded-For");
    if (const auto comma = forwarded.rfind(','); comma != std::string_view::npos)
      forwarded.remove_prefix(comma + 1);
    while (forwarded.starts_with(' ')) forwarded.remove_prefix(1);
    while (forwarded.ends_with(' ')) forwarded.remove_suffix(1);
    beast::error_code not_an_address;
    const auto client = asio::ip::make_address(forwarded, not_an_address);
    return not_an_address ? remote_ : client.to_string();
  }

  // A request as the access log will record it, from the moment it was read.
  struct Arrival {
    AccessRecord record;
    std::chrono::steady_clock::time_point read;
  };
  Arrival unread() {
    Arrival arrival{{}, std::chrono::steady_clock::now()};
    arrival.record.time =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    arrival.record.remote = remote_;
    arrival.record.request_id = server_.request_ids.take({});
    return arrival;
  }

  // Answers a request that could not be read whole, and closes the connection: what is left
  // of the request cannot be told from the next one.
  void refuse(unsigned status, std::string_view title, const std::string& detail) {
    answer(Response::problem(status, title, detail), false, 11, unread());
  }

  // Writes the answer, with its request id, and logs it; reads the next request if the
  // connection stays open.
  void answer(Response response, bool keep_alive, unsigned version, Arrival arrival,
              bool counted = false) {
    keep_alive = keep_alive && !server_.stopping;
    auto out = std::make_shared<wire::response<wire::string_body>>(
        static_cast<wire::status>(response.status), version);
    out->set(wire::field::server, "ablauf");
    if (!response.content_type.empty()) out->set(wire::field::content_type, response.content_type);
    out->set("X-Request-Id", arrival.record.request_id);
    for (const auto& [name, value] : response.headers) out->set(name, value);
    out->body() = std::move(response.body);
    out->keep_alive(keep_alive);
    out->prepare_payload();
    arrival.record.status = response.status;
    arrival.record.bytes = out->body().size();
    stream_.expires_after(server_.options.request_timeout);
    wire::async_write(
        stream_, *out,
        [self = shared_from_this(), out, keep_alive, counted, arrival = std::move(arrival)](
            beast::error_code failed, std::size_t) mutable {
          if (counted) --self->server_.in_flight;
          self->log(arrival);
          if (failed || !keep_alive) return self->close();
          self->read(self->server_.options.idle_timeout);
        });
  }

  void log(Arrival& arrival) const {
    auto& record = arrival.record;
    record.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - arrival.read);
    server_.metrics.record(record.method, record.route, record.status, record.duration);
    if (server_.options.access_log) server_.options.access_log(record);
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<wire::request_parser<wire::string_body>> parser_;
  std::size_t body_limit_ = 0;  // of the request being read, as its headers decided
  detail::Shared& server_;
  std::string remote_;  // the client's address, for the access log
};

}  // namespace

void Server::Impl::accept() {
  acceptor->async_accept(
      asio::make_strand(io), [this](beast::error_code failed, tcp::socket socket) {
        if (failed == asio::error::operation_aborted || !acceptor->is_open()) return;  // stopped
        if (!failed) {
          const bool over_capacity = ++shared.connections > shared.options.max_connections;
          std::make_shared<Session>(std::move(socket), shared)->start(over_capacity);
        }
        accept();
      });
}

Server::Server(Engine& engine, ServerOptions options)
    : impl_(std::make_unique<Impl>(engine, std::move(options))) {
  auto& shared = impl_->shared;
  shared.router.guard([&authentication = shared.authentication](Request& request, Access access) {
    return detail::authenticate(authentication, request, access);
  });
  detail::add_api_v1(shared.router, {engine, shared.options, impl_->ready, shared.metrics,
                                     shared.connections, shared.authentication, shared.router});
}

Server::~Server() {
  stop();
}

void Server::route(std::string method, std::string pattern, Handler handler, Access access) {
  impl_->shared.router.add(std::move(method), std::move(pattern), std::move(handler), access);
}

tl::expected<void, Error> Server::start() {
  auto& impl = *impl_;
  if (impl.acceptor) return {};
  if (impl.stopped)
    return tl::make_unexpected(
        Error{ErrorCode::invalid_value, "a stopped server does not start again; make another"});
  if (auto problem = impl.shared.options.check(); !problem.empty())
    return tl::make_unexpected(Error{ErrorCode::invalid_value, std::move(problem)});
  beast::error_code failed;
  const auto address = asio::ip::make_address(impl.shared.options.address, failed);
  if (failed)
    return tl::make_unexpected(Error{ErrorCode::invalid_value,
                                     "'" + impl.shared.options.address + "' is not an IP address"});
  const tcp::endpoint endpoint(address, impl.shared.options.port);
  const std::string where =
      impl.shared.options.address + ":" + std::to_string(impl.shared.options.port);
  tcp::acceptor acceptor(impl.io);
  if (acceptor.open(endpoint.protocol(), failed) ||
      acceptor.set_option(asio::socket_base::reuse_address(true), failed) ||
      acceptor.bind(endpoint, failed) ||
      acceptor.listen(asio::socket_base::max_listen_connections, failed))
    return tl::make_unexpected(
        Error{ErrorCode::io_error, "cannot listen on " + where + ": " + failed.message()});
  impl.port = acceptor.local_endpoint().port();
  impl.acceptor.emplace(std::move(acceptor));
  impl.accept();
  for (std::size_t i = 0; i < impl.shared.options.threads; ++i)
    impl.threads.emplace_back([&impl] { impl.io.run(); });
  return {};
}

void Server::ready() noexcept {
  impl_->ready = true;
}

std::uint16_t Server::port() const noexcept {
  return impl_->port;
}

void Server::stop() {
  auto& impl = *impl_;
  if (!impl.acceptor) return;
  impl.shared.stopping = true;
  asio::post(impl.io, [&impl] {
    beast::error_code ignored;
    impl.acceptor->close(ignored);
  });
  // The requests being handled answer (within the time a write may take); idle connections are
  // closed with the I/O threads.
  const auto deadline = std::chrono::steady_clock::now() + impl.shared.options.request_timeout;
  while (impl.shared.in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl.io.stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
  impl.acceptor.reset();
  impl.stopped = true;
  impl.port = 0;
}

}  // namespace ablauf::http
