// The seed utility-billing process end to end over HTTP only, as the people who own its steps
// would run it: customer service opens the account, service operations activates the utilities,
// billing sets the terms, the clock runs the reminders, collections handles the escalation, and
// the bank's payment arrives as a signed webhook. Then the timeline and the key figures read as
// with the CLI.
#include <ablauf/engine.hpp>
#include <ablauf/expression.hpp>
#include <ablauf/http_server.hpp>
#include <ablauf/http_users.hpp>

#include "engine_support.hpp"
#include "http_client.hpp"

#include <sodium.h>

#include <array>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>

namespace {
using namespace ablauf;
using namespace ablauf::test;

const std::string bank_secret = "a-secret-the-bank-and-the-server-share-0123456789";

// The people of the process, each with the role its definition names, and a token.
struct People {
  People() {
    std::string file = R"({"users": [)";
    for (const auto& [name, role] :
         std::map<std::string, std::string>{{"clara", "customer_service"},
                                            {"otto", "service_operations"},
                                            {"berta", "billing_team"},
                                            {"cora", "collections_management"}}) {
      auto token = http::make_token();
      REQUIRE(token);
      tokens[name] = token->token;
      if (file.back() != '[') file += ",";
      file += R"({"name": ")" + name + R"(", "roles": [")" + role + R"("], "tokens": [{"id": ")" +
              token->id + R"(", "hash": ")" + token->hash + R"("}]})";
    }
    users = http::UsersFile::read(file + "]}", "users.json").value();
  }
  std::map<std::string, std::string> tokens;
  std::unique_ptr<http::UsersFile> users;
};

json::value answers_file() {
  std::ifstream in(workflows_dir() / "answers" / "utility_billing.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::string signature(const std::string& path, const std::string& body) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::string message = std::to_string(now) + "." + path + "." + body;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(bank_secret.data()),
                              bank_secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::string hex(mac.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return "source=bank,t=" + std::to_string(now) + ",v1=" + hex;
}

}  // namespace

TEST_CASE("the utility-billing seed runs end to end over HTTP, as its people run it",
          "[http][seed]") {
  People people;
  Fixture f;
  f.deploy("utility_billing.json");
  http::ServerOptions options{.port = 0};
  options.authenticator = people.users.get();
  options.store = &f.store;
  options.records = &f.records;  // where the fixture's engine writes them
  options.webhook_sources = {{"bank", bank_secret, {"payment_received"}}};
  http::Server server(f.engine, options);
  REQUIRE(server.start());
  Client client(server.port());
  const auto as = [&](const std::string& who, wire::verb verb, const std::string& target,
                      const std::string& body = {}) {
    return client.request(verb, target, body,
                          {{"Authorization", "Bearer " + people.tokens.at(who)}});
  };
  const auto script = answers_file();
  const std::string invoice(script.at("input").at("invoice").at("number").as_string());

  // Customer service opens the account.
  auto started =
      json_of(as("clara", wire::verb::post, "/api/v1/instances",
                 ablauf::to_json_text(json::object{{"workflow", "utility_billing"},
                                                   {"business_key", script.at("business_key")},
                                                   {"input", script.at("input")}})),
              201);
  const std::string id(started.at("id").as_string());
  const auto form = [&](const std::string& step) {
    return "/api/v1/instances/" + id + "/steps/" + step + "/form";
  };
  const auto waiting_at = [&] {
    const auto state = f.state(id);
    REQUIRE(state.tokens.size() == 1);
    return state.tokens[0].step;
  };

  // Each checklist is answered by the role it names; another role may not.
  const std::vector<std::pair<std::string, std::string>> checklists = {
      {"account_setup", "clara"}, {"utility_setup", "otto"}, {"billing_preferences", "berta"}};
  for (const auto& [step, owner] : checklists) {
    INFO(step);
    CHECK(waiting_at() == step);
    const std::string body =
        ablauf::to_json_text(json::object{{"answers", script.at("answers").at(step)}});
    const std::string intruder = owner == "clara" ? "berta" : "clara";
    CHECK(as(intruder, wire::verb::post, form(step), body).result_int() == 403);
    auto model = json_of(as(owner, wire::verb::get, form(step)), 200);
    CHECK(model.at("waiting") == true);
    CHECK(json_of(as(owner, wire::verb::post, form(step), body), 200).at("id").as_string() == id);
  }
  CHECK(waiting_at() == "wait_for_payment");
  CHECK(f.outbox.mails().size() == 1);  // the invoice

  // No payment: reminders 7, 14 and 21 days after the due date (14 days after the invoice), and
  // the task for collections once the last reminder's deadline has passed: each counted from
  // the due date, so a clock that jumps 14 days at a time catches up with those it passed.
  std::string complete;
  for (int fortnight = 0; fortnight < 6 && complete.empty(); ++fortnight) {
    f.clock.advance(std::chrono::days(14));
    REQUIRE(f.engine.run_due());
    auto inbox = json_of(as("cora", wire::verb::get, "/api/v1/tasks"), 200);
    for (const auto& task : inbox.at("tasks").as_array())
      if (task.at("step") == "escalate_overdue_payment")
        complete = std::string(task.at("complete").as_string());
  }
  REQUIRE_FALSE(complete.empty());
  CHECK(f.outbox.mails().size() == 4);  // the invoice and three reminders
  CHECK(json_of(as("berta", wire::verb::get, "/api/v1/tasks"), 200).at("tasks").as_array().empty());
  CHECK(
      as("berta", wire::verb::post, complete, R"({"outcome": "new_payment_terms"})").result_int() ==
      403);
  auto not_an_object = as("cora", wire::verb::post, complete,
                          R"({"outcome": "new_payment_terms", "data": "three instalments"})");
  CHECK(not_an_object.result_int() == 422);
  json_of(as("cora", wire::verb::post, complete,
             R"({"outcome": "new_payment_terms", "data": {"instalments": 3}})"),
          200);
  CHECK(waiting_at() == "wait_for_payment");
  CHECK(f.state(id)
            .data.at("steps")
            .at("escalate_overdue_payment")
            .at("output")
            .at("data")
            .at("instalments") == 3);

  // The bank's feed reports the payment, signed; sent twice, it arrives once.
  const std::string path = "/api/v1/signals/payment_received";
  const std::string payment =
      R"({"correlation": ")" + invoice + R"(", "payload": {"amount": 246.8, "method": "SEPA"}})";
  const auto signed_header = signature(path, payment);
  auto delivered =
      client.request(wire::verb::post, path, payment, {{"Ablauf-Signature", signed_header}});
  CHECK(json_of(delivered, 200).at("delivered_to").as_string() == invoice);
  auto again =
      client.request(wire::verb::post, path, payment, {{"Ablauf-Signature", signed_header}});
  CHECK(again["Idempotent-Replayed"] == "true");
  CHECK(f.state(id).status == InstanceStatus::completed);

  // The timeline names who did what; the key figures count what happened.
  auto timeline =
      json_of(as("clara", wire::verb::get, "/api/v1/instances/" + id + "/timeline"), 200);
  std::set<std::string> actors;
  for (const auto& entry : timeline.at("entries").as_array())
    actors.insert(std::string(entry.at("actor").as_string()));
  for (const char* person : {"clara", "otto", "berta", "cora"}) CHECK(actors.count(person) == 1);
  const std::string at = to_rfc3339(f.clock.now());
  auto figures = json_of(as("berta", wire::verb::get,
                            "/api/v1/kpi?workflow=utility_billing&since=2026-01-01&at=" + at),
                         200);
  CHECK(figures.at("instances").at("started") == 1);
  CHECK(figures.at("instances").at("completed") == 1);
  CHECK(figures.at("tasks").at("completed") == 1);
  const auto& receivables = figures.at("receivables").as_object();
  CHECK(receivables.at("paid") == 1);
  CHECK(receivables.at("reminders_before_payment").to_number<double>() == 3.0);

  // /metrics counts each step's runs from the store, labelled with its type.
  const auto metrics = client.request(wire::verb::get, "/metrics").body();
  CHECK_THAT(metrics, Catch::Contains(R"(ablauf_step_runs_total{workflow="utility_billing",)"
                                      R"(step="send_payment_reminder",type="send_email"} 3)"));
  CHECK_THAT(metrics, Catch::Contains(R"(ablauf_step_failures_total{workflow="utility_billing",)"
                                      R"(step="send_invoice",type="send_email"} 0)"));
  // The waits that timed out into a dunning stage are escalations, not failures.
  CHECK_THAT(metrics, Catch::Contains(R"(ablauf_step_escalations_total{workflow="utility_billing",)"
                                      R"(step="wait_for_payment",type="wait"} 4)"));
  CHECK_THAT(metrics, Catch::Contains(R"(ablauf_step_failures_total{workflow="utility_billing",)"
                                      R"(step="wait_for_payment",type="wait"} 0)"));
  CHECK_THAT(metrics, Catch::Contains(R"(ablauf_step_duration_seconds_count{workflow=)"
                                      R"("utility_billing",step="escalate_overdue_payment",)"
                                      R"(type="create_task"} 1)"));
  CHECK_THAT(metrics, Catch::Contains("ablauf_timers_due 0\n"));
}
