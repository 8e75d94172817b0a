// Every limit of running instances (EngineLimits, docs/limits.md) at its edge: at the limit the
// instance goes on; one unit past it, what a caller brought is refused with nothing stored, and
// what the instance made fails its step or the instance, naming the limit and the value.
#include "engine_support.hpp"

#include <ablauf/engine.hpp>
#include <ablauf/step_type.hpp>

#include <boost/json/serialize.hpp>

namespace ablauf {
namespace {

using test::Fixture;
namespace json = boost::json;
using namespace std::chrono_literals;

std::size_t json_size(const json::value& value) {
  return json::serialize(value).size();
}

// A host step whose output is a string of `length` characters: its JSON is two bytes longer.
class Echo final : public Adapter {
 public:
  StepResult execute(const StepContext& context) override {
    const auto length = context.data.at("input").at("length").to_number<std::size_t>();
    return StepResult::completed(json::string(length, 'x'));
  }
};

StepTypeRegistry with_echo() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "echo", .adapter = std::make_shared<Echo>()}));
  return registry;
}

TEST_CASE("a step output at max_output_bytes is kept; one byte more fails the step",
          "[limits][engine]") {
  const auto registry = with_echo();
  for (const bool past : {false, true}) {
    Fixture f(EngineLimits{.max_output_bytes = 100});
    REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "e", "version": 1, "kind": "workflow",
      "title": "E", "steps": [{"id": "echo", "type": "echo", "next": "done",
                               "on_error": "too_large"},
                              {"id": "done", "type": "end"},
                              {"id": "too_large", "type": "end", "status": "failed"}]})",
                                               &registry)));
    auto id = f.engine.start("e", json::object{{"length", 98 + past}});
    REQUIRE(id);
    const auto s = f.state(*id);
    INFO(s.error);
    if (!past) {
      CHECK(s.status == InstanceStatus::completed);
      CHECK(s.data.at("steps").at("echo").at("output").as_string().size() == 98);
      continue;
    }
    // The step failed, without keeping the output, and its on_error took over.
    CHECK(s.status == InstanceStatus::failed);
    CHECK_THAT(s.error, Catch::Contains("ended at step 'too_large'"));
    const auto& entry = s.data.at("steps").at("echo").as_object();
    CHECK_FALSE(entry.contains("output"));
    CHECK_THAT(std::string(entry.at("error").as_string()),
               Catch::Contains("the output of step 'echo' is 101 bytes") &&
                   Catch::Contains("limit of 100 (max_output_bytes)"));
  }
}

const char* checklist = R"({"id": "c", "version": 1, "kind": "workflow", "title": "C",
  "steps": [{"id": "check", "type": "fill_checklist", "next": "done",
             "items": [{"id": "note", "label": "Note", "kind": "text"},
                       {"id": "ok", "label": "OK", "kind": "checkbox", "required": true}]},
            {"id": "done", "type": "end"}]})";

TEST_CASE("an answer that would pass max_data_bytes is refused and nothing is stored",
          "[limits][engine]") {
  // Measure the data once with a generous limit, then set the limit to exactly data + answer.
  const json::value note = json::string(50, 'n');
  std::size_t held = 0;
  {
    Fixture f;
    REQUIRE(f.engine.deploy(test::compile_text(checklist)));
    auto id = f.engine.start("c", json::object{{"customer", "Erika"}});
    REQUIRE(id);
    held = json_size(f.state(*id).data);
  }
  const std::size_t answers = json_size(json::object{{"note", note}});
  for (const bool past : {false, true}) {
    Fixture f(EngineLimits{.max_data_bytes = held + answers - past});
    REQUIRE(f.engine.deploy(test::compile_text(checklist)));
    auto id = f.engine.start("c", json::object{{"customer", "Erika"}});
    REQUIRE(id);
    const auto before = f.engine.history(*id)->size();
    auto answered = f.engine.answer(*id, "check", "note", note, "erika");
    if (!past) {
      CHECK(answered);
      CHECK(f.engine.history(*id)->size() == before + 1);
      continue;
    }
    REQUIRE_FALSE(answered);
    CHECK(answered.error().code == ErrorCode::data_too_large);
    CHECK(kind_of(answered.error().code) == ErrorKind::limit);
    CHECK_THAT(answered.error().message,
               Catch::Contains("instance '" + *id + "' holds " + std::to_string(held)) &&
                   Catch::Contains("the answers to step 'check'") &&
                   Catch::Contains("(max_data_bytes)"));
    CHECK(f.engine.history(*id)->size() == before);
    CHECK(f.waiting_step(*id) == "check");
  }
}

TEST_CASE("an input past max_data_bytes starts no instance", "[limits][engine]") {
  const json::object input{{"customer", std::string(40, 'c')}};
  for (const bool past : {false, true}) {
    Fixture f(EngineLimits{.max_data_bytes = json_size(input) - past});
    REQUIRE(f.engine.deploy(test::compile_text(checklist)));
    auto id = f.engine.start("c", input);
    CHECK(id.has_value() == !past);
    if (!past) continue;
    CHECK(id.error().code == ErrorCode::data_too_large);
    CHECK_THAT(id.error().message,
               Catch::Contains("the input is " + std::to_string(json_size(input)) + " bytes"));
    CHECK(f.engine.instance_ids()->empty());
  }
}

TEST_CASE("a signal's payload past max_output_bytes is refused; the instance keeps waiting",
          "[limits][engine]") {
  const json::object at_limit{{"reference", "R-2026"}};
  const json::object too_large{{"reference", "R-2026-1"}};
  Fixture f(EngineLimits{.max_output_bytes = json_size(at_limit)});
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "s", "version": 1, "kind": "workflow",
    "title": "S", "steps": [{"id": "paid", "type": "wait", "event": "payment", "next": "done"},
                            {"id": "done", "type": "end"}]})")));
  auto id = f.engine.start("s", json::object());
  REQUIRE(id);
  auto refused = f.engine.signal(*id, "payment", too_large);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::output_too_large);
  CHECK_THAT(refused.error().message,
             Catch::Contains("the payload of event 'payment' is " +
                             std::to_string(json_size(too_large)) + " bytes"));
  CHECK(f.state(*id).status == InstanceStatus::waiting);
  CHECK(f.engine.signal(*id, "payment", at_limit));
  CHECK(f.state(*id).status == InstanceStatus::completed);
}

TEST_CASE("a history at max_history_events refuses a caller's change; a running instance fails",
          "[limits][engine]") {
  SECTION("a caller's answer is refused") {
    std::size_t started = 0;
    {
      Fixture f;
      REQUIRE(f.engine.deploy(test::compile_text(checklist)));
      started = f.engine.history(*f.engine.start("c", json::object()))->size();
    }
    Fixture f(EngineLimits{.max_history_events = started + 1});
    REQUIRE(f.engine.deploy(test::compile_text(checklist)));
    auto id = f.engine.start("c", json::object());
    REQUIRE(id);
    CHECK(f.engine.answer(*id, "check", "note", "first", "erika"));  // the last event that fits
    auto refused = f.engine.answer(*id, "check", "note", "second", "erika");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::history_too_long);
    CHECK_THAT(refused.error().message, Catch::Contains(std::to_string(started + 1) + " events") &&
                                            Catch::Contains("(max_history_events)"));
    CHECK(f.engine.history(*id)->size() == started + 1);
    // Cancelling ends it, even with a full history.
    CHECK(f.engine.cancel(*id, "erika", "history full"));
    CHECK(f.state(*id).status == InstanceStatus::cancelled);
  }
  SECTION("an instance that runs into the limit fails with one last event") {
    Fixture f(EngineLimits{.max_history_events = 40});
    REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "l", "version": 1, "kind": "workflow",
      "title": "L", "steps": [
        {"id": "tick", "type": "wait", "duration": "PT1S", "next": "again"},
        {"id": "again", "type": "decision",
         "assign": {"n": "coalesce(vars.n, 0) + 1"},
         "next": [{"when": "vars.n < 1000", "to": "tick"}, {"to": "done"}]},
        {"id": "done", "type": "end"}]})")));
    auto id = f.engine.start("l", json::object());
    REQUIRE(id);
    for (int i = 0; i < 100 && !f.state(*id).finished(); ++i) {
      f.clock.advance(1s);
      REQUIRE(f.engine.run_due());
    }
    const auto s = f.state(*id);
    CHECK(s.status == InstanceStatus::failed);
    CHECK_THAT(s.error, Catch::Contains("(max_history_events)"));
    const auto history = *f.engine.history(*id);
    CHECK(history.size() == 41);
    CHECK(history.back().type == EventType::instance_failed);
  }
}

TEST_CASE("max_activations stops a loop: at the limit the instance ends, past it it fails",
          "[limits][engine]") {
  // Each round leaves `tick` and `again`: 2 activations; then `done`: 2 × 5 + 1 = 11.
  const char* loop = R"({"id": "l", "version": 1, "kind": "workflow", "title": "L", "steps": [
      {"id": "tick", "type": "wait", "duration": "PT0S", "next": "again"},
      {"id": "again", "type": "decision", "assign": {"n": "coalesce(vars.n, 0) + 1"},
       "next": [{"when": "vars.n < 5", "to": "tick"}, {"to": "done"}]},
      {"id": "done", "type": "end"}]})";
  for (const bool past : {false, true}) {
    Fixture f(EngineLimits{.max_activations = 11u - past});
    REQUIRE(f.engine.deploy(test::compile_text(loop)));
    auto id = f.engine.start("l", json::object());
    REQUIRE(id);
    const auto s = f.state(*id);
    INFO(s.error);
    CHECK(s.activations == (past ? 10u : 11u));
    if (!past) {
      CHECK(s.status == InstanceStatus::completed);
      continue;
    }
    CHECK(s.status == InstanceStatus::failed);
    CHECK_THAT(s.error, Catch::Contains("step 'done' would start after 10 steps") &&
                            Catch::Contains("(max_activations)"));
  }
}

TEST_CASE("a computed timer past max_timer_horizon fails its step", "[limits][engine]") {
  const char* until = R"({"id": "u", "version": 1, "kind": "workflow", "title": "U",
    "steps": [{"id": "until_due", "type": "wait", "until": "input.due", "next": "done"},
              {"id": "done", "type": "end"}]})";
  Fixture f(EngineLimits{.max_timer_horizon = std::chrono::days(10)});
  REQUIRE(f.engine.deploy(test::compile_text(until)));
  // test::monday is 2026-11-23T09:00:00Z.
  auto at_limit = f.engine.start("u", json::object{{"due", "2026-12-03T09:00:00Z"}});
  auto past = f.engine.start("u", json::object{{"due", "2026-12-03T09:00:00.001Z"}});
  CHECK(f.state(*at_limit).status == InstanceStatus::waiting);
  const auto s = f.state(*past);
  CHECK(s.status == InstanceStatus::failed);
  CHECK_THAT(s.error, Catch::Contains("the timer (2026-12-03T09:00:00.001Z) lies more than "
                                      "P10D ahead, the limit (max_timer_horizon)"));
}

TEST_CASE(
    "the engine evaluates within max_evaluation_operations and renders within "
    "max_rendered_bytes",
    "[limits][engine]") {
  const char* decide = R"({"id": "d", "version": 1, "kind": "workflow", "title": "D",
    "steps": [{"id": "route", "type": "decision",
               "next": [{"when": "sum(map(input.xs, it * 2)) > 10", "to": "big"},
                        {"to": "done"}]},
              {"id": "big", "type": "end"}, {"id": "done", "type": "end"}]})";
  // The budget the condition needs, found with the library's own evaluator.
  const json::value data = json::object{{"input", json::object{{"xs", {1, 2, 3, 4, 5}}}}};
  auto condition = Expression::parse("sum(map(input.xs, it * 2)) > 10");
  REQUIRE(condition);
  std::size_t needed = 1;
  while (!evaluate(*condition, data, {.max_operations = needed})) ++needed;
  for (const bool past : {false, true}) {
    Fixture f(EngineLimits{.max_evaluation_operations = needed - past});
    REQUIRE(f.engine.deploy(test::compile_text(decide)));
    auto id = f.engine.start("d", json::object{{"xs", {1, 2, 3, 4, 5}}});
    const auto s = f.state(*id);
    INFO(s.error);
    CHECK(s.status == (past ? InstanceStatus::failed : InstanceStatus::completed));
    if (past) CHECK_THAT(s.error, Catch::Contains("step 'route': the condition"));
  }

  const char* task = R"({"id": "t", "version": 1, "kind": "workflow", "title": "T",
    "steps": [{"id": "call", "type": "create_task", "title": "Anruf bei {{input.name}}",
               "wait": false, "next": "done"},
              {"id": "done", "type": "end"}]})";
  const std::size_t title = std::string("Anruf bei Erika Müller").size();
  for (const bool past : {false, true}) {
    Fixture f(EngineLimits{.max_rendered_bytes = title - past});
    REQUIRE(f.engine.deploy(test::compile_text(task)));
    auto id = f.engine.start("t", json::object{{"name", "Erika Müller"}});
    const auto s = f.state(*id);
    INFO(s.error);
    CHECK(s.status == (past ? InstanceStatus::failed : InstanceStatus::completed));
    if (!past) CHECK(s.tasks.at(0).title == "Anruf bei Erika Müller");
  }
}

TEST_CASE("a config with a limit of zero or an interval not above zero is refused",
          "[limits][engine]") {
  CHECK(check_config({}));  // the defaults
  struct Case {
    std::string field;
    std::function<void(EngineConfig&)> set;
  };
  const std::vector<Case> cases = {
      {"limits.max_output_bytes", [](auto& c) { c.limits.max_output_bytes = 0; }},
      {"limits.max_data_bytes", [](auto& c) { c.limits.max_data_bytes = 0; }},
      {"limits.max_history_events", [](auto& c) { c.limits.max_history_events = 0; }},
      {"limits.max_activations", [](auto& c) { c.limits.max_activations = 0; }},
      {"limits.max_timer_horizon", [](auto& c) { c.limits.max_timer_horizon = -1ms; }},
      {"limits.max_evaluation_operations", [](auto& c) { c.limits.max_evaluation_operations = 0; }},
      {"limits.max_rendered_bytes", [](auto& c) { c.limits.max_rendered_bytes = 0; }},
      {"limits.max_call_depth", [](auto& c) { c.limits.max_call_depth = 0; }},
      {"limits.max_recipients", [](auto& c) { c.limits.max_recipients = 0; }},
      {"limits.max_file_bytes", [](auto& c) { c.limits.max_file_bytes = 0; }},
      {"limits.max_file_bytes",
       [](auto& c) { c.limits.max_file_bytes = EngineLimits::largest_file_bytes + 1; }},
      {"worker.lease", [](auto& c) { c.worker.lease = 2ms; }},
      {"worker.batch", [](auto& c) { c.worker.batch = 0; }},
      {"worker.poll_interval", [](auto& c) { c.worker.poll_interval = -200ms; }},
      {"mail_retry.initial", [](auto& c) { c.mail_retry.initial = 0ms; }},
      {"mail_retry.longest", [](auto& c) { c.mail_retry.longest = c.mail_retry.initial - 1ms; }},
  };
  for (const auto& [field, set] : cases) {
    INFO(field);
    EngineConfig config;
    set(config);
    const auto checked = check_config(config);
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == ErrorCode::invalid_value);
    CHECK_THAT(checked.error().message, Catch::Contains("EngineConfig::" + field + " must be"));
    // The engine made with it refuses to deploy, so that nothing runs under it.
    Engine engine(config);
    const auto deployed = engine.deploy(test::compile_text(checklist));
    REQUIRE_FALSE(deployed);
    CHECK(deployed.error().message == checked.error().message);
  }
  // The edge: 1 and 1 ms are allowed (a lease of 3 ms), and longest may equal initial.
  EngineConfig edge;
  edge.limits = {1, 1, 1, 1, 1ms, 1, 1, 1, 1, 1};
  edge.worker.lease = 3ms;
  edge.worker.poll_interval = 1ms;
  edge.worker.batch = 1;
  edge.mail_retry = {1ms, 1ms};
  CHECK(check_config(edge));
  EngineConfig largest;
  largest.limits.max_file_bytes = EngineLimits::largest_file_bytes;
  CHECK(check_config(largest));
}

}  // namespace
}  // namespace ablauf
