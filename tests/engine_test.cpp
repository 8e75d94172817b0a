// The engine running the seed workflows end to end, and each of its rules on its own.
#include "engine_support.hpp"
#include "test_support.hpp"

#include "sha256.hpp"

#include <ablauf/engine.hpp>
#include <ablauf/step_type.hpp>
#include <ablauf/timeline.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <set>
#include <thread>

namespace ablauf {
namespace {

using test::Fixture;
using test::monday;
namespace json = boost::json;
using namespace std::chrono_literals;

const char* invoice_input = R"({
  "customer": {"id": "K-4711", "name": "Erika Müller", "email": "erika@example.de"},
  "invoice": {"number": "R-2026-17", "issue_date": "2026-11-23", "discount": 0, "currency": "EUR",
              "description": "Wartung", "payment_terms": "14 Tage"}})";

TEST_CASE("the invoicing workflow mails the customer and follows up the payment",
          "[engine][workflows]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  REQUIRE(f.records.save("customers", "K-4711", {{"name", "Erika Müller"}}, ""));
  auto id = f.engine.start("invoicing_and_payments", json::parse(invoice_input));
  REQUIRE(id);
  CHECK(f.waiting_step(*id) == "check_customer_data");
  CHECK(f.state(*id).status == InstanceStatus::waiting);

  for (const auto* item : {"name_checked", "address_checked", "contact_details_checked",
                           "identification_numbers_checked", "external_sources_matched"})
    f.answer(*id, "check_customer_data", item, true);
  CHECK(f.waiting_step(*id) == "check_customer_data");  // one required item left
  f.answer(*id, "check_customer_data", "data_check_result", "correct");
  // The invoice's lines, from which its amounts are computed.
  CHECK(f.waiting_step(*id) == "invoice_lines");
  f.enter_invoice_lines(*id);

  // The invoice is recorded with typed amounts, the customer mailed, and a task made.
  const auto invoice = f.records.find("invoices", "R-2026-17");
  REQUIRE(invoice);
  CHECK(invoice->at("total") == 1190);
  CHECK(invoice->at("due_date") == "2026-12-07");
  REQUIRE(f.outbox.mails().size() == 1);
  const Mail mail = f.outbox.mails()[0];
  CHECK(mail.to == std::vector<std::string>{"erika@example.de"});
  CHECK(mail.subject == "Ihre Rechnung Nr. R-2026-17 über 1.190,00\u00a0€");
  CHECK_THAT(mail.body, Catch::StartsWith("Guten Tag Erika Müller,"));
  auto s = f.state(*id);
  REQUIRE(s.tasks.size() == 1);
  CHECK(s.tasks[0].step == "create_follow_up_task");
  CHECK(s.tasks[0].assignee.size() > 0);

  // Unpaid at first: a week after the due date (7 December) the customer is reminded by mail,
  // and the follow-up task comes again.
  REQUIRE(f.engine.complete_task(*id, s.tasks[0].id, "unpaid", "jonas"));
  CHECK(f.state(*id).tasks.size() == 1);
  f.clock.set(*parse_rfc3339("2026-12-13T22:59:59Z"));
  CHECK(f.engine.run_due() == 0u);
  f.clock.set(*parse_rfc3339("2026-12-13T23:00:00Z"));  // midnight in Berlin
  CHECK(f.engine.run_due() == 1u);
  REQUIRE(f.outbox.mails().size() == 2);
  CHECK(f.outbox.mails()[1].subject == "Zahlungserinnerung: Rechnung Nr. R-2026-17");
  s = f.state(*id);
  REQUIRE(s.tasks.size() == 2);
  CHECK(s.data.at("steps").at("create_follow_up_task").at("outcome") == "unpaid");
  auto wrong = f.engine.complete_task(*id, s.tasks[1].id, "bezahlt", "jonas");
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.error().message, Catch::Contains("paid"));
  REQUIRE(f.engine.complete_task(*id, s.tasks[1].id, "paid", "jonas"));
  // The payment itself comes with the bank's notification, found by the invoice number.
  REQUIRE(f.engine.signal(
      "R-2026-17", "payment_received",
      json::object{{"amount", 1190}, {"paid_at", "2026-12-15"}, {"method", "bank_transfer"}}));

  CHECK(f.waiting_step(*id) == "analyze_payment_flows");
  const auto paid = f.records.find("invoices", "R-2026-17");
  REQUIRE(paid);
  CHECK(paid->at("paid_at") == "2026-12-15");
  CHECK(paid->at("reminders_sent") == 1);
  f.answer(*id, "analyze_payment_flows", "payment_history_compiled", true);
  f.answer(*id, "analyze_payment_flows", "payment_volume_trend", "stable");
  f.answer(*id, "analyze_payment_flows", "average_transaction_value", 1190);
  f.answer(*id, "analyze_payment_flows", "days_sales_outstanding", 21);
  f.answer(*id, "analyze_payment_flows", "regional_differences_checked", true);

  s = f.state(*id);
  CHECK(s.status == InstanceStatus::completed);
  CHECK(f.outbox.mails().size() == 3);
  CHECK(f.records.find("customers", "K-4711"));
  // Every stored event reached the observer, and the history folds to the same state.
  auto history = f.engine.history(*id);
  REQUIRE(history);
  CHECK(f.observed.size() == history->size());
  CHECK(fold(*id, *history)->data == s.data);
}

const char* utility_input = R"({
  "customer": {"id": "K-1", "name": "Jonas Weber", "email": "jonas@example.de",
               "has_debt": false},
  "invoice": {"number": "U-2026-3", "total": 84.5},
  "contract": {"termination_requested": false}})";

// Runs the utility workflow up to the wait for the first payment.
std::string utility_until_payment_wait(Fixture& f) {
  f.deploy("utility_billing.json");
  auto id = f.engine.start("utility_billing", json::parse(utility_input));
  REQUIRE(id);
  f.answer(*id, "account_setup", "identity_verified", true);
  f.answer(*id, "account_setup", "customer_type", "private");
  f.answer(*id, "account_setup", "service_address_captured", true);
  f.answer(*id, "account_setup", "meter_number", "Z-123456");
  f.answer(*id, "account_setup", "contract_start_date", "2026-12-01");
  f.answer(*id, "account_setup", "contract_documents_received", true);
  f.answer(*id, "utility_setup", "utilities", json::array{"electricity", "gas"});
  f.answer(*id, "utility_setup", "activation_date", "2026-12-01");
  f.answer(*id, "utility_setup", "initial_meter_reading", 1234.5);
  f.answer(*id, "utility_setup", "services_activated", true);
  f.answer(*id, "billing_preferences", "billing_frequency", "monthly");
  f.answer(*id, "billing_preferences", "payment_method", "bank_transfer");
  f.answer(*id, "billing_preferences", "payment_terms_days", 14);
  f.answer(*id, "billing_preferences", "tax_rate", "standard");
  CHECK(f.waiting_step(*id) == "wait_for_payment");
  return *id;
}

TEST_CASE("a task is taken by one person, given back, and taken by another", "[engine]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  auto id = f.engine.start("invoicing_and_payments", json::parse(invoice_input));
  REQUIRE(id);
  for (const auto* item : {"name_checked", "address_checked", "contact_details_checked",
                           "identification_numbers_checked", "external_sources_matched"})
    f.answer(*id, "check_customer_data", item, true);
  f.answer(*id, "check_customer_data", "data_check_result", "correct");
  f.enter_invoice_lines(*id);
  const std::string task = f.state(*id).tasks.at(0).id;

  REQUIRE(f.engine.claim_task(*id, task, "jonas"));
  CHECK(f.state(*id).tasks[0].claimed_by == "jonas");
  REQUIRE(f.engine.claim_task(*id, task, "jonas"));  // taken again by the same: nothing changes
  auto taken = f.engine.claim_task(*id, task, "erika");
  REQUIRE_FALSE(taken);
  CHECK(taken.error().message == "task '" + task + "' is taken by jonas");
  REQUIRE(f.engine.release_task(*id, task, "jonas"));
  CHECK(f.state(*id).tasks[0].claimed_by.empty());
  CHECK(f.engine.release_task(*id, task, "jonas").error().message ==
        "task '" + task + "' is taken by no one");
  REQUIRE(f.engine.claim_task(*id, task, "erika"));
  CHECK(f.engine.claim_task(*id, "nope", "erika").error().code == ErrorCode::not_found);

  const auto history = f.engine.history(*id).value();
  std::vector<std::pair<EventType, std::string>> claims;
  for (const auto& event : history)
    if (event.type == EventType::task_claimed || event.type == EventType::task_released)
      claims.emplace_back(event.type, event.actor);
  CHECK(claims ==
        std::vector<std::pair<EventType, std::string>>{{EventType::task_claimed, "jonas"},
                                                       {EventType::task_released, "jonas"},
                                                       {EventType::task_claimed, "erika"}});
  // The timeline says so, in the instance's language.
  const auto workflow = f.engine.workflow("invoicing_and_payments").value();
  std::vector<std::string> said;
  for (const auto& entry : read_timeline(workflow.definition(), history))
    if (entry.text.starts_with("Aufgabe übernommen") ||
        entry.text.starts_with("Aufgabe zurückgegeben"))
      said.push_back(entry.actor + ": " + entry.text.substr(0, entry.text.find(':')));
  CHECK(said == std::vector<std::string>{"jonas: Aufgabe übernommen",
                                         "jonas: Aufgabe zurückgegeben",
                                         "erika: Aufgabe übernommen"});
  // The state as stored and read back keeps who took it.
  const auto restored = state_from_json(*id, to_json(f.state(*id)));
  REQUIRE(restored);
  CHECK(restored->tasks[0].claimed_by == "erika");
  REQUIRE(f.engine.complete_task(*id, task, "paid", "erika"));
  CHECK(f.engine.claim_task(*id, task, "jonas").error().message ==
        "task '" + task + "' is already completed");
}

TEST_CASE("a task completed with data hands it on to the steps after it", "[engine]") {
  Fixture f(EngineLimits{.max_output_bytes = 64});
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "terms", "version": 1, "kind": "workflow",
    "title": "Terms",
    "steps": [
      {"id": "agree", "type": "create_task", "title": "Agree terms", "outcomes": ["agreed"],
       "next": "check"},
      {"id": "check", "type": "decision", "next": [
        {"when": "steps.agree.output.data.installments > 2", "to": "long"},
        {"to": "short"}]},
      {"id": "long", "type": "end"},
      {"id": "short", "type": "end", "status": "failed"}]})")));
  auto id = f.engine.start("terms", json::object{});
  REQUIRE(id);
  const std::string task = f.state(*id).tasks.at(0).id;
  // Past max_output_bytes: refused, nothing recorded.
  auto large = f.engine.complete_task(*id, task, "agreed",
                                      json::object{{"note", std::string(100, 'x')}}, "jonas");
  REQUIRE_FALSE(large);
  CHECK(large.error().code == ErrorCode::output_too_large);
  CHECK_FALSE(f.state(*id).tasks[0].completed);
  REQUIRE(f.engine.complete_task(*id, task, "agreed", json::object{{"installments", 3}}, "jonas"));
  const auto state = f.state(*id);
  CHECK(state.status == InstanceStatus::completed);  // by "long": the data was read
  CHECK(state.data.at("steps").at("agree").at("output").at("data").at("installments") == 3);
  const auto history = f.engine.history(*id).value();
  const auto completed = std::find_if(history.begin(), history.end(), [](const Event& e) {
    return e.type == EventType::task_completed;
  });
  REQUIRE(completed != history.end());
  CHECK(completed->data.at("data").at("installments") == 3);
}

TEST_CASE("left unpaid, the utility workflow reminds three times on schedule, then escalates",
          "[engine][workflows]") {
  Fixture f;
  const auto id = utility_until_payment_wait(f);
  const std::size_t invoice_mails = f.outbox.mails().size();

  // Due 14 days after the invoice (the payment term). The wait for the payment times out 7, 14
  // and 21 days after the due date (from its midnight in Berlin) into a reminder each, and once
  // more a week after the last one, its deadline passed, into the escalation.
  CHECK(f.state(id).data.at("vars").at("due_date") == "2026-12-07");
  const std::array<std::string_view, 4> stages = {"2026-12-13T23:00:00Z", "2026-12-20T23:00:00Z",
                                                  "2026-12-27T23:00:00Z", "2027-01-03T23:00:00Z"};
  for (std::size_t stage = 0; stage < stages.size(); ++stage) {
    const auto timers = f.state(id).timers;
    REQUIRE(timers.size() == 1u);
    CHECK(to_rfc3339(timers[0].due) == stages[stage]);
    f.clock.set(timers[0].due - 1ms);
    CHECK(f.engine.run_due() == 0u);  // not a moment early
    f.clock.set(timers[0].due);
    CHECK(f.engine.run_due() == 1u);
    CHECK(f.outbox.mails().size() == invoice_mails + std::min<std::size_t>(stage + 1, 3));
    if (stage < 3) CHECK(f.waiting_step(id) == "wait_for_payment");
  }
  const auto s = f.state(id);
  CHECK(s.data.at("steps").at("send_payment_reminder").at("visits") == 3);
  REQUIRE(s.tasks.size() == 1);
  CHECK(s.tasks[0].step == "escalate_overdue_payment");
  CHECK(f.waiting_step(id) == "escalate_overdue_payment");
}

TEST_CASE("paid in time, the utility workflow records the payment and does not escalate",
          "[engine][workflows]") {
  Fixture f;
  const auto id = utility_until_payment_wait(f);
  f.clock.advance(std::chrono::days(3));
  REQUIRE(f.engine.signal(id, "payment_received", json::object{{"amount", 84.5}}));
  const auto s = f.state(id);
  CHECK(s.status == InstanceStatus::completed);
  CHECK(s.tasks.empty());
  CHECK_FALSE(s.data.at("steps").as_object().contains("send_payment_reminder"));
  CHECK(s.data.at("event").at("amount") == 84.5);
  // The payment's method, not in the payload, is the one the billing preferences name.
  CHECK(s.data.at("vars").at("payment_method") == "bank_transfer");
  // The timeout timer went with the wait: nothing fires later.
  f.clock.advance(std::chrono::days(30));
  CHECK(f.engine.run_due() == 0u);
}

TEST_CASE("a signal finds its instance by correlation key", "[engine]") {
  Fixture f;
  const auto id = utility_until_payment_wait(f);
  // The bank knows the invoice number, not the instance: wait_for_payment correlates by it.
  auto unknown = f.engine.signal("U-1999-1", "payment_received", json::object{{"amount", 1}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK_FALSE(f.engine.signal("U-2026-3", "refund_issued"));
  REQUIRE(f.engine.signal("U-2026-3", "payment_received", json::object{{"amount", 84.5}}));
  const auto s = f.state(id);
  CHECK(s.status == InstanceStatus::completed);
  CHECK(s.data.at("event").at("amount") == 84.5);
}

TEST_CASE("a signal no instance waits for changes nothing, not even due timers", "[engine]") {
  // Found by the property test of the fold: a refused signal used to advance the instance it
  // named, and every instance it looked at for a correlation key, firing their due timers.
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "n", "version": 1, "kind": "workflow",
    "title": "N", "steps": [
      {"id": "pause", "type": "wait", "duration": "PT30M", "next": "paid"},
      {"id": "paid", "type": "wait", "event": "paid", "correlation": "input.key", "next": "done"},
      {"id": "done", "type": "end"}]})")));
  auto id = f.engine.start("n", json::object{{"key", "A"}});
  REQUIRE(id);
  const auto before = f.engine.history(*id)->size();
  f.clock.advance(std::chrono::minutes(30));  // the pause is due, and has not been fired

  auto direct = f.engine.signal(*id, "paid");
  REQUIRE_FALSE(direct);
  CHECK(direct.error().code == ErrorCode::not_found);
  auto correlated = f.engine.signal("A", "paid");
  REQUIRE_FALSE(correlated);
  CHECK(correlated.error().code == ErrorCode::not_found);
  CHECK(f.engine.history(*id)->size() == before);
  CHECK(f.waiting_step(*id) == "pause");

  CHECK(f.engine.run_due() == 1u);  // the timer is still there to fire
  REQUIRE(f.engine.signal("A", "paid"));
  CHECK(f.state(*id).status == InstanceStatus::completed);
}

TEST_CASE("the engine keeps only the most recently used instances in memory", "[engine]") {
  MemoryStore memory;
  test::DyingStore store(memory);
  ManualClock clock{test::monday};
  Engine engine({.store = &store, .clock = &clock, .cached_instances = 2});
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "c", "version": 1, "kind": "workflow",
    "title": "C", "steps": [
      {"id": "check", "type": "fill_checklist", "title": "Check",
       "items": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}], "next": "done"},
      {"id": "done", "type": "end"}]})")));
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(*engine.start("c", json::object()));
  store.reads_from_start = 0;
  REQUIRE(engine.answer(ids[3], "check", "a", true, "erika"));  // among the last two used
  CHECK(store.reads_from_start == 0);
  REQUIRE(engine.answer(ids[0], "check", "a", true, "erika"));  // pushed out: read again
  CHECK(store.reads_from_start == 1);
  for (const auto& id : ids) {
    if (id != ids[0] && id != ids[3]) REQUIRE(engine.answer(id, "check", "a", true, "erika"));
    REQUIRE(engine.answer(id, "check", "b", true, "erika"));
    const auto state = engine.get(id);
    REQUIRE(state);
    CHECK(state->status == InstanceStatus::completed);
    CHECK(state->data.at("steps").at("check").at("answers") ==
          json::object{{"a", true}, {"b", true}});
  }
}

TEST_CASE("a rejected answer changes nothing", "[engine]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  auto id = f.engine.start("invoicing_and_payments", json::parse(invoice_input));
  REQUIRE(id);
  const auto before = f.engine.history(*id)->size();
  auto wrong = f.engine.answer(*id, "check_customer_data", "data_check_result", "maybe", "erika");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == ErrorCode::invalid_value);
  auto unknown = f.engine.answer(*id, "check_customer_data", "name_chekced", true, "erika");
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error().message, Catch::Contains("did you mean 'name_checked'?"));
  auto elsewhere =
      f.engine.answer(*id, "analyze_payment_flows", "payment_history_compiled", true, "erika");
  REQUIRE_FALSE(elsewhere);
  CHECK(f.engine.history(*id)->size() == before);
}

TEST_CASE("starting twice with one business key gives one instance", "[engine]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  auto first = f.engine.start("invoicing_and_payments", json::parse(invoice_input),
                              {.business_key = "R-2026-17"});
  auto second = f.engine.start("invoicing_and_payments", json::parse(invoice_input),
                               {.business_key = "R-2026-17"});
  REQUIRE(first);
  REQUIRE(second);
  CHECK(*first == *second);
  CHECK(f.engine.instance_ids()->size() == 1);
  auto missing = f.engine.start("invoicing_and_payment", json::object());
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("did you mean 'invoicing_and_payments'?"));
}

TEST_CASE("an enqueued instance is stored at its start and runs on resume", "[engine]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  auto id = f.engine.start("invoicing_and_payments", json::parse(invoice_input),
                           {.business_key = "R-2026-18", .enqueue = true});
  REQUIRE(id);
  CHECK(f.engine.history(*id)->size() == 1);
  CHECK(f.engine.get(*id)->status == InstanceStatus::running);
  REQUIRE(f.engine.resume() == 1u);
  CHECK(f.engine.history(*id)->size() > 1);
  CHECK(f.engine.get(*id)->status == InstanceStatus::waiting);
}

// A step type whose adapter fails a given number of times before it succeeds.
struct Flaky : Adapter {
  int failures;
  std::vector<std::string> keys;
  explicit Flaky(int n) : failures(n) {}
  StepResult execute(const StepContext& context) override {
    keys.push_back(context.idempotency_key);
    if (failures-- > 0) return StepResult::failed("the service is down");
    return StepResult::completed(json::object{{"ok", true}});
  }
};

StepTypeRegistry with_flaky() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "flaky"}));
  return registry;
}

Workflow flaky_workflow(const StepTypeRegistry& registry, const std::string& on_error) {
  const std::string text =
      R"({"id": "flaky", "version": 1, "kind": "workflow", "title": "F",
    "steps": [
      {"id": "call", "type": "flaky", "next": "done",
       "retry": {"max_attempts": 3, "initial_interval": "PT10S", "backoff": 3,
                 "max_interval": "PT20S", "jitter": false})" +
      on_error + R"(},
      {"id": "done", "type": "end"})" +
      (on_error.empty() ? std::string()
                        : R"(, {"id": "handle", "type": "end", "status": "failed"})") +
      "]}";
  return test::compile_text(text, &registry);
}

TEST_CASE("retries back off on timers and succeed", "[engine][retry]") {
  const auto registry = with_flaky();
  Fixture f;
  auto flaky = std::make_shared<Flaky>(2);
  f.engine.register_adapter("flaky", flaky);
  REQUIRE(f.engine.deploy(flaky_workflow(registry, R"(, "on_error": "handle")")));
  auto id = f.engine.start("flaky", json::object());
  REQUIRE(id);
  CHECK(f.state(*id).status == InstanceStatus::waiting);  // on a retry timer
  f.clock.advance(10s);
  CHECK(f.engine.run_due() == 1u);
  CHECK(f.state(*id).status == InstanceStatus::waiting);
  f.clock.advance(20s - 1ms);  // 10 s × 3 = 30 s, capped at 20 s
  CHECK(f.engine.run_due() == 0u);
  f.clock.advance(1ms);
  CHECK(f.engine.run_due() == 1u);
  CHECK(f.state(*id).status == InstanceStatus::completed);
  REQUIRE(flaky->keys.size() == 3);
  CHECK(flaky->keys[0] != flaky->keys[1]);  // each attempt has its own key
}

TEST_CASE("exhausted retries take on_error, or fail the instance with the error",
          "[engine][retry]") {
  const auto registry = with_flaky();
  for (const bool handled : {true, false}) {
    Fixture f;
    f.engine.register_adapter("flaky", std::make_shared<Flaky>(5));
    REQUIRE(f.engine.deploy(flaky_workflow(registry, handled ? R"(, "on_error": "handle")" : "")));
    auto id = f.engine.start("flaky", json::object());
    REQUIRE(id);
    f.clock.advance(1min);
    f.engine.run_due();
    f.clock.advance(1min);
    f.engine.run_due();
    const auto s = f.state(*id);
    CHECK(s.status == InstanceStatus::failed);
    CHECK_THAT(s.error,
               Catch::Contains(handled ? "ended at step 'handle'" : "the service is down"));
    CHECK(s.data.at("steps").at("call").at("error") == "the service is down");
  }
}

TEST_CASE("jitter spreads retries over the second half of the interval", "[engine][retry]") {
  const auto registry = with_flaky();
  std::string text = R"({"id": "jittery", "version": 1, "kind": "workflow", "title": "J",
    "steps": [{"id": "call", "type": "flaky", "next": "done",
               "retry": {"max_attempts": 2, "initial_interval": "PT100S"}},
              {"id": "done", "type": "end"}]})";
  Fixture f;
  f.engine.register_adapter("flaky", std::make_shared<Flaky>(1000));
  REQUIRE(f.engine.deploy(test::compile_text(text, &registry)));
  std::set<std::string> dues;
  for (int i = 0; i < 20; ++i) {
    auto id = f.engine.start("jittery", json::object());
    REQUIRE(id);
    const auto s = f.state(*id);
    REQUIRE(s.timers.size() == 1);
    const auto delay = s.timers[0].due - monday;
    CHECK(delay >= 50s);
    CHECK(delay <= 100s);
    dues.insert(to_rfc3339(s.timers[0].due));
  }
  CHECK(dues.size() > 10);  // twenty instances do not come back at one moment
}

// An adapter that hands its work to someone else: the step waits until the host finishes it.
struct Handover : Adapter {
  StepResult execute(const StepContext&) override { return StepResult::pending(); }
};

TEST_CASE("a pending step waits until the host finishes it", "[engine]") {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "handover"}));
  const std::string text = R"({"id": "h", "version": 1, "kind": "workflow", "title": "H",
    "steps": [{"id": "ask", "type": "handover", "on_error": "rejected",
               "next": [{"when": "steps.ask.output.score > 5", "to": "good"}, {"to": "bad"}]},
              {"id": "good", "type": "end"},
              {"id": "bad", "type": "end", "status": "failed"},
              {"id": "rejected", "type": "end", "status": "failed"}]})";
  for (const bool succeeds : {true, false}) {
    Fixture f;
    f.engine.register_adapter("handover", std::make_shared<Handover>());
    REQUIRE(f.engine.deploy(test::compile_text(text, &registry)));
    auto id = f.engine.start("h", json::object());
    REQUIRE(id);
    REQUIRE(f.state(*id).tokens.at(0).waiting_for == WaitingFor::adapter);
    CHECK_FALSE(f.engine.finish_step(*id, "good", StepResult::completed()));
    CHECK_FALSE(f.engine.finish_step(*id, "ask", StepResult::pending()));
    REQUIRE(f.engine.finish_step(*id, "ask",
                                 succeeds ? StepResult::completed(json::object{{"score", 7}})
                                          : StepResult::failed("refused", false)));
    const auto s = f.state(*id);
    // The transition read the step's own output.
    CHECK(s.status == (succeeds ? InstanceStatus::completed : InstanceStatus::failed));
    CHECK(s.data.at("steps").as_object().contains(succeeds ? "good" : "rejected"));
    CHECK_FALSE(f.engine.finish_step(*id, "ask", StepResult::completed()));
  }
}

// A host's task list that is down once, then keeps what it is given.
struct TaskList : TaskSink {
  int refusals = 1;
  std::vector<Task> opened;
  tl::expected<void, std::string> open(std::string_view, const Task& task) override {
    if (refusals-- > 0) return tl::make_unexpected(std::string("the ticket system is down"));
    opened.push_back(task);
    return {};
  }
};

TEST_CASE("tasks go to the host's task sink, retried when it refuses", "[engine][retry]") {
  TaskList list;
  Fixture f;
  Engine engine{{.store = &f.store, .clock = &f.clock, .tasks = &list}};
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "t", "version": 1, "kind": "workflow",
    "title": "T", "steps": [
      {"id": "call_back", "type": "create_task", "title": "Call {{input.name}} back",
       "assignee": "sales", "due": "P2D", "outcomes": ["reached", "not_reached"],
       "retry": {"max_attempts": 2, "initial_interval": "PT1M", "jitter": false}, "next": "done"},
      {"id": "done", "type": "end"}]})")));
  auto id = engine.start("t", json::object{{"name", "Erika"}});
  REQUIRE(id);
  CHECK(list.opened.empty());
  CHECK(engine.get(*id)->tasks.empty());  // refused: no task yet, a retry timer instead
  f.clock.advance(1min);
  CHECK(engine.run_due() == 1u);
  REQUIRE(list.opened.size() == 1);
  const Task& task = list.opened[0];
  CHECK(task.title == "Call Erika back");
  CHECK(task.assignee == "sales");
  CHECK(task.due == monday + 1min + 48h);
  const auto state = engine.get(*id);
  REQUIRE(state->tasks.size() == 1);
  CHECK(state->tasks[0].id == task.id);  // the engine keeps the same task
  REQUIRE(engine.complete_task(*id, task.id, "reached", "jonas"));
  CHECK(engine.get(*id)->status == InstanceStatus::completed);
}

TEST_CASE("parallel branches meet at their join in either order", "[engine][parallel]") {
  const std::string text = R"({"id": "p", "version": 1, "kind": "workflow", "title": "P",
    "steps": [
      {"id": "fork", "type": "parallel", "branches": ["a", "b"], "join": "meet"},
      {"id": "a", "type": "fill_checklist", "items": [{"id": "x", "label": "X"}], "next": "meet"},
      {"id": "b", "type": "fill_checklist", "items": [{"id": "y", "label": "Y"}], "next": "meet"},
      {"id": "meet", "type": "join", "next": "done"},
      {"id": "done", "type": "end"}]})";
  for (const bool a_first : {true, false}) {
    Fixture f;
    REQUIRE(f.engine.deploy(test::compile_text(text)));
    auto id = f.engine.start("p", json::object());
    REQUIRE(id);
    CHECK(f.state(*id).tokens.size() == 2);
    f.answer(*id, a_first ? "a" : "b", a_first ? "x" : "y", true);
    CHECK(f.state(*id).status == InstanceStatus::waiting);
    f.answer(*id, a_first ? "b" : "a", a_first ? "y" : "x", true);
    const auto s = f.state(*id);
    CHECK(s.status == InstanceStatus::completed);
    CHECK(s.data.at("steps").at("meet").at("visits") == 1);
  }
}

TEST_CASE("a signature records the hash of the answers it signs", "[engine]") {
  const std::string text = R"({"id": "s", "version": 1, "kind": "checklist", "title": "S",
    "sections": [{"id": "check", "title": "C", "items": [
      {"id": "ok", "label": "Ok"},
      {"id": "note", "label": "Note", "kind": "text", "required": false},
      {"id": "signed", "label": "Signed", "kind": "signature"}]}]})";
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(text)));
  auto id = f.engine.start("s", json::object());
  REQUIRE(id);
  f.answer(*id, "check", "ok", true);
  CHECK(f.state(*id).status == InstanceStatus::waiting);
  CHECK_FALSE(f.engine.answer(*id, "check", "signed", true, "erika"));
  REQUIRE(f.engine.sign(*id, "check", "signed", "erika"));
  const auto s = f.state(*id);
  CHECK(s.status == InstanceStatus::completed);
  const auto& signature = s.data.at("steps").at("check").at("answers").at("signed");
  CHECK(signature.at("signed_by") == "erika");
  // The answers before it, and the history up to it: the hash of the event before the signature.
  const auto history = f.engine.history(*id);
  REQUIRE(history);
  const auto signed_at = std::find_if(history->begin(), history->end(), [](const Event& e) {
    return e.type == EventType::signature_recorded;
  });
  REQUIRE(signed_at != history->end());
  REQUIRE(signed_at != history->begin());
  const auto& chain = std::prev(signed_at)->hash;
  CHECK(chain.size() == 64);
  CHECK(signed_at->data.at("chain").as_string() == chain);
  CHECK(signature.at("hash").as_string() == detail::sha256_hex("{\"ok\":true}\n" + chain));
}

const std::string signed_checklist = R"({"id": "s", "version": 1, "kind": "checklist",
  "title": "S", "sections": [{"id": "check", "title": "C", "items": [
    {"id": "ok", "label": {"de": "Angaben geprüft", "en": "Details checked"}},
    {"id": "note", "label": "Note", "kind": "text", "required": false},
    {"id": "signed", "label": "Signed", "kind": "signature"}]}]})";

TEST_CASE("a required checkbox answered false is refused, naming the item, and nothing recorded",
          "[engine][regression]") {
  // false was recorded, and the instance waited for an item it had an answer to.
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(signed_checklist)));
  auto id = f.engine.start("s", json::object());
  REQUIRE(id);
  const auto before = f.engine.history(*id)->size();
  auto refused = f.engine.submit(*id, "check", {{"note", "fine"}, {"ok", false}}, "erika");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_value);
  CHECK(refused.error().message ==
        "Angaben geprüft: is required and must be ticked (true), not false (item 'ok')");
  CHECK_FALSE(f.engine.answer(*id, "check", "ok", false, "erika"));
  CHECK(f.engine.history(*id)->size() == before);
  CHECK_FALSE(f.state(*id).data.at("steps").as_object().contains("check"));
}

TEST_CASE("a form records its answers and signatures together, or nothing of it",
          "[engine][regression]") {
  // Signing after the answers were recorded left them recorded when the signature was refused.
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(signed_checklist)));
  auto id = f.engine.start("s", json::object());
  REQUIRE(id);
  const auto before = f.engine.history(*id)->size();
  const json::object answers{{"ok", true}, {"note", "n"}};
  const auto refused = [&](Form form, const std::string& why) {
    auto done = f.engine.submit(*id, "check", form, "thomas");
    INFO(why);
    REQUIRE_FALSE(done);
    CHECK(done.error().message == why);
    CHECK(f.engine.history(*id)->size() == before);
  };
  refused({answers, {{"signed", ""}}}, "a signature needs the signer: 'signed' names nobody");
  refused({answers, {{"signd", "erika"}}},
          "step 'check' has no item 'signd'; did you mean 'signed'?");
  refused({answers, {{"ok", "erika"}}}, "'ok' is not a signature; give it a value with answer()");
  refused({answers, {{"signed", "erika"}, {"signed", "jonas"}}},
          "'signed' is signed twice in one form");
  refused({{{"ok", true}, {"signed", "erika"}}, {}},
          "'signed' is a signature: sign it with sign(), not answer()");
  refused({{{"ok", 1}}, {{"signed", "erika"}}},
          "Angaben geprüft: expected true or false, not a number");

  REQUIRE(f.engine.submit(*id, "check", Form{answers, {{"signed", "erika"}}}, "thomas"));
  const auto s = f.state(*id);
  CHECK(s.status == InstanceStatus::completed);
  const auto& recorded = s.data.at("steps").at("check").at("answers");
  CHECK(recorded.at("note") == "n");
  CHECK(recorded.at("signed").at("signed_by") == "erika");
  // The signature signs the answers of its own form, before it in the step, and the history
  // before the form: the hash of the last event stored before it.
  const auto history = *f.engine.history(*id);
  const auto first_answer = std::find_if(history.begin(), history.end(), [](const Event& e) {
    return e.type == EventType::answer_recorded;
  });
  REQUIRE(first_answer != history.begin());
  const std::string& chain = std::prev(first_answer)->hash;
  CHECK(recorded.at("signed").at("hash") ==
        json::value(detail::sha256_hex(R"({"ok":true,"note":"n"})"
                                       "\n" +
                                       chain)));
  std::vector<std::pair<EventType, std::string>> form_events;
  for (const auto& e : history)
    if (e.type == EventType::answer_recorded || e.type == EventType::signature_recorded)
      form_events.emplace_back(e.type, e.actor);
  CHECK(form_events ==
        std::vector<std::pair<EventType, std::string>>{{EventType::answer_recorded, "thomas"},
                                                       {EventType::answer_recorded, "thomas"},
                                                       {EventType::signature_recorded, "erika"}});
}

TEST_CASE("a form whose store fails while recording it leaves nothing of it",
          "[engine][regression]") {
  MemoryStore disk;
  test::DyingStore dying(disk);
  dying.die_at = EventType::signature_recorded;
  ManualClock clock{monday};
  Engine engine{{.store = &dying, .clock = &clock}};
  REQUIRE(engine.deploy(test::compile_text(signed_checklist)));
  auto id = engine.start("s", json::object());
  REQUIRE(id);
  const auto before = engine.history(*id)->size();
  auto failed = engine.submit(*id, "check", Form{{{"ok", true}}, {{"signed", "erika"}}}, "thomas");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::store_error);
  CHECK(engine.history(*id)->size() == before);
  const auto s = engine.get(*id);
  REQUIRE(s);
  CHECK(s->status == InstanceStatus::waiting);
  CHECK_FALSE(s->data.at("steps").as_object().contains("check"));
}

TEST_CASE("a cancelled instance stops and says who cancelled it", "[engine]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  auto id = f.engine.start("invoicing_and_payments", json::parse(invoice_input));
  REQUIRE(id);
  REQUIRE(f.engine.cancel(*id, "jonas", "duplicate"));
  CHECK(f.state(*id).status == InstanceStatus::cancelled);
  CHECK(f.engine.history(*id)->back().actor == "jonas");
  CHECK_FALSE(f.engine.cancel(*id, "jonas"));
  CHECK_FALSE(f.engine.answer(*id, "check_customer_data", "name_checked", true, "erika"));
}

TEST_CASE("assign puts values into vars before the transitions are tried", "[engine]") {
  const std::string text = R"({"id": "count", "version": 1, "kind": "workflow", "title": "C",
    "steps": [
      {"id": "remind", "type": "wait", "duration": "P1D",
       "assign": {"reminders": "coalesce(vars.reminders, 0) + 1",
                  "last": {"cat": ["reminder ", {"var": "vars.reminders"}]}},
       "next": [{"when": "vars.reminders >= 3", "to": "done"}, {"to": "remind"}]},
      {"id": "done", "type": "end"}]})";
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(text)));
  auto id = f.engine.start("count", json::object());
  REQUIRE(id);
  for (int day = 1; day <= 3; ++day) {
    f.clock.advance(std::chrono::days(1));
    CHECK(f.engine.run_due() == 1u);
  }
  const auto s = f.state(*id);
  CHECK(s.status == InstanceStatus::completed);
  CHECK(s.data.at("vars").at("reminders") == 3);
  CHECK(s.data.at("vars").at("last") == "reminder 3");  // later assignments see earlier ones

  const auto errors = test::problems_of(R"({"id": "c", "version": 1, "kind": "workflow",
    "title": "C", "steps": [{"id": "a", "type": "end", "assign": {"2x": "1", "ok": "1 +"}}]})");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].code == ErrorCode::invalid_identifier);
  CHECK(errors[1].code == ErrorCode::invalid_expression);
}

TEST_CASE("instances are listed by workflow, status and who they wait for", "[engine]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  f.deploy("utility_billing.json");
  auto invoicing = f.engine.start("invoicing_and_payments", json::parse(invoice_input));
  auto utility = f.engine.start("utility_billing", json::parse(utility_input));
  REQUIRE(invoicing);
  REQUIRE(utility);
  REQUIRE(f.engine.cancel(*utility, "jonas"));
  CHECK(f.engine.list()->size() == 2);
  const auto waiting = f.engine.list({.status = InstanceStatus::waiting});
  REQUIRE(waiting->size() == 1);
  CHECK(waiting->front().id == *invoicing);
  CHECK(f.engine.list({.workflow = "utility_billing"})->front().status ==
        InstanceStatus::cancelled);
  CHECK(f.engine.list({.waiting_for = "accounts_receivable"})->empty());
  for (const auto* item : {"name_checked", "address_checked", "contact_details_checked",
                           "identification_numbers_checked", "external_sources_matched"})
    f.answer(*invoicing, "check_customer_data", item, true);
  f.answer(*invoicing, "check_customer_data", "data_check_result", "correct");
  f.enter_invoice_lines(*invoicing);
  CHECK(f.engine.list({.waiting_for = "accounts_receivable"})->size() == 1);
}

TEST_CASE("instances are listed by business key and by when they started and changed", "[engine]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  const Time start = f.clock.now();
  auto first =
      f.engine.start("invoicing_and_payments", json::parse(invoice_input), {.business_key = "R-1"});
  f.clock.advance(std::chrono::hours(1));
  auto second =
      f.engine.start("invoicing_and_payments", json::parse(invoice_input), {.business_key = "R-2"});
  REQUIRE(first);
  REQUIRE(second);
  CHECK(f.engine.find("invoicing_and_payments", "R-2").value() == std::optional(*second));
  CHECK(f.engine.find("invoicing_and_payments", "R-3").value() == std::nullopt);
  CHECK(f.engine.find("utility_billing", "R-1").value() == std::nullopt);
  const auto ids = [&](const InstanceFilter& filter) {
    std::vector<std::string> out;
    const auto listed = f.engine.list(filter);
    for (const auto& state : listed.value()) out.push_back(state.id);
    return out;
  };
  using ids_t = std::vector<std::string>;
  CHECK(ids({.business_key = "R-1"}) == ids_t{*first});
  // With the workflow too, found by the store's index; the other fields still filter it.
  CHECK(ids({.workflow = "invoicing_and_payments", .business_key = "R-2"}) == ids_t{*second});
  CHECK(ids({.workflow = "invoicing_and_payments", .business_key = "R-3"}).empty());
  CHECK(ids({.workflow = "utility_billing", .business_key = "R-1"}).empty());
  CHECK(ids({.workflow = "invoicing_and_payments",
             .status = InstanceStatus::completed,
             .business_key = "R-1"})
            .empty());
  const Time later = start + std::chrono::hours(1);
  CHECK(ids({.started_from = later}) == ids_t{*second});  // the bound itself is in
  CHECK(ids({.started_until = later}) == ids_t{*first});  // and out of the range it ends
  CHECK(ids({.updated_from = start, .updated_until = later}) == ids_t{*first});
  f.clock.advance(std::chrono::hours(1));
  REQUIRE(f.engine.cancel(*first, "jonas"));
  CHECK(ids({.updated_from = later + std::chrono::minutes(1)}) == ids_t{*first});
}

TEST_CASE("the deployed workflows are listed, and each found by id and version", "[engine]") {
  Fixture f;
  f.deploy("utility_billing.json");
  f.deploy("invoicing_and_payments.json");
  const auto all = f.engine.workflows();
  REQUIRE(all.size() == 2);
  CHECK(all[0].definition().id == "invoicing_and_payments");  // by id
  CHECK(f.engine.workflow("utility_billing")->definition().version == 3);
  const auto no_version = f.engine.workflow("utility_billing", 4);
  REQUIRE_FALSE(no_version);
  CHECK(no_version.error().code == ErrorCode::not_found);
  CHECK(no_version.error().message ==
        "workflow 'utility_billing' has no version 4; the newest is 3");
  CHECK(f.engine.workflow("nope").error().message == "no workflow 'nope' is deployed");
}

TEST_CASE("the engine may be called from several threads at once", "[engine][threads]") {
  Fixture f;
  f.deploy("invoicing_and_payments.json");
  constexpr int threads = 4;
  constexpr int per_thread = 5;
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto input = json::parse(invoice_input);
        input.at("invoice").as_object()["number"] = "R-" + std::to_string(t * 100 + i);
        auto id = f.engine.start("invoicing_and_payments", std::move(input));
        if (!id) {
          ++failures;
          continue;
        }
        for (const auto* item : {"name_checked", "address_checked", "contact_details_checked",
                                 "identification_numbers_checked", "external_sources_matched"})
          if (!f.engine.answer(*id, "check_customer_data", item, true, "erika")) ++failures;
        if (!f.engine.answer(*id, "check_customer_data", "data_check_result", "correct", "erika"))
          ++failures;
        if (!f.engine.answer(*id, "invoice_lines", "lines", Fixture::one_invoice_line(), "erika"))
          ++failures;
      }
    });
  for (auto& w : workers) w.join();
  CHECK(failures == 0);
  const auto all = f.engine.list();
  REQUIRE(all->size() == threads * per_thread);
  for (const auto& state : *all) {
    CHECK(state.tasks.size() == 1);  // every instance reached its follow-up task
    CHECK(fold(state.id, *f.engine.history(state.id))->last_sequence == state.last_sequence);
  }
  CHECK(f.outbox.mails().size() == threads * per_thread);
}

// An adapter that throws: the exception stops at the engine and fails the step, retryably.
struct Throwing : Adapter {
  int throws;
  explicit Throwing(int n) : throws(n) {}
  StepResult execute(const StepContext&) override {
    if (throws-- > 0) throw std::runtime_error("connection reset");
    return StepResult::completed(json::object{{"ok", true}});
  }
};

TEST_CASE("every failed attempt of an adapter is reported to on_error, in one line",
          "[engine][retry]") {
  const auto registry = with_flaky();
  ManualClock clock(test::monday);
  std::vector<std::pair<std::string, Error>> reported;
  Engine engine({.clock = &clock, .on_error = [&](const std::string& instance, const Error& e) {
                   reported.emplace_back(instance, e);
                 }});
  engine.register_adapter("flaky", std::make_shared<Throwing>(1));
  REQUIRE(engine.deploy(flaky_workflow(registry, "")));
  const auto id = engine.start("flaky", json::object());
  REQUIRE(id);
  REQUIRE(reported.size() == 1);
  CHECK(reported[0].first == *id);
  CHECK(reported[0].second.code == ErrorCode::adapter_failed);
  CHECK(reported[0].second.message ==
        "step 'call' attempt 1 failed: the adapter threw: connection reset");
  CHECK(reported[0].second.message.find('\n') == std::string::npos);
  clock.advance(10s);
  REQUIRE(engine.run_due());
  CHECK(reported.size() == 1);  // the second attempt worked
  CHECK(engine.get(*id)->status == InstanceStatus::completed);
}

TEST_CASE("an adapter that throws fails its step, and the retry policy applies",
          "[engine][retry]") {
  const auto registry = with_flaky();
  Fixture f;
  f.engine.register_adapter("flaky", std::make_shared<Throwing>(1));
  REQUIRE(f.engine.deploy(flaky_workflow(registry, "")));
  auto id = f.engine.start("flaky", json::object());
  REQUIRE(id);
  CHECK(f.state(*id).status == InstanceStatus::waiting);  // on the retry timer
  const auto failed = std::find_if(f.observed.begin(), f.observed.end(),
                                   [](const Event& e) { return e.type == EventType::step_failed; });
  REQUIRE(failed != f.observed.end());
  CHECK(failed->data.at("error") == "the adapter threw: connection reset");
  f.clock.advance(10s);
  CHECK(f.engine.run_due() == 1u);
  CHECK(f.state(*id).status == InstanceStatus::completed);

  // Thrown on every attempt, it fails the instance once the attempts are used up.
  Fixture g;
  g.engine.register_adapter("flaky", std::make_shared<Throwing>(99));
  REQUIRE(g.engine.deploy(flaky_workflow(registry, "")));
  auto doomed = g.engine.start("flaky", json::object());
  REQUIRE(doomed);
  for (int round = 0; round < 2; ++round) {
    g.clock.advance(20s);
    g.engine.run_due();
  }
  CHECK(g.state(*doomed).status == InstanceStatus::failed);
  CHECK_THAT(g.state(*doomed).error, Catch::Contains("the adapter threw: connection reset"));
}

// A host's step type that keeps what its adapter was given.
struct Recording : Adapter {
  std::vector<json::object> seen;
  StepResult execute(const StepContext& context) override {
    seen.push_back(context.parameters);
    return StepResult::completed();
  }
};

StepTypeRegistry with_check_credit() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add(
      {.name = "check_credit",
       .parameters = {
           {.name = "rating", .type = ParameterType::string, .allowed_values = {"a", "b"}},
           {.name = "limit", .type = ParameterType::number, .required = true}}}));
  return registry;
}

Workflow credit_workflow(const StepTypeRegistry& registry, const std::string& limit) {
  return test::compile_text(R"({"id": "credit", "version": 1, "kind": "workflow", "title": "C",
    "steps": [{"id": "check", "type": "check_credit", "rating": "b", "limit": )" +
                                limit + R"(, "next": "done"},
              {"id": "done", "type": "end"}]})",
                            &registry);
}

TEST_CASE("an adapter sees every parameter, a fixed choice among them", "[engine][adapter]") {
  const auto registry = with_check_credit();
  Fixture f;
  auto adapter = std::make_shared<Recording>();
  f.engine.register_adapter("check_credit", adapter);
  REQUIRE(f.engine.deploy(credit_workflow(registry, "1500")));
  auto id = f.engine.start("credit", json::object());
  REQUIRE(id);
  CHECK(f.state(*id).status == InstanceStatus::completed);
  REQUIRE(adapter->seen.size() == 1);
  CHECK(adapter->seen[0].at("rating") == "b");
  CHECK(adapter->seen[0].at("limit") == 1500);
}

TEST_CASE("a computed parameter of the wrong type fails its step, naming it", "[engine][adapter]") {
  const auto registry = with_check_credit();
  for (const auto& [limit, fits] : {std::pair{R"({"=": "input.limit"})", false},
                                    std::pair{R"({"=": "input.amount * 2"})", true}}) {
    Fixture f;
    auto adapter = std::make_shared<Recording>();
    f.engine.register_adapter("check_credit", adapter);
    REQUIRE(f.engine.deploy(credit_workflow(registry, limit)));
    auto id = f.engine.start("credit", json::object{{"limit", "viel"}, {"amount", 700}});
    REQUIRE(id);
    const auto state = f.state(*id);
    INFO(limit);
    if (fits) {
      CHECK(state.status == InstanceStatus::completed);
      REQUIRE(adapter->seen.size() == 1);
      CHECK(adapter->seen[0].at("limit") == 1400);
    } else {
      CHECK(state.status == InstanceStatus::failed);
      CHECK(adapter->seen.empty());  // the adapter never saw the wrong value
      CHECK_THAT(state.error, Catch::Contains("'limit' must be a number, but its computed value "
                                              "is a string"));
    }
  }
}

}  // namespace
}  // namespace ablauf
