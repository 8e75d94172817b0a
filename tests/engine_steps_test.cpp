// Rules of single step types and of deployment, each on a small definition of its own.
#include "engine_support.hpp"

#include <ablauf/answer.hpp>
#include <ablauf/kpi.hpp>
#include <ablauf/printable.hpp>
#include <ablauf/timeline.hpp>

namespace ablauf {
namespace {

using test::Fixture;
using test::monday;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string two_versions(int version, const char* first_step) {
  return R"({"id": "v", "version": )" + std::to_string(version) +
         R"(, "kind": "workflow", "title": "V", "steps": [
      {"id": ")" +
         first_step +
         R"(", "type": "fill_checklist", "items": [{"id": "ok", "label": "OK"}], "next": "done"},
      {"id": "done", "type": "end"}]})";
}

TEST_CASE("an instance stays on the version it started with", "[engine][versions]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(two_versions(1, "old_check"))));
  auto old = f.engine.start("v", json::object());
  REQUIRE(f.engine.deploy(test::compile_text(two_versions(2, "new_check"))));
  auto fresh = f.engine.start("v", json::object());
  auto pinned = f.engine.start("v", json::object(), {.version = 1});
  REQUIRE(old);
  REQUIRE(fresh);
  REQUIRE(pinned);
  CHECK(f.state(*old).version == 1);
  CHECK(f.waiting_step(*old) == "old_check");
  CHECK(f.state(*fresh).version == 2);
  CHECK(f.waiting_step(*fresh) == "new_check");
  CHECK(f.waiting_step(*pinned) == "old_check");
  f.answer(*old, "old_check", "ok", true);  // version 1's step, after version 2 came
  CHECK(f.state(*old).status == InstanceStatus::completed);

  auto again = f.engine.deploy(test::compile_text(two_versions(2, "other")));
  REQUIRE_FALSE(again);
  CHECK_THAT(again.error().message, Catch::Contains("version 2 is already deployed"));
  CHECK(f.engine.start("v", json::object(), {.version = 3}).error().code == ErrorCode::not_found);
}

TEST_CASE("a wait until a computed time, or at once if it has passed", "[engine][timers]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "u", "version": 1, "kind": "workflow",
    "title": "U", "steps": [{"id": "until_due", "type": "wait", "until": "input.due",
                             "next": "done"},
                            {"id": "done", "type": "end"}]})")));
  auto later = f.engine.start("u", json::object{{"due", "2026-11-30T09:00:00Z"}});
  auto past = f.engine.start("u", json::object{{"due", "2026-01-01T00:00:00Z"}});
  auto wrong = f.engine.start("u", json::object{{"due", "next week"}});
  CHECK(f.state(*past).status == InstanceStatus::completed);
  CHECK(f.state(*wrong).status == InstanceStatus::failed);
  CHECK_THAT(f.state(*wrong).error, Catch::Contains("'until' is not a date-time"));
  f.clock.set(*parse_rfc3339("2026-11-30T08:59:59Z"));
  CHECK(f.engine.run_due() == 0u);
  f.clock.advance(1s);
  CHECK(f.engine.run_due() == 1u);
  CHECK(f.state(*later).status == InstanceStatus::completed);
}

TEST_CASE("a checklist left too long escalates through on_timeout", "[engine][timers]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "t", "version": 1, "kind": "workflow",
    "title": "T", "steps": [
      {"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "label": "OK"}],
       "timeout": "P2D", "on_timeout": "escalate", "next": "done"},
      {"id": "escalate", "type": "create_task", "title": "Check is late", "assignee": "lead",
       "next": "done"},
      {"id": "done", "type": "end"}]})")));
  auto late = f.engine.start("t", json::object());
  auto prompt = f.engine.start("t", json::object());
  f.clock.advance(47h);
  f.answer(*prompt, "check", "ok", true);
  f.clock.advance(1h);
  CHECK(f.engine.run_due() == 1u);  // the prompt instance's timer went with its answer
  const auto escalated = f.state(*late);
  CHECK(f.waiting_step(*late) == "escalate");
  CHECK(escalated.data.at("steps").at("check").at("error") == "timed out after P2D");
  REQUIRE(f.engine.list({.waiting_for = "lead"})->size() == 1);
  CHECK_FALSE(f.engine.answer(*late, "check", "ok", true, "erika"));  // too late for that
  CHECK(f.state(*prompt).status == InstanceStatus::completed);
}

TEST_CASE("a decision without a transition that holds fails the instance, saying so", "[engine]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "d", "version": 1, "kind": "workflow",
    "title": "D", "steps": [
      {"id": "route", "type": "decision",
       "next": [{"when": "input.total > 100", "to": "big"}, {"when": "input.total <= 100", "to": "small"}]},
      {"id": "big", "type": "end"}, {"id": "small", "type": "end"}]})")));
  auto big = f.engine.start("d", json::object{{"total", 500}});
  CHECK(f.state(*big).data.at("steps").as_object().contains("big"));
  auto typeless = f.engine.start("d", json::object{{"total", "500"}});
  const auto failed = f.state(*typeless);
  CHECK(failed.status == InstanceStatus::failed);
  CHECK_THAT(failed.error, Catch::Contains("step 'route': the condition 'input.total > 100'"));
}

TEST_CASE("'not applicable' answers a required item, a checkbox too, and completes its step",
          "[engine][checklist]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_file(test::data_dir() / "good" / "meter_reading.json")));
  auto id = f.engine.start("meter_reading", json::object());
  REQUIRE(id);
  f.answer(*id, "reading", "read_at", "2026-12-07T14:05:00+01:00");
  f.answer(*id, "reading", "value", not_applicable_answer());
  f.answer(*id, "reading", "seal_intact", not_applicable_answer());
  CHECK(f.waiting_step(*id) == "reading");  // the signature is still to be given
  REQUIRE(f.engine.sign(*id, "reading", "signed", "erika"));
  const auto state = f.state(*id);
  CHECK(state.status == InstanceStatus::completed);
  const auto& answers = state.data.at("steps").at("reading").at("answers");
  CHECK(is_not_applicable(answers.at("value")));
  CHECK(answers.at("read_at") == "2026-12-07T14:05:00+01:00");
  // An item that does not allow it is refused, and nothing is recorded.
  auto other = f.engine.start("meter_reading", json::object());
  CHECK_FALSE(f.engine.answer(*other, "reading", "read_at", not_applicable_answer(), "erika"));
}

TEST_CASE("a checklist's score: weights, n/a out of the denominator, pass marks, flags",
          "[engine][score]") {
  test::Fixture f;
  REQUIRE(f.engine.deploy(test::compile_file(test::data_dir() / "good" / "site_inspection.json")));
  const auto run = [&](json::object answers) {
    auto id = f.engine.start("site_inspection", json::object());
    REQUIRE(id);
    REQUIRE(f.engine.submit(*id, "inspection", answers, "erika"));
    return f.state(*id);
  };
  SECTION("everything in order: full marks, passed, no flags") {
    const auto state = run(
        {{"exit_clear", true}, {"extinguisher", "ok"}, {"cleanliness", 5}, {"temperature", 21}});
    const auto& score = state.data.at("steps").at("inspection").at("score");
    // Safety: 2 (weight 2 × 1) + 2 of 4; condition: 4 (rating 5 on 1..5) + 1 of 5.
    CHECK(score.at("points") == 9.0);
    CHECK(score.at("max_points") == 9.0);
    CHECK(score.at("percent") == 100.0);
    CHECK(score.at("passed") == true);
    CHECK(score.at("sections").at("safety").at("percent") == 100.0);
    CHECK(score.at("flags").as_array().empty());
    CHECK(state.status == InstanceStatus::completed);  // passed: straight to the end
  }
  SECTION("'not applicable' leaves the item out; a flagged option fails its section") {
    const auto state = run({{"exit_clear", not_applicable_answer()},
                            {"extinguisher", "expired"},
                            {"cleanliness", 3},
                            {"temperature", 38}});
    const auto& score = state.data.at("steps").at("inspection").at("score").as_object();
    // Safety: the exit is n/a, so only the extinguisher counts: 1 of 2, 50 % < 100 → failed.
    CHECK(score.at("sections").at("safety").at("points") == 1.0);
    CHECK(score.at("sections").at("safety").at("max_points") == 2.0);
    CHECK(score.at("sections").at("safety").at("passed") == false);
    // Condition: 2 of 4 for cleanliness, 0 of 1 for 38 °C: 2 of 5. Overall 3 of 7.
    CHECK(score.at("sections").at("condition").at("percent") == 40.0);
    CHECK(score.at("percent") == 42.86);
    CHECK(score.at("pass_mark") == 80.0);
    CHECK(score.at("passed") == false);
    const auto& flags = score.at("flags").as_array();
    REQUIRE(flags.size() == 2);
    CHECK(flags[0].at("item") == "extinguisher");
    CHECK(flags[0].at("answer") == "expired");
    CHECK(flags[1].at("item") == "temperature");
    CHECK(flags[1].at("section") == "condition");
    REQUIRE(state.tasks.size() == 1);  // failed: the defects are fixed first
    CHECK(state.tasks[0].step == "follow_up");
    // The timeline says the result and each flagged answer.
    const auto definition =
        test::compile_file(test::data_dir() / "good" / "site_inspection.json").definition();
    const auto history = *f.engine.history(state.id);
    const auto timeline = read_timeline(definition, history, {.language = "de"});
    const auto done = std::find_if(timeline.begin(), timeline.end(), [](const auto& entry) {
      return entry.text.starts_with("Erledigt: „Begehung“");
    });
    REQUIRE(done != timeline.end());
    CHECK(done->text ==
          "Erledigt: „Begehung“ — Ergebnis 42,86\u00a0% (nicht bestanden); weiter mit „Mängel "
          "beheben“");
    CHECK(done->changes == std::vector<TimelineChange>{{"Auffällig „Feuerlöscher“", "abgelaufen"},
                                                       {"Auffällig „Raumtemperatur“", "38"}});
    // The filled form says it too, under its step's title.
    const FormOptions filled{.language = "de", .instance = state.id, .history = history};
    const auto form = to_markdown_form(definition, filled);
    // ICU writes a non-breaking space (U+00A0) between a number and its percent sign in German.
    CHECK_THAT(form, Catch::Contains("## Begehung\n\n**Ergebnis: 42,86\u00a0% (nicht bestanden) · "
                                     "Sicherheit 50\u00a0% · Zustand 40\u00a0%**\n\n"
                                     "- ⚑ Auffällig: Feuerlöscher: abgelaufen\n"
                                     "- ⚑ Auffällig: Raumtemperatur: 38\n"));
    CHECK_THAT(to_html_form(definition, filled),
               Catch::Contains("<p class=\"result\"><strong>Ergebnis: 42,86\u00a0%"));
  }
  SECTION("a section passes at its mark exactly; the checklist fails below its own") {
    const auto state =
        run({{"exit_clear", true}, {"extinguisher", "ok"}, {"cleanliness", 1}, {"temperature", 2}});
    const auto& score = state.data.at("steps").at("inspection").at("score");
    CHECK(score.at("sections").at("safety").at("passed") == true);  // 100 % of 100 %
    CHECK(score.at("percent") == 44.44);                            // 4 of 9
    CHECK(score.at("passed") == false);
  }
}

TEST_CASE("key figures count a checklist's scores and its flagged answers by item",
          "[engine][score][kpi]") {
  test::Fixture f;
  REQUIRE(f.engine.deploy(test::compile_file(test::data_dir() / "good" / "site_inspection.json")));
  for (const json::object& answers :
       {json::object{
            {"exit_clear", true}, {"extinguisher", "ok"}, {"cleanliness", 5}, {"temperature", 21}},
        json::object{{"exit_clear", not_applicable_answer()},
                     {"extinguisher", "expired"},
                     {"cleanliness", 3},
                     {"temperature", 38}},
        json::object{{"exit_clear", true},
                     {"extinguisher", "missing"},
                     {"cleanliness", 5},
                     {"temperature", 20}}}) {
    auto id = f.engine.start("site_inspection", json::object());
    REQUIRE(id);
    REQUIRE(f.engine.submit(*id, "inspection", answers, "erika"));
  }
  const auto kpis = compute_kpis(f.store);
  REQUIRE(kpis);
  REQUIRE(kpis->checklists.size() == 1);
  const auto& inspection = kpis->checklists[0];
  CHECK(inspection.step == "inspection");
  CHECK(inspection.scored == 3);
  CHECK(inspection.passed == 1);
  CHECK(inspection.failed == 2);
  // 100, 42.86 and 7 of 9 (77.78): their average.
  CHECK(inspection.average_percent == 73.55);
  CHECK(inspection.flags ==
        std::map<std::string, std::size_t>{{"extinguisher", 2}, {"temperature", 1}});
  const auto json = to_json(*kpis);
  CHECK(json.at("checklists").at(0).at("flags").at("extinguisher") == 2);
}

}  // namespace
}  // namespace ablauf
