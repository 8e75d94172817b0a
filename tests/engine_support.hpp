// Helpers shared by the engine's tests: an engine on a manual clock with its services at hand,
// and workflows compiled from text.
#pragma once

#include "test_support.hpp"

#include <ablauf/engine.hpp>
#include <ablauf/step_type.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace ablauf::test {

namespace json = boost::json;

inline const Time monday = *parse_rfc3339("2026-11-23T09:00:00Z");

struct Fixture {
  explicit Fixture(Executor* executor = nullptr) : engine(config(executor)) {}

  ManualClock clock{monday};
  MemoryStore store;
  Outbox outbox;
  MemoryRecordStore records;
  std::mutex observed_mutex;
  std::vector<Event> observed;
  Engine engine;

  EngineConfig config(Executor* executor) {
    return {.store = &store,
            .clock = &clock,
            .mailer = &outbox,
            .records = &records,
            .executor = executor,
            .observer =
                [this](const std::string&, const Event& e) {
                  std::lock_guard lock(observed_mutex);
                  observed.push_back(e);
                },
            .language = "de"};
  }

  void deploy(const std::string& file) {
    REQUIRE(engine.deploy(test::compile_file(test::workflows_dir() / file)));
  }
  InstanceState state(const std::string& id) {
    auto s = engine.get(id);
    REQUIRE(s);
    return std::move(*s);
  }
  void answer(const std::string& id, const std::string& step, const std::string& item,
              json::value value) {
    auto ok = engine.answer(id, step, item, std::move(value), "erika");
    INFO(step << "." << item);
    if (!ok) FAIL(ok.error().message);
  }
  std::string waiting_step(const std::string& id) {
    const auto s = state(id);
    REQUIRE(s.tokens.size() == 1);
    return s.tokens[0].step;
  }
};

// Loads and compiles a definition given as text; fails the test if either step fails.
inline Workflow compile_text(const std::string& text, const StepTypeRegistry* registry = nullptr) {
  auto definition = load_definition(text, "test.json", {.step_types = registry});
  if (!definition) FAIL(definition.error());
  auto workflow = Workflow::compile(std::move(*definition), registry);
  if (!workflow) FAIL(workflow.error());
  return std::move(*workflow);
}

}  // namespace ablauf::test
