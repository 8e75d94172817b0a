// The engine on the durable SQLite store: automated steps per second when every step's attempt
// and outcome are committed to a real file, one instance at a time, at both durability levels.
// Each case checks that its instances ran to their end, so a broken store cannot look fast.
#include "chain.hpp"

#include <ablauf/ablauf.hpp>

#include <benchmark/benchmark.h>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using ablauf::bench::chain;
using ablauf::bench::Noop;
namespace json = boost::json;
namespace fs = std::filesystem;

// A folder of its own for a case's database, removed with it (also when the case stops early).
struct ScratchDir {
  fs::path path =
      fs::temp_directory_path() / ("ablauf-bench-" + std::to_string(std::random_device{}()));
  ScratchDir() { fs::create_directories(path); }
  ~ScratchDir() { fs::remove_all(path); }
  std::string db() const { return (path / "bench.db").string(); }
};

// Arg 0: synchronous FULL (the default), 1: NORMAL.
void sqlite_automated_steps(benchmark::State& state) {
  constexpr int steps = 20;
  const auto workflow = chain(steps);
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  const ScratchDir dir;
  {
    const auto level = state.range(0) == 0 ? ablauf::SqliteOptions::Synchronous::full
                                           : ablauf::SqliteOptions::Synchronous::normal;
    auto store = ablauf::SqliteStore::open(dir.db(), {.synchronous = level});
    if (!store) return state.SkipWithError(store.error().message.c_str());
    ablauf::Engine engine{{.store = store->get()}};
    engine.register_adapter("noop", std::make_shared<Noop>());
    if (!engine.deploy(*workflow)) return state.SkipWithError("the chain did not deploy");
    std::string error;
    for (auto _ : state) {
      auto id = engine.start("chain", json::object());
      if (!id) {
        error = id.error().message;
        break;
      }
      state.PauseTiming();
      auto done = engine.get(*id);
      if (!done || done->status != ablauf::InstanceStatus::completed)
        error = "an instance did not run its chain to the end";
      state.ResumeTiming();
      if (!error.empty()) break;
    }
    if (!error.empty()) state.SkipWithError(error.c_str());
  }
  state.SetItemsProcessed(state.iterations() * steps);
  state.SetLabel(state.range(0) == 0 ? "synchronous=FULL" : "synchronous=NORMAL");
}
BENCHMARK(sqlite_automated_steps)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The same chain, `instances` at once on a ThreadPool of `workers` (synchronous=FULL): the
// step outcomes of workers that wait for the disk together share a transaction (group commit),
// so one fsync serves many; with more workers than cores, more of them wait together. Wall
// time.
void sqlite_automated_steps_concurrent(benchmark::State& state) {
  constexpr int steps = 20, callers_per_run = 8;
  const auto instances = static_cast<int>(state.range(0));
  const auto workflow = chain(steps);
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  std::string error;
  for (auto _ : state) {
    state.PauseTiming();
    {
      const ScratchDir dir;
      auto store = ablauf::SqliteStore::open(dir.db());
      if (!store) {
        error = store.error().message;
        break;
      }
      ablauf::ThreadPool pool(static_cast<std::size_t>(state.range(1)));
      ablauf::Engine engine{{.store = store->get(), .executor = &pool}};
      engine.register_adapter("noop", std::make_shared<Noop>());
      if (!engine.deploy(*workflow)) error = "the chain did not deploy";
      std::vector<std::string> ids;
      std::mutex ids_mutex;
      state.ResumeTiming();
      // Requests arrive on threads of their own, as in a server: one thread starting them all
      // would wait for a commit per start, and its starts would set the pace.
      std::vector<std::thread> callers;
      for (int caller = 0; caller < callers_per_run; ++caller)
        callers.emplace_back([&, caller] {
          for (int i = caller; i < instances; i += callers_per_run) {
            auto id = engine.start("chain", json::object());
            std::lock_guard lock(ids_mutex);
            if (id)
              ids.push_back(std::move(*id));
            else
              error = id.error().message;
          }
        });
      for (auto& caller : callers) caller.join();
      engine.wait_idle();
      state.PauseTiming();
      for (const auto& id : ids)
        if (auto done = engine.get(id); !done || done->status != ablauf::InstanceStatus::completed)
          error = "an instance did not run its chain to the end";
    }
    state.ResumeTiming();
    if (!error.empty()) break;
  }
  if (!error.empty()) state.SkipWithError(error.c_str());
  state.SetItemsProcessed(state.iterations() * steps * instances);
}
BENCHMARK(sqlite_automated_steps_concurrent)
    ->ArgNames({"instances", "workers"})
    ->Args({100, 8})
    ->Args({1'000, 8})
    ->Args({1'000, 64})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Opening an engine on a store with 10,000 instances waiting at a checklist and resuming them
// all, with and without checking their hash chains (EngineConfig::verify_history); and the
// database's size per instance, with its input and data stated.
void sqlite_recovery(benchmark::State& state) {
  const auto count = state.range(0);
  const bool verify = state.range(1) != 0;
  const char* text = R"({"id": "check", "version": 1, "kind": "workflow", "title": "C",
    "steps": [{"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "label": "OK"}],
               "next": "done"}, {"id": "done", "type": "end"}]})";
  auto definition = ablauf::load_definition(text, "check.json");
  if (!definition) return state.SkipWithError("the checklist did not load");
  const auto workflow = ablauf::Workflow::compile(std::move(*definition));
  if (!workflow) return state.SkipWithError("the checklist did not compile");
  const ScratchDir dir;
  const auto path = dir.db();
  const json::value input{{"customer", {{"id", "K-4711"}, {"name", "Erika Müller"}}},
                          {"order", "A-1042"},
                          {"total", 1190}};
  {
    auto store = ablauf::SqliteStore::open(
        path, {.synchronous = ablauf::SqliteOptions::Synchronous::normal});
    if (!store) return state.SkipWithError(store.error().message.c_str());
    ablauf::Engine engine{{.store = store->get()}};
    if (!engine.deploy(*workflow)) return state.SkipWithError("the checklist did not deploy");
    for (std::int64_t i = 0; i < count; ++i)
      if (!engine.start("check", input)) return state.SkipWithError("an instance did not start");
  }
  const auto bytes = fs::file_size(path);
  std::size_t resumed = 0;
  for (auto _ : state) {
    auto store = ablauf::SqliteStore::open(path);
    if (!store) return state.SkipWithError(store.error().message.c_str());
    ablauf::Engine engine{{.store = store->get(), .verify_history = verify}};
    if (!engine.deploy(*workflow)) return state.SkipWithError("the checklist did not deploy");
    auto done = engine.resume();
    if (!done || *done != static_cast<std::size_t>(count))
      return state.SkipWithError("not every instance was resumed");
    resumed = *done;
  }
  state.counters["instances"] = static_cast<double>(resumed);
  state.counters["db_bytes_per_instance"] = static_cast<double>(bytes) / static_cast<double>(count);
  state.counters["input_json_bytes"] = static_cast<double>(json::serialize(input).size());
}
BENCHMARK(sqlite_recovery)
    ->ArgNames({"instances", "verify"})
    ->Args({10'000, 0})
    ->Args({10'000, 1})
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

// Reading one instance with a long history (400 events, no snapshot) from the store, as an
// engine does for an instance it does not hold in memory, with and without checking its hash
// chain: the cost of the check per event.
void sqlite_load_history(benchmark::State& state) {
  const bool verify = state.range(0) != 0;
  const auto workflow = ablauf::Workflow::compile(*ablauf::load_definition(
      R"({"id": "loop", "version": 1, "kind": "workflow", "title": "L", "steps": [
        {"id": "tick", "type": "wait", "duration": "P1D",
         "assign": {"ticks": "coalesce(vars.ticks, 0) + 1", "note": "'Zahlung erinnert'"},
         "next": [{"when": "vars.ticks >= 100", "to": "check"}, {"to": "tick"}]},
        {"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "label": "OK"}],
         "next": "done"},
        {"id": "done", "type": "end"}]})",
      "loop.json"));
  if (!workflow) return state.SkipWithError("the loop did not compile");
  const ScratchDir dir;
  ablauf::ManualClock clock{ablauf::Time{}};
  auto store = ablauf::SqliteStore::open(
      dir.db(), {.synchronous = ablauf::SqliteOptions::Synchronous::normal});
  if (!store) return state.SkipWithError(store.error().message.c_str());
  std::string id;
  {
    ablauf::Engine engine{{.store = store->get(), .clock = &clock, .snapshot_every = 0}};
    if (!engine.deploy(*workflow)) return state.SkipWithError("the loop did not deploy");
    id = *engine.start("loop", json::object{{"customer", {{"id", "K-4711"}}}});
    for (int day = 0; day < 100; ++day) {
      clock.advance(std::chrono::hours(24));
      if (engine.run_due() != 1u) return state.SkipWithError("a timer did not fire");
    }
  }
  ablauf::Engine engine{{.store = store->get(),
                         .clock = &clock,
                         .cached_instances = 0,  // every read goes to the store
                         .verify_history = verify}};
  if (!engine.deploy(*workflow)) return state.SkipWithError("the loop did not deploy");
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto loaded = engine.get(id);
    if (!loaded || loaded->tokens.empty() || loaded->tokens[0].step != "check")
      return state.SkipWithError("the instance did not load at its checklist");
    events = loaded->last_sequence;
  }
  state.counters["events"] = static_cast<double>(events);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events));
}
BENCHMARK(sqlite_load_history)->ArgNames({"verify"})->Arg(0)->Arg(1);

}  // namespace
