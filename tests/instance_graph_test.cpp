// An instance's path drawn over its graph: the steps it ran and the transitions it followed
// (with how often) stand out, where it waits is marked, the step that failed it is red, and
// the rest is grey; in DOT and in Mermaid.
#include "engine_support.hpp"

#include <ablauf/timeline.hpp>
#include <ablauf/workflow.hpp>

#include <catch2/catch.hpp>

namespace ablauf {
namespace {

using std::chrono::days;
using std::chrono::minutes;

// Waits a week for payment, reminds, and after the second reminder calls the customer.
const char* const reminding = R"({"id": "remind", "version": 1, "kind": "workflow", "title": "R",
  "steps": [
    {"id": "wait", "type": "wait", "title": "Wait", "event": "paid", "timeout": "P7D",
     "on_timeout": "nudge", "next": "done"},
    {"id": "nudge", "type": "wait", "title": "Nudge", "duration": "PT1M",
     "assign": {"nudges": "coalesce(vars.nudges, 0) + 1"},
     "next": [{"when": "vars.nudges >= 2", "to": "call"}, {"to": "wait"}]},
    {"id": "call", "type": "create_task", "title": "Call", "next": "done"},
    {"id": "done", "type": "end", "title": "Done"}]})";

struct Drawn {
  test::Fixture f;
  Workflow workflow = test::compile_text(reminding);
  std::vector<Event> history;

  Drawn() {
    REQUIRE(f.engine.deploy(workflow));
    const auto id = f.engine.start("remind", boost::json::object());
    REQUIRE(id);
    for (int round = 0; round < 2; ++round) {
      f.clock.advance(days(7));
      REQUIRE(f.engine.run_due());
      f.clock.advance(minutes(1));
      REQUIRE(f.engine.run_due());
    }
    auto events = f.engine.history(*id);
    REQUIRE(events);
    history = std::move(*events);
  }
};

TEST_CASE("DOT marks the path an instance took and where it waits", "[export][instance]") {
  const Drawn d;
  const auto dot = to_dot(d.workflow, {.language = "en", .history = d.history});
  CHECK_THAT(dot, Catch::Contains(R"(call[label="Call\ncreate_task\nwaits for task", shape=box, )"
                                  R"(style="rounded,filled", fillcolor="#ffe599")"));
  CHECK_THAT(dot, Catch::Contains(R"(wait[label="Wait\nwait", shape=ellipse, style=filled, )"
                                  R"(penwidth=2, fillcolor="#d9ead3")"));
  CHECK_THAT(dot, Catch::Contains(R"(done[label="Done\nend", shape=oval, peripheries=2, )"
                                  R"(style=filled, fillcolor=white, color=gray60)"));
  // The timeout was taken twice, the loop back once, the way to the call once.
  CHECK_THAT(dot, Catch::Contains(R"~(wait->nudge [label="timeout P7D (2×)", color="#38761d")~"));
  CHECK_THAT(dot, Catch::Contains(R"(nudge->wait [color="#38761d")"));
  CHECK_THAT(dot, Catch::Contains(R"(nudge->call [label="vars.nudges >= 2", color="#38761d")"));
  CHECK_THAT(dot, Catch::Contains(R"(wait->done [color=gray70)"));

  SECTION("in German") {
    const auto german = to_dot(d.workflow, {.language = "de", .history = d.history});
    CHECK_THAT(german, Catch::Contains(R"(\nwartet auf Aufgabe")"));
  }
  SECTION("without a history, the plain graph") {
    const auto plain = to_dot(d.workflow);
    CHECK(plain.find("fillcolor") == std::string::npos);
    CHECK(plain.find("×") == std::string::npos);
  }
}

TEST_CASE("Mermaid marks the path an instance took and where it waits", "[export][instance]") {
  const Drawn d;
  const auto mermaid = to_mermaid(d.workflow, {.language = "en", .history = d.history});
  CHECK_THAT(mermaid, Catch::Contains(R"~(  call["Call (waits for task)"])~"));
  CHECK_THAT(mermaid, Catch::Contains("  wait -.->|\"timeout P7D (2×)\"| nudge\n"));
  CHECK_THAT(mermaid, Catch::Contains("  class call waiting\n"));
  CHECK_THAT(mermaid, Catch::Contains("  class wait,nudge visited\n"));
  CHECK_THAT(mermaid, Catch::Contains("  class done unvisited\n"));
  // Links are numbered in the order written: wait→done 0, wait→nudge 1, nudge→call 2,
  // nudge→wait 3, call→done 4.
  CHECK_THAT(mermaid, Catch::Contains("  linkStyle 1,2,3 stroke:#38761d"));
}

TEST_CASE("the step that failed an instance is drawn red", "[export][instance]") {
  test::Fixture f;
  const auto workflow = test::compile_text(R"({"id": "broken", "version": 1, "kind": "workflow",
    "title": "X", "steps": [{"id": "mark", "type": "update_record", "collection": "invoices",
                             "key": "none", "set": {"paid": true}}]})");
  REQUIRE(f.engine.deploy(workflow));
  const auto id = f.engine.start("broken", boost::json::object());
  REQUIRE(id);
  REQUIRE(f.engine.get(*id)->status == InstanceStatus::failed);
  const auto history = f.engine.history(*id);
  REQUIRE(history);
  CHECK_THAT(to_dot(workflow, {.language = "", .history = *history}),
             Catch::Contains(R"(fillcolor="#f4cccc", color=red3)"));
  CHECK_THAT(to_mermaid(workflow, {.language = "", .history = *history}),
             Catch::Contains("  class mark failed\n"));
}

TEST_CASE("a failure that leaves no step_failed is drawn at the step the token moved to",
          "[export][instance]") {
  test::Fixture f;
  const auto workflow = test::compile_text(R"({"id": "dec", "version": 1, "kind": "workflow",
    "title": "D", "steps": [
      {"id": "ask", "type": "wait", "duration": "PT1M", "next": "route"},
      {"id": "route", "type": "decision", "next": [{"when": "input.x == 1", "to": "done"}]},
      {"id": "done", "type": "end"}]})");
  REQUIRE(f.engine.deploy(workflow));
  const auto id = f.engine.start("dec", boost::json::object{{"x", 0}});
  REQUIRE(id);
  f.clock.advance(minutes(1));
  REQUIRE(f.engine.run_due());
  REQUIRE(f.engine.get(*id)->status == InstanceStatus::failed);  // no transition holds
  const auto history = f.engine.history(*id);
  REQUIRE(history);
  const auto dot = to_dot(workflow, {.language = "", .history = *history});
  CHECK_THAT(dot, Catch::Contains(R"(route[label="route\ndecision", shape=diamond, style=filled, )"
                                  R"(fillcolor="#f4cccc")"));
  CHECK_THAT(dot, Catch::Contains(R"(ask[label="ask\nwait", shape=ellipse, style=filled, )"
                                  R"(penwidth=2, fillcolor="#d9ead3")"));

  // Its timeline says the wait is for a timer, and the next entry says until when.
  const auto entries = read_timeline(workflow.definition(), *history, {.language = "en"});
  CHECK(entries[2].text == "“ask” waits for its timer");
  CHECK(entries[3].text == "Waiting until Nov 23, 2026, 9:01\u202fAM (“ask”)");
}

}  // namespace
}  // namespace ablauf
