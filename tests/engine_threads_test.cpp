// The engine from several threads: a thread pool advancing instances side by side, callers on
// threads of their own, and the rule that one instance is only ever advanced by one thread.
#include "engine_support.hpp"

#include <boost/json/parse.hpp>

#include <condition_variable>
#include <map>
#include <thread>

namespace ablauf {
namespace {

using test::Fixture;
namespace json = boost::json;
using namespace std::chrono_literals;

// An adapter that notices when two threads are inside it for the same instance, and that holds
// its first callers until two of them run at once, which proves that instances advance in
// parallel (or fails the test after a few seconds if they never do).
class Probe final : public Adapter {
 public:
  StepResult execute(const StepContext& context) override {
    std::unique_lock lock(mutex_);
    ++calls_;
    if (++inside_[std::string(context.instance)] > 1) overlapped_ = true;
    peak_ = std::max(peak_, ++running_);
    changed_.notify_all();
    changed_.wait_for(lock, 10s, [&] { return peak_ >= 2; });
    --running_;
    --inside_[std::string(context.instance)];
    return StepResult::completed(json::object{{"attempt", context.attempt}});
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  int peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
  }
  bool overlapped() const {
    std::lock_guard lock(mutex_);
    return overlapped_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, int> inside_;
  int running_ = 0, peak_ = 0, calls_ = 0;
  bool overlapped_ = false;
};

StepTypeRegistry with_probe() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "probe"}));
  return registry;
}

const char* probed = R"({"id": "probed", "version": 1, "kind": "workflow", "title": "P",
  "steps": [
    {"id": "one", "type": "probe", "next": "two"},
    {"id": "two", "type": "probe", "next": "three"},
    {"id": "three", "type": "probe", "next": "check"},
    {"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "label": "OK"}],
     "next": "done"},
    {"id": "done", "type": "end"}]})";

// Every instance's state is the fold of its history, and its events are numbered 1, 2, ….
void check_consistent(Fixture& f, const InstanceState& state) {
  const auto history = f.engine.history(state.id);
  REQUIRE(history);
  for (std::size_t i = 0; i < history->size(); ++i) CHECK((*history)[i].sequence == i + 1);
  const auto folded = fold(state.id, *history);
  REQUIRE(folded);
  CHECK(folded->last_sequence == state.last_sequence);
  CHECK(folded->status == state.status);
  CHECK(folded->data == state.data);
}

TEST_CASE("a thread pool advances instances side by side, each by one thread at a time",
          "[engine][threads]") {
  const auto registry = with_probe();
  ThreadPool pool(4);
  Fixture f(&pool);
  auto probe = std::make_shared<Probe>();
  f.engine.register_adapter("probe", probe);
  REQUIRE(f.engine.deploy(test::compile_text(probed, &registry)));

  constexpr int callers = 4, per_caller = 10;
  std::vector<std::vector<std::string>> started(callers);
  std::vector<std::thread> threads;
  for (int c = 0; c < callers; ++c)
    threads.emplace_back([&, c] {
      for (int i = 0; i < per_caller; ++i)
        if (auto id = f.engine.start("probed", json::object{{"n", i}})) started[c].push_back(*id);
    });
  for (auto& t : threads) t.join();
  f.engine.wait_idle();
  CHECK(probe->calls() == 3 * callers * per_caller);
  CHECK(probe->peak() >= 2);
  CHECK_FALSE(probe->overlapped());

  // People answer from threads of their own while nothing else runs.
  threads.clear();
  std::atomic<int> refused{0};
  for (int c = 0; c < callers; ++c)
    threads.emplace_back([&, c] {
      for (const auto& id : started[c])
        if (!f.engine.answer(id, "check", "ok", true, "erika")) ++refused;
    });
  for (auto& t : threads) t.join();
  f.engine.wait_idle();
  CHECK(refused == 0);

  const auto all = f.engine.list();
  REQUIRE(all);
  REQUIRE(all->size() == callers * per_caller);
  for (const auto& state : *all) {
    CHECK(state.status == InstanceStatus::completed);
    CHECK(state.data.at("steps").at("three").at("output").at("attempt") == 1);
    check_consistent(f, state);
  }
}

TEST_CASE("run_due fires the timers of many instances on a pool and waits for them",
          "[engine][threads]") {
  ThreadPool pool(3);
  Fixture f(&pool);
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "nap", "version": 1, "kind": "workflow",
    "title": "N", "steps": [{"id": "sleep", "type": "wait", "duration": "PT1H", "next": "done"},
                            {"id": "done", "type": "end"}]})")));
  for (int i = 0; i < 50; ++i) REQUIRE(f.engine.start("nap", json::object()));
  f.engine.wait_idle();
  CHECK(f.engine.list({.status = InstanceStatus::waiting})->size() == 50);
  f.clock.advance(1h);
  CHECK(f.engine.run_due() == 50u);
  // run_due returned once the work it started was done.
  CHECK(f.engine.list({.status = InstanceStatus::completed})->size() == 50);
  CHECK(f.engine.run_due() == 0u);
}

TEST_CASE("callers racing to start one business key get one instance", "[engine][threads]") {
  Fixture f;
  f.deploy("utility_billing.json");
  const auto input =
      json::parse(test::read_file(test::workflows_dir() / "answers" / "utility_billing.json"))
          .at("input");
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (auto& id : ids)
    threads.emplace_back([&] {
      if (auto started = f.engine.start("utility_billing", input, {.business_key = "Z-42"}))
        id = *started;
    });
  for (auto& t : threads) t.join();
  CHECK(f.engine.instance_ids()->size() == 1);
  for (const auto& id : ids) CHECK(id == f.engine.instance_ids()->front());
}

}  // namespace
}  // namespace ablauf
