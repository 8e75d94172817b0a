// Driving one instance from the command line (`run`, `instances resume`): answers from a
// script or the terminal, task outcomes, scripted events, and time passing on a simulated
// clock; and the lines that show a person what happens.
#pragma once

#include "run_script.hpp"
#include "template/rendered_text.hpp"

#include <ablauf/engine.hpp>

#include <boost/json/object.hpp>

#include <iosfwd>
#include <span>
#include <string>

namespace ablauf::cli {

// Prints one line per thing a person would want to see happen to one instance: the first one
// it hears of, or the one whose state it is given (`instances resume`).
class Progress {
 public:
  Progress(const Workflow& workflow, const Clock& clock, std::string language, std::ostream& out,
           InstanceState state = {})
      : workflow_(workflow),
        clock_(clock),
        language_(std::move(language)),
        out_(out),
        started_(clock.now()),
        state_(std::move(state)) {}

  void operator()(const std::string& instance, const Event& e) {
    if (state_.id.empty()) state_.id = instance;
    if (instance != state_.id) return;
    // The instance's data as of this event fill in titles written as templates.
    if (!state_.apply(e)) state_.last_sequence = 0;
    const auto title = [&] {
      const auto* step = workflow_.find_step(e.step);
      if (!step || step->title.empty()) return std::string();
      const auto& fallback = workflow_.definition().default_language;
      return " — " + (state_.last_sequence > 0
                          ? detail::rendered_text(step->title, language_, fallback, state_.data)
                          : std::string(step->title.get(language_, fallback)));
    };
    switch (e.type) {
      case EventType::step_completed:
        if (e.data.contains("merged")) return;
        ++completed_;
        line() << "done     " << e.step << title() << "  (step " << completed_ << ")\n";
        if (const auto* output = e.data.if_contains("output"); output && output->is_object())
          if (const auto* subject = output->as_object().if_contains("subject")) {
            out_ << "    mail to";
            for (const auto& to : output->as_object().at("to").as_array())
              out_ << ' ' << std::string_view(to.as_string());
            out_ << ": " << std::string_view(subject->as_string()) << '\n';
          }
        return;
      case EventType::step_failed:
        line() << "failed   " << e.step << title() << ": "
               << std::string_view(e.data.at("error").as_string()) << '\n';
        return;
      case EventType::step_waiting: {
        const auto& why = std::string_view(e.data.at("for").as_string());
        if (why == "join") return;
        line() << "waits    " << e.step << title() << " for " << why << '\n';
        return;
      }
      case EventType::task_created:
        line() << "task     " << std::string_view(e.data.at("title").as_string()) << " (for "
               << (e.data.contains("assignee") ? std::string_view(e.data.at("assignee").as_string())
                                               : "anyone")
               << ")\n";
        return;
      case EventType::timer_set:
        line() << "timer    " << e.step << " until " << (e.due ? to_rfc3339(*e.due) : std::string())
               << " (" << std::string_view(e.data.at("purpose").as_string()) << ")\n";
        return;
      case EventType::signal_received:
        line() << "signal   " << std::string_view(e.data.at("name").as_string()) << '\n';
        return;
      case EventType::instance_completed: line() << "completed\n"; return;
      case EventType::instance_failed:
        line() << "FAILED   " << std::string_view(e.data.at("error").as_string()) << '\n';
        return;
      default: return;
    }
  }

 private:
  std::ostream& line() {
    const auto elapsed = clock_.now() - started_;
    const auto days = std::chrono::floor<std::chrono::days>(elapsed);
    const auto hours = std::chrono::floor<std::chrono::hours>(elapsed - days);
    return out_ << "  [day " << days.count() << " +" << hours.count() << "h] ";
  }

  const Workflow& workflow_;
  const Clock& clock_;
  std::string language_;
  std::ostream& out_;
  Time started_;
  std::size_t completed_ = 0;
  InstanceState state_;  // the fold of the events heard; last_sequence 0 once one did not fit
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
};

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
