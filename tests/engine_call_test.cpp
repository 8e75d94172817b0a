// Sub-workflows: a call step starts another workflow's instance and waits for its result.
#include "engine_support.hpp"
#include "small_stack.hpp"


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
    CHECK(parent.tokens[0].waiting_for == WaitingFor::call);

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

namespace ablauf {
namespace {

using test::Fixture;
namespace json = boost::json;

// Calls itself through a name its input gives, which the loader cannot see, until n is 0.
const char* countdown = R"({"id": "countdown", "version": 1, "kind": "workflow", "title": "C",
  "steps": [
    {"id": "more", "type": "decision",
     "next": [{"when": "input.n > 0", "to": "again"}, {"to": "done"}]},
    {"id": "again", "type": "call", "workflow": "{{input.self}}",
     "input": {"n": {"=": "input.n - 1"}, "self": {"=": "input.self"}}, "next": "done"},
    {"id": "done", "type": "end"}]})";

json::object counting_from(int n) {
  return {{"n", n}, {"self", "countdown"}};
}

TEST_CASE("a call nesting past max_call_depth fails, at the limit it runs",
          "[engine][call][limits][issue27]") {
  Fixture f(EngineLimits{.max_call_depth = 3});
  REQUIRE(f.engine.deploy(test::compile_text(countdown)));
  // Three levels below the first instance: exactly the limit.
  auto deep = f.engine.start("countdown", counting_from(3));
  REQUIRE(deep);
  CHECK(f.state(*deep).status == InstanceStatus::completed);

  auto deeper = f.engine.start("countdown", counting_from(4));
  REQUIRE(deeper);
  const auto top = f.state(*deeper);
  CHECK(top.status == InstanceStatus::failed);
  CHECK_THAT(top.error, Catch::Contains("would nest sub-workflows 4 deep") &&
                            Catch::Contains("max_call_depth"));
  const auto all = f.engine.list({.workflow = "countdown"});
  REQUIRE(all);
  CHECK(all->size() == 4 + 4);  // the first run's four levels, the second's four: none deeper
  for (const auto& state : *all) CHECK(state.call_depth <= 3);
}

TEST_CASE("two thousand nested calls run in a one-MiB stack",
          "[engine][call][limits][issue27]") {
  // Each level used to run its sub-workflow inside its own frames: about 4,700 levels exhausted
  // an 8 MiB stack. Now each level waits for the one below on the executor's queue, so the
  // stack needed is that of one level. A thread with 1 MiB of stack holds 2,000 levels only so.
  // (Not more: a sub-workflow's id is its call's key, which grows with the depth.)
  Fixture f(EngineLimits{.max_call_depth = 20'000});
  REQUIRE(f.engine.deploy(test::compile_text(countdown)));
  tl::expected<std::string, Error> id = std::string();
  test::run_with_stack(1024 * 1024,
                       [&] { id = f.engine.start("countdown", counting_from(2'000)); });
  REQUIRE(id);
  CHECK(f.state(*id).status == InstanceStatus::completed);
  const auto all = f.engine.list({.workflow = "countdown"});
  REQUIRE(all);
  CHECK(all->size() == 2'001);
}

TEST_CASE("cancelling the top of a deep chain of calls cancels every level",
          "[engine][call][issue27]") {
  Fixture f(EngineLimits{.max_call_depth = 20'000});
  // The bottom level waits for a signal, so that the whole chain waits.
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "chain", "version": 1, "kind": "workflow",
    "title": "C", "steps": [
      {"id": "more", "type": "decision",
       "next": [{"when": "input.n > 0", "to": "again"}, {"to": "hold"}]},
      {"id": "again", "type": "call", "workflow": "{{input.self}}",
       "input": {"n": {"=": "input.n - 1"}, "self": "chain"}, "next": "done"},
      {"id": "hold", "type": "wait", "event": "go", "next": "done"},
      {"id": "done", "type": "end"}]})")));
  auto id = f.engine.start("chain", json::object{{"n", 1'000}, {"self", "chain"}});
  REQUIRE(id);
  REQUIRE(f.state(*id).status == InstanceStatus::waiting);
  REQUIRE(f.engine.cancel(*id, "erika", "no longer needed"));
  const auto all = f.engine.list({.workflow = "chain"});
  REQUIRE(all);
  CHECK(all->size() == 1'001);
  for (const auto& state : *all) CHECK(state.status == InstanceStatus::cancelled);
}

TEST_CASE("a workflow calling itself is refused at load, a cycle of two at deploy",
          "[engine][call][issue27]") {
  const std::string self = R"({"id": "self", "version": 1, "kind": "workflow", "title": "S",
    "steps": [{"id": "again", "type": "call", "workflow": "self", "next": "done"},
              {"id": "done", "type": "end"}]})";
  auto definition = load_definition(self, "self.json");
  REQUIRE(definition);
  auto compiled = Workflow::compile(std::move(*definition));
  REQUIRE_FALSE(compiled);
  const auto& problem = compiled.error().first_error();
  CHECK(problem.code == ErrorCode::recursive_call);
  CHECK(problem.pointer == "/steps/0/workflow");
  CHECK(problem.location.line == 2);

  const auto calling = [](const char* id, const char* callee) {
    return std::string(R"({"id": ")") + id + R"(", "version": 1, "kind": "workflow",
      "title": "T", "steps": [{"id": "c", "type": "call", "workflow": ")" + callee +
           R"(", "next": "done"}, {"id": "done", "type": "end"}]})";
  };
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(calling("ping", "pong"))));
  auto closing = f.engine.deploy(test::compile_text(calling("pong", "ping")));
  REQUIRE_FALSE(closing);
  CHECK(closing.error().code == ErrorCode::recursive_call);
  CHECK_THAT(closing.error().message, Catch::Contains("pong → ping → pong"));
  CHECK_FALSE(f.engine.start("pong", json::object{}));  // not deployed
  CHECK(call_cycle(test::compile_text(calling("pong", "other")).definition(),
                   {{"ping", {"pong"}}})
            .empty());
}

}  // namespace
}  // namespace ablauf
