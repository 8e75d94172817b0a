// The thread-safety stress test: eight threads do what hosts do, at random, against one engine
// that advances instances on a thread pool: start instances, answer checklists, complete
// tasks, signal by correlation key, cancel, and move the clock and fire due timers. Then every
// instance must be what its history says (its state equals the fold of its events), no
// unfinished instance may have lost its tokens, and finishing the work left must bring every
// instance to its end. Built under ThreadSanitizer by the tsan preset, where a data race fails
// it too.
//
// Usage: ablauf_stress_test [operations per thread]
#include <ablauf/ablauf.hpp>

#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Two branches meet before a timer: a checklist of two items; and a task, then a payment
// signalled by the instance's key.
constexpr const char* definition = R"({"id": "stress", "version": 1, "kind": "workflow",
  "title": "Stress", "steps": [
    {"id": "fork", "type": "parallel", "branches": ["check", "call"], "join": "meet"},
    {"id": "check", "type": "fill_checklist", "title": "Check",
     "items": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}], "next": "meet"},
    {"id": "call", "type": "create_task", "title": "Call back", "next": "paid"},
    {"id": "paid", "type": "wait", "event": "paid", "correlation": "input.key", "next": "meet"},
    {"id": "meet", "type": "join", "next": "cool_off"},
    {"id": "cool_off", "type": "wait", "duration": "PT1H", "next": "done"},
    {"id": "done", "type": "end"}]})";

constexpr int threads = 8;

enum Operation { start, answer, complete_task, signal, cancel, run_due, operations };
constexpr const char* operation_names[] = {"start",  "answer", "complete_task",
                                           "signal", "cancel", "run_due"};

struct Instances {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> started;  // (id, key)

  void add(std::string id, std::string key) {
    std::lock_guard lock(mutex);
    started.emplace_back(std::move(id), std::move(key));
  }
  // A random one, or none yet.
  std::pair<std::string, std::string> pick(std::mt19937& random) {
    std::lock_guard lock(mutex);
    if (started.empty()) return {};
    return started[std::uniform_int_distribution<std::size_t>(0, started.size() - 1)(random)];
  }
};

// An open task of the instance, or "".
std::string open_task(const ablauf::Engine& engine, const std::string& id) {
  auto state = engine.get(id);
  if (!state) return {};
  for (const auto& task : state->tasks)
    if (!task.completed) return task.id;
  return {};
}

// What must hold of one instance; "" when it does.
std::string check(const ablauf::Engine& engine, const std::string& id) {
  auto state = engine.get(id);
  auto history = engine.history(id);
  if (!state || !history) return id + ": cannot be read";
  auto folded = ablauf::fold(id, *history);
  if (!folded) return id + ": its history does not fold: " + folded.error().message;
  if (json::serialize(ablauf::to_json(*state)) != json::serialize(ablauf::to_json(*folded)))
    return id + ": its state is not the fold of its history";
  if (state->last_sequence != history->size()) return id + ": events are missing";
  if (state->finished() != state->tokens.empty()) return id + ": a token was lost";
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  const int per_thread = argc > 1 ? std::atoi(argv[1]) : 400;
  auto definition_loaded = ablauf::load_definition(definition, "stress.json");
  if (!definition_loaded) {
    std::fprintf(stderr, "%s\n", ablauf::format(definition_loaded.error().first_error()).c_str());
    return 1;
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition_loaded));
  if (!workflow) {
    std::fprintf(stderr, "%s\n", ablauf::format(workflow.error().first_error()).c_str());
    return 1;
  }

  ablauf::ManualClock clock(std::chrono::sys_days{std::chrono::November / 23 / 2026});
  ablauf::MemoryStore store;
  ablauf::ThreadPool pool(4);
  std::atomic<int> engine_errors{0};
  ablauf::Engine engine({.store = &store,
                         .clock = &clock,
                         .executor = &pool,
                         .on_error = [&](const std::string& instance, const ablauf::Error& e) {
                           std::fprintf(stderr, "engine error: %s: %s\n", instance.c_str(),
                                        e.message.c_str());
                           ++engine_errors;
                         }});
  if (auto deployed = engine.deploy(std::move(*workflow)); !deployed) {
    std::fprintf(stderr, "%s\n", deployed.error().message.c_str());
    return 1;
  }

  // Each thread draws its operations from a generator of its own; a refusal (answering a step
  // that no longer waits, say) is an outcome, not a failure: only the invariants are checked.
  Instances instances;
  std::atomic<int> done[operations] = {};
  std::atomic<int> refused[operations] = {};
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t)
    callers.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t) * 7919u + 17u);
      std::uniform_int_distribution<int> dice(0, 99);
      for (int i = 0; i < per_thread; ++i) {
        const int roll = dice(random);
        const Operation op = roll < 20   ? start
                             : roll < 50 ? answer
                             : roll < 65 ? complete_task
                             : roll < 80 ? signal
                             : roll < 83 ? cancel
                                         : run_due;
        tl::expected<void, ablauf::Error> ok;
        if (op == start) {
          const std::string key = "K-" + std::to_string(t) + "-" + std::to_string(i);
          auto id = engine.start("stress", json::object{{"key", key}});
          if (id) instances.add(std::move(*id), key);
          ok = id ? tl::expected<void, ablauf::Error>() : tl::make_unexpected(id.error());
        } else if (op == run_due) {
          clock.advance(20min);
          auto fired = engine.run_due();
          if (!fired) ok = tl::make_unexpected(fired.error());
        } else {
          const auto [id, key] = instances.pick(random);
          if (id.empty()) continue;
          if (op == answer)
            ok = engine.answer(id, "check", dice(random) < 50 ? "x" : "y", true, "stress");
          else if (op == complete_task)
            ok = engine.complete_task(id, open_task(engine, id), "done", "stress");
          else if (op == signal)
            ok = engine.signal(key, "paid");
          else
            ok = engine.cancel(id, "stress", "stress test");
        }
        ++(ok ? done : refused)[op];
      }
    });
  for (auto& caller : callers) caller.join();
  engine.wait_idle();

  std::vector<std::string> failures;
  std::vector<std::pair<std::string, std::string>> all;
  {
    std::lock_guard lock(instances.mutex);
    all = instances.started;
  }
  for (const auto& [id, key] : all)
    if (auto wrong = check(engine, id); !wrong.empty()) failures.push_back(wrong);

  // Finishing the work left brings every instance to its end: nothing waits for nothing. The
  // pool moves an instance on after a call returns, and a signal finds only a step that waits
  // already: so the tasks are done, and the instances idle, before the payments arrive.
  for (const auto& [id, key] : all) {
    (void)engine.answer(id, "check", "x", true, "stress");
    (void)engine.answer(id, "check", "y", true, "stress");
    if (auto task = open_task(engine, id); !task.empty())
      (void)engine.complete_task(id, task, "done", "stress");
  }
  engine.wait_idle();
  for (const auto& [id, key] : all) (void)engine.signal(key, "paid");
  engine.wait_idle();
  clock.advance(2h);
  (void)engine.run_due();
  engine.wait_idle();
  int completed = 0, cancelled = 0;
  for (const auto& [id, key] : all) {
    if (auto wrong = check(engine, id); !wrong.empty()) failures.push_back(wrong);
    const auto state = engine.get(id);
    if (state && state->status == ablauf::InstanceStatus::completed)
      ++completed;
    else if (state && state->status == ablauf::InstanceStatus::cancelled)
      ++cancelled;
    else
      failures.push_back(id + ": did not end once its work was done");
  }

  std::printf("%d threads x %d operations:", threads, per_thread);
  for (int op = 0; op < operations; ++op)
    std::printf(" %s %d/%d", operation_names[op], done[op].load(), done[op] + refused[op]);
  std::printf("\n%zu instances: %d completed, %d cancelled; %zu failures, %d engine errors\n",
              all.size(), completed, cancelled, failures.size(), engine_errors.load());
  for (std::size_t i = 0; i < failures.size() && i < 20; ++i)
    std::fprintf(stderr, "%s\n", failures[i].c_str());
  return failures.empty() && engine_errors == 0 && completed > 0 ? 0 : 1;
}
