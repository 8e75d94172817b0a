// The engine in memory (its default MemoryStore, on a ManualClock): automated steps, starts,
// decisions, a parallel fork and join, checklist answers, and the memory of a waiting instance.
// Every case checks where each of its instances ended (status, visits), so a broken engine
// cannot look fast.
#include <ablauf/ablauf.hpp>

#include <benchmark/benchmark.h>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

namespace json = boost::json;
using Stopwatch = std::chrono::steady_clock;

// An automated step that does nothing: what remains is the engine's own cost per step.
struct Noop final : ablauf::Adapter {
  ablauf::StepResult execute(const ablauf::StepContext&) override {
    return ablauf::StepResult::completed();
  }
};

// The built-in step types and "noop". Were add() to fail, definitions using noop would not
// load, and the cases would say so.
const ablauf::StepTypeRegistry& step_types() {
  static const ablauf::StepTypeRegistry registry = [] {
    ablauf::StepTypeRegistry types = ablauf::StepTypeRegistry::builtin();
    (void)types.add({.name = "noop"});
    return types;
  }();
  return registry;
}

// A workflow of `steps`, which end at "done".
tl::expected<ablauf::Workflow, std::string> compile(std::string_view id, json::array steps) {
  steps.push_back(json::object{{"id", "done"}, {"type", "end"}});
  const std::string text = json::serialize(json::object{
      {"id", id}, {"version", 1}, {"kind", "workflow"}, {"title", "Bench"}, {"steps", steps}});
  auto definition = ablauf::load_definition(text, "bench.json", {.step_types = &step_types()});
  if (!definition) return tl::make_unexpected(ablauf::format(definition.error().first_error()));
  auto workflow = ablauf::Workflow::compile(std::move(*definition), &step_types());
  if (!workflow) return tl::make_unexpected(ablauf::format(workflow.error().first_error()));
  return std::move(*workflow);
}

// "s0", "s1", …: the ids of generated steps and items.
std::string numbered(std::string_view prefix, std::int64_t i) {
  std::string id(prefix);
  id += std::to_string(i);
  return id;
}

json::object noop(std::string id, std::string next) {
  return {{"id", std::move(id)}, {"type", "noop"}, {"next", std::move(next)}};
}

// s0 → s1 → … → s<n-1> → done, every s a noop.
json::array chain(std::int64_t n) {
  json::array steps;
  for (std::int64_t i = 0; i < n; ++i)
    steps.push_back(noop(numbered("s", i), i + 1 < n ? numbered("s", i + 1) : "done"));
  return steps;
}

// One checklist of `items` checkboxes i0, i1, …: an instance stops there at once.
json::array checklist(std::int64_t items) {
  json::array list;
  for (std::int64_t i = 0; i < items; ++i)
    list.push_back(json::object{{"id", numbered("i", i)}, {"label", "Item"}});
  return {
      json::object{{"id", "check"}, {"type", "fill_checklist"}, {"items", list}, {"next", "done"}}};
}

// A small order, as a host would start an instance with.
const json::value& order_input() {
  static const json::value input{{"customer", {{"id", "K-4711"}, {"name", "Erika Müller"}}},
                                 {"order", "A-1042"},
                                 {"total", 1190}};
  return input;
}

const json::value* step_field(const ablauf::InstanceState& state, const std::string& step,
                              const char* field) {
  const auto* entry = state.data.at("steps").as_object().if_contains(step);
  return entry ? entry->as_object().if_contains(field) : nullptr;
}

bool visited_once(const ablauf::InstanceState& state, const std::string& step) {
  const auto* visits = step_field(state, step, "visits");
  return visits && *visits == 1;
}

// An engine with one workflow deployed, and the instances it ran so far.
struct Host {
  explicit Host(const ablauf::Workflow& workflow, ablauf::Executor* executor = nullptr,
                std::size_t cached_instances = 10'000)
      : engine({.clock = &clock, .executor = executor, .cached_instances = cached_instances}) {
    engine.register_adapter("noop", std::make_shared<Noop>());
    if (auto deployed = engine.deploy(workflow); !deployed) error = deployed.error().message;
  }

  ablauf::ManualClock clock{std::chrono::sys_days{std::chrono::November / 23 / 2026}};
  ablauf::Engine engine;
  std::string error;                  // why the workflow did not deploy
  std::vector<std::string> prepared;  // instances set up for the iterations to drive
  std::vector<std::string> ran;       // instances the iterations started or drove
};

// Checks an instance an iteration ran: an error message, or empty.
using Check = std::function<std::string(const ablauf::InstanceState&, std::size_t iteration)>;

// The loop of the cases below. `iterate` is the timed part: it starts or drives one instance
// and returns its id. MemoryStore keeps every event of every instance, so a long run would also
// measure an ever larger heap; and checking an instance means folding its history again, as
// costly as what is measured. So every `batch` iterations, with the timer paused, the instances
// of the batch are checked and a fresh engine takes over, after `prepare` (paused too) has set
// up what the next batch needs.
void run_in_batches(
    benchmark::State& state, const ablauf::Workflow& workflow, std::size_t batch,
    const std::function<tl::expected<std::string, std::string>(Host&, std::size_t)>& iterate,
    const Check& check, const std::function<std::string(Host&, std::size_t)>& prepare = nullptr) {
  std::unique_ptr<Host> host;
  std::size_t iteration = 0;
  const auto check_batch = [&]() -> std::string {
    if (!host) return {};
    const std::size_t first = iteration - host->ran.size();
    for (std::size_t i = 0; i < host->ran.size(); ++i) {
      auto instance = host->engine.get(host->ran[i]);
      if (!instance) return instance.error().message;
      if (auto wrong = check(*instance, first + i); !wrong.empty()) return wrong;
    }
    return {};
  };
  std::string error;
  for (auto _ : state) {
    if (iteration % batch == 0) {
      state.PauseTiming();
      error = check_batch();
      if (error.empty()) {
        host = std::make_unique<Host>(workflow);
        error = host->error;
      }
      if (error.empty() && prepare) error = prepare(*host, batch);
      state.ResumeTiming();
      if (!error.empty()) break;
    }
    auto id = iterate(*host, iteration);
    if (!id) {
      error = id.error();
      break;
    }
    host->ran.push_back(std::move(*id));
    ++iteration;
  }
  if (error.empty()) error = check_batch();
  if (!error.empty()) state.SkipWithError(error.c_str());
}

tl::expected<std::string, std::string> start(Host& host, std::string_view workflow,
                                             json::value input = json::object()) {
  auto id = host.engine.start(workflow, std::move(input));
  if (!id) return tl::make_unexpected(id.error().message);
  return std::move(*id);
}

// Automated steps per second: a chain of n noop steps, run to its end in one start().
void engine_automated_steps(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const auto workflow = compile("chain", chain(n));
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  const std::string last = numbered("s", n - 1);
  run_in_batches(
      state, *workflow, static_cast<std::size_t>(std::max<std::int64_t>(1, 20'000 / n)),
      [](Host& host, std::size_t) { return start(host, "chain"); },
      [&](const ablauf::InstanceState& instance, std::size_t) -> std::string {
        if (instance.status != ablauf::InstanceStatus::completed) return "the chain did not end";
        if (!visited_once(instance, last)) return "the last noop did not run exactly once";
        return {};
      });
  state.SetItemsProcessed(state.iterations() * n);  // noop steps; the end step is not counted
}
BENCHMARK(engine_automated_steps)->Arg(10)->Arg(100)->Arg(1000);

// The same chain of 100 noop steps on a ThreadPool of n workers: 64 instances started back to
// back, then wait_idle(). The caller's thread starts instances while the workers advance them,
// so on a machine with two cores this shows how far instances side by side scale. Wall time.
void engine_automated_steps_pool(benchmark::State& state) {
  constexpr std::int64_t steps = 100, instances = 64;
  const auto workflow = compile("chain", chain(steps));
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  const std::string last = numbered("s", steps - 1);
  std::string error;
  for (auto _ : state) {
    state.PauseTiming();
    auto pool = std::make_unique<ablauf::ThreadPool>(static_cast<std::size_t>(state.range(0)));
    auto host = std::make_unique<Host>(*workflow, pool.get());
    state.ResumeTiming();
    for (std::int64_t i = 0; i < instances && error.empty(); ++i) {
      if (auto id = start(*host, "chain"))
        host->ran.push_back(std::move(*id));
      else
        error = id.error();
    }
    host->engine.wait_idle();
    state.PauseTiming();
    for (const auto& id : host->ran) {
      auto instance = host->engine.get(id);
      if (!instance || instance->status != ablauf::InstanceStatus::completed ||
          !visited_once(*instance, last))
        error = "an instance on the pool did not run its chain to the end";
    }
    host.reset();
    pool.reset();
    state.ResumeTiming();
    if (!error.empty()) break;
  }
  if (!error.empty()) state.SkipWithError(error.c_str());
  state.SetItemsProcessed(state.iterations() * instances * steps);
}
BENCHMARK(engine_automated_steps_pool)->Arg(1)->Arg(2)->UseRealTime();

// What start() costs when the first step waits for a person.
void engine_start_waiting_instance(benchmark::State& state) {
  const auto workflow = compile("checklist", checklist(3));
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  run_in_batches(
      state, *workflow, 10'000,
      [](Host& host, std::size_t) { return start(host, "checklist", order_input()); },
      [](const ablauf::InstanceState& instance, std::size_t) -> std::string {
        if (instance.status != ablauf::InstanceStatus::waiting) return "the instance did not wait";
        return {};
      });
}
BENCHMARK(engine_start_waiting_instance);

// noop → decision on input.total → a or b → done. Iterations alternate the two branches.
void engine_decision(benchmark::State& state) {
  const auto workflow = compile(
      "decision",
      {noop("receive", "route"),
       json::object{{"id", "route"},
                    {"type", "decision"},
                    {"next", json::array{json::object{{"when", "input.total > 1000"}, {"to", "a"}},
                                         json::object{{"to", "b"}}}}},
       noop("a", "done"), noop("b", "done")});
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  const std::array<json::value, 2> inputs{json::object{{"total", 1500}},
                                          json::object{{"total", 500}}};
  run_in_batches(
      state, *workflow, 5'000,
      [&](Host& host, std::size_t i) { return start(host, "decision", inputs[i % 2]); },
      [](const ablauf::InstanceState& instance, std::size_t i) -> std::string {
        const bool high = i % 2 == 0;
        if (instance.status != ablauf::InstanceStatus::completed) return "the decision did not end";
        if (!visited_once(instance, high ? "a" : "b") ||
            step_field(instance, high ? "b" : "a", "visits"))
          return "the decision took the wrong branch";
        return {};
      });
}
BENCHMARK(engine_decision);

// parallel → 8 noop branches → join → done.
void engine_parallel_join(benchmark::State& state) {
  constexpr int branches = 8;
  json::array ids, steps;
  for (int i = 0; i < branches; ++i) {
    ids.push_back(json::string(numbered("b", i)));
    steps.push_back(noop(numbered("b", i), "meet"));
  }
  steps.insert(
      steps.begin(),
      json::object{{"id", "fork"}, {"type", "parallel"}, {"branches", ids}, {"join", "meet"}});
  steps.push_back(json::object{{"id", "meet"}, {"type", "join"}, {"next", "done"}});
  const auto workflow = compile("parallel", std::move(steps));
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  run_in_batches(
      state, *workflow, 2'000, [](Host& host, std::size_t) { return start(host, "parallel"); },
      [](const ablauf::InstanceState& instance, std::size_t) -> std::string {
        if (instance.status != ablauf::InstanceStatus::completed) return "the fork did not end";
        if (!visited_once(instance, "meet")) return "the join did not complete exactly once";
        for (int i = 0; i < branches; ++i)
          if (!visited_once(instance, numbered("b", i))) return "a branch did not run";
        return {};
      });
}
BENCHMARK(engine_parallel_join);

// A checklist of 20 (or more) checkboxes answered one call at a time; the instances are started
// outside the timed region. Reported per answer. Each call reloads the instance from its events,
// so the mean time of the k-th answer (answer_<k>_ns: the first, the last that only records an
// answer, and the last, which also completes the checklist and the instance) shows whether a
// call's cost grows with the history.
void engine_checklist_answers(benchmark::State& state) {
  const std::int64_t items = state.range(0);
  const auto workflow = compile("checklist", checklist(items));
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  std::vector<std::string> item_ids;
  for (std::int64_t i = 0; i < items; ++i) item_ids.push_back(numbered("i", i));
  const json::value yes = true;
  std::vector<Stopwatch::duration> took(item_ids.size());  // per item, over all iterations
  run_in_batches(
      state, *workflow, 1'000,
      [&](Host& host, std::size_t i) -> tl::expected<std::string, std::string> {
        const std::string& id = host.prepared[i % host.prepared.size()];
        for (std::size_t k = 0; k < item_ids.size(); ++k) {
          const auto begin = Stopwatch::now();
          auto ok = host.engine.answer(id, "check", item_ids[k], yes, "erika");
          took[k] += Stopwatch::now() - begin;
          if (!ok) return tl::make_unexpected(ok.error().message);
        }
        return id;
      },
      [](const ablauf::InstanceState& instance, std::size_t) -> std::string {
        if (instance.status != ablauf::InstanceStatus::completed)
          return "the answered checklist did not complete";
        return {};
      },
      [](Host& host, std::size_t count) -> std::string {
        for (std::size_t i = 0; i < count; ++i) {
          auto id = start(host, "checklist", order_input());
          if (!id) return id.error();
          host.prepared.push_back(std::move(*id));
        }
        return {};
      });
  state.SetItemsProcessed(state.iterations() * items);
  for (const std::int64_t k : {std::int64_t{1}, items - 1, items}) {
    const auto total =
        std::chrono::duration_cast<std::chrono::nanoseconds>(took[static_cast<std::size_t>(k - 1)]);
    state.counters[numbered("answer_", k) + "_ns"] =
        benchmark::Counter(static_cast<double>(total.count()), benchmark::Counter::kAvgIterations);
  }
}
BENCHMARK(engine_checklist_answers)->Arg(20)->Arg(100);

// Whether a step costs more when many instances live beside it: range(0) instances wait at a
// checklist in the same engine (started outside the timed region) while 10-step chains run to
// their end. Reported per noop step; the curve of docs/performance.md.
void engine_steps_with_live_instances(benchmark::State& state) {
  constexpr std::int64_t steps = 10;
  const std::int64_t live = state.range(0);
  auto workflow = compile("chain", chain(steps));
  auto waiting = compile("checklist", checklist(3));
  if (!workflow || !waiting) return state.SkipWithError("the definitions did not compile");
  Host host(*workflow);
  if (auto deployed = host.engine.deploy(*waiting); !deployed)
    return state.SkipWithError(deployed.error().message.c_str());
  for (std::int64_t i = 0; i < live; ++i)
    if (auto id = host.engine.start("checklist", order_input()); !id)
      return state.SkipWithError(id.error().message.c_str());
  for (auto _ : state) {
    auto id = start(host, "chain");
    if (!id) return state.SkipWithError(id.error().c_str());
    host.ran.push_back(std::move(*id));
  }
  const std::string last = numbered("s", steps - 1);
  for (const auto& id : host.ran) {
    auto instance = host.engine.get(id);
    if (!instance || instance->status != ablauf::InstanceStatus::completed ||
        !visited_once(*instance, last))
      return state.SkipWithError("a chain did not run to its end");
  }
  if (static_cast<std::int64_t>(host.engine.instance_ids()->size()) != live + state.iterations())
    return state.SkipWithError("the waiting instances are not all there");
  state.SetItemsProcessed(state.iterations() * steps);
}
BENCHMARK(engine_steps_with_live_instances)
    ->Arg(0)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Iterations(20'000);

// Resident memory now, from /proc/self/statm (its second field, in pages).
std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
}

// The memory of an instance waiting at its checklist: RSS growth over `instances` starts,
// divided by their number. Each such instance holds 3 events (instance_started with
// order_input(), whose JSON text is input_json_bytes long; step_started; step_waiting):
// MemoryStore keeps every event, with its indexes; and the engine keeps the states of the
// `cached` most recently used instances (its default: 10,000). The timed part is the starts.
void engine_memory_per_waiting_instance(benchmark::State& state) {
  const std::int64_t count = state.range(0);
  const auto cached = static_cast<std::size_t>(state.range(1));
  const auto workflow = compile("checklist", checklist(3));
  if (!workflow) return state.SkipWithError(workflow.error().c_str());
  for (auto _ : state) {
    state.PauseTiming();
    auto host = std::make_unique<Host>(*workflow, nullptr, cached);
#if defined(__GLIBC__)
    malloc_trim(0);  // hand back what earlier cases freed, or new instances would reuse it unseen
#endif
    const std::int64_t before = resident_bytes();
    state.ResumeTiming();
    for (std::int64_t i = 0; i < count; ++i)
      if (auto id = host->engine.start("checklist", order_input()); !id)
        return state.SkipWithError(id.error().message.c_str());
    state.PauseTiming();
    const std::int64_t after = resident_bytes();
    const auto instances = host->engine.instance_ids();
    if (!instances || static_cast<std::int64_t>(instances->size()) != count)
      return state.SkipWithError("not every start made an instance");
    for (const auto& id : *instances) {
      auto instance = host->engine.get(id);
      if (!instance || instance->status != ablauf::InstanceStatus::waiting)
        return state.SkipWithError("an instance did not wait at its checklist");
    }
    state.counters["rss_bytes_per_instance"] =
        static_cast<double>(after - before) / static_cast<double>(count);
    state.counters["input_json_bytes"] = static_cast<double>(json::serialize(order_input()).size());
    state.counters["events_per_instance"] =
        static_cast<double>(host->engine.history(instances->front())->size());
    host.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(engine_memory_per_waiting_instance)
    ->ArgNames({"instances", "cached"})
    ->Args({100'000, 10'000})
    ->Args({100'000, 100'000})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
