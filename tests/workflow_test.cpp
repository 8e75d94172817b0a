#include "ablauf/instance.hpp"
#include "ablauf/workflow.hpp"

#include "test_support.hpp"

#include <algorithm>
#include <tuple>

using namespace ablauf;
using Catch::Contains;

namespace {

std::filesystem::path unsound_file(std::string_view name) {
  return test::data_dir() / "unsound" / name;
}

Workflow compile_good(std::string_view name) {
  return test::compile_file(test::data_dir() / "good" / name);
}

using test::check_diagnostic;
using test::Expected;

// A file in tests/data/unsound: it loads, and compile() rejects it with exactly `expected`.
void check_unsound(std::string_view name, const std::vector<Expected>& expected) {
  const auto path = unsound_file(name);
  INFO(path.string());
  auto definition = load_definition_file(path);
  if (!definition) FAIL(definition.error());
  CHECK(definition->warnings.empty());
  auto workflow = Workflow::compile(std::move(*definition));
  REQUIRE_FALSE(workflow);
  const Diagnostics& errors = workflow.error();
  INFO(errors);
  REQUIRE(errors.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    check_diagnostic(errors[i], expected[i]);
    CHECK(errors[i].location.file == path.string());
  }
}

// The out-edges of a step: (target id, kind, index), in graph order.
using Edge = std::tuple<std::string, std::string, std::uint32_t>;

std::vector<Edge> edges_from(const Workflow& workflow, std::string_view id) {
  const auto from = workflow.find(id);
  INFO(id);
  REQUIRE(from);
  std::vector<Edge> out;
  for (const StepEdge& edge : workflow.edges_from(*from)) {
    CHECK(edge.from == *from);
    out.emplace_back(workflow.step(edge.to).id, std::string(to_string(edge.kind)), edge.index);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Findings on the graph, one file in tests/data/unsound each

TEST_CASE("a next naming no step is dangling, with a suggestion", "[workflow]") {
  // 'approve' is unreachable as well, but with an edge missing that is not reported.
  check_unsound("dangling_next.json",
                {{ErrorCode::dangling_target, 11, 15, "/steps/0/next",
                  "next step 'aprove' is not a step of this definition; did you mean 'approve'?"}});
}

TEST_CASE("an on_error naming no step is dangling", "[workflow]") {
  check_unsound("dangling_on_error.json",
                {{ErrorCode::dangling_target, 12, 19, "/steps/0/on_error",
                  "on_error step 'cleanup' is not a step of this definition"}});
}

TEST_CASE("a start naming no step is dangling", "[workflow]") {
  check_unsound("dangling_start.json", {{ErrorCode::dangling_target, 6, 12, "/start",
                                         "start step 'begin' is not a step of this definition"}});
}

TEST_CASE("a step the start cannot reach is unreachable", "[workflow]") {
  check_unsound("unreachable_step.json",
                {{ErrorCode::unreachable_step, 8, 5, "/steps/1",
                  "step 'orphan' can never run: no path from the start step 'review'"}});
}

TEST_CASE("every step of a loop without a way out has no path to an end", "[workflow]") {
  // The loop waits (fill_checklist, wait), so it is not also reported as spinning.
  check_unsound("no_path_to_end.json", {{ErrorCode::no_path_to_end, 15, 5, "/steps/1",
                                         "no final step can be reached from step 'review'"},
                                        {ErrorCode::no_path_to_end, 21, 5, "/steps/2",
                                         "no final step can be reached from step 'recheck'"},
                                        {ErrorCode::no_path_to_end, 29, 5, "/steps/3",
                                         "no final step can be reached from step 'remind'"}});
}

TEST_CASE("a loop without a waiting step would spin and is rejected at its first step",
          "[workflow]") {
  check_unsound("spinning_cycle.json",
                {{ErrorCode::spinning_cycle, 7, 5, "/steps/0",
                  "the loop through 'notify', 'copy', 'paid' has no waiting step"}});
}

TEST_CASE("a parallel branch that can end before the join is unjoined", "[workflow]") {
  check_unsound("unjoined_branch.json",
                {{ErrorCode::unjoined_branch, 10, 28, "/steps/0/branches/1",
                  "branch 'ship' of parallel step 'split' can end at step 'done' without "
                  "reaching its join 'merge'"}});
}

TEST_CASE("a branch may fail or time out into an end step without reaching the join",
          "[workflow]") {
  auto definition = load_definition(R"({
  "id": "p", "version": 1, "kind": "workflow", "title": "P",
  "steps": [
    { "id": "split", "type": "parallel", "branches": ["bill", "ship"], "join": "merge" },
    { "id": "bill", "type": "create_task", "on_error": "failed", "next": "merge" },
    { "id": "ship", "type": "create_task", "timeout": "P1D", "on_timeout": "failed", "next": "merge" },
    { "id": "merge", "type": "join", "next": "done" },
    { "id": "failed", "type": "end", "status": "failed" },
    { "id": "done", "type": "end" }
  ]
})",
                                    "p.json");
  REQUIRE(definition);
  auto workflow = Workflow::compile(std::move(*definition));
  if (!workflow) FAIL(workflow.error());
}

TEST_CASE("an instance's tokens find their steps by index, once, until they move",
          "[workflow][instance]") {
  const auto workflow = test::compile_text(R"({"id": "p", "version": 1, "kind": "workflow",
    "title": "P", "steps": [
      {"id": "split", "type": "parallel", "branches": ["bill", "ship"], "join": "merge"},
      {"id": "bill", "type": "create_task", "next": "merge"},
      {"id": "ship", "type": "create_task", "next": "merge"},
      {"id": "merge", "type": "join", "next": "done"},
      {"id": "done", "type": "end"}]})");
  const auto at = [](std::uint64_t sequence, std::string step, std::string_view data) {
    return test::stored_event(sequence, EventType::step_completed, std::move(step), data, Time{});
  };
  std::vector<Event> history{
      test::stored_event(1, EventType::instance_started, "",
                         R"({"workflow": "p", "version": 1, "start": "split"})", Time{}),
      at(2, "split", R"({"token": 1, "next": ["bill", "ship"]})")};
  auto state = fold("i", history);
  REQUIRE(state);
  REQUIRE(state->tokens.size() == 2);
  CHECK(state->tokens[0].step_index == Token::unindexed);  // fold() knows no workflow
  REQUIRE(state->index_steps(workflow));
  CHECK(state->tokens[0].step_index == *workflow.find("bill"));
  CHECK(state->tokens[1].step_index == *workflow.find("ship"));

  REQUIRE(state->apply(at(3, "bill", R"({"token": 1, "next": ["merge"]})")));
  CHECK(state->tokens[0].step_index == Token::unindexed);  // moved: to be looked up again
  CHECK(state->tokens[1].step_index == *workflow.find("ship"));
  REQUIRE(state->index_steps(workflow));
  CHECK(state->tokens[0].step_index == *workflow.find("merge"));

  // A workflow without the step a token stands at: the state does not fit it.
  const auto other = test::compile_text(R"({"id": "p", "version": 1, "kind": "workflow",
    "title": "P", "steps": [{"id": "merge", "type": "wait", "duration": "P1D", "next": "done"},
                            {"id": "done", "type": "end"}]})");
  auto unfit = fold("i", history);
  REQUIRE(unfit);
  const auto indexed = unfit->index_steps(other);
  REQUIRE_FALSE(indexed);
  CHECK(indexed.error().code == ErrorCode::invalid_event);
  CHECK(indexed.error().message ==
        "instance 'i': token 1 is at step 'bill', which workflow 'p' version 1 does not have");
  CHECK(unfit->tokens[0].step_index == Token::unindexed);
}

TEST_CASE("the join of a parallel step must be a join step", "[workflow]") {
  check_unsound("join_not_join.json",
                {{ErrorCode::invalid_value, 11, 15, "/steps/0/join",
                  "the join of a parallel step must be a step of type join; 'merge' is a wait "
                  "step"}});
}

TEST_CASE("whether a create_task waits decides whether a loop through it spins", "[workflow]") {
  const auto definition = [](std::string_view wait) {
    return R"({ "id": "loop", "version": 1, "kind": "workflow", "title": "Loop",
      "steps": [
        { "id": "ask", "type": "create_task", "title": "Ask")" +
           std::string(wait) + R"(, "next": "again" },
        { "id": "again", "type": "decision",
          "next": [ { "when": "steps.ask.outcome == \"retry\"", "to": "ask" }, { "to": "done" } ] },
        { "id": "done", "type": "end" }
      ] })";
  };
  const auto compiles = [](const std::string& text) {
    auto loaded = load_definition(text, "loop.json");
    if (!loaded) FAIL(loaded.error());
    return static_cast<bool>(Workflow::compile(std::move(*loaded)));
  };
  CHECK(compiles(definition("")));  // a task waits unless told otherwise
  CHECK(compiles(definition(R"(, "wait": true)")));
  const auto errors = test::problems_of(definition(R"(, "wait": false)"), "loop.json");
  INFO(errors);
  REQUIRE(errors.size() == 1);
  CHECK(to_string(errors[0].code) == "spinning_cycle");
  CHECK(errors[0].pointer == "/steps/0");
  CHECK_THAT(errors[0].message, Contains("'ask', 'again'"));
}

// ---------------------------------------------------------------------------------------------
// Warnings

TEST_CASE("a decision without a default compiles with a warning at its 'next'", "[workflow]") {
  const Workflow workflow = compile_good("no_default_transition.json");
  const Diagnostics& warnings = workflow.warnings();
  INFO(warnings);
  REQUIRE(warnings.size() == 1);
  CHECK_FALSE(warnings.has_errors());
  check_diagnostic(warnings[0],
                   {ErrorCode::no_default_transition, 10, 7, "/steps/0/next",
                    "step 'route' has no default transition"},
                   Severity::warning);
}

TEST_CASE("a definition whose decisions all have defaults compiles without warnings",
          "[workflow]") {
  CHECK(compile_good("invoice_review.json").warnings().empty());
  CHECK(compile_good("vehicle_check.json").warnings().empty());
}

// ---------------------------------------------------------------------------------------------
// The compiled graph

TEST_CASE("steps are indexed in definition order and found by id", "[workflow]") {
  const Workflow workflow = compile_good("invoice_review.json");
  const std::vector<std::string> ids{"check",     "route",         "ask_cfo",  "book",  "notify",
                                     "settle",    "await_payment", "archive",  "mark",  "settled",
                                     "cool_down", "done",          "escalate", "failed"};
  REQUIRE(workflow.step_count() == ids.size());
  for (StepIndex i = 0; i < ids.size(); ++i) {
    INFO(ids[i]);
    CHECK(workflow.step(i).id == ids[i]);
    CHECK(workflow.find(ids[i]) == std::optional<StepIndex>(i));
    CHECK(&workflow.step(i) == &workflow.definition().steps[i]);
  }
  CHECK_FALSE(workflow.find("nope"));
  CHECK_FALSE(workflow.find(""));
}

TEST_CASE("the start is the first step unless the definition names another", "[workflow]") {
  CHECK(compile_good("invoice_review.json").start() == 0);
  const Workflow workflow = compile_good("explicit_start.json");
  CHECK(workflow.start() == 1);
  CHECK(workflow.step(workflow.start()).id == "intake");
}

TEST_CASE("every reference to a step is an edge with its kind and index", "[workflow]") {
  const Workflow workflow = compile_good("invoice_review.json");
  CHECK(workflow.edges().size() == 16);

  CHECK(edges_from(workflow, "check") ==
        std::vector<Edge>{{"route", "next", 0}, {"escalate", "on_timeout", 0}});
  CHECK(edges_from(workflow, "route") ==
        std::vector<Edge>{{"ask_cfo", "conditional", 0}, {"book", "next", 1}});
  CHECK(edges_from(workflow, "book") ==
        std::vector<Edge>{{"notify", "next", 0}, {"escalate", "on_error", 0}});
  CHECK(edges_from(workflow, "settle") ==
        std::vector<Edge>{{"await_payment", "branch", 0}, {"archive", "branch", 1}});
  CHECK(edges_from(workflow, "settled") == std::vector<Edge>{{"cool_down", "next", 0}});
  CHECK(edges_from(workflow, "done").empty());
  CHECK(edges_from(workflow, "failed").empty());

  // Both branches arrive at the join.
  const auto settled = *workflow.find("settled");
  std::vector<std::string> into;
  for (const StepEdge& edge : workflow.edges())
    if (edge.to == settled) into.push_back(workflow.step(edge.from).id);
  std::sort(into.begin(), into.end());
  CHECK(into == std::vector<std::string>{"await_payment", "mark"});
}

TEST_CASE("a checklist compiles to a linear graph of its sections", "[workflow]") {
  const Workflow workflow = compile_good("vehicle_check.json");
  REQUIRE(workflow.step_count() == 3);
  CHECK(workflow.start() == 0);
  CHECK(workflow.edges().size() == 2);
  CHECK(edges_from(workflow, "outside") == std::vector<Edge>{{"inside", "next", 0}});
  CHECK(edges_from(workflow, "inside") == std::vector<Edge>{{"sign_off", "next", 0}});
  CHECK(edges_from(workflow, "sign_off").empty());
  for (StepIndex i = 0; i < 3; ++i) CHECK(workflow.step(i).type == "fill_checklist");
}

TEST_CASE("a copy of a workflow shares its definition and graph", "[workflow]") {
  const Workflow original = compile_good("invoice_review.json");
  const Workflow copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  CHECK(&copy.definition() == &original.definition());
  CHECK(copy.edges().data() == original.edges().data());
  CHECK(&copy.step(3) == &original.step(3));
  CHECK(copy.start() == original.start());
}

TEST_CASE("a definition built in code compiles, and its findings carry no location", "[workflow]") {
  WorkflowDefinition definition;
  definition.id = "in_code";
  definition.title = LocalizedText("Built in code");
  definition.start = "first";
  StepDefinition first;
  first.id = "first";
  first.type = "create_task";
  first.pointer = "/steps/0";
  first.next.push_back({.when = {}, .to = "second", .label = {}, .pointer = "/steps/0/next"});
  definition.steps.push_back(first);

  auto dangling = Workflow::compile(definition);
  REQUIRE_FALSE(dangling);
  REQUIRE(dangling.error().size() == 1);
  CHECK(to_string(dangling.error()[0].code) == "dangling_target");
  CHECK(dangling.error()[0].pointer == "/steps/0/next");
  CHECK_FALSE(dangling.error()[0].location.known());

  StepDefinition second;
  second.id = "second";
  second.type = "end";
  second.pointer = "/steps/1";
  definition.steps.push_back(second);
  auto workflow = Workflow::compile(std::move(definition));
  if (!workflow) FAIL(workflow.error());
  CHECK(edges_from(*workflow, "first") == std::vector<Edge>{{"second", "next", 0}});
}

TEST_CASE("a definition without steps does not compile", "[workflow]") {
  WorkflowDefinition definition;
  definition.id = "empty";
  auto workflow = Workflow::compile(std::move(definition));
  REQUIRE_FALSE(workflow);
  REQUIRE(workflow.error().size() == 1);
  CHECK(to_string(workflow.error()[0].code) == "missing_field");
  CHECK(workflow.error()[0].pointer == "/steps");
}
