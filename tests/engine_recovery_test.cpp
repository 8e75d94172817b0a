// Carrying on after a crash: an engine opened on a store that another engine left behind runs
// again what was cut off, under the same idempotency key, and nothing else.
#include "engine_support.hpp"

namespace ablauf {
namespace {

using test::DyingStore;
using test::monday;
namespace json = boost::json;
using namespace std::chrono_literals;

struct Recorder final : Adapter {
  std::vector<std::string> keys;
  StepResult execute(const StepContext& context) override {
    keys.push_back(context.idempotency_key);
    return StepResult::completed(json::object{{"attempt", context.attempt}});
  }
};

const char* two_steps = R"({"id": "two", "version": 1, "kind": "workflow", "title": "T",
  "steps": [{"id": "first", "type": "record", "next": "pause"},
            {"id": "pause", "type": "wait", "duration": "P1D", "next": "second"},
            {"id": "second", "type": "record", "next": "done"},
            {"id": "done", "type": "end"}]})";

StepTypeRegistry with_recorder() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "record"}));
  return registry;
}

TEST_CASE("a step cut off by a crash runs again under the same key", "[engine][recovery]") {
  const auto registry = with_recorder();
  const auto workflow = test::compile_text(two_steps, &registry);
  MemoryStore disk;
  ManualClock clock{monday};
  auto before = std::make_shared<Recorder>();
  std::string id;
  {
    DyingStore dying(disk);
    dying.die_at = EventType::step_completed;  // the adapter ran; its outcome never landed
    std::vector<std::string> reported;
    Engine engine{
        {.store = &dying, .clock = &clock, .on_error = [&](const std::string&, const Error& e) {
           reported.push_back(e.message);
         }}};
    engine.register_adapter("record", before);
    REQUIRE(engine.deploy(workflow));
    auto started = engine.start("two", json::object());
    REQUIRE(started);
    id = *started;
    REQUIRE(reported == std::vector<std::string>{"the disk is gone"});
    REQUIRE(before->keys.size() == 1);
  }

  // A new engine on what the first one stored.
  auto after = std::make_shared<Recorder>();
  Engine engine{{.store = &disk, .clock = &clock}};
  engine.register_adapter("record", after);
  REQUIRE(engine.deploy(workflow));
  CHECK(*disk.unfinished() == std::vector<std::string>{id});
  CHECK(engine.resume() == 1u);
  REQUIRE(after->keys.size() == 1);
  CHECK(after->keys[0] == before->keys[0]);  // the same attempt, so the same key
  auto state = engine.get(id);
  REQUIRE(state);
  CHECK(state->data.at("steps").at("first").at("output").at("attempt") == 1);
  CHECK(state->tokens.at(0).step == "pause");  // the timer is set and waits

  // Resuming again changes nothing: the instance waits for its timer.
  CHECK(engine.resume() == 1u);
  CHECK(after->keys.size() == 1);
  clock.advance(24h);
  CHECK(engine.resume(id) == 1u);  // a due timer fires on resume, too
  CHECK(engine.get(id)->status == InstanceStatus::completed);
  CHECK(after->keys.size() == 2);
  CHECK(disk.unfinished()->empty());
  CHECK_FALSE(engine.resume("nope"));
}

TEST_CASE("a sub-workflow that finished while its caller was down is taken up on resume",
          "[engine][recovery][call]") {
  MemoryStore disk;
  ManualClock clock{monday};
  const auto child = test::compile_text(R"({"id": "child", "version": 1, "kind": "workflow",
    "title": "C", "steps": [{"id": "nap", "type": "wait", "duration": "PT1H", "next": "done"},
                            {"id": "done", "type": "end", "assign": {"slept": "true"}}]})");
  const auto parent = test::compile_text(R"({"id": "parent", "version": 1, "kind": "workflow",
    "title": "P", "steps": [{"id": "sub", "type": "call", "workflow": "child", "next": "done"},
                            {"id": "done", "type": "end"}]})");
  std::string id;
  {
    DyingStore dying(disk);
    Engine engine{{.store = &dying, .clock = &clock, .on_error = [](auto&&...) {}}};
    REQUIRE(engine.deploy(child));
    REQUIRE(engine.deploy(parent));
    id = *engine.start("parent", json::object());
    // The child finishes, but its caller's outcome is never stored.
    dying.die_at = EventType::step_completed;
    dying.only_for = id;
    clock.advance(1h);
    engine.run_due();
  }
  Engine engine{{.store = &disk, .clock = &clock}};
  REQUIRE(engine.deploy(child));
  REQUIRE(engine.deploy(parent));
  const auto waiting = engine.get(id);
  REQUIRE(waiting->status == InstanceStatus::waiting);
  CHECK(engine.get(waiting->tokens.at(0).waiting_on)->status == InstanceStatus::completed);
  CHECK(engine.resume() == 1u);
  CHECK(engine.get(id)->status == InstanceStatus::completed);
}

TEST_CASE("an instance at a step its deployed workflow lacks is refused when loaded, not run",
          "[engine][recovery]") {
  MemoryStore disk;
  ManualClock clock{monday};
  std::string id;
  {
    Engine engine{{.store = &disk, .clock = &clock}};
    REQUIRE(engine.deploy(test::compile_text(R"({"id": "w", "version": 1, "kind": "workflow",
      "title": "W", "steps": [{"id": "nap", "type": "wait", "duration": "P1D", "next": "done"},
                              {"id": "done", "type": "end"}]})")));
    id = *engine.start("w", json::object());
  }
  // Another engine deploys a different definition under the same id and version.
  Engine engine{{.store = &disk, .clock = &clock}};
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "w", "version": 1, "kind": "workflow",
    "title": "W", "steps": [{"id": "sleep", "type": "wait", "duration": "P1D", "next": "done"},
                            {"id": "done", "type": "end"}]})")));
  const auto state = engine.get(id);
  REQUIRE_FALSE(state);
  CHECK(state.error().code == ErrorCode::invalid_event);
  CHECK(state.error().message == "instance '" + id +
                                     "': token 1 is at step 'nap', which workflow 'w' version 1 "
                                     "does not have");
  clock.advance(48h);
  const auto due = engine.run_due();  // its timer is due, and the instance does not load
  REQUIRE_FALSE(due);
  CHECK(due.error().code == ErrorCode::invalid_event);
  CHECK(disk.load(id)->size() == 4);  // started, step_started, step_waiting, timer_set: no more
}

}  // namespace
}  // namespace ablauf
