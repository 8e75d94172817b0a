// ablauf::http on a loopback port: routes, problem documents, and the limits against large,
// slow and many clients, each at its edge.
#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>
#include <ablauf/workflow.hpp>

#include "http_client.hpp"
#include "test_support.hpp"

#include <mutex>
#include <thread>

namespace {
using namespace ablauf;
using namespace ablauf::test;

const char* const approval = R"({"id": "approval", "version": 1, "kind": "workflow",
  "title": "Approval",
  "input": {"type": "object", "properties": {"amount": {"type": "number"}},
            "required": ["amount"]},
  "steps": [
    {"id": "check", "type": "fill_checklist", "title": "Check",
     "sections": [{"id": "s", "title": "S", "items": [
       {"id": "ok", "kind": "checkbox", "label": "OK"}]}], "next": "done"},
    {"id": "done", "type": "end"}]})";

struct Fixture {
  explicit Fixture(http::ServerOptions options = {}) {
    REQUIRE(engine.deploy(compile_text(approval)));
    options.port = 0;
    server.emplace(engine, options);
  }
  Engine engine;
  std::optional<http::Server> server;
};

}  // namespace

TEST_CASE("the server starts an instance and shows it", "[http]") {
  Fixture f;
  REQUIRE(f.server->start());
  REQUIRE(f.server->port() != 0);
  Client client(f.server->port());

  auto health = client.request(wire::verb::get, "/healthz");
  CHECK(health.result_int() == 200);
  CHECK(json::parse(health.body()) == json::parse(R"({"status": "ok"})"));

  auto started = client.request(wire::verb::post, "/api/v1/instances",
                                R"({"workflow": "approval", "input": {"amount": 5},
                                    "business_key": "A-1"})");
  REQUIRE(started.result_int() == 201);
  const auto state = json::parse(started.body()).as_object();
  const std::string id(state.at("id").as_string());
  CHECK(started[wire::field::location] == "/api/v1/instances/" + id);
  CHECK(state.at("status").as_string() == "waiting");

  auto shown = client.request(wire::verb::get, "/api/v1/instances/" + id);
  CHECK(shown.result_int() == 200);
  CHECK(json::parse(shown.body()).as_object().at("id").as_string() == id);

  // The same business key returns the same instance: a client's retry starts nothing new.
  auto again = client.request(wire::verb::post, "/api/v1/instances",
                              R"({"workflow": "approval", "input": {"amount": 5},
                                  "business_key": "A-1"})");
  CHECK(json::parse(again.body()).as_object().at("id").as_string() == id);
  CHECK(f.engine.instance_ids()->size() == 1);
}

TEST_CASE("the server answers mistakes with problem documents", "[http]") {
  Fixture f;
  REQUIRE(f.server->start());
  Client client(f.server->port());

  auto unknown = client.request(wire::verb::get, "/api/v1/instances/i-nope");
  CHECK(unknown.result_int() == 404);
  CHECK(problem_of(unknown).at("code").as_string() == "not_found");

  auto bad_input = client.request(wire::verb::post, "/api/v1/instances",
                                  R"({"workflow": "approval", "input": {"amount": "five"}})");
  CHECK(bad_input.result_int() == 422);
  CHECK_THAT(std::string(problem_of(bad_input).at("detail").as_string()),
             Catch::Contains("/amount"));
  CHECK(f.engine.instance_ids()->empty());  // nothing stored

  auto not_json = client.request(wire::verb::post, "/api/v1/instances", "{\"workflow\": ");
  CHECK(not_json.result_int() == 400);
  CHECK(problem_of(not_json).at("title").as_string() == "Bad JSON");

  auto no_workflow = client.request(wire::verb::post, "/api/v1/instances", R"({"input": {}})");
  CHECK(no_workflow.result_int() == 422);

  auto no_route = client.request(wire::verb::get, "/api/v1/nothing");
  CHECK(no_route.result_int() == 404);

  auto wrong_method = client.request(wire::verb::delete_, "/api/v1/instances");
  CHECK(wrong_method.result_int() == 405);
  CHECK(wrong_method[wire::field::allow] == "GET, POST");

  auto broken_escape = client.request(wire::verb::get, "/api/v1/instances/i%2");
  CHECK(broken_escape.result_int() == 400);
}

TEST_CASE("a host adds its own routes, with parameters and query", "[http]") {
  Fixture f;
  f.server->route("GET", "/hello/{name}", [](const http::Request& request) {
    return http::Response::json(
        200, json::object{{"name", request.parameters.at("name")},
                          {"lang", request.query.contains("lang") ? request.query.at("lang") : ""},
                          {"agent", request.header("user-agent")}});
  });
  f.server->route("GET", "/boom", [](const http::Request&) -> http::Response {
    throw std::runtime_error("secret detail");
  });
  REQUIRE(f.server->start());
  Client client(f.server->port());
  auto hello =
      client.request(wire::verb::get, "/hello/J%C3%BCrgen?lang=de&x", {}, {{"User-Agent", "test"}});
  CHECK(json::parse(hello.body()) ==
        json::parse(R"({"name": "Jürgen", "lang": "de", "agent": "test"})"));
  auto boom = client.request(wire::verb::get, "/boom");
  CHECK(boom.result_int() == 500);
  CHECK(boom.body().find("secret") == std::string::npos);
}

TEST_CASE("the server's limits hold at their edges", "[http][limits]") {
  http::ServerOptions options;
  options.max_body_bytes = 64;
  options.max_header_bytes = 1024;
  options.request_timeout = std::chrono::milliseconds(200);
  options.max_connections = 2;
  Fixture f(options);
  REQUIRE(f.server->start());

  SECTION("a body of the limit is read, one byte more is 413") {
    Client client(f.server->port());
    std::string body = R"({"workflow": "nope", "input": {"pad": ")";
    const std::string end = R"("}})";
    body += std::string(64 - body.size() - end.size(), 'x') + end;
    REQUIRE(body.size() == 64);
    CHECK(client.request(wire::verb::post, "/api/v1/instances", body).result_int() == 404);
    body.insert(body.size() - end.size(), "x");
    Client other(f.server->port());
    auto large = other.request(wire::verb::post, "/api/v1/instances", body);
    CHECK(large.result_int() == 413);
    CHECK(problem_of(large).at("title").as_string() == "Body too large");
  }
  SECTION("headers past the limit are 431") {
    Client client(f.server->port());
    auto large =
        client.request(wire::verb::get, "/healthz", {}, {{"X-Pad", std::string(1100, 'x')}});
    CHECK(large.result_int() == 431);
  }
  SECTION("a client that sends its request too slowly is cut off") {
    Client client(f.server->port());
    client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(client.closed());
  }
  SECTION("connections past the limit are refused with 503") {
    Client first(f.server->port());
    Client second(f.server->port());
    CHECK(first.request(wire::verb::get, "/healthz").result_int() == 200);
    CHECK(second.request(wire::verb::get, "/healthz").result_int() == 200);
    Client third(f.server->port());
    CHECK(third.read().result_int() == 503);
  }
}

TEST_CASE("options outside their ranges are refused", "[http][limits]") {
  Engine engine;
  const auto refused = [&](http::ServerOptions options, std::string_view field) {
    http::Server server(engine, options);
    auto started = server.start();
    REQUIRE_FALSE(started);
    CHECK(started.error().code == ErrorCode::invalid_value);
    CHECK_THAT(started.error().message, Catch::Contains(std::string(field)));
  };
  refused({.max_body_bytes = 0}, "max_body_bytes");
  refused({.max_header_bytes = 1023}, "max_header_bytes");
  refused({.request_timeout = std::chrono::milliseconds(9)}, "request_timeout");
  refused({.idle_timeout = std::chrono::hours(2)}, "idle_timeout");
  refused({.max_connections = 0}, "max_connections");
  refused({.threads = 0}, "threads");
  refused({.max_page_size = 0}, "max_page_size");
  refused({.max_page_size = 10'001}, "max_page_size");
  refused({.settle_timeout = std::chrono::milliseconds(60'001)}, "settle_timeout");
  refused({.settle_timeout = std::chrono::milliseconds(-1)}, "settle_timeout");
  CHECK(http::ServerOptions{.settle_timeout = std::chrono::milliseconds(0)}.check().empty());
  refused({.address = "not an address"}, "not an IP address");
  CHECK(http::ServerOptions{}.check().empty());
}

TEST_CASE("every answer is logged with its request id, which the client may give",
          "[http][access_log]") {
  std::mutex mutex;
  std::vector<http::AccessRecord> logged;
  Fixture f({.max_body_bytes = 64, .access_log = [&](const http::AccessRecord& record) {
               std::lock_guard lock(mutex);
               logged.push_back(record);
             }});
  REQUIRE(f.server->start());
  Client client(f.server->port());
  auto given =
      client.request(wire::verb::get, "/healthz?secret=1", {}, {{"X-Request-Id", "lb-7.a_b"}});
  CHECK(given["X-Request-Id"] == "lb-7.a_b");
  auto unusable =
      client.request(wire::verb::get, "/api/v1/instances/i-nope", {}, {{"X-Request-Id", "a b"}});
  const std::string made(unusable["X-Request-Id"]);
  CHECK(made != "a b");
  CHECK_THAT(made, Catch::Matches("[0-9a-f]{8}-[0-9]+"));
  auto too_large = client.request(wire::verb::post, "/api/v1/instances", std::string(65, 'x'));
  CHECK(too_large.result_int() == 413);

  // The log is written once the answer is: wait for the third.
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard lock(mutex);
      if (logged.size() == 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::lock_guard lock(mutex);
  REQUIRE(logged.size() == 3);
  CHECK(logged[0].request_id == "lb-7.a_b");
  CHECK(logged[0].method == "GET");
  CHECK(logged[0].path == "/healthz");  // not the query, which may hold personal data
  CHECK(logged[0].status == 200);
  CHECK(logged[0].remote == "127.0.0.1");
  CHECK(logged[0].bytes == given.body().size());
  CHECK(logged[1].request_id == made);
  CHECK(logged[1].status == 404);
  CHECK(logged[2].status == 413);
  CHECK(logged[2].method.empty());  // not read whole
  const auto line = json::parse(http::to_json_line(logged[0])).as_object();
  for (const char* field :
       {"time", "request_id", "remote", "method", "path", "status", "bytes", "ms"})
    CHECK(line.contains(field));
}

TEST_CASE("/metrics counts requests by route, and instances by workflow and status",
          "[http][metrics]") {
  Fixture f;
  REQUIRE(f.server->start());
  Client client(f.server->port());
  REQUIRE(client
              .request(wire::verb::post, "/api/v1/instances",
                       R"({"workflow": "approval", "input": {"amount": 5}})")
              .result_int() == 201);
  for (const char* id : {"i-1", "i-2"})
    CHECK(client.request(wire::verb::get, std::string("/api/v1/instances/") + id).result_int() ==
          404);
  // Counted once written: the last answer may still be on its way to the count.
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    auto metrics = client.request(wire::verb::get, "/metrics");
    REQUIRE(metrics.result_int() == 200);
    CHECK(metrics[wire::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    text = metrics.body();
    if (text.find(R"(route="/api/v1/instances/{id}",status="404"} 2)") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // One series per route, not per id.
  CHECK_THAT(
      text,
      Catch::Contains(
          R"(ablauf_http_requests_total{method="GET",route="/api/v1/instances/{id}",status="404"} 2)"));
  CHECK_THAT(
      text,
      Catch::Contains(
          R"(ablauf_http_requests_total{method="POST",route="/api/v1/instances",status="201"} 1)"));
  CHECK_THAT(
      text,
      Catch::Contains(
          R"(ablauf_http_request_duration_seconds_count{method="GET",route="/api/v1/instances/{id}"} 2)"));
  CHECK_THAT(
      text,
      Catch::Contains(
          R"(ablauf_http_request_duration_seconds_bucket{method="GET",route="/api/v1/instances/{id}",le="+Inf"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(ablauf_instances{workflow="approval",status="waiting"} 1)"));
  CHECK_THAT(text, Catch::Contains("ablauf_http_connections_open 1\n"));
  CHECK_THAT(text, Catch::Contains("ablauf_outbox_unsent 0\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE ablauf_timers_due gauge\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE ablauf_claims_total counter\n"));
}

TEST_CASE("a stopped server lets its request answer and takes no more", "[http]") {
  Fixture f;
  std::atomic<bool> entered = false;
  f.server->route("GET", "/slow", [&](const http::Request&) {
    entered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return http::Response::json(200, json::object{{"done", true}});
  });
  REQUIRE(f.server->start());
  const auto port = f.server->port();
  Client client(port);
  std::thread stopper([&] {
    while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    f.server->stop();
  });
  auto slow = client.request(wire::verb::get, "/slow");
  stopper.join();
  CHECK(slow.result_int() == 200);
  CHECK(slow.keep_alive() == false);  // stopping closes the connection after the answer
  CHECK(f.server->port() == 0);
  CHECK_FALSE(f.server->start());  // not again
  asio::io_context io;
  tcp::socket socket(io);
  beast::error_code failed;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), failed);
  CHECK(failed);  // nobody listens any more
}
