// A client for tests of ablauf::http: one loopback connection for requests in turn, raw bytes
// for hostile ones, and the checks every problem document must pass.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ablauf::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace wire = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

// One connection to the server, for requests in turn.
class Client {
 public:
  explicit Client(std::uint16_t port) : stream_(io_) {
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  wire::response<wire::string_body> request(
      wire::verb verb, std::string target, std::string body = {},
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    wire::request<wire::string_body> out(verb, target, 11);
    out.set(wire::field::host, "localhost");
    for (const auto& [name, value] : headers) out.set(name, value);
    if (!body.empty() && out.find(wire::field::content_type) == out.end())
      out.set(wire::field::content_type, "application/json");
    out.body() = std::move(body);
    out.prepare_payload();
    wire::write(stream_, out);
    return read();
  }
  wire::response<wire::string_body> read() {
    wire::response<wire::string_body> in;
    wire::read(stream_, buffer_, in);
    return in;
  }
  // Sends raw bytes, as a hostile client would.
  void send(std::string_view bytes) { asio::write(stream_, asio::buffer(bytes)); }
  // Whether the server closed the connection (a read finds its end).
  bool closed() {
    beast::error_code failed;
    char byte = 0;
    stream_.socket().read_some(asio::buffer(&byte, 1), failed);
    return failed == asio::error::eof || failed == asio::error::connection_reset;
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

inline json::object problem_of(const wire::response<wire::string_body>& response) {
  CHECK(response[wire::field::content_type] == "application/problem+json");
  auto body = json::parse(response.body());
  REQUIRE(body.is_object());
  CHECK(body.as_object().at("status").to_number<unsigned>() == response.result_int());
  return body.as_object();
}

// The body of a JSON response that has that status.
inline json::object json_of(const wire::response<wire::string_body>& response, unsigned status) {
  INFO(response.body());
  CHECK(response.result_int() == status);
  CHECK(response[wire::field::content_type] == "application/json");
  auto body = json::parse(response.body());
  REQUIRE(body.is_object());
  return body.as_object();
}

}  // namespace ablauf::test
