// What the crash tests share (tests/crash): a synthetic workflow with every step type, its
// host adapter that logs each effect, the people and systems the instances wait for, and the
// check of the host's log.
#pragma once

#include <ablauf/ablauf.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace ablauf::test {

namespace fs = std::filesystem;

// The checks of a crash test: each one that fails is counted and printed.
inline int failed_checks = 0;
inline void check(bool holds, const std::string& what) {
  if (holds) return;
  ++failed_checks;
  std::cerr << "FAIL: " << what << '\n';
}

// Every step type, on short real timers: a host adapter that fails its first attempt for some
// instances, parallel branches (a record; a wait) meeting at a join, a checklist, a decision
// between a mail and a task, a record update, a sub-workflow, and a wait for a signal.
inline const char* synthetic =
    R"({"id": "synthetic", "version": 1, "kind": "workflow", "title": "S",
  "steps": [
    {"id": "probe", "type": "probe", "next": "fork",
     "retry": {"max_attempts": 3, "initial_interval": 0.01, "jitter": false}},
    {"id": "fork", "type": "parallel", "branches": ["book", "nap"], "join": "meet"},
    {"id": "book", "type": "save_record", "collection": "bookings", "key": "b-{{input.n}}",
     "record": {"n": {"=": "input.n"}}, "next": "meet"},
    {"id": "nap", "type": "wait", "duration": 0.02, "next": "meet"},
    {"id": "meet", "type": "join", "next": "check"},
    {"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "label": "OK"}],
     "next": "route"},
    {"id": "route", "type": "decision",
     "next": [{"when": "input.n % 2 == 0", "to": "mail"}, {"to": "task"}]},
    {"id": "mail", "type": "send_email", "to": "n{{input.n}}@example.de", "subject": "S",
     "body": "B", "next": "update"},
    {"id": "task", "type": "create_task", "title": "T", "outcomes": ["done"], "next": "update"},
    {"id": "update", "type": "update_record", "collection": "bookings", "key": "b-{{input.n}}",
     "set": {"status": "done"}, "next": "sub"},
    {"id": "sub", "type": "call", "workflow": "child", "input": {"n": {"=": "input.n"}},
     "next": "signalled"},
    {"id": "signalled", "type": "wait", "event": "go", "next": "done"},
    {"id": "done", "type": "end"}]})";

inline const char* child = R"({"id": "child", "version": 1, "kind": "workflow", "title": "C",
  "steps": [{"id": "probe", "type": "probe", "next": "done"}, {"id": "done", "type": "end"}]})";

// The host's own effect: a line in a log, written before the adapter answers, so that a kill
// between the two leaves the line and loses the outcome.
class Probe final : public ablauf::Adapter {
 public:
  explicit Probe(const fs::path& log)
      : fd_(::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {}
  ~Probe() override { ::close(fd_); }

  ablauf::StepResult execute(const ablauf::StepContext& context) override {
    const std::string line = std::string(context.instance) + " " + context.step.id + " " +
                             context.idempotency_key + "\n";
    if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      return ablauf::StepResult::failed("the log cannot be written");
    // A third of the instances fail their first attempt where the step retries: the retry
    // runs on a timer.
    const auto* n = context.data.at("input").as_object().if_contains("n");
    if (context.step.retry && context.attempt == 1 && n && n->to_number<int>() % 3 == 0)
      return ablauf::StepResult::failed("not yet");
    return ablauf::StepResult::completed();
  }

 private:
  int fd_;
};

inline ablauf::Workflow compile(const char* text, const ablauf::StepTypeRegistry& types) {
  auto definition = ablauf::load_definition(text, "crash.json", {.step_types = &types});
  if (!definition) {
    std::cerr << definition.error();
    std::exit(2);
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition), &types);
  if (!workflow) {
    std::cerr << workflow.error();
    std::exit(2);
  }
  return std::move(*workflow);
}

// An event a wait step waits for, as the outside system sends it.
struct Signal {
  std::string event;
  boost::json::value payload;
};

// What the people and systems an instance waits for answer: a form per checklist step (an
// "ok" where none is given), an outcome per task step, the signal each wait step waits for.
struct People {
  boost::json::object forms;
  std::map<std::string, std::string, std::less<>> outcomes{{"task", "done"}};
  std::map<std::string, Signal, std::less<>> signals{{"signalled", {"go", nullptr}}};
};

// Acts as them: submits the checklist, completes the task, sends the signal the instance waits
// for. Refusals (another process got there first) are fine.
inline void act(ablauf::Engine& engine, const ablauf::InstanceState& state,
                const People& people = {}) {
  for (const auto& token : state.tokens) {
    if (token.state != ablauf::Token::State::waiting) continue;
    if (token.waiting_for == WaitingFor::checklist) {
      if (const auto* form = people.forms.if_contains(token.step))
        (void)engine.submit(state.id, token.step, form->as_object(), "tester");
      else
        (void)engine.answer(state.id, token.step, "ok", true, "tester");
    } else if (token.waiting_for == WaitingFor::task) {
      if (const auto it = people.outcomes.find(token.step); it != people.outcomes.end())
        (void)engine.complete_task(state.id, token.waiting_on, it->second, "tester");
    } else if (token.waiting_for == WaitingFor::event) {
      if (const auto it = people.signals.find(token.step); it != people.signals.end())
        (void)engine.signal(state.id, it->second.event, it->second.payload);
    }
  }
}

// What the histories in `store` break of the rules: `instances` instances (and no more), each
// folding from its history and completed, no step completed twice. Prints the unfinished.
inline std::vector<std::string> history_failures(const ablauf::Store& store, int instances) {
  std::vector<std::string> failures;
  const auto ids = store.instance_ids();
  if (!ids || ids->size() != static_cast<std::size_t>(instances))
    failures.push_back("every instance and its sub-workflow is in the store once");
  int completed = 0;
  for (const auto& id : ids ? *ids : std::vector<std::string>{}) {
    const auto history = store.load(id);
    const auto state = history ? ablauf::fold(id, *history) : tl::unexpected(history.error());
    if (!state) {
      failures.push_back("instance " + id + " folds from its history");
      continue;
    }
    if (state->status == ablauf::InstanceStatus::completed)
      ++completed;
    else
      std::cerr << "  " << id << ": " << ablauf::to_string(state->status) << " " << state->error
                << '\n';
    std::map<std::string, int> done;
    for (const auto& event : *history)
      if (event.type == ablauf::EventType::step_completed && !event.data.contains("merged"))
        ++done[event.step];
    for (const auto& [step, times] : done)
      if (times != 1)
        failures.push_back("step " + step + " of " + id + " completed " + std::to_string(times) +
                           " times");
  }
  if (completed != instances)
    failures.push_back("every instance completed (" + std::to_string(completed) + " of " +
                       std::to_string(instances) + ")");
  return failures;
}

// Host effects: one for every probe step that ran (`steps` of them), at least once, repeated
// only under the key of one attempt (a retry has a key of its own). Prints what the log holds.
inline bool host_effects_repeat_only_under_their_key(const ablauf::Store& store,
                                                     const fs::path& log, std::size_t steps) {
  std::map<std::pair<std::string, std::string>, std::set<std::string>> keys;
  std::ifstream in(log);
  std::string instance, step, key;
  std::size_t lines = 0;
  while (in >> instance >> step >> key) {
    keys[{instance, step}].insert(key);
    ++lines;
  }
  std::size_t repeated_under_other_keys = 0;
  for (const auto& [where, seen] : keys) {
    const auto history = store.load(where.first);
    std::size_t attempts = 0;
    if (history)
      for (const auto& event : *history)
        attempts += event.type == ablauf::EventType::step_started && event.step == where.second;
    if (seen.size() > attempts) ++repeated_under_other_keys;
  }
  std::cout << "host log: " << lines << " lines for " << keys.size() << " probe steps\n";
  return keys.size() == steps && repeated_under_other_keys == 0;
}

}  // namespace ablauf::test
