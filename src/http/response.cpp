// Responses and requests as handlers build and read them, and the limits of ServerOptions.
#include <ablauf/expression.hpp>
#include <ablauf/http_server.hpp>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>

namespace ablauf::http {
namespace json = boost::json;

std::string_view Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (std::equal(key.begin(), key.end(), name.begin(), name.end(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return value;
  return {};
}

Response Response::json(unsigned status, const json::value& value) {
  return {.status = status, .content_type = "application/json", .body = to_json_text(value)};
}

Response Response::problem(unsigned status, std::string_view title, std::string_view detail,
                           json::object extra) {
  // RFC 9457: "about:blank" as the type says the status code is all the type there is.
  extra["type"] = "about:blank";
  extra["title"] = title;
  extra["status"] = status;
  extra["detail"] = detail;
  return {
      .status = status, .content_type = "application/problem+json", .body = to_json_text(extra)};
}

Response Response::problem(const Error& error) {
  unsigned status = 422;
  std::string_view title = "Unprocessable content";
  if (error.code == ErrorCode::not_found) {
    status = 404;
    title = "Not found";
  } else if (kind_of(error.code) == ErrorKind::limit) {
    status = 413;
    title = "Too large";
  } else if (error.code == ErrorCode::store_error || kind_of(error.code) == ErrorKind::io) {
    status = 503;
    title = "Store unavailable";
  } else if (kind_of(error.code) == ErrorKind::runtime) {
    status = 409;
    title = "Conflict";
  }
  json::object extra{{"code", to_string(error.code)}};
  if (!error.pointer.empty()) extra["pointer"] = error.pointer;
  return problem(status, title, error.message, std::move(extra));
}

std::string ServerOptions::check() const {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  const auto within = [](auto value, auto low, auto high) { return value >= low && value <= high; };
  if (!within(max_body_bytes, std::size_t{1}, std::size_t{1} << 30))
    return "ServerOptions::max_body_bytes must be between 1 and 1 GiB, not " +
           std::to_string(max_body_bytes);
  if (!within(max_header_bytes, std::size_t{1024}, std::size_t{1} << 20))
    return "ServerOptions::max_header_bytes must be between 1 KiB and 1 MiB, not " +
           std::to_string(max_header_bytes);
  if (!within(request_timeout, milliseconds(10), milliseconds(hours(1))))
    return "ServerOptions::request_timeout must be between 10 ms and 1 hour, not " +
           std::to_string(request_timeout.count()) + " ms";
  if (!within(idle_timeout, milliseconds(10), milliseconds(hours(1))))
    return "ServerOptions::idle_timeout must be between 10 ms and 1 hour, not " +
           std::to_string(idle_timeout.count()) + " ms";
  if (!within(max_connections, std::size_t{1}, std::size_t{100'000}))
    return "ServerOptions::max_connections must be between 1 and 100,000, not " +
           std::to_string(max_connections);
  if (!within(threads, std::size_t{1}, std::size_t{256}))
    return "ServerOptions::threads must be between 1 and 256, not " + std::to_string(threads);
  if (!within(settle_timeout, milliseconds(0), milliseconds(60'000)))
    return "ServerOptions::settle_timeout must be between 0 and 60 seconds, not " +
           std::to_string(settle_timeout.count()) + " ms";
  if (!within(max_page_size, std::size_t{1}, std::size_t{10'000}))
    return "ServerOptions::max_page_size must be between 1 and 10,000, not " +
           std::to_string(max_page_size);
  if (!within(max_failed_sign_ins, std::size_t{1}, std::size_t{1000}))
    return "ServerOptions::max_failed_sign_ins must be between 1 and 1,000, not " +
           std::to_string(max_failed_sign_ins);
  using std::chrono::seconds;
  if (!within(sign_in_window, seconds(1), seconds(hours(24))))
    return "ServerOptions::sign_in_window must be between 1 second and 1 day, not " +
           std::to_string(sign_in_window.count()) + " s";
  if (!within(session_idle_timeout, seconds(60), seconds(hours(24 * 30))))
    return "ServerOptions::session_idle_timeout must be between 1 minute and 30 days, not " +
           std::to_string(session_idle_timeout.count()) + " s";
  if (!within(max_sessions, std::size_t{1}, std::size_t{1'000'000}))
    return "ServerOptions::max_sessions must be between 1 and 1,000,000, not " +
           std::to_string(max_sessions);
  if (!within(webhook_tolerance, seconds(1), seconds(hours(1))))
    return "ServerOptions::webhook_tolerance must be between 1 second and 1 hour, not " +
           std::to_string(webhook_tolerance.count()) + " s";
  if (!within(max_upload_bytes, std::size_t{1024}, std::size_t{2} << 30))
    return "ServerOptions::max_upload_bytes must be between 1 KiB and 2 GiB, not " +
           std::to_string(max_upload_bytes);
  if (!within(max_page_bytes, std::size_t{64} * 1024, std::size_t{1} << 30))
    return "ServerOptions::max_page_bytes must be between 64 KiB and 1 GiB, not " +
           std::to_string(max_page_bytes);
  for (const auto& proxy : trusted_proxies) {
    boost::system::error_code not_an_address;
    boost::asio::ip::make_address(proxy, not_an_address);
    if (not_an_address)
      return "ServerOptions::trusted_proxies: '" + proxy + "' is not an IP address";
  }
  for (const auto& source : webhook_sources)
    if (source.name.empty() || source.secret.size() < 32)
      return "ServerOptions::webhook_sources: source '" + source.name +
             "' needs a name and a secret of at least 32 bytes";
  if (auto problem = check_load_options(load_options); !problem.empty())
    return "ServerOptions::load_options: " + problem;
  return {};
}

}  // namespace ablauf::http
