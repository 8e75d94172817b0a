// Reminders and escalation of tasks: a create_task step's "remind" and "escalate" fire on the
// engine's clock while its task is open, reach the host's task list, and show in the timeline
// and the key figures.
#include "engine_support.hpp"

#include <ablauf/kpi.hpp>
#include <ablauf/timeline.hpp>

#include <algorithm>

using namespace ablauf;
using namespace std::chrono;
using test::Fixture;
namespace json = boost::json;

namespace {

// A task list that keeps what it is told.
struct TaskList final : TaskSink {
  std::vector<std::string> told;
  bool refuse = false;
  tl::expected<void, std::string> open(std::string_view, const Task& task) override {
    told.push_back("open " + task.id + " for " + task.assignee);
    return {};
  }
  tl::expected<void, std::string> remind(std::string_view, const Task& task,
                                         std::string_view key) override {
    if (refuse) return tl::make_unexpected(std::string("the list is down"));
    told.push_back("remind " + task.assignee + " (" + std::to_string(task.reminders) + ") " +
                   std::string(key.substr(key.find('/') + 1, 2)));
    return {};
  }
  tl::expected<void, std::string> escalate(std::string_view, const Task& task,
                                           std::string_view) override {
    told.push_back("escalate to " + task.assignee + " from " + task.escalated_from);
    return {};
  }
};

const char* follow_up = R"({"id": "dunning", "version": 1, "kind": "workflow",
  "title": "Mahnwesen", "default_language": "de", "time_zone": "Europe/Berlin",
  "steps": [
    {"id": "chase_payment", "type": "create_task", "title": "Zahlungseingang nachverfolgen",
     "assignee": "accounts_receivable", "due": "P5D",
     "remind": ["P1D before due", "P1D after due"],
     "escalate": {"after": "P2D", "to": "team_lead"}, "next": "done"},
    {"id": "done", "type": "end"}]})";

std::vector<std::string> timeline_of(const Engine& engine, const std::string& id) {
  const auto workflow = engine.workflow("dunning");
  const auto history = engine.history(id);
  REQUIRE(workflow);
  REQUIRE(history);
  std::vector<std::string> out;
  for (const auto& entry : read_timeline(workflow->definition(), *history, {.language = "de"}))
    out.push_back(entry.text);
  return out;
}

bool has(const std::vector<std::string>& lines, std::string_view text) {
  return std::find(lines.begin(), lines.end(), text) != lines.end();
}

}  // namespace

TEST_CASE("a task's assignee is reminded before and after its due date, then it escalates",
          "[tasks][timers]") {
  TaskList list;
  Fixture f;
  EngineConfig config = f.config(nullptr, {});
  config.tasks = &list;
  Engine engine(config);
  REQUIRE(engine.deploy(test::compile_text(follow_up)));
  auto id = engine.start("dunning", json::object{});
  REQUIRE(id);
  auto state = engine.get(*id);
  REQUIRE(state->timers.size() == 3u);  // two reminders and the escalation
  f.clock.advance(days(4) - minutes(1));
  REQUIRE(engine.run_due() == 0u);
  CHECK(engine.get(*id)->tasks[0].reminders == 0u);
  f.clock.advance(minutes(1));  // a day before it is due
  REQUIRE(engine.run_due() == 1u);
  CHECK(engine.get(*id)->tasks[0].reminders == 1u);
  f.clock.advance(days(2));  // a day after
  REQUIRE(engine.run_due() == 1u);
  f.clock.advance(days(1));  // two days after: handed on
  REQUIRE(engine.run_due() == 1u);
  const auto task = engine.get(*id)->tasks[0];
  CHECK(task.reminders == 2u);
  CHECK(task.assignee == "team_lead");
  CHECK(task.escalated_from == "accounts_receivable");
  CHECK(list.told == std::vector<std::string>{"open " + task.id + " for accounts_receivable",
                                              "remind accounts_receivable (1) tm",
                                              "remind accounts_receivable (2) tm",
                                              "escalate to team_lead from accounts_receivable"});
  // A snapshot keeps both.
  const auto restored = state_from_json(*id, to_json(*engine.get(*id)));
  REQUIRE(restored);
  CHECK(restored->tasks[0].reminders == 2u);
  CHECK(restored->tasks[0].escalated_from == "accounts_receivable");
  // Now in the team lead's list, and whoever completes it ends the instance.
  auto waiting = engine.list({.waiting_for = "team_lead"});
  REQUIRE(waiting);
  CHECK(waiting->size() == 1u);
  REQUIRE(engine.complete_task(*id, task.id, "", "grit"));
  CHECK(engine.get(*id)->status == InstanceStatus::completed);

  const auto lines = timeline_of(engine, *id);
  CHECK(has(lines,
            "Erinnerung an die Aufgabe: „Zahlungseingang nachverfolgen“ (für "
            "accounts_receivable)"));
  CHECK(has(lines,
            "Aufgabe überfällig, eskaliert: „Zahlungseingang nachverfolgen“ an team_lead "
            "(bisher accounts_receivable)"));
  const auto kpis = compute_kpis(f.store, {});
  REQUIRE(kpis);
  CHECK(kpis->tasks.reminded == 2u);
  CHECK(kpis->tasks.escalated == 1u);
}

TEST_CASE("a task done in time is neither reminded nor escalated", "[tasks][timers]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(follow_up)));
  auto id = f.engine.start("dunning", json::object{});
  REQUIRE(id);
  f.clock.advance(days(1));
  REQUIRE(f.engine.complete_task(*id, f.state(*id).tasks[0].id, "", "erika"));
  CHECK(f.state(*id).timers.empty());  // dropped with the step
  f.clock.advance(days(30));
  REQUIRE(f.engine.run_due() == 0u);
  CHECK(f.state(*id).tasks[0].reminders == 0u);
  CHECK(f.state(*id).tasks[0].escalated_from.empty());
}

TEST_CASE("a task list that refuses a reminder is reported; the reminder stays recorded",
          "[tasks][timers]") {
  TaskList list;
  list.refuse = true;
  Fixture f;
  std::vector<std::string> reported;
  EngineConfig config = f.config(nullptr, {});
  config.tasks = &list;
  config.on_error = [&](const std::string&, const Error& e) { reported.push_back(e.message); };
  Engine engine(config);
  REQUIRE(engine.deploy(test::compile_text(follow_up)));
  auto id = engine.start("dunning", json::object{});
  REQUIRE(id);
  f.clock.advance(days(4));
  REQUIRE(engine.run_due() == 1u);
  CHECK(engine.get(*id)->tasks[0].reminders == 1u);
  REQUIRE(reported.size() == 1u);
  CHECK_THAT(reported[0], Catch::Contains("the task list refused the reminder of task"));
}

TEST_CASE("reminders and escalations are checked when the definition loads", "[tasks]") {
  const auto problems = [](const std::string& fields) {
    auto loaded = load_definition(
        R"({"id": "t", "version": 1, "kind": "workflow", "title": "T", "steps": [
          {"id": "task", "type": "create_task", )" +
            fields + R"(}]})",
        "t.json");
    REQUIRE_FALSE(loaded);
    std::string out;
    for (const auto& d : loaded.error()) out += d.pointer + ": " + d.message + "\n";
    return out;
  };
  CHECK_THAT(problems(R"("remind": ["P1D before due"])"),
             Catch::Contains("/steps/0/remind/0: a reminder before or after the due date needs "
                             "the step's 'due'"));
  CHECK_THAT(problems(R"("due": "P1M", "remind": ["P1M before due"])"),
             Catch::Contains("counts in days and hours"));
  CHECK_THAT(problems(R"("remind": ["tomorrow"])"),
             Catch::Contains("'tomorrow' is not a reminder"));
  CHECK_THAT(problems(R"("escalate": {"after": "P2D"})"),
             Catch::Contains("/steps/0/escalate: an escalation is"));
  CHECK_THAT(problems(R"("escalate": {"after": "P2D", "to": "{{input.boss}}"})"),
             Catch::Contains("not a template"));
  CHECK_THAT(problems(R"("escalate": {"after": "soon", "to": "lead"})"),
             Catch::Contains("'after': "));
}
