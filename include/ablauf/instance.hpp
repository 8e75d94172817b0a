/// @file
/// An instance's state: the fold of its events.
///
/// The engine never changes state directly: it appends events and applies them, and a store
/// that loads the events rebuilds exactly the same state. The state holds what expressions see
/// (data: input, vars, steps.<id>.output/answers/outcome/visits, event) and what the engine
/// needs to go on: where the tokens are, which timers are set, which tasks are open.
///
/// Thread-safety: a plain value; the engine serialises the changes of one instance.
#pragma once

#include <ablauf/clock.hpp>
#include <ablauf/error.hpp>
#include <ablauf/event.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ablauf {

enum class InstanceStatus { running, waiting, completed, failed, cancelled };

std::string_view to_string(InstanceStatus status) noexcept;

/// Where a line of execution is. Parallel branches each have one. A token found running when an
/// instance is loaded was cut off by a crash: its attempt runs again, under the same key.
struct Token {
  enum class State { ready, running, waiting };
  std::uint32_t id = 0;
  std::string step;
  State state = State::ready;
  std::string waiting_for;    ///< while waiting: "checklist", "task", "timer", "event", "join",
                              ///< "call", "adapter"
  std::string waiting_on;     ///< the task (for "task") or sub-workflow instance (for "call")
  std::uint32_t attempt = 0;  ///< of the step it is at
  std::uint64_t started = 0;  ///< the sequence number of that attempt's step_started event
};

struct Timer {
  std::string id;
  Time due{};
  std::string step;
  std::uint32_t token = 0;
  std::string purpose;  ///< "wait", "retry", "timeout"
};

struct Task {
  std::string id;
  std::string step;
  std::string title;
  std::string assignee;
  std::optional<Time> due;
  bool completed = false;
  std::string outcome;
  std::string completed_by;
};

struct InstanceState {
  std::string id;
  std::string workflow_id;
  std::uint32_t version = 0;
  std::string business_key;
  std::string parent;  ///< the instance whose call step started this one, if any
  InstanceStatus status = InstanceStatus::running;
  Time started_at{};
  Time updated_at{};
  std::string error;  ///< why it failed
  /// {"input": …, "vars": {…}, "steps": {"<id>": {"output", "answers", "outcome", "visits"}},
  ///  "event": …} — what expressions and templates read.
  boost::json::value data;
  std::vector<Token> tokens;
  std::vector<Timer> timers;
  std::vector<Task> tasks;
  std::uint64_t last_sequence = 0;
  std::uint32_t next_token = 1;
  /// How often a token has left a step (completed, or failed on to another): what the loop
  /// guard EngineLimits::max_activations counts.
  std::uint64_t activations = 0;

  bool finished() const noexcept {
    return status == InstanceStatus::completed || status == InstanceStatus::failed ||
           status == InstanceStatus::cancelled;
  }
  const Token* find_token(std::uint32_t id) const noexcept;
  const Task* find_task(std::string_view id) const noexcept;

  /// Applies one event. Events must come in sequence (last_sequence + 1) and fit the state:
  /// anything else is an invalid_event error, and the state is left as it was.
  tl::expected<void, Error> apply(const Event& event);
};

/// The state after `events`, which must start with instance_started.
tl::expected<InstanceState, Error> fold(std::string instance_id, std::span<const Event> events);

/// The state as JSON, and back: what a store keeps as a snapshot. Reading checks every field;
/// a snapshot that does not fit is an invalid_event error naming the field.
boost::json::value to_json(const InstanceState& state);
tl::expected<InstanceState, Error> state_from_json(std::string instance_id,
                                                   const boost::json::value& json);

}  // namespace ablauf
