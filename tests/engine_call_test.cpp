// Sub-workflows: a call step starts another workflow's instance and waits for its result.
#include "engine_support.hpp"

namespace ablauf {
namespace {

using test::Fixture;
namespace json = boost::json;
using namespace std::chrono_literals;

const char* approval = R"({"id": "approval", "version": 1, "kind": "workflow", "title": "A",
  "steps": [
    {"id": "review", "type": "fill_checklist",
     "items": [{"id": "decision", "label": "Approve {{input.amount}} EUR?", "kind": "choice",
                "options": ["yes", "no"]}],
     "assign": {"approved": "steps.review.answers.decision == \"yes\"",
                "amount": "input.amount"},
     "next": "done"},
    {"id": "done", "type": "end"}]})";

// `call_extra` adds fields to the call step (retry, on_error, version).
std::string order(const std::string& call_extra = "") {
  return R"({"id": "order", "version": 1, "kind": "workflow", "title": "O",
    "steps": [
      {"id": "approve", "type": "call", "workflow": "approval",
       "input": {"amount": {"=": "input.amount"}})" +
         call_extra + R"(, "next": [{"when": "steps.approve.output.vars.approved",
                                      "to": "ship"}, {"to": "stop"}]},
      {"id": "ship", "type": "end"},
      {"id": "stop", "type": "end", "status": "failed"})" +
         (call_extra.find("on_error") == std::string::npos ? "" : R"(,
      {"id": "handle", "type": "end"})") +
         "]}";
}

std::string only_instance_of(Fixture& f, const std::string& workflow) {
  auto all = f.engine.list({.workflow = workflow});
  REQUIRE(all);
  REQUIRE(all->size() == 1);
  return all->front().id;
}

TEST_CASE("a call step waits for its sub-workflow and reads its vars", "[engine][call]") {
  for (const char* decision : {"yes", "no"}) {
    Fixture f;
    REQUIRE(f.engine.deploy(test::compile_text(approval)));
    REQUIRE(f.engine.deploy(test::compile_text(order(R"(, "on_error": "handle")"))));
    auto id = f.engine.start("order", json::object{{"amount", 1200}});
    REQUIRE(id);
    const auto parent = f.state(*id);
    CHECK(parent.status == InstanceStatus::waiting);
    REQUIRE(parent.tokens.size() == 1);
    CHECK(parent.tokens[0].waiting_for == "call");

    // The sub-workflow is an instance of its own, with the computed input, that knows its caller.
    const std::string child = only_instance_of(f, "approval");
    CHECK(parent.tokens[0].waiting_on == child);
    const auto sub = f.state(child);
    CHECK(sub.parent == *id);
    CHECK(sub.data.at("input").at("amount") == 1200);

    f.answer(child, "review", "decision", decision);
    CHECK(f.state(child).status == InstanceStatus::completed);
    const auto done = f.state(*id);
    INFO(done.error);
    const bool approved = std::string(decision) == "yes";
    CHECK(done.status == (approved ? InstanceStatus::completed : InstanceStatus::failed));
    const auto& output = done.data.at("steps").at("approve").at("output");
    CHECK(output.at("instance") == json::value(child));
    CHECK(output.at("vars").at("approved") == approved);
    CHECK(output.at("vars").at("amount") == 1200);
  }
}

TEST_CASE("a cancelled sub-workflow fails its call, which on_error catches", "[engine][call]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(approval)));
  REQUIRE(f.engine.deploy(test::compile_text(order(R"(, "on_error": "handle")"))));
  auto id = f.engine.start("order", json::object{{"amount", 10}});
  REQUIRE(id);
  const std::string child = only_instance_of(f, "approval");
  REQUIRE(f.engine.cancel(child, "jonas", "no longer needed"));
  const auto parent = f.state(*id);
  CHECK(parent.status == InstanceStatus::completed);  // through "handle"
  CHECK(parent.data.at("steps").at("approve").at("error").as_string() ==
        "the sub-workflow '" + child + "' cancelled");
  CHECK(parent.data.at("steps").as_object().contains("handle"));
}

TEST_CASE("a failed sub-workflow is started afresh by the call's retry", "[engine][call]") {
  Fixture f;
  const char* flaky_child = R"({"id": "approval", "version": 1, "kind": "workflow", "title": "A",
    "steps": [{"id": "check", "type": "wait", "event": "checked", "assign": {"approved": "event.ok"},
               "next": [{"when": "event.ok", "to": "done"}, {"to": "broken"}]},
              {"id": "done", "type": "end"},
              {"id": "broken", "type": "end", "status": "failed"}]})";
  REQUIRE(f.engine.deploy(test::compile_text(flaky_child)));
  REQUIRE(f.engine.deploy(test::compile_text(
      order(R"(, "retry": {"max_attempts": 2, "initial_interval": "PT1M", "jitter": false})"))));
  auto id = f.engine.start("order", json::object{{"amount", 10}});
  REQUIRE(id);
  const std::string first = only_instance_of(f, "approval");
  REQUIRE(f.engine.signal(first, "checked", json::object{{"ok", false}}));
  CHECK(f.state(first).status == InstanceStatus::failed);
  CHECK(f.state(*id).status == InstanceStatus::waiting);  // on its retry timer

  f.clock.advance(1min);
  CHECK(f.engine.run_due() == 1u);
  const auto children = f.engine.list({.workflow = "approval", .status = InstanceStatus::waiting});
  REQUIRE(children->size() == 1);
  const std::string second = children->front().id;
  CHECK(second != first);
  REQUIRE(f.engine.signal(second, "checked", json::object{{"ok", true}}));
  const auto parent = f.state(*id);
  CHECK(parent.status == InstanceStatus::completed);
  CHECK(parent.data.at("steps").at("approve").at("output").at("instance") == json::value(second));
}

TEST_CASE("cancelling an instance cancels the sub-workflows it waits for", "[engine][call]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(approval)));
  REQUIRE(f.engine.deploy(test::compile_text(order())));
  auto id = f.engine.start("order", json::object{{"amount", 10}});
  REQUIRE(id);
  const std::string child = only_instance_of(f, "approval");
  REQUIRE(f.engine.cancel(*id, "jonas"));
  const auto sub = f.state(child);
  CHECK(sub.status == InstanceStatus::cancelled);
  CHECK(f.engine.history(child)->back().data.at("reason").as_string() ==
        "instance '" + *id + "' was cancelled");
}

TEST_CASE("a call to a workflow that is not deployed fails the step", "[engine][call]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(order(R"(, "version": 3)"))));
  auto id = f.engine.start("order", json::object{{"amount", 10}});
  REQUIRE(id);
  const auto s = f.state(*id);
  CHECK(s.status == InstanceStatus::failed);
  CHECK(s.data.at("steps").at("approve").at("error") ==
        "the workflow 'approval' version 3 is not deployed");
}

TEST_CASE("a call runs the version it names, or the newest", "[engine][call]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(approval)));
  std::string newer = approval;
  newer.replace(newer.find(R"("version": 1)"), 12, R"("version": 2)");
  REQUIRE(f.engine.deploy(test::compile_text(newer)));
  REQUIRE(f.engine.deploy(test::compile_text(order(R"(, "version": 1)"))));
  REQUIRE(f.engine.start("order", json::object{{"amount", 10}}));
  CHECK(f.state(only_instance_of(f, "approval")).version == 1);
}

}  // namespace
}  // namespace ablauf
