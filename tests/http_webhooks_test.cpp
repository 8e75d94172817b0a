// Signals as webhooks (docs/http.md, "Webhooks"): a signature that verifies delivers once, and a
// bad signature, a stale or future timestamp, a replay and a signal the source may not send do
// not.
#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>
#include <ablauf/http_webhooks.hpp>
#include <ablauf/workflow.hpp>

#include "http_client.hpp"
#include "test_support.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>

namespace {
using namespace ablauf;
using namespace ablauf::test;

const std::string secret = "0123456789abcdef0123456789abcdef-bank";

const char* const payment = R"({"id": "payment", "version": 1, "kind": "workflow",
  "title": "Payment",
  "input": {"type": "object", "properties": {"invoice": {"type": "string"}}},
  "steps": [
    {"id": "wait", "type": "wait", "event": "paid", "correlation": "input.invoice",
     "next": "done"},
    {"id": "done", "type": "end"}]})";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The Ablauf-Signature header a source with `key` sends for `path` and `body` at `time`.
std::string signature(const std::string& key, std::int64_t time, const std::string& path,
                      const std::string& body, const std::string& source = "bank") {
  const std::string message = std::to_string(time) + "." + path + "." + body;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::string hex(mac.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return "source=" + source + ",t=" + std::to_string(time) + ",v1=" + hex;
}

struct Fixture {
  Fixture() {
    REQUIRE(engine.deploy(compile_text(payment)));
    for (const char* invoice : {"R-1", "R-2"})
      REQUIRE(engine.start("payment",
                           boost::json::parse(std::string(R"({"invoice": ")") + invoice + "\"}")));
    users =
        http::UsersFile::read(R"({"users": [{"name": "nobody_special"}]})", "users.json").value();
    http::ServerOptions options{.port = 0};
    options.authenticator = users.get();
    options.webhook_sources = {{"bank", secret, {"paid"}}, {"crm", secret + "-crm", {}}};
    options.webhook_tolerance = std::chrono::seconds(60);
    server.emplace(engine, options);
    REQUIRE(server->start());
    client.emplace(server->port());
  }

  wire::response<wire::string_body> post(const std::string& path, const std::string& body,
                                         const std::string& header) {
    return client->request(wire::verb::post, path, body, {{"Ablauf-Signature", header}});
  }

  // How often a signal reached an instance.
  std::size_t signals_received() {
    std::size_t count = 0;
    const auto ids = engine.instance_ids();  // kept: a range over *temporary would dangle
    for (const auto& id : *ids) {
      const auto history = engine.history(id);
      for (const auto& event : *history) count += event.type == EventType::signal_received;
    }
    return count;
  }

  Engine engine;
  std::unique_ptr<http::UsersFile> users;
  std::optional<http::Server> server;
  std::optional<Client> client;
};

const std::string path = "/api/v1/signals/paid";
const std::string body = R"({"correlation": "R-1", "payload": {"amount": 120.5}})";

std::string detail_of(const wire::response<wire::string_body>& response) {
  return std::string(problem_of(response).at("detail").as_string());
}

}  // namespace

TEST_CASE("a signed webhook delivers its signal once", "[http][webhooks]") {
  Fixture f;
  const auto header = signature(secret, now_seconds(), path, body);
  auto delivered = f.post(path, body, header);
  CHECK(json_of(delivered, 200).at("delivered_to") == "R-1");
  CHECK(f.signals_received() == 1);

  // Sent again (a retry, or a replay of a captured request): answered as before, not delivered.
  auto again = f.post(path, body, header);
  CHECK(json_of(again, 200).at("delivered_to") == "R-1");
  CHECK(again["Idempotent-Replayed"] == "true");
  CHECK(f.signals_received() == 1);
}

TEST_CASE("a webhook that does not verify is refused and delivers nothing", "[http][webhooks]") {
  Fixture f;
  const auto now = now_seconds();
  SECTION("another secret") {
    auto refused = f.post(path, body, signature(secret + "x", now, path, body));
    CHECK(refused.result_int() == 401);
    CHECK_THAT(detail_of(refused), Catch::Contains("does not verify"));
  }
  SECTION("another body than was signed") {
    auto refused = f.post(path, R"({"correlation": "R-2"})", signature(secret, now, path, body));
    CHECK(refused.result_int() == 401);
  }
  SECTION("another signal than was signed") {
    const std::string other = "/api/v1/signals/paid_twice";
    CHECK(f.post(other, body, signature(secret, now, path, body)).result_int() == 401);
  }
  SECTION("a time too long ago, or to come") {
    auto stale = f.post(path, body, signature(secret, now - 120, path, body));
    CHECK(stale.result_int() == 401);
    CHECK_THAT(detail_of(stale), Catch::Contains("more than the 60 s taken"));
    CHECK(f.post(path, body, signature(secret, now + 120, path, body)).result_int() == 401);
  }
  SECTION("a source no one named") {
    auto refused = f.post(path, body, signature(secret, now, path, body, "mallory"));
    CHECK(refused.result_int() == 401);
    CHECK_THAT(detail_of(refused), Catch::Contains("'mallory'"));
  }
  SECTION("a header that is not one") {
    CHECK(f.post(path, body, "t=1,v1=00").result_int() == 400);
    CHECK(f.post(path, body, "source=bank,t=soon,v1=00").result_int() == 401);
    CHECK(f.post(path, body, "source=bank,t=1,v1=xyz").result_int() == 401);
  }
  SECTION("a signal the source may not send") {
    const std::string other = "/api/v1/signals/cancelled";
    auto refused = f.post(other, body, signature(secret, now, other, body));
    CHECK(refused.result_int() == 403);
    CHECK_THAT(detail_of(refused), Catch::Contains("may not send the signal 'cancelled'"));
  }
  SECTION("neither signed nor signed in") {
    auto refused = f.client->request(wire::verb::post, path, body);
    CHECK(refused.result_int() == 401);
    CHECK(refused["WWW-Authenticate"] == "Bearer realm=\"ablauf\"");
  }
  CHECK(f.signals_received() == 0);
}

TEST_CASE("a source without a list of signals may send any", "[http][webhooks]") {
  Fixture f;
  const std::string other = "/api/v1/signals/paid";
  const std::string to_two = R"({"correlation": "R-2"})";
  auto delivered =
      f.post(other, to_two, signature(secret + "-crm", now_seconds(), other, to_two, "crm"));
  CHECK(json_of(delivered, 200).at("delivered_to") == "R-2");
}

TEST_CASE("webhook sources are read with every problem located", "[http][webhooks]") {
  auto good = http::read_webhook_sources(
      R"({"webhooks": [{"source": "bank", "secret": ")" + secret + R"(", "signals": ["paid"]}]})",
      "webhooks.json");
  REQUIRE(good);
  REQUIRE(good->size() == 1);
  CHECK((*good)[0].signals == std::vector<std::string>{"paid"});
  auto bad = http::read_webhook_sources(R"({"webhooks": [
  {"source": "bank", "secret": "short"},
  {"source": "bank", "secret": ")" + secret +
                                            R"(", "signals": ["not a name"], "colour": 1}]})",
                                        "webhooks.json");
  REQUIRE_FALSE(bad);
  std::string all;
  for (const auto& finding : bad.error()) all += format(finding) + "\n";
  INFO(all);
  CHECK_THAT(all, Catch::Contains("webhooks.json:2:32: error: a secret of 5 characters"));
  CHECK_THAT(all, Catch::Contains("(at /webhooks/1/source)"));
  CHECK_THAT(all, Catch::Contains("(at /webhooks/1/signals/0)"));
  CHECK_THAT(all, Catch::Contains("'colour'"));
  CHECK_THAT(http::ServerOptions{.webhook_tolerance = std::chrono::seconds(0)}.check(),
             Catch::Contains("webhook_tolerance"));
  CHECK(http::ServerOptions{.webhook_tolerance = std::chrono::seconds(3600)}.check().empty());
  http::ServerOptions weak;
  weak.webhook_sources.push_back({"bank", "short", {}});
  CHECK_THAT(weak.check(), Catch::Contains("at least 32 bytes"));
}
