// Corrective actions: the tasks failing and flagged checklist answers raise, their status flow
// (open → in progress → done → verified) and what they hold back.
#include "engine_support.hpp"

#include <ablauf/kpi.hpp>
#include <ablauf/printable.hpp>
#include <ablauf/timeline.hpp>

namespace ablauf {
namespace {

using test::Fixture;
using test::monday;
namespace json = boost::json;
using namespace std::chrono_literals;

struct Walk : Fixture {
  Walk() {
    REQUIRE(engine.deploy(test::compile_file(test::data_dir() / "good" / "safety_walk.json")));
  }
  std::string start() {
    auto id = engine.start("safety_walk", json::object());
    REQUIRE(id);
    return *id;
  }
  std::vector<Task> actions(const std::string& id) {
    std::vector<Task> out;
    for (const auto& task : state(id).tasks)
      if (task.is_action()) out.push_back(task);
    return out;
  }
};

TEST_CASE("an answer that passes raises nothing, and the form ends as before",
          "[engine][actions]") {
  Walk f;
  const auto id = f.start();
  REQUIRE(f.engine.submit(id, "walk", {{"exit_clear", "yes"}, {"extinguisher", "ok"}}, "erika"));
  REQUIRE(f.engine.sign(id, "walk", "signed_off", "erika"));
  CHECK(f.actions(id).empty());
  CHECK(f.state(id).status == InstanceStatus::completed);
}

TEST_CASE("a failing answer raises its action once, which holds the sign-off back until verified",
          "[engine][actions]") {
  Walk f;
  const auto id = f.start();
  REQUIRE(f.engine.submit(id, "walk", {{"exit_clear", "no"}, {"extinguisher", "ok"}}, "erika"));
  auto actions = f.actions(id);
  REQUIRE(actions.size() == 1);
  const Task action = actions[0];
  CHECK(action.step == "walk");
  CHECK(action.item == "exit_clear");
  CHECK(action.raised_by == "fail");
  CHECK(action.answer == json::value("no"));
  CHECK(action.title == "Fluchtweg freiräumen");  // the engine's language
  CHECK(action.assignee == "facility");
  CHECK(action.priority == Priority::urgent);
  CHECK(action.verify_by == "safety_officer");
  CHECK(action.due == monday + 24h);
  CHECK_FALSE(action.sign_while_open);

  // Answered again, failing still: the same visit raises no second action.
  REQUIRE(f.engine.answer(id, "walk", "exit_clear", "no", "erika"));
  CHECK(f.actions(id).size() == 1);

  // The sign-off waits for the action, and says which.
  auto refused = f.engine.sign(id, "walk", "signed_off", "erika");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message ==
        "step 'walk' cannot be signed while the corrective action 'Fluchtweg freiräumen' (task '" +
            action.id + "', raised by item 'exit_clear') is open: it must be done first");
  CHECK(f.state(id).status == InstanceStatus::waiting);

  // open → in progress → done.
  REQUIRE(f.engine.claim_task(id, action.id, "hans"));
  CHECK(f.actions(id)[0].claimed_by == "hans");
  CHECK(f.engine.verify_task(id, action.id, "sabine").error().message ==
        "task '" + action.id + "' is not done yet: it is verified once done");
  REQUIRE(f.engine.complete_task(id, action.id, "", "hans"));
  CHECK(f.actions(id)[0].completed);
  CHECK_FALSE(f.actions(id)[0].closed());
  // Done is not yet closed: the sign-off still waits, now for the verification.
  CHECK(f.engine.sign(id, "walk", "signed_off", "erika")
            .error()
            .message.ends_with("is open: it must be verified first"));
  // The steps' data does not take the action's outcome for the checklist's.
  CHECK_FALSE(f.state(id).data.at("steps").at("walk").as_object().contains("outcome"));

  // → verified, by a second person.
  CHECK(f.engine.verify_task(id, action.id, "hans").error().message ==
        "task '" + action.id +
            "' was done by hans, who cannot also verify it: a second person (safety_officer) does");
  REQUIRE(f.engine.verify_task(id, action.id, "sabine"));
  CHECK(f.actions(id)[0].verified_by == "sabine");
  CHECK(f.actions(id)[0].closed());
  CHECK(f.engine.verify_task(id, action.id, "sabine").error().message ==
        "task '" + action.id + "' is verified already, by sabine");

  REQUIRE(f.engine.sign(id, "walk", "signed_off", "erika"));
  CHECK(f.state(id).status == InstanceStatus::completed);

  // The state as stored and read back keeps the action whole.
  const auto restored = state_from_json(id, to_json(f.state(id)));
  REQUIRE(restored);
  const auto& kept = restored->tasks.at(0);
  CHECK(kept.item == "exit_clear");
  CHECK(kept.raised_by == "fail");
  CHECK(kept.answer == json::value("no"));
  CHECK(kept.priority == Priority::urgent);
  CHECK(kept.verify_by == "safety_officer");
  CHECK(kept.verified_by == "sabine");
  CHECK_FALSE(kept.sign_while_open);

  // The timeline tells the action's story, in German.
  const auto workflow = f.engine.workflow("safety_walk").value();
  std::vector<std::string> said;
  for (const auto& entry : read_timeline(workflow.definition(), *f.engine.history(id)))
    if (entry.text.starts_with("Korrekturmaßnahme") || entry.text.starts_with("Aufgabe"))
      said.push_back(entry.actor + ": " + entry.text);
  CHECK(said == std::vector<std::string>{
                    "system: Korrekturmaßnahme angelegt: „Fluchtweg freiräumen“ für facility, "
                    "fällig 24.11.2026, 09:00, Priorität dringend („Fluchtweg frei“: nicht "
                    "erfüllt)",
                    "hans: Aufgabe übernommen: „Fluchtweg freiräumen“",
                    "hans: Aufgabe erledigt: „Fluchtweg freiräumen“",
                    "sabine: Korrekturmaßnahme bestätigt: „Fluchtweg freiräumen“"});
}

TEST_CASE("a flagged answer's action is due after an answered date, and the end waits for it",
          "[engine][actions]") {
  Walk f;
  const auto id = f.start();
  REQUIRE(f.engine.submit(
      id, "walk",
      {{"next_visit", "2026-12-01"}, {"exit_clear", "yes"}, {"extinguisher", "expired"}}, "erika"));
  auto actions = f.actions(id);
  REQUIRE(actions.size() == 1);
  CHECK(actions[0].raised_by == "flag");
  CHECK(actions[0].priority == Priority::high);
  CHECK(actions[0].due == *parse_rfc3339("2026-12-02T00:00:00Z"));
  CHECK(actions[0].sign_while_open);
  // It does not hold the sign-off back; but the instance, at its end, waits for it.
  REQUIRE(f.engine.sign(id, "walk", "signed_off", "erika"));
  auto waiting = f.state(id);
  CHECK(waiting.status == InstanceStatus::waiting);
  CHECK(waiting.tokens.empty());
  // Without a verifier, done closes it, and the instance completes.
  CHECK(f.engine.verify_task(id, actions[0].id, "sabine").error().message ==
        "task '" + actions[0].id + "' is not verified: it closes when it is done");
  REQUIRE(f.engine.complete_task(id, actions[0].id, "", "hans"));
  CHECK(f.state(id).status == InstanceStatus::completed);
}

TEST_CASE("an action without an answered date has no due date; n/a and unanswered raise nothing",
          "[engine][actions]") {
  Walk f;
  const auto id = f.start();
  REQUIRE(f.engine.submit(id, "walk", {{"extinguisher", "expired"}}, "erika"));
  auto actions = f.actions(id);
  REQUIRE(actions.size() == 1);
  CHECK_FALSE(actions[0].due.has_value());
}

TEST_CASE("a task list that refuses an action refuses the answer, which loses nothing",
          "[engine][actions]") {
  struct RefusingTasks : TaskSink {
    int calls = 0;
    std::string seen;
    tl::expected<void, std::string> open(std::string_view, const Task& task) override {
      seen = task.id;
      if (++calls == 1) return tl::make_unexpected(std::string("the tracker is down"));
      return {};
    }
  } tasks;
  ManualClock clock{monday};
  MemoryStore store;
  Engine engine({.store = &store, .clock = &clock, .tasks = &tasks, .language = "de"});
  REQUIRE(engine.deploy(test::compile_file(test::data_dir() / "good" / "safety_walk.json")));
  const auto id = engine.start("safety_walk", json::object()).value();
  auto refused = engine.answer(id, "walk", "exit_clear", "no", "erika");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::io_error);
  CHECK(refused.error().message ==
        "the task list refused the corrective action for 'exit_clear': the tracker is down");
  const auto first_id = tasks.seen;
  // Nothing was recorded: no answer, no task.
  auto before = engine.get(id).value();
  CHECK(before.tasks.empty());
  const auto* walk = before.data.at("steps").as_object().if_contains("walk");
  CHECK_FALSE((walk && walk->as_object().contains("answers")));
  // Given again, the answer raises the same task id, which the task list keeps once.
  REQUIRE(engine.answer(id, "walk", "exit_clear", "no", "erika"));
  CHECK(tasks.seen == first_id);
  CHECK(engine.get(id).value().tasks.size() == 1);
}

TEST_CASE("key figures count actions raised, open, overdue, awaiting verification and verified",
          "[engine][actions][kpi]") {
  Walk f;
  // One failed exit, done and verified; one failed exit done, not yet verified; one flagged
  // extinguisher, open past its due date.
  for (int i = 0; i < 2; ++i) {
    const auto id = f.start();
    REQUIRE(f.engine.submit(id, "walk", {{"exit_clear", "no"}, {"extinguisher", "ok"}}, "erika"));
    const auto task = f.actions(id).at(0).id;
    REQUIRE(f.engine.complete_task(id, task, "", "hans"));
    if (i == 0) REQUIRE(f.engine.verify_task(id, task, "sabine"));
  }
  const auto late = f.start();
  REQUIRE(f.engine.submit(
      late, "walk",
      {{"next_visit", "2026-11-23"}, {"exit_clear", "yes"}, {"extinguisher", "expired"}}, "erika"));
  f.clock.advance(48h);
  const auto kpis = compute_kpis(f.store, {.at = f.clock.now()});
  REQUIRE(kpis);
  const auto& a = kpis->actions;
  CHECK(a.raised == 3);
  CHECK(a.open == 2);
  CHECK(a.awaiting_verification == 1);
  CHECK(a.overdue == 2);  // due a day after it was raised, and on the 24th
  CHECK(a.verified == 1);
  CHECK(a.closed == 1);
  CHECK(a.by_item == std::map<std::string, std::size_t>{{"safety_walk/walk/exit_clear", 2},
                                                        {"safety_walk/walk/extinguisher", 1}});
  CHECK(kpis->tasks.created == 3);  // actions are tasks too
  const auto json = to_json(*kpis);
  CHECK(json.at("actions").at("awaiting_verification") == 1);
  CHECK(json.at("actions").at("by_item").at("safety_walk/walk/extinguisher") == 1);
}

const char* const cold_store = R"({"id": "cold_store", "version": 1, "kind": "workflow",
  "title": "Kühlraum", "default_language": "de",
  "steps": [
    {"id": "check", "type": "fill_checklist", "title": "Kühlraum prüfen",
     "items": [
       {"id": "temperature", "kind": "number", "unit": "°C", "label": "Temperatur"},
       {"id": "door_sealed", "kind": "checkbox", "label": "Tür dicht", "required": false},
       {"id": "signed", "kind": "signature", "label": "Geprüft von"}],
     "actions": [
       {"id": "cold_chain",
        "when": "steps.check.answers.temperature > 7 && steps.check.answers.door_sealed != true",
        "title": "Kühlkette prüfen und Ware sperren", "assignee": "quality", "due": "PT4H",
        "priority": "urgent", "sign_while_open": false}],
     "next": "done"},
    {"id": "done", "type": "end"}]})";

TEST_CASE("a rule over the answers raises its action once its condition holds, once per visit",
          "[engine][actions]") {
  Fixture f;
  const auto workflow = test::compile_text(cold_store);
  REQUIRE(f.engine.deploy(workflow));
  auto id = f.engine.start("cold_store", json::object());
  REQUIRE(id);
  REQUIRE(f.engine.answer(*id, "check", "temperature", 4, "erika"));
  CHECK(f.state(*id).tasks.empty());  // the rule does not hold
  REQUIRE(f.engine.answer(*id, "check", "temperature", 9, "erika"));
  auto tasks = f.state(*id).tasks;
  REQUIRE(tasks.size() == 1);
  const Task action = tasks[0];
  CHECK(action.item == "cold_chain");
  CHECK(action.raised_by == "rule");
  CHECK(action.answer.is_null());
  CHECK(action.priority == Priority::urgent);
  CHECK(action.due == monday + std::chrono::hours(4));
  REQUIRE(f.engine.answer(*id, "check", "temperature", 10, "erika"));
  CHECK(f.state(*id).tasks.size() == 1);  // holding still: no second action this visit
  CHECK_FALSE(f.engine.sign(*id, "check", "signed", "erika"));  // it holds the sign-off back
  REQUIRE(f.engine.complete_task(*id, action.id, "", "qs"));
  REQUIRE(f.engine.sign(*id, "check", "signed", "erika"));
  CHECK(f.state(*id).status == InstanceStatus::completed);

  const auto history = f.engine.history(*id);
  REQUIRE(history);
  bool said = false;
  for (const auto& entry : read_timeline(workflow.definition(), *history))
    said = said || entry.text.ends_with("Priorität dringend („cold_chain“: Regel trifft zu)");
  CHECK(said);
  CHECK_THAT(to_markdown_form(workflow.definition(),
                              {.language = "de", .instance = *id, .history = *history}),
             Catch::Contains("- ⚠ Korrekturmaßnahme „Kühlkette prüfen und Ware sperren“: quality, "
                             "fällig 23.11.2026, Priorität dringend — erledigt (qs)\n"));
}

TEST_CASE("rules are read with every problem located", "[definition][actions]") {
  std::string text = cold_store;
  const auto replace = [&](std::string what, std::string with) {
    const auto at = text.find(what);
    REQUIRE(at != std::string::npos);
    text.replace(at, what.size(), with);
  };
  replace(R"("id": "cold_chain")", R"("id": "temperature")");
  replace("steps.check.answers.temperature > 7", "steps.check.answers.temprature > 7");
  replace(R"("priority": "urgent")", R"("priority": "asap")");
  const auto problems = test::problems_of(text);  // in the order of the document
  INFO(problems);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].pointer == "/steps/0/actions/0/id");
  CHECK_THAT(problems[0].message, Catch::Contains("'temperature'"));
  CHECK(problems[1].pointer == "/steps/0/actions/0/when");
  CHECK_THAT(problems[1].message, Catch::Contains("did you mean 'temperature'?"));
  CHECK(problems[2].pointer == "/steps/0/actions/0/priority");
  CHECK_THAT(problems[2].message, Catch::Contains("'asap' is not a priority"));
}

}  // namespace
}  // namespace ablauf
