// Engines sharing one PostgreSQL database: workers claim and advance instances, every step is
// completed once, and a worker that stalled past its lease cannot write over the new owner.
#include "engine_support.hpp"
#include "postgres/server.hpp"

#include <ablauf/postgres_store.hpp>

#include <map>
#include <mutex>
#include <thread>

namespace ablauf {
namespace {

using namespace std::chrono_literals;
using test::monday;

std::unique_ptr<PostgresStore> open_store(const std::string& conninfo) {
  auto store = PostgresStore::open(conninfo);
  if (!store) FAIL(store.error().message);
  return std::move(*store);
}

// A host step that counts its calls per attempt key, across every engine in the test; the
// first call of the step `stall_on` sleeps `stall` (a worker paused past its lease).
class Counter final : public Adapter {
 public:
  std::mutex mutex;
  std::map<std::string, int> calls;
  std::string stall_on;
  std::chrono::milliseconds stall{0};
  StepResult execute(const StepContext& context) override {
    bool first = false;
    {
      std::lock_guard lock(mutex);
      first = ++calls[context.idempotency_key] == 1;
    }
    if (first && context.step.id == stall_on) std::this_thread::sleep_for(stall);
    return StepResult::completed();
  }
};

StepTypeRegistry with_count() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "count"}));
  return registry;
}

const char* two_steps = R"({"id": "shared", "version": 1, "kind": "workflow", "title": "S",
  "steps": [{"id": "first", "type": "count", "next": "pause"},
            {"id": "pause", "type": "wait", "duration": "PT1M", "next": "second"},
            {"id": "second", "type": "count", "next": "done"},
            {"id": "done", "type": "end"}]})";

struct Node {
  std::unique_ptr<PostgresStore> store;
  std::unique_ptr<Engine> engine;
  Node(const std::string& conninfo, Clock& clock, const Workflow& workflow,
       std::shared_ptr<Counter> counter, std::string name, std::chrono::milliseconds lease = 30s)
      : store(open_store(conninfo)) {
    engine = std::make_unique<Engine>(EngineConfig{
        .store = store.get(),
        .clock = &clock,
        .worker = {.name = std::move(name), .lease = lease, .batch = 4, .poll_interval = 20ms}});
    REQUIRE(engine->deploy(workflow));
    engine->register_adapter("count", std::move(counter));
  }
};

TEST_CASE("workers in several engines share the instances, running every step once",
          "[engine][postgres]") {
  const auto conninfo = test::fresh_postgres_database();
  const auto registry = with_count();
  const auto workflow = test::compile_text(two_steps, &registry);
  ManualClock clock(monday);
  auto counter = std::make_shared<Counter>();
  Node host(conninfo, clock, workflow, counter, "host");
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    auto id = host.engine->start("shared", boost::json::object{{"n", i}});
    REQUIRE(id);
    ids.push_back(*id);
    // The host's call claimed the new instance and ran it to its timer.
    CHECK(host.engine->get(*id)->status == InstanceStatus::waiting);
  }
  clock.advance(2min);

  Node a(conninfo, clock, workflow, counter, "worker-a");
  Node b(conninfo, clock, workflow, counter, "worker-b");
  {
    std::jthread run_a([&](std::stop_token stop) { a.engine->run_worker(stop); });
    std::jthread run_b([&](std::stop_token stop) { b.engine->run_worker(stop); });
    for (int waited = 0; waited < 500; ++waited) {
      const auto open = host.store->unfinished();
      REQUIRE(open);
      if (open->empty()) break;
      std::this_thread::sleep_for(20ms);
    }
  }  // the workers stop, letting their claims go
  for (const auto& id : ids) {
    const auto history = host.engine->history(id);
    REQUIRE(history);
    CHECK(history->back().type == EventType::instance_completed);
    std::map<std::string, int> completed;
    for (const auto& event : *history)
      if (event.type == EventType::step_completed) ++completed[event.step];
    CHECK(completed ==
          std::map<std::string, int>{{"first", 1}, {"pause", 1}, {"second", 1}, {"done", 1}});
  }
  CHECK(counter->calls.size() == 60);
  for (const auto& [key, calls] : counter->calls) CHECK(calls == 1);
  const auto shared = a.engine->worker_stats().claimed + b.engine->worker_stats().claimed;
  CHECK(shared >= 30);
  CHECK(a.engine->worker_stats().fenced + b.engine->worker_stats().fenced == 0);
}

TEST_CASE("a worker that stalled past its lease is fenced off; the new owner finishes",
          "[engine][postgres]") {
  const auto conninfo = test::fresh_postgres_database();
  const auto registry = with_count();
  const auto workflow = test::compile_text(two_steps, &registry);
  ManualClock clock(monday);
  auto counter = std::make_shared<Counter>();
  counter->stall_on = "second";
  counter->stall = 900ms;
  Node host(conninfo, clock, workflow, counter, "host");
  const auto id = host.engine->start("shared", boost::json::object());
  REQUIRE(id);
  clock.advance(2min);

  Node stalled(conninfo, clock, workflow, counter, "stalled", 300ms);
  Node fresh(conninfo, clock, workflow, counter, "fresh", 30s);
  // claim_and_run() renews nothing: the stalled worker's lease runs out while its step sleeps.
  std::thread slow([&] { REQUIRE(stalled.engine->claim_and_run()); });
  std::this_thread::sleep_for(500ms);
  const auto taken = fresh.engine->claim_and_run();
  REQUIRE(taken);
  CHECK(*taken == 1);
  slow.join();

  CHECK(stalled.engine->worker_stats().fenced == 1);
  const auto history = host.engine->history(*id);
  REQUIRE(history);
  CHECK(history->back().type == EventType::instance_completed);
  int second_completed = 0;
  for (const auto& event : *history)
    if (event.type == EventType::step_completed && event.step == "second") ++second_completed;
  CHECK(second_completed == 1);
  // The step ran twice under one attempt key (at least once, as adapters are promised), and
  // its outcome was recorded once.
  int second_calls = 0;
  for (const auto& [key, calls] : counter->calls)
    if (key.find("/second/") != std::string::npos) second_calls += calls;
  CHECK(second_calls == 2);
}

}  // namespace
}  // namespace ablauf
