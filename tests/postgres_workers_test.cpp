// Engines sharing one PostgreSQL database: workers claim and advance instances, every step is
// completed once, and a worker that stalled past its lease cannot write over the new owner.
#include "engine_support.hpp"
#include "postgres/server.hpp"

#include <ablauf/postgres_store.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace ablauf {
namespace {

using namespace std::chrono_literals;
using test::monday;

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

// An engine of its own over the shared database: one process of a host.
struct Node {
  std::unique_ptr<PostgresStore> store;
  std::unique_ptr<Engine> engine;
};

// One database, one clock, one workflow and one counter, shared by every node of a test.
struct Cluster {
  std::string conninfo = test::fresh_postgres_database();
  StepTypeRegistry registry = with_count();
  Workflow workflow = test::compile_text(two_steps, &registry);
  ManualClock clock{monday};
  std::shared_ptr<Counter> counter = std::make_shared<Counter>();

  Node join(std::string name, std::chrono::milliseconds lease = 30s,
            std::chrono::milliseconds poll_interval = 20ms) {
    Node node{test::open_postgres_store(conninfo), nullptr};
    node.engine = std::make_unique<Engine>(EngineConfig{
        .store = node.store.get(),
        .clock = &clock,
        .worker = {
            .name = std::move(name), .lease = lease, .batch = 4, .poll_interval = poll_interval}});
    node.engine->register_adapter("count", counter);
    REQUIRE(node.engine->deploy(workflow));
    return node;
  }
};

TEST_CASE("workers in several engines share the instances, running every step once",
          "[engine][postgres]") {
  Cluster cluster;
  auto host = cluster.join("host");
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    auto id = host.engine->start("shared", boost::json::object{{"n", i}});
    REQUIRE(id);
    ids.push_back(*id);
    // The host's call claimed the new instance and ran it to its timer.
    CHECK(host.engine->get(*id)->status == InstanceStatus::waiting);
  }
  cluster.clock.advance(2min);

  auto a = cluster.join("worker-a");
  auto b = cluster.join("worker-b");
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
  CHECK(cluster.counter->calls.size() == 60);
  for (const auto& [key, calls] : cluster.counter->calls) CHECK(calls == 1);
  const auto shared = a.engine->worker_stats().claimed + b.engine->worker_stats().claimed;
  CHECK(shared >= 30);
  CHECK(a.engine->worker_stats().fenced + b.engine->worker_stats().fenced == 0);
}

TEST_CASE("an enqueued instance is left to the workers", "[engine][postgres]") {
  Cluster cluster;
  auto front = cluster.join("front end");
  const auto id = front.engine->start("shared", boost::json::object(), {.enqueue = true});
  REQUIRE(id);
  CHECK(front.engine->history(*id)->size() == 1);
  CHECK(cluster.counter->calls.empty());
  auto worker = cluster.join("worker");
  REQUIRE(worker.engine->claim_and_run() == 1u);
  CHECK(cluster.counter->calls.size() == 1);
  CHECK(front.engine->get(*id)->status == InstanceStatus::waiting);
  CHECK(worker.engine->worker_stats().claimed == 1);
}

TEST_CASE("an idle worker hears of new work at once, and stops at once", "[engine][postgres]") {
  Cluster cluster;
  auto front = cluster.join("front end");
  // Polling alone would take a minute to find the instance and to notice the stop.
  auto worker = cluster.join("worker", 30s, 1min);
  const auto waited = [](auto&& done) {
    const auto start = std::chrono::steady_clock::now();
    while (!done() && std::chrono::steady_clock::now() - start < 20s)
      std::this_thread::sleep_for(10ms);
    return std::chrono::steady_clock::now() - start;
  };
  std::jthread run([&](std::stop_token stop) { worker.engine->run_worker(stop); });
  std::this_thread::sleep_for(300ms);  // it found nothing and waits
  const auto id = front.engine->start("shared", boost::json::object(), {.enqueue = true});
  REQUIRE(id);
  CHECK(waited([&] { return front.engine->get(*id)->status == InstanceStatus::waiting; }) < 20s);
  CHECK(cluster.counter->calls.size() == 1);
  run.request_stop();
  std::atomic<bool> joined{false};
  std::thread join([&] {
    run.join();
    joined = true;
  });
  CHECK(waited([&] { return joined.load(); }) < 20s);
  join.join();
}

TEST_CASE("a worker that stalled past its lease is fenced off; the new owner finishes",
          "[engine][postgres]") {
  Cluster cluster;
  cluster.counter->stall_on = "second";
  cluster.counter->stall = 900ms;
  auto host = cluster.join("host");
  const auto id = host.engine->start("shared", boost::json::object());
  REQUIRE(id);
  cluster.clock.advance(2min);

  auto stalled = cluster.join("stalled", 300ms);
  auto fresh = cluster.join("fresh");
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
  for (const auto& [key, calls] : cluster.counter->calls)
    if (key.find("/second/") != std::string::npos) second_calls += calls;
  CHECK(second_calls == 2);
}

}  // namespace
TEST_CASE("two PostgreSQL workers racing one tick start the occurrence once",
          "[schedule][engine][postgres]") {
  const auto conninfo = test::fresh_postgres_database();
  ManualClock clock(*parse_rfc3339("2026-12-01T04:00:00Z"));
  const auto workflow = test::compile_text(R"({"id": "billing", "version": 1, "kind": "workflow",
    "title": "Abrechnung", "time_zone": "Europe/Berlin",
    "schedules": [{"id": "monthly", "cron": "0 6 1 * *"}],
    "steps": [{"id": "wait_for_payment", "type": "wait", "event": "paid", "next": "done"},
              {"id": "done", "type": "end"}]})");
  std::vector<std::unique_ptr<PostgresStore>> stores;
  std::vector<std::unique_ptr<Engine>> engines;
  for (int i = 0; i < 2; ++i) {
    stores.push_back(test::open_postgres_store(conninfo));
    engines.push_back(
        std::make_unique<Engine>(EngineConfig{.store = stores.back().get(), .clock = &clock}));
    REQUIRE(engines.back()->deploy(workflow));
  }
  REQUIRE(engines[0]->run_schedules() == 0u);
  for (int round = 0; round < 3; ++round) {
    clock.set(*parse_rfc3339("2026-12-01T05:00:00Z") + std::chrono::minutes(round));
    std::atomic<int> failures = 0;
    {
      std::vector<std::jthread> threads;
      for (auto& engine : engines)
        threads.emplace_back([&, e = engine.get()] {
          if (!e->run_schedules()) ++failures;
        });
    }
    CHECK(failures == 0);
  }
  const auto all = engines[1]->list();
  REQUIRE(all);
  REQUIRE(all->size() == 1u);
  CHECK(all->front().business_key == "monthly@2026-12-01T05:00:00Z");
}

}  // namespace ablauf
