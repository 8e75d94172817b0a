// Driving one instance from the command line (`run`, `instances resume`): answers from a
// script or the terminal, task outcomes, scripted events, and time passing on a simulated
// clock; and the lines that show a person what happens.
#pragma once

#include "run_script.hpp"
#include "template/rendered_text.hpp"

#include <ablauf/engine.hpp>

#include <boost/json/object.hpp>

#include <iosfwd>
#include <map>
#include <optional>
#include <span>
#include <string>

namespace ablauf::cli {

// Prints one line per thing a person would want to see happen to one instance: the first one
// it hears of, or the one whose state it is given (`instances resume`); and, marked with their
// workflow's id, to the sub-workflows it calls, whose definitions are among `callees`.
class Progress {
 public:
  Progress(const Workflow& workflow, std::span<const Workflow> callees, const Clock& clock,
           std::string language, std::ostream& out, InstanceState state = {})
      : callees_(callees),
        clock_(clock),
        language_(std::move(language)),
        out_(out),
        started_(clock.now()),
        run_{&workflow, "", std::move(state)} {}

  void operator()(const std::string& instance, const Event& e);

  // Shows, besides the instance run, every instance of its workflow that starts without a
  // parent (those a schedule starts), each marked "cycle N › " in the order they started.
  void follow_scheduled() { follow_scheduled_ = true; }

 private:
  // An instance whose events are shown, and its data as of the last one (for titles).
  struct Shown {
    const Workflow* workflow;
    std::string mark;  // "" for the instance run, "review › " for a sub-workflow
    InstanceState state;
    std::size_t completed = 0;
  };
  void show(Shown& shown, const Event& e);
  // Starts showing a sub-workflow when an instance shown starts it.
  void adopt(const std::string& instance, const Event& started);
  std::ostream& line(const Shown& shown);

  std::span<const Workflow> callees_;
  const Clock& clock_;
  std::string language_;
  std::ostream& out_;
  Time started_;
  Shown run_;  // state.last_sequence 0 once an event did not fit
  std::map<std::string, Shown, std::less<>> sub_workflows_;
  bool follow_scheduled_ = false;
  std::size_t cycles_ = 0;  // scheduled instances followed so far
};

// Hears of the errors an engine met in work no call waited for (the store refusing a step's
// outcome on a full disk, say): prints each, and counts them, so that the drive stops with a
// clear error instead of trying the same thing again and again.
class EngineErrors {
 public:
  void operator()(const std::string& instance, const Error& error);
  std::size_t count() const noexcept { return count_; }

 private:
  std::size_t count_ = 0;
};

struct Drive {
  Engine& engine;
  const EngineErrors& errors;  // those of `engine`
  const Workflow& workflow;    // of the instance driven
  // Every workflow deployed: the forms, tasks and timers of the sub-workflows the instance
  // waits for are driven too (their answers and outcomes from the same script).
  std::span<const Workflow> workflows;
  Script& script;
  ManualClock* simulated;  // null on the real clock
  Time started;            // when the instance started: scripted events are timed from it
  std::string language;
  std::ostream& out;
  bool kept = true;  // whether the store outlives the run (not ":memory:"): the instance resumes
  // When set, the drive does not let time pass beyond it: where the instance's next timer or
  // scripted event comes later, it stops with exit_paused and puts that time into `*wake`.
  // Several instances share one simulated clock so (run_cycles.hpp).
  std::optional<Time> horizon = std::nullopt;
  std::optional<Time>* wake = nullptr;
};

// What drive() returns when it stopped at its horizon; never an exit status of the tool.
inline constexpr int exit_paused = -1;

// Drives the instance, and the sub-workflows it calls, until it ends or waits for what it was
// not given. Returns the exit
// status (exit_ok, exit_invalid, exit_waiting, exit_stopped) and says how to go on when it
// waits or stopped.
int drive(const Drive& drive, const std::string& id);

// Hands the mail still queued in the store to the engine's mailer (Engine::deliver_mail), also
// that of instances an earlier run left. Returns `status`, or exit_stopped with the reason on
// standard error when mail stays queued.
int deliver_queued_mail(Engine& engine, int status);

// The instance as the --json flags print it: id, workflow, version, status, data, history.
boost::json::object instance_json(const InstanceState& state, std::span<const Event> history);
// Prints that of the engine's instance on stdout.
void print_instance_json(const Engine& engine, const std::string& id);

}  // namespace ablauf::cli
