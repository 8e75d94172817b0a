// The crash test of corrective actions: worker processes walk safety checklists on a SQLite
// store, answering so that each raises two actions (a failed exit, an expired extinguisher),
// then do and verify them and sign off, while the test SIGKILLs them at random moments. The
// host's task list is a file each worker appends to as the engine opens a task.
//
// At the end: every walk completed; each action created exactly once in the store (never a
// second for an answer given again after a kill), done once and verified once; the task list
// heard of every action the store has, and of no other, each time under the same task id (a
// kill between telling the list and storing the answer tells it again: at least once, under
// one idempotency key).
//
// Usage: ablauf_actions_kill_test [INSTANCES [KILLS [SEED]]]   (exit 0: every check held)
#include "crash/kill_harness.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path definition_file = fs::path(ABLAUF_TEST_DATA_DIR) / "good" / "safety_walk.json";

// The host's task list: a line "instance task" for each task the engine opens, appended in one
// write, so that a kill leaves whole lines only.
class TaskListFile final : public ablauf::TaskSink {
 public:
  explicit TaskListFile(const fs::path& file)
      : fd_(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {}
  ~TaskListFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  TaskListFile(const TaskListFile&) = delete;
  TaskListFile& operator=(const TaskListFile&) = delete;

  tl::expected<void, std::string> open(std::string_view instance,
                                       const ablauf::Task& task) override {
    const std::string line = std::string(instance) + ' ' + task.id + '\n';
    if (fd_ < 0 || ::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      return tl::make_unexpected(std::string("the task list file cannot be written"));
    return {};
  }

 private:
  int fd_;
};

bool answered(const std::vector<ablauf::Event>& history, std::string_view item) {
  for (const auto& event : history)
    if (event.type == ablauf::EventType::answer_recorded &&
        event.data.at("item").as_string() == item)
      return true;
  return false;
}

// What one worker does until it is killed or every walk is done. Each call it makes is one
// commit; after a kill the next worker reads where the last one stopped and goes on from there.
[[noreturn]] void work(const fs::path& db, const fs::path& task_list, int instances) {
  auto store = ablauf::SqliteStore::open(db.string());
  if (!store) {
    std::cerr << "worker: " << store.error().message << '\n';
    std::_Exit(3);
  }
  TaskListFile tasks(task_list);
  ablauf::Engine engine{{.store = store->get(), .tasks = &tasks, .on_error = [](auto&&...) {}}};
  auto definition = ablauf::load_definition_file(definition_file);
  if (!definition) std::_Exit(3);
  auto workflow = ablauf::Workflow::compile(std::move(*definition));
  if (!workflow || !engine.deploy(std::move(*workflow)) || !engine.resume()) std::_Exit(3);
  for (int n = 0; n < instances; ++n) {
    const std::string key = "walk-" + std::to_string(n);
    auto id = engine.find("safety_walk", key);
    if (!id) std::_Exit(3);
    if (!*id) {
      auto started = engine.start("safety_walk", json::object(), {.business_key = key});
      if (!started) continue;  // another attempt started it; found next time round
      *id = *started;
    }
    auto history = engine.history(**id);
    if (!history) std::_Exit(3);
    if (!answered(*history, "exit_clear")) {
      ablauf::Form form;
      form.answers = {
          {"next_visit", "2026-12-14"}, {"exit_clear", "no"}, {"extinguisher", "expired"}};
      if (!engine.submit(**id, "walk", form, "erika")) std::_Exit(5);
    }
    auto state = engine.get(**id);
    if (!state) std::_Exit(3);
    for (const auto& task : state->tasks) {
      if (!task.is_action()) continue;
      if (!task.completed && !engine.complete_task(**id, task.id, "", "hans")) std::_Exit(6);
      if (!task.verify_by.empty() && task.verified_by.empty() &&
          !engine.verify_task(**id, task.id, "sabine"))
        std::_Exit(7);
    }
    state = engine.get(**id);
    if (!state) std::_Exit(3);
    if (state->status != ablauf::InstanceStatus::completed &&
        !engine.sign(**id, "walk", "signed_off", "erika"))
      std::_Exit(8);
  }
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const int instances = argc > 1 ? std::atoi(argv[1]) : 20;
  const int kills = argc > 2 ? std::atoi(argv[2]) : 30;
  const std::uint64_t seed =
      argc > 3 ? std::strtoull(argv[3], nullptr, 10) : std::random_device{}();
  if (instances < 1 || kills < 0) {
    std::cerr << "usage: ablauf_actions_kill_test [INSTANCES ≥ 1 [KILLS ≥ 0 [SEED]]]\n";
    return 2;
  }
  std::cout << "actions kill test: " << instances << " instances, " << kills << " kills, seed "
            << seed << '\n';
  const fs::path dir =
      fs::temp_directory_path() / ("ablauf-actions-kill-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path db = dir / "walks.db";
  const fs::path task_list = dir / "tasks.txt";
  std::mt19937_64 random(seed);

  const auto counted = ablauf::test::kill_until_done(
      [&] { return ablauf::test::completed_all(db, "safety_walk", "walk-", instances); },
      [&](std::uint64_t) { work(db, task_list, instances); }, kills, random);
  if (!counted) return 1;
  ablauf::test::Checks check;

  // What the task list heard: instance → task ids, and how many lines in all.
  std::map<std::string, std::multiset<std::string>> heard;
  std::size_t lines = 0;
  {
    std::ifstream in(task_list);
    for (std::string instance, task; in >> instance >> task; ++lines) heard[instance].insert(task);
  }

  auto opened = ablauf::SqliteStore::open(db.string(), {.read_only = true});
  if (!opened) {
    std::cerr << "FAIL: " << opened.error().message << '\n';
    return 1;
  }
  auto& store = **opened;
  std::size_t stored_actions = 0;
  std::set<std::string> walks;
  for (int n = 0; n < instances; ++n) {
    const std::string id = **store.find_by_key("safety_walk", "walk-" + std::to_string(n));
    walks.insert(id);
    const auto history = *store.load(id);
    std::map<std::string, int> created, completed, verified;
    for (const auto& event : history) {
      const auto* task = event.data.if_contains("task");
      if (!task) continue;
      const std::string task_id(task->as_string());
      if (event.type == ablauf::EventType::task_created) ++created[task_id];
      if (event.type == ablauf::EventType::task_completed) ++completed[task_id];
      if (event.type == ablauf::EventType::task_verified) ++verified[task_id];
    }
    const auto state = *ablauf::fold(id, history);
    std::set<std::string> items;
    for (const auto& task : state.tasks) {
      if (!task.is_action()) continue;
      ++stored_actions;
      items.insert(task.item);
      check(created[task.id] == 1 && completed[task.id] == 1,
            id + ": action " + task.id + " created " + std::to_string(created[task.id]) +
                " and done " + std::to_string(completed[task.id]) + " times, not once each");
      check(
          verified[task.id] == (task.verify_by.empty() ? 0 : 1),
          id + ": action " + task.id + " verified " + std::to_string(verified[task.id]) + " times");
      check(heard[id].contains(task.id), id + ": the task list never heard of " + task.id);
    }
    check(items == std::set<std::string>{"exit_clear", "extinguisher"},
          id + ": two actions, one for the exit and one for the extinguisher, not " +
              std::to_string(items.size()));
    for (const auto& task : heard[id])
      check(state.find_task(task) != nullptr,
            id + ": the task list heard of " + task + ", which the store does not have");
  }
  for (const auto& [instance, tasks] : heard)
    check(walks.contains(instance), "the task list heard of an unknown instance " + instance);
  check(stored_actions == static_cast<std::size_t>(2 * instances),
        "two actions for each walk, not " + std::to_string(stored_actions) + " in all");
  std::cout << counted->runs << " runs, " << counted->killed << " killed; " << stored_actions
            << " actions stored once each; the task list told " << lines << " times ("
            << lines - stored_actions << " again after a kill, under the same task id)\n";
  fs::remove_all(dir);
  if (check.all_held()) std::cout << "every check held\n";
  return check.all_held() ? 0 : 1;
}
