// Events, the fold that turns them into an instance's state, and the in-memory store.
#include "test_support.hpp"

#include <ablauf/clock.hpp>
#include <ablauf/event.hpp>
#include <ablauf/instance.hpp>
#include <ablauf/store.hpp>

#include <boost/json/parse.hpp>

#include <thread>

namespace ablauf {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::slice;

const Time t0 = *parse_rfc3339("2026-11-23T09:00:00Z");

Event event(std::uint64_t sequence, EventType type, std::string step, std::string_view data,
            Time time = t0) {
  return test::stored_event(sequence, type, step, data, time);
}

// An invoice workflow's first moves: started, a checklist answered, a mail sent, a task made.
std::vector<Event> invoice_history() {
  std::vector<Event> h;
  h.push_back(event(1, EventType::instance_started, "",
                    R"({"workflow": "invoicing", "version": 2, "business_key": "R-17",
                        "start": "check", "input": {"total": 1190}})"));
  h.push_back(event(2, EventType::step_started, "check", R"({"token": 1})"));
  h.back().attempt = 1;
  h.push_back(event(3, EventType::step_waiting, "check", R"({"token": 1, "for": "checklist"})"));
  h.push_back(event(4, EventType::answer_recorded, "check",
                    R"({"item": "amount_ok", "value": true})", t0 + 5min));
  h.back().actor = "erika";
  h.push_back(
      event(5, EventType::step_completed, "check", R"({"token": 1, "next": ["mail"]})", t0 + 5min));
  h.push_back(event(6, EventType::step_started, "mail", R"({"token": 1})", t0 + 5min));
  h.push_back(event(7, EventType::step_completed, "mail",
                    R"({"token": 1, "output": {"message_id": "m-1"}, "next": ["follow_up"]})",
                    t0 + 5min));
  h.push_back(event(8, EventType::task_created, "follow_up",
                    R"({"task": "t-1", "title": "Zahlung prüfen", "assignee": "ar",
                        "due": "2026-11-24T09:05:00Z"})",
                    t0 + 5min));
  h.push_back(
      event(9, EventType::step_waiting, "follow_up", R"({"token": 1, "for": "task"})", t0 + 5min));
  h.push_back(event(10, EventType::timer_set, "follow_up",
                    R"({"timer": "tm-1", "token": 1, "due": "2026-11-24T09:05:00Z",
                        "purpose": "timeout"})",
                    t0 + 5min));
  return h;
}

TEST_CASE("an event reads back from its stored form", "[event]") {
  auto original = invoice_history()[3];
  original.attempt = 2;
  const auto stored = to_json(original);
  CHECK(stored.at("type") == "answer_recorded");
  CHECK(stored.at("time") == "2026-11-23T09:05:00Z");
  auto read = event_from_json(stored);
  REQUIRE(read);
  CHECK(*read == original);

  // A token's move: token and next sit beside the data, and read back as the event's own.
  Event moved = event(7, EventType::step_completed, "send_invoice", R"({"output": {"id": 4}})");
  moved.token = 2;
  moved.next = std::vector<std::string>{"wait_for_payment", "remind"};
  const auto moved_stored = to_json(moved);
  CHECK(moved_stored.at("token") == 2);
  CHECK(moved_stored.at("next") == json::array{"wait_for_payment", "remind"});
  CHECK_FALSE(moved_stored.at("data").as_object().contains("token"));
  CHECK(*event_from_json(moved_stored) == moved);

  // The earlier form kept them inside "data"; it reads the same.
  auto earlier = moved_stored.as_object();
  auto& data = earlier["data"].as_object();
  data["token"] = earlier["token"];
  data["next"] = earlier["next"];
  earlier.erase("token");
  earlier.erase("next");
  CHECK(*event_from_json(earlier) == moved);
}

TEST_CASE("a due time is read once, typed, and stored inside the data as it always was",
          "[event]") {
  const auto timer = invoice_history()[9];
  REQUIRE(timer.type == EventType::timer_set);
  CHECK(timer.due == parse_rfc3339("2026-11-24T09:05:00Z").value());
  CHECK_FALSE(timer.data.contains("due"));  // one place for it, not two

  const auto stored = to_json(timer);
  CHECK(stored.at("data").at("due") == "2026-11-24T09:05:00Z");
  CHECK_FALSE(stored.as_object().contains("due"));
  CHECK(*event_from_json(stored) == timer);

  // The same time written another way: the same due time, and the stored form kept as it was,
  // so that the hash over it still holds.
  auto offset = stored.as_object();
  offset["data"].as_object()["due"] = "2026-11-24T10:05:00+01:00";
  const auto read = event_from_json(offset);
  REQUIRE(read);
  CHECK(read->due == timer.due);
  CHECK(to_json(*read) == json::value(offset));

  // A task without a due date has none.
  auto undated = invoice_history()[7];
  undated.due.reset();
  CHECK_FALSE(to_json(undated).at("data").as_object().contains("due"));
  CHECK_FALSE(event_from_json(to_json(undated))->due);
}

TEST_CASE("a malformed stored event names the field", "[event]") {
  const auto check = [](std::string_view text, std::string_view pointer) {
    auto read = event_from_json(json::parse(text));
    REQUIRE_FALSE(read);
    CHECK(read.error().code == ErrorCode::invalid_event);
    CHECK(kind_of(read.error().code) == ErrorKind::runtime);
    CHECK(read.error().pointer == pointer);
  };
  check(R"({"seq": 1, "type": "step_exploded", "time": "2026-11-23T09:00:00Z", "actor": "x",
            "data": {}})",
        "/type");
  check(R"({"seq": -1, "type": "timer_set", "time": "2026-11-23T09:00:00Z", "actor": "x",
            "data": {}})",
        "/seq");
  check(R"({"seq": 1, "type": "timer_set", "time": "yesterday", "actor": "x", "data": {}})",
        "/time");
  check(R"({"seq": 1, "type": "timer_set", "time": "2026-11-23T09:00:00Z", "actor": "x",
            "attempt": 1.5, "data": {}})",
        "/attempt");
  check(R"({"seq": 1, "type": "timer_set", "time": "2026-11-23T09:00:00Z", "actor": "x"})",
        "/data");
  check(R"({"seq": 1, "type": "step_completed", "time": "2026-11-23T09:00:00Z", "actor": "x",
            "token": 0, "next": [], "data": {}})",
        "/token");
  check(R"({"seq": 1, "type": "step_completed", "time": "2026-11-23T09:00:00Z", "actor": "x",
            "token": 1, "next": [3], "data": {}})",
        "/next");
  check(R"({"seq": 1, "type": "step_completed", "time": "2026-11-23T09:00:00Z", "actor": "x",
            "data": {"token": 1, "next": "a"}})",
        "/data/next");
  check(R"({"seq": 1, "type": "timer_set", "time": "2026-11-23T09:00:00Z", "actor": "x",
            "data": {"timer": "t", "due": "next week", "purpose": "wait"}})",
        "/data/due");
  check(R"({"seq": 1, "type": "task_created", "time": "2026-11-23T09:00:00Z", "actor": "x",
            "data": {"task": "t", "due": 3}})",
        "/data/due");
  for (std::size_t i = 0; i <= static_cast<std::size_t>(EventType::instance_cancelled); ++i) {
    const auto type = static_cast<EventType>(i);
    CHECK(event_type_from_string(to_string(type)) == type);
  }
}

TEST_CASE("an instance's state is the fold of its events", "[event][instance]") {
  const auto history = invoice_history();
  auto state = fold("i-1", history);
  REQUIRE(state);
  CHECK(state->workflow_id == "invoicing");
  CHECK(state->version == 2);
  CHECK(state->business_key == "R-17");
  CHECK(state->status == InstanceStatus::waiting);
  CHECK(state->last_sequence == 10);
  CHECK(state->started_at == t0);
  CHECK(state->updated_at == t0 + 5min);
  REQUIRE(state->tokens.size() == 1);
  CHECK(state->tokens[0].step == "follow_up");
  CHECK(state->tokens[0].waiting_for == WaitingFor::task);
  CHECK(state->data.at("input").at("total") == 1190);
  CHECK(state->data.at("steps").at("check").at("answers").at("amount_ok") == true);
  CHECK(state->data.at("steps").at("check").at("visits") == 1);
  CHECK(state->data.at("steps").at("mail").at("output").at("message_id") == "m-1");
  REQUIRE(state->tasks.size() == 1);
  CHECK(state->tasks[0].assignee == "ar");
  CHECK(state->tasks[0].due == *parse_rfc3339("2026-11-24T09:05:00Z"));
  REQUIRE(state->timers.size() == 1);
  CHECK(state->timers[0].purpose == TimerPurpose::timeout);
}

TEST_CASE("completing a task records its outcome and ends the instance's wait",
          "[event][instance]") {
  auto history = invoice_history();
  auto done = event(11, EventType::task_completed, "follow_up",
                    R"({"task": "t-1", "outcome": "paid"})", t0 + 1h);
  done.actor = "erika";
  history.push_back(done);
  history.push_back(
      event(12, EventType::step_completed, "follow_up", R"({"token": 1, "next": []})", t0 + 1h));
  history.push_back(event(13, EventType::instance_completed, "", "{}", t0 + 1h));
  auto state = fold("i-1", history);
  REQUIRE(state);
  CHECK(state->status == InstanceStatus::completed);
  CHECK(state->finished());
  CHECK(state->tasks[0].completed);
  CHECK(state->tasks[0].completed_by == "erika");
  CHECK(state->data.at("steps").at("follow_up").at("outcome") == "paid");
  CHECK(state->tokens.empty());
  CHECK(state->timers.empty());  // the timeout went with the token
}

TEST_CASE("parallel next steps start tokens of their own", "[event][instance]") {
  std::vector<Event> h;
  h.push_back(event(1, EventType::instance_started, "", R"({"workflow": "w", "start": "fork"})"));
  h.push_back(
      event(2, EventType::step_completed, "fork", R"({"token": 1, "next": ["a", "b", "c"]})"));
  auto state = fold("i", h);
  REQUIRE(state);
  REQUIRE(state->tokens.size() == 3);
  CHECK(state->tokens[0].step == "a");
  CHECK(state->tokens[1].step == "b");
  CHECK(state->tokens[2].id == 3);
  CHECK(state->status == InstanceStatus::running);
}

TEST_CASE("an event out of place is refused and changes nothing", "[event][instance]") {
  auto state = fold("i-1", invoice_history());
  REQUIRE(state);
  const auto before = state->data;
  const auto refuse = [&](Event e, std::string_view why) {
    auto ok = state->apply(e);
    REQUIRE_FALSE(ok);
    CHECK(ok.error().code == ErrorCode::invalid_event);
    CHECK_THAT(ok.error().message, Catch::Contains(std::string(why)));
    CHECK(state->last_sequence == 10);
    CHECK(state->data == before);
  };
  refuse(event(12, EventType::timer_fired, "", R"({"timer": "tm-1"})"), "expected event 11");
  refuse(event(11, EventType::step_completed, "x", R"({"token": 9})"), "no token 9");
  refuse(event(11, EventType::step_completed, "x", R"({"next": ["a"]})"), "'token' is missing");
  refuse(event(11, EventType::task_completed, "x", R"({"task": "t-9"})"), "no task 't-9'");
  refuse(event(11, EventType::instance_started, "", R"({"workflow": "w"})"), "already started");
  refuse(event(11, EventType::vars_assigned, "", R"({"vars": 3})"), "'vars' must be an object");
  // Found by fuzz_stored: a damaged store's version threw instead of being refused.
  for (const char* version : {"-1", "1.5", "\"2\"", "4294967296"}) {
    InstanceState fresh;
    auto ok = fresh.apply(
        event(1, EventType::instance_started, "",
              std::string(R"({"workflow": "w", "start": "a", "version": )") + version + "}"));
    REQUIRE_FALSE(ok);
    CHECK_THAT(ok.error().message, Catch::Contains("'version' must be a whole number"));
    CHECK(fresh.last_sequence == 0);
    CHECK(fresh.workflow_id.empty());
  }

  CHECK_FALSE(fold("i", std::span<const Event>{}));
  CHECK_FALSE(fold("i", std::vector{event(1, EventType::timer_fired, "", "{}")}));
}

// The summary a store keeps after `events`, as the engine writes it.
InstanceSummary summary_after(std::span<const Event> events) {
  auto state = fold("i", events);
  REQUIRE(state);
  return summarize(*state);
}

TEST_CASE("a state survives its trip through a snapshot", "[event][snapshot]") {
  const auto history = invoice_history();
  auto state = fold("i-1", history);
  REQUIRE(state);
  const auto json = to_json(*state);
  auto restored = state_from_json("i-1", json);
  REQUIRE(restored);
  CHECK(to_json(*restored) == json);
  CHECK(restored->id == "i-1");
  CHECK(restored->tasks.size() == state->tasks.size());
  CHECK(restored->tokens.at(0).started == state->tokens.at(0).started);

  // A snapshot that does not fit names the field.
  auto broken = json;
  broken.at("tokens").as_array().at(0).as_object()["state"] = "flying";
  auto refused = state_from_json("i-1", broken);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_event);
  CHECK(refused.error().pointer == "/tokens/0/state");
  broken = json;
  broken.as_object().erase("data");
  CHECK(state_from_json("i-1", broken).error().pointer == "/data");
  CHECK_FALSE(state_from_json("i-1", json::value("not a state")));
}

TEST_CASE("the memory store appends under an expected sequence number", "[store]") {
  MemoryStore store;
  const auto history = invoice_history();
  const auto first = std::span(history).first(3);
  REQUIRE(store.append("i-1", 0, {slice(first), summary_after(first)}));
  auto conflict =
      store.append("i-1", 0, {slice(std::span(history).subspan(3)), summary_after(history)});
  REQUIRE_FALSE(conflict);
  CHECK(conflict.error().code == ErrorCode::sequence_conflict);
  REQUIRE(store.append("i-1", 3, {slice(std::span(history).subspan(3)), summary_after(history)}));

  auto all = store.load("i-1");
  REQUIRE(all);
  REQUIRE(all->size() == history.size());
  CHECK((*all)[9].sequence == 10);
  auto tail = store.load("i-1", 8);
  REQUIRE(tail);
  REQUIRE(tail->size() == 2);
  CHECK((*tail)[0].type == EventType::step_waiting);
  CHECK(store.load("i-1", 10)->empty());

  auto missing = store.load("nope");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK(*store.instance_ids() == std::vector<std::string>{"i-1"});
  CHECK(*store.find_by_key("invoicing", "R-17") == "i-1");
  CHECK_FALSE(*store.find_by_key("invoicing", "R-18"));
  CHECK(fold("i-1", *all)->status == InstanceStatus::waiting);
}

TEST_CASE("the memory store refuses a second instance with a business key", "[store]") {
  MemoryStore store;
  const auto history = invoice_history();
  const auto first = std::span(history).first(1);
  REQUIRE(store.append("i-1", 0, {slice(first), summary_after(first)}));
  auto again = store.append("i-2", 0, {slice(first), summary_after(first)});
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::duplicate_key);
  CHECK(again.error().message.find("'R-17'") != std::string::npos);
  CHECK(*store.instance_ids() == std::vector<std::string>{"i-1"});
}

TEST_CASE("the memory store finds instances with due timers", "[store]") {
  MemoryStore store;
  const auto summary = [](std::optional<Time> due) {
    return InstanceSummary{"w", 1, "", InstanceStatus::waiting, due};
  };
  const auto started =
      std::vector{event(1, EventType::instance_started, "", R"({"workflow": "w", "start": "a"})")};
  REQUIRE(store.append("late", 0, {started, summary(t0 + 2h)}));
  REQUIRE(store.append("early", 0, {started, summary(t0 + 1h)}));
  REQUIRE(store.append("none", 0, {started, summary(std::nullopt)}));
  CHECK(store.due(t0)->empty());
  CHECK(*store.due(t0 + 1h) == std::vector<std::string>{"early"});
  CHECK(*store.due(t0 + 3h) == std::vector<std::string>{"early", "late"});

  // The summary written last counts: the early timer fired, the next is tomorrow.
  REQUIRE(store.append(
      "early", 1, {std::vector{event(2, EventType::timer_fired, "", "{}")}, summary(t0 + 24h)}));
  CHECK(*store.due(t0 + 3h) == std::vector<std::string>{"late"});
}

TEST_CASE("concurrent writers cannot both extend one history", "[store]") {
  MemoryStore store;
  REQUIRE(store.append(
      "i", 0,
      {std::vector{event(1, EventType::instance_started, "", R"({"workflow": "w", "start": "a"})")},
       {}}));
  std::atomic<int> won{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i)
    writers.emplace_back([&] {
      if (store.append("i", 1, {std::vector{event(2, EventType::timer_fired, "", "{}")}, {}}))
        ++won;
    });
  for (auto& w : writers) w.join();
  CHECK(won == 1);
  CHECK(store.load("i")->size() == 2);
}

TEST_CASE("a manual clock moves only when told", "[clock]") {
  ManualClock clock(t0);
  CHECK(clock.now() == t0);
  clock.advance(std::chrono::days(60));
  CHECK(to_rfc3339(clock.now()) == "2027-01-22T09:00:00Z");
  clock.set(t0 + 250ms);
  CHECK(to_rfc3339(clock.now()) == "2026-11-23T09:00:00.250Z");
  const SystemClock system;
  CHECK(system.now() > t0 - std::chrono::days(365 * 10));
  CHECK(parse_rfc3339("2026-11-23T10:00:00+01:00") == t0);
  CHECK(parse_rfc3339("2026-11-23") == t0 - 9h);
  CHECK_FALSE(parse_rfc3339("23.11.2026"));
}

}  // namespace
}  // namespace ablauf
