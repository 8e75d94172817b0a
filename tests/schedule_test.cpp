// Schedules: a definition's recurring starts, checked at load, started once per occurrence on
// the engine's clock, with catch-up after a downtime, overlap, and engines racing one tick.
#include "engine_support.hpp"

#include <ablauf/schedule.hpp>

#include <boost/json/serialize.hpp>

#include <atomic>
#include <set>
#include <thread>

using namespace ablauf;
using namespace std::chrono;
using test::Fixture;
namespace json = boost::json;

namespace {

Time at(std::string_view text) {
  auto parsed = parse_rfc3339(text);
  REQUIRE(parsed);
  return *parsed;
}

// A workflow with one schedule (its fields given), whose instances wait for "paid".
std::string billing(const std::string& schedule_fields, const std::string& input = {}) {
  return R"({"id": "billing", "version": 1, "kind": "workflow", "title": "Abrechnung",
    "time_zone": "Europe/Berlin",)" +
         input + R"(
    "schedules": [{"id": "monthly", )" +
         schedule_fields + R"(}],
    "steps": [{"id": "wait_for_payment", "type": "wait", "event": "paid", "next": "done"},
              {"id": "done", "type": "end"}]})";
}

std::string problems_of(const std::string& text) {
  auto loaded = load_definition(text, "s.json");
  REQUIRE_FALSE(loaded);
  std::string out;
  for (const auto& d : loaded.error())
    out += d.pointer + " (" + std::to_string(d.location.line) + "): " + d.message + "\n";
  return out;
}

// The business keys of the instances the store holds, in the order they were started.
std::vector<std::string> keys(Engine& engine) {
  auto all = engine.list();
  REQUIRE(all);
  std::vector<std::string> out;
  for (const auto& state : *all) out.push_back(state.business_key);
  return out;
}

}  // namespace

TEST_CASE("a schedule starts one instance per occurrence, with its input rendered for it",
          "[schedule][engine]") {
  Fixture f;
  f.clock.set(at("2026-11-20T10:00:00Z"));
  REQUIRE(f.engine.deploy(test::compile_text(billing(
      R"("rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0",
         "input": {"period": "{{occurrence.year}}-{{occurrence.month}}",
                   "note": "Lauf vom {{occurrence.date | date}}", "cycle": 1})"))));
  // First seen: it starts from now on, and nothing is due yet.
  CHECK(f.engine.run_schedules() == 0u);
  auto listed = f.engine.schedules(2);
  REQUIRE(listed);
  REQUIRE(listed->size() == 1u);
  CHECK((*listed)[0].time_zone == "Europe/Berlin");
  CHECK((*listed)[0].next ==
        std::vector<Time>{at("2026-12-01T05:00:00Z"), at("2027-01-01T05:00:00Z")});
  f.clock.set(at("2026-12-01T04:59:59Z"));
  CHECK(f.engine.run_due() == 0u);
  CHECK(keys(f.engine).empty());
  f.clock.set(at("2026-12-01T05:00:00Z"));
  CHECK(f.engine.run_due() == 0u);  // timers fired: none; the instance started
  REQUIRE(keys(f.engine) == std::vector<std::string>{"monthly@2026-12-01T05:00:00Z"});
  const auto first = f.engine.list()->front();
  CHECK(json::serialize(first.data.as_object().at("input")) ==
        R"({"period":"2026-12","note":"Lauf vom 01.12.2026","cycle":1})");
  CHECK(first.started_by == "schedule:monthly");
  // The same tick again, and a later one in the same month: nothing more.
  CHECK(f.engine.run_schedules() == 0u);
  f.clock.set(at("2026-12-15T00:00:00Z"));
  CHECK(f.engine.run_schedules() == 0u);
  f.clock.set(at("2027-01-01T05:00:30Z"));
  CHECK(f.engine.run_schedules() == 1u);
  CHECK(keys(f.engine) ==
        std::vector<std::string>{"monthly@2026-12-01T05:00:00Z", "monthly@2027-01-01T05:00:00Z"});
  const auto mark = f.store.schedule_mark("billing", "monthly").value();
  REQUIRE(mark);
  CHECK(mark->occurrence == at("2027-01-01T05:00:00Z"));
  CHECK(mark->instance == f.engine.list()->back().id);
}

TEST_CASE("after three days down, a daily schedule catches up as it says: all, one or skip",
          "[schedule][engine]") {
  const auto run = [](const std::string& catch_up) {
    Fixture f;
    f.clock.set(at("2026-12-01T12:00:00Z"));
    REQUIRE(f.engine.deploy(test::compile_text(
        billing(R"("rule": "FREQ=DAILY;BYHOUR=6;BYMINUTE=0", "catch_up": ")" + catch_up + "\""))));
    REQUIRE(f.engine.run_schedules() == 0u);
    // Down from 2 to 4 December; back at 10:00 on the 4th, four hours after its occurrence.
    f.clock.set(at("2026-12-04T09:00:00Z"));
    auto started = f.engine.run_schedules();
    REQUIRE(started);
    auto after_downtime = keys(f.engine);
    // The next morning is on time again, whatever the policy.
    f.clock.set(at("2026-12-05T05:10:00Z"));
    REQUIRE(f.engine.run_schedules() == 1u);
    CHECK(keys(f.engine).back() == "monthly@2026-12-05T05:00:00Z");
    return after_downtime;
  };
  CHECK(run("all") == std::vector<std::string>{"monthly@2026-12-02T05:00:00Z",
                                               "monthly@2026-12-03T05:00:00Z",
                                               "monthly@2026-12-04T05:00:00Z"});
  CHECK(run("one") == std::vector<std::string>{"monthly@2026-12-04T05:00:00Z"});
  CHECK(run("skip").empty());
}

TEST_CASE("within its grace an occurrence is on time; past it, missed", "[schedule][engine]") {
  Fixture f;
  f.clock.set(at("2026-12-01T12:00:00Z"));
  REQUIRE(f.engine.deploy(test::compile_text(billing(
      R"("rule": "FREQ=DAILY;BYHOUR=6;BYMINUTE=0", "catch_up": "skip", "grace": "PT2H")"))));
  REQUIRE(f.engine.run_schedules() == 0u);
  f.clock.set(at("2026-12-02T07:00:00Z"));  // two hours late: still on time
  CHECK(f.engine.run_schedules() == 1u);
  f.clock.set(at("2026-12-03T07:00:00.001Z"));  // a millisecond more: missed, and skipped
  CHECK(f.engine.run_schedules() == 0u);
  CHECK(keys(f.engine) == std::vector<std::string>{"monthly@2026-12-02T05:00:00Z"});
}

TEST_CASE("catching up starts at most max_schedule_starts per call, the rest in the next",
          "[schedule][engine][limits]") {
  EngineLimits limits;
  limits.max_schedule_starts = 2;
  Fixture f(limits);
  f.clock.set(at("2026-12-01T12:00:00Z"));
  REQUIRE(f.engine.deploy(test::compile_text(
      billing(R"("rule": "FREQ=DAILY;BYHOUR=6;BYMINUTE=0", "catch_up": "all")"))));
  REQUIRE(f.engine.run_schedules() == 0u);
  f.clock.set(at("2026-12-06T12:00:00Z"));  // five missed
  CHECK(f.engine.run_schedules() == 2u);
  CHECK(f.engine.run_schedules() == 2u);
  CHECK(f.engine.run_schedules() == 1u);
  CHECK(f.engine.run_schedules() == 0u);
  CHECK(keys(f.engine).size() == 5u);
  EngineConfig none;
  none.limits.max_schedule_starts = 0;
  CHECK_THAT(check_config(none).error().message,
             Catch::Contains("limits.max_schedule_starts must be at least 1"));
}

TEST_CASE("an overlap: skip schedule leaves occurrences out while its last instance runs",
          "[schedule][engine]") {
  Fixture f;
  f.clock.set(at("2026-12-01T12:00:00Z"));
  REQUIRE(
      f.engine.deploy(test::compile_text(billing(R"("cron": "0 6 * * *", "overlap": "skip")"))));
  REQUIRE(f.engine.run_schedules() == 0u);
  f.clock.set(at("2026-12-02T05:00:00Z"));
  REQUIRE(f.engine.run_schedules() == 1u);
  const auto first = f.engine.list()->front().id;
  f.clock.set(at("2026-12-03T05:00:00Z"));
  CHECK(f.engine.run_schedules() == 0u);  // the first still waits for its payment
  REQUIRE(f.engine.signal(first, "paid"));
  f.clock.set(at("2026-12-04T05:00:00Z"));
  CHECK(f.engine.run_schedules() == 1u);
  CHECK(keys(f.engine) ==
        std::vector<std::string>{"monthly@2026-12-02T05:00:00Z", "monthly@2026-12-04T05:00:00Z"});
}

TEST_CASE("an occurrence whose input the workflow refuses is reported and left out, once",
          "[schedule][engine]") {
  Fixture f;
  std::vector<std::string> reported;
  EngineConfig config = f.config(nullptr, {});
  config.on_error = [&](const std::string&, const Error& e) { reported.push_back(e.message); };
  Engine engine(config);
  f.clock.set(at("2026-12-01T12:00:00Z"));
  REQUIRE(engine.deploy(test::compile_text(billing(
      R"("rule": "FREQ=DAILY;BYHOUR=6;BYMINUTE=0", "input": {"customer": "{{occurrence.day}}"})",
      R"("input": {"type": "object", "required": ["customer"],
                   "properties": {"customer": {"type": "string", "format": "email"}}},)"))));
  REQUIRE(engine.run_schedules() == 0u);
  f.clock.set(at("2026-12-02T05:00:00Z"));
  CHECK(engine.run_schedules() == 0u);
  CHECK(engine.run_schedules() == 0u);  // not tried again
  REQUIRE(reported.size() == 1u);
  CHECK_THAT(reported[0], Catch::Contains("the schedule 'monthly' of 'billing' could not start "
                                          "its 2026-12-02T05:00:00Z occurrence, left out"));
  CHECK(f.store.schedule_mark("billing", "monthly").value()->occurrence ==
        at("2026-12-02T05:00:00Z"));
}

TEST_CASE("a host's schedule_starts starts one instance per account, each once",
          "[schedule][engine]") {
  Fixture f;
  std::vector<std::string> reported;
  std::vector<std::string> accounts = {"K-1", "K-2"};
  bool host_away = false;
  std::string seen_input;
  EngineConfig config = f.config(nullptr, {});
  config.on_error = [&](const std::string&, const Error& e) { reported.push_back(e.message); };
  config.schedule_starts = [&](const ScheduleOccurrence& occurrence)
      -> tl::expected<std::vector<ScheduledStart>, Error> {
    if (host_away) return tl::make_unexpected(Error{ErrorCode::store_error, "accounts away"});
    seen_input = json::serialize(occurrence.input);
    CHECK(occurrence.workflow == "billing");
    CHECK(occurrence.schedule.id == "monthly");
    std::vector<ScheduledStart> out;
    for (const auto& account : accounts) {
      auto input = occurrence.input.as_object();
      input["customer"] = account;
      out.push_back({account, std::move(input)});
    }
    return out;
  };
  Engine engine(config);
  f.clock.set(at("2026-11-20T10:00:00Z"));
  REQUIRE(engine.deploy(test::compile_text(billing(
      R"("rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0", "starts": "host",
         "input": {"period": "{{occurrence.year}}-{{occurrence.month}}"})",
      R"("input": {"type": "object", "required": ["customer"],
                   "properties": {"customer": {"type": "string", "pattern": "^K-"}}},)"))));
  REQUIRE(engine.run_schedules() == 0u);

  SECTION("one per account, under the occurrence's key and the account's") {
    f.clock.set(at("2026-12-01T05:00:00Z"));
    CHECK(engine.run_schedules() == 2u);
    CHECK(seen_input == R"({"period":"2026-12"})");
    CHECK(keys(engine) == std::vector<std::string>{"monthly@2026-12-01T05:00:00Z/K-1",
                                                   "monthly@2026-12-01T05:00:00Z/K-2"});
    const auto second = engine.list()->back();
    CHECK(json::serialize(second.data.as_object().at("input")) ==
          R"({"period":"2026-12","customer":"K-2"})");
    CHECK(f.store.schedule_mark("billing", "monthly").value()->instance == second.id);
  }
  SECTION("the host away: nothing starts, the mark stays, the next tick starts them") {
    host_away = true;
    f.clock.set(at("2026-12-01T05:00:00Z"));
    const auto failed = engine.run_schedules();
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message == "accounts away");
    CHECK(keys(engine).empty());
    host_away = false;
    CHECK(engine.run_schedules() == 2u);
    CHECK(keys(engine).size() == 2u);
  }
  SECTION("an account the workflow refuses is reported and left out; the others start") {
    accounts = {"K-1", "X-9", "K-3"};
    f.clock.set(at("2026-12-01T05:00:00Z"));
    CHECK(engine.run_schedules() == 2u);
    CHECK(keys(engine) == std::vector<std::string>{"monthly@2026-12-01T05:00:00Z/K-1",
                                                   "monthly@2026-12-01T05:00:00Z/K-3"});
    REQUIRE(reported.size() == 1u);
    CHECK_THAT(reported[0], Catch::Contains("2026-12-01T05:00:00Z occurrence for 'X-9', left out"));
  }
  SECTION("a tick cut off half-way, repeated, starts only those not started yet") {
    f.clock.set(at("2026-12-01T05:00:00Z"));
    REQUIRE(engine.start("billing", json::object{{"period", "2026-12"}, {"customer", "K-1"}},
                         {.business_key = "monthly@2026-12-01T05:00:00Z/K-1"}));
    CHECK(engine.run_schedules() == 2u);  // K-1 found by its key, not started again
    CHECK(keys(engine).size() == 2u);
  }
}

TEST_CASE("a schedule whose starts are the host's is passed over by an engine told nothing",
          "[schedule][engine]") {
  Fixture f;
  f.clock.set(at("2026-11-20T10:00:00Z"));
  REQUIRE(f.engine.deploy(test::compile_text(
      billing(R"("rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0", "starts": "host")",
              R"("input": {"type": "object", "required": ["customer"]},)"))));
  CHECK(f.engine.run_schedules() == 0u);
  f.clock.set(at("2026-12-01T05:00:00Z"));
  CHECK(f.engine.run_due() == 0u);  // not started with input it cannot have: passed over
  CHECK(keys(f.engine).empty());
  CHECK_FALSE(f.store.schedule_mark("billing", "monthly").value());
  const auto listed = f.engine.schedules(1);
  REQUIRE(listed);
  REQUIRE(listed->size() == 1u);
  CHECK(to_json((*listed)[0]).at("starts") == "host");
  CHECK_THAT(
      problems_of(billing(R"("rule": "FREQ=DAILY", "starts": "sometimes")")),
      Catch::Contains("/schedules/0/starts (3): 'sometimes' is not one of \"one\", \"host\""));
}

TEST_CASE("without tick_schedules, run_due leaves schedules to the host's run_schedules",
          "[schedule][engine]") {
  Fixture f;
  EngineConfig config = f.config(nullptr, {});
  config.tick_schedules = false;
  Engine engine(config);
  f.clock.set(at("2026-11-20T10:00:00Z"));
  REQUIRE(engine.deploy(
      test::compile_text(billing(R"("rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0")"))));
  REQUIRE(engine.run_schedules() == 0u);
  f.clock.set(at("2026-12-01T05:00:00Z"));
  CHECK(engine.run_due() == 0u);
  CHECK(keys(engine).empty());
  CHECK(engine.run_schedules() == 1u);
  CHECK(keys(engine) == std::vector<std::string>{"monthly@2026-12-01T05:00:00Z"});
}

TEST_CASE("engines racing one store over many ticks start each occurrence once",
          "[schedule][engine][threads]") {
  MemoryStore store;
  ManualClock clock(at("2026-12-01T00:00:00Z"));
  const auto workflow =
      test::compile_text(billing(R"("rule": "FREQ=MINUTELY;INTERVAL=5", "catch_up": "all")"));
  std::vector<std::unique_ptr<Engine>> engines;
  for (int i = 0; i < 4; ++i) {
    engines.push_back(std::make_unique<Engine>(EngineConfig{.store = &store, .clock = &clock}));
    REQUIRE(engines.back()->deploy(workflow));
  }
  REQUIRE(engines[0]->run_schedules() == 0u);
  std::atomic<std::size_t> started = 0;
  std::atomic<int> failures = 0;
  for (int tick = 1; tick <= 24; ++tick) {
    clock.set(at("2026-12-01T00:00:00Z") + minutes(5 * tick));
    std::vector<std::jthread> threads;
    for (auto& engine : engines)
      threads.emplace_back([&, e = engine.get()] {
        if (auto n = e->run_schedules())
          started += *n;
        else
          ++failures;
      });
  }
  CHECK(failures == 0);
  const auto all = keys(*engines[0]);
  CHECK(all.size() == 24u);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == 24u);
  CHECK(started <= 24u + 3u * 24u);  // a racer may find the instance started: counted, not made
}

TEST_CASE("schedules are checked when their definition loads, each problem located",
          "[schedule][definition]") {
  const auto problems = problems_of(R"({"id": "b", "version": 1, "title": "B",
    "schedules": [
      {"id": "a", "rule": "FREQ=DAILY;COUNT=2"},
      {"id": "b", "rule": "FREQ=DAILY", "cron": "0 6 * * *"},
      {"id": "c", "cron": "0 25 * * *", "catch_up": "some"},
      {"id": "d", "rule": "FREQ=DAILY", "input": {"x": "{{customer.name}}"}, "overlap": "no"},
      {"id": "d", "rule": "FREQ=DAILY", "start": "morgen", "time_zone": "Mars/Olympus"},
      {"id": "e", "rule": "FREQ=DAILY", "grace": "P1M"},
      {"id": "f"}
    ],
    "steps": [{"id": "done", "type": "end"}]})");
  CHECK_THAT(problems, Catch::Contains("/schedules/0/rule (3): 'FREQ=DAILY;COUNT=2': a schedule's "
                                       "\"end\" says when it stops"));
  CHECK_THAT(problems, Catch::Contains("/schedules/1 (4): a schedule has a \"rule\" or a \"cron\" "
                                       "line, not both"));
  CHECK_THAT(problems, Catch::Contains("/schedules/2/catch_up (5): 'some' is not one of \"skip\", "
                                       "\"one\", \"all\""));
  CHECK_THAT(problems, Catch::Contains("/schedules/2/cron (5): '0 25 * * *': the hour field '25'"));
  CHECK_THAT(problems, Catch::Contains("/schedules/3/input/x (6): a schedule's input knows only "
                                       "'occurrence'"));
  CHECK_THAT(problems, Catch::Contains("/schedules/3/overlap (6): 'no' is not one of"));
  CHECK_THAT(problems, Catch::Contains("/schedules/4/start (7): 'morgen' is not a date"));
  CHECK_THAT(problems, Catch::Contains("/schedules/4/time_zone (7): 'Mars/Olympus' is not a time "
                                       "zone"));
  CHECK_THAT(problems, Catch::Contains("/schedules/5/grace (8): a schedule's grace is days, hours "
                                       "or minutes"));
  CHECK_THAT(problems, Catch::Contains("/schedules/6 (9): a schedule needs a \"rule\""));
  // A valid one loads, with its zone taken from the definition.
  auto loaded = load_definition(billing(R"("rule": "FREQ=DAILY;BYHOUR=6", "start": "2027-01-01",
                                           "end": "2027-01-31", "catch_up": "all")"),
                                "ok.json");
  REQUIRE(loaded);
  REQUIRE(loaded->schedules.size() == 1u);
  const auto& schedule = loaded->schedules[0];
  CHECK(schedule.catch_up == CatchUp::all);
  CHECK(schedule.start == at("2026-12-31T23:00:00Z"));    // midnight in Berlin
  CHECK(schedule.end == at("2027-01-31T22:59:59.999Z"));  // the whole last day
  auto recurrence = schedule.recurrence_in(loaded->time_zone);
  REQUIRE(recurrence);
  CHECK(recurrence->between(at("2000-01-01T00:00:00Z"), Time::max(), 100).size() == 31u);
}
