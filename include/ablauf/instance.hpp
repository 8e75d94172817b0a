/// @file
/// An instance's state: the fold of its events.
///
/// The engine never changes state directly: it appends events and applies them, and a store
/// that loads the events rebuilds exactly the same state. The state holds what expressions see
/// (data: input, vars, `steps.<id>.output/answers/outcome/visits/error`, event) and what the engine
/// needs to go on: where the tokens are, which timers are set, which tasks are open.
///
/// Thread-safety: a plain value; the engine serialises the changes of one instance.
#pragma once

#include <ablauf/clock.hpp>
#include <ablauf/error.hpp>
#include <ablauf/event.hpp>
#include <ablauf/priority.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ablauf {

class Workflow;

/// Where an instance stands. The last three are final: no event follows them.
enum class InstanceStatus {
  running,    ///< has a token that is not waiting: work to do now
  waiting,    ///< every token waits: for a checklist, a task, a timer, an event, …
  completed,  ///< ran to its end
  failed,     ///< stopped by an error; InstanceState::error says why
  cancelled   ///< stopped on request
};

/// The status's name, as in JSON and the stores: "running", "waiting", ….
std::string_view to_string(InstanceStatus status) noexcept;

/// What a waiting token waits for, which says what moves it on.
enum class WaitingFor {
  nothing,    ///< the token does not wait
  checklist,  ///< answers to its fill_checklist step (Engine::answer, submit, sign)
  task,       ///< its task, named by waiting_on, to be completed (Engine::complete_task)
  timer,      ///< the time its wait step names (Engine::run_due)
  event,      ///< the signal its wait step names (Engine::signal)
  join,       ///< the other branches of its parallel step to arrive
  call,       ///< its sub-workflow, named by waiting_on, to end
  adapter     ///< the host to finish the step its adapter left pending (Engine::finish_step)
};

/// The name as in events and JSON: "checklist", "task", …; "" for nothing.
std::string_view to_string(WaitingFor waiting) noexcept;
/// The WaitingFor a name stands for, as to_string() writes it; none for any other.
std::optional<WaitingFor> waiting_for_from_string(std::string_view name) noexcept;

/// What a timer is for.
enum class TimerPurpose {
  wait,      ///< a wait step's time: the token moves on
  retry,     ///< the delay before a failed step's next attempt
  timeout,   ///< a step's timeout: the step fails, and takes its on_timeout
  remind,    ///< a create_task step's reminder: its open task's assignee is reminded
  escalate,  ///< a create_task step's escalation: its open task is handed on
};

/// The name as in events and JSON: "wait", "retry", "timeout", "remind", "escalate".
std::string_view to_string(TimerPurpose purpose) noexcept;
/// The TimerPurpose a name stands for, as to_string() writes it; none for any other.
std::optional<TimerPurpose> timer_purpose_from_string(std::string_view name) noexcept;

/// Where a line of execution is. Parallel branches each have one. A token found running when an
/// instance is loaded was cut off by a crash: its attempt runs again, under the same key.
struct Token {
  /// What the token is doing at its step.
  enum class State {
    ready,    ///< arrived; its step has not started
    running,  ///< its step has started and has not yet completed, failed or begun to wait
    waiting   ///< its step waits; waiting_for says for what
  };
  /// The step_index of a token whose step is not looked up yet (InstanceState::index_steps).
  static constexpr std::uint32_t unindexed = UINT32_MAX;

  std::uint32_t id = 0;                          ///< unique within the instance, counting from 1
  std::string step;                              ///< the id of the step it is at
  State state = State::ready;                    ///< what it is doing there
  WaitingFor waiting_for = WaitingFor::nothing;  ///< while waiting: for what
  std::string waiting_on;     ///< the task (WaitingFor::task) or sub-workflow instance (call)
  std::uint32_t attempt = 0;  ///< of the step it is at
  std::uint64_t started = 0;  ///< the sequence number of that attempt's step_started event
  /// That step's index in the workflow the instance runs (a StepIndex: Workflow::step). The
  /// engine indexes every token of the states it runs and hands out, and finds steps by it;
  /// fold() and state_from_json() do not know the workflow and leave it `unindexed`.
  std::uint32_t step_index = unindexed;
};

/// A timer set and not yet fired: a wait step's, a retry's delay, or a step's timeout.
struct Timer {
  std::string id;           ///< unique within the instance; timer_fired names it
  Time due{};               ///< when it fires
  std::string step;         ///< the step that set it
  std::uint32_t token = 0;  ///< its token; it is dropped when that token's step completes or fails
  TimerPurpose purpose = TimerPurpose::wait;  ///< what it is for
};

/// Work for a person, made by a create_task step and completed through Engine::complete_task.
/// Completed tasks stay in the state, so that its history shows who did what.
struct Task {
  std::string id;            ///< unique, and the same when the step runs again after a crash
  std::string step;          ///< the create_task step that made it
  std::string title;         ///< in the engine's language; empty if the step gives none
  std::string assignee;      ///< who should do it, e.g. a role; empty: anyone
  std::optional<Time> due;   ///< when it should be done by, if the step says
  bool completed = false;    ///< whether someone has completed it
  std::string outcome;       ///< the outcome it was completed with; empty while open or if none
  std::string completed_by;  ///< the actor who completed it; empty while open
  /// Who took it to do (Engine::claim_task()), so that others leave it; empty: no one.
  std::string claimed_by;
  std::uint32_t reminders = 0;  ///< how often its assignee was reminded (the step's `remind`)
  /// Whom it was assigned to before it was escalated (the step's `escalate`, which made
  /// `assignee` the one it names); empty: not escalated.
  std::string escalated_from;
  /// @name A corrective action's (CorrectiveAction), raised by an answer at a checklist step
  /// @{
  std::string item;           ///< the item whose answer raised it; empty: a create_task step's
  std::string raised_by;      ///< "fail" or "flag": what about the answer raised it
  boost::json::value answer;  ///< the answer that raised it
  Priority priority = Priority::normal;  ///< how urgent it is
  std::string verify_by;                 ///< who verifies it once done; empty: done closes it
  std::string verified_by;      ///< who verified it (Engine::verify_task()); empty: no one yet
  bool sign_while_open = true;  ///< whether the step may be signed while it is open
  /// @}

  /// Whether a checklist's answer raised it, rather than a create_task step.
  bool is_action() const noexcept { return !item.empty(); }
  /// Where it stands: "open", "in_progress" (someone took it), "done" or "verified".
  std::string_view status() const noexcept {
    if (!verified_by.empty()) return "verified";
    if (completed) return "done";
    return claimed_by.empty() ? "open" : "in_progress";
  }
  /// Whether nothing is left to do: completed, and verified if it is to be.
  bool closed() const noexcept { return completed && (verify_by.empty() || !verified_by.empty()); }
};

/// Everything about one instance that its events establish; fold() makes it from them.
struct InstanceState {
  std::string id;             ///< the instance's id
  std::string workflow_id;    ///< the id of the workflow it runs
  std::uint32_t version = 0;  ///< the version of that workflow it runs
  std::string business_key;   ///< the host's own key for it, unique per workflow; empty: none
  /// Its number, as its definition's document_number made it ("ACC-2026-00042"); empty: none.
  std::string document_number;
  std::string started_by;        ///< who started it: a person's id, or "system"
  std::string parent;            ///< the instance whose call step started this one, if any
  std::uint32_t call_depth = 0;  ///< how many calls deep it runs: 0 unless a call started it
  InstanceStatus status = InstanceStatus::running;  ///< as of the last event applied
  Time started_at{};                                ///< the time of its instance_started event
  Time updated_at{};                                ///< the time of the last event applied
  std::string error;                                ///< why it failed
  /// `{"input": …, "vars": {…}, "steps": {"<id>": {"output", "answers", "outcome", "visits"}},
  ///  "event": …}` — what expressions and templates read.
  boost::json::value data;
  std::vector<Token> tokens;  ///< the live tokens; none once the instance has finished
  std::vector<Timer> timers;  ///< the timers set and not yet fired, in the order they were set
  std::vector<Task> tasks;    ///< every task made, open or completed, in the order made
  std::uint64_t last_sequence = 0;  ///< the sequence number of the last event applied; 0: none
  std::uint32_t next_token = 1;     ///< the id the next new token gets
  /// How often a token has left a step (completed, or failed on to another): what the loop
  /// guard EngineLimits::max_activations counts.
  std::uint64_t activations = 0;

  /// Whether it has completed, failed or been cancelled: no event may follow.
  bool finished() const noexcept {
    return status == InstanceStatus::completed || status == InstanceStatus::failed ||
           status == InstanceStatus::cancelled;
  }
  /// The live token with this id, or null. The pointer is valid until the next apply().
  const Token* find_token(std::uint32_t id) const noexcept;
  /// The task with this id, open or completed, or null. Valid until the next apply().
  const Task* find_task(std::string_view id) const noexcept;
  /// Whether a corrective action is not closed yet: the instance does not end before it is.
  bool has_open_actions() const noexcept;

  /// Applies one event. Events must come in sequence (last_sequence + 1) and fit the state:
  /// anything else is an invalid_event error, and the state is left as it was.
  tl::expected<void, Error> apply(const Event& event);
  /// Gives every token still `unindexed` its step's index in `workflow`, the one the instance
  /// runs. A token that apply() moves is unindexed again. A token at a step `workflow` does not
  /// have is an invalid_event error naming both, and leaves that token unindexed.
  tl::expected<void, Error> index_steps(const Workflow& workflow);
};

/// The state after `events`, which must start with instance_started.
tl::expected<InstanceState, Error> fold(std::string instance_id, std::span<const Event> events);

/// The state as JSON, and back: what a store keeps as a snapshot. Reading checks every field;
/// a snapshot that does not fit is an invalid_event error naming the field.
boost::json::value to_json(const InstanceState& state);
/// Reads to_json()'s form back. The id is not part of that form: `instance_id` supplies it.
tl::expected<InstanceState, Error> state_from_json(std::string instance_id,
                                                   const boost::json::value& json);

}  // namespace ablauf
