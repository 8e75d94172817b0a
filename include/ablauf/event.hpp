/// @file
/// Events: every change to an instance, as it is appended to the store.
///
/// Instances are event-sourced. An instance's state is the fold of its events (instance.hpp),
/// so its history is exact and a store only ever appends. Events carry what replay needs and
/// nothing it would have to recompute: a completed step names the steps its token moves to, so
/// replaying never re-evaluates a condition against data or a clock that has moved on.
///
/// Thread-safety: plain values.
#pragma once

#include <ablauf/clock.hpp>
#include <ablauf/error.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// What happened. Stable: types are only ever added. The data each carries is listed beside it;
/// token, next, attempt and due are fields of the Event itself.
enum class EventType : std::uint8_t {
  instance_started,    ///< workflow, version, input, business_key?
  step_started,        ///< token; attempt
  step_waiting,        ///< token; for: "checklist" | "task" | "timer" | "event" | "join", …
  step_completed,      ///< token, next (empty: the token ends); output?, merged?
  step_failed,         ///< token, next?; error, retryable; attempt
  answer_recorded,     ///< item, value; actor
  signature_recorded,  ///< item, hash; actor
  /// task, title, assignee?; due?; a corrective action's also item, raised_by ("fail" |
  /// "flag"), answer, priority, verify_by?, sign_while_open
  task_created,
  task_completed,      ///< task, outcome?, data?; actor
  timer_set,           ///< token; timer, purpose: "wait" | "retry" | "timeout"; due
  timer_fired,         ///< timer
  signal_received,     ///< name, payload
  vars_assigned,       ///< vars: {name: value}
  instance_completed,  ///< (no data)
  instance_failed,     ///< error
  instance_cancelled,  ///< reason?; actor
  task_claimed,        ///< task; actor: who took it
  task_released,       ///< task; actor: who gave it back
  task_verified,       ///< task; actor: who checked that the corrective action was done
  task_reminded,       ///< task, assignee: a reminder before (or after) its due date
  task_escalated,      ///< task, from, to: overdue, handed on to `to`
};

/// The type's name, as stores keep it: the enumerator's own name, e.g. "step_completed".
std::string_view to_string(EventType type) noexcept;
/// The type a name from to_string() stands for; none for any other name.
std::optional<EventType> event_type_from_string(std::string_view name) noexcept;

/// One change to one instance: what happened, when, by whom, and to which step and token.
struct Event {
  std::uint64_t sequence = 0;  ///< 1, 2, … within its instance; 0 until appended
  EventType type = EventType::instance_started;  ///< what happened
  Time time{};                                   ///< when, by the engine's Clock
  std::string actor = "system";                  ///< who caused it: a person's id, or "system"
  std::string step;           ///< the step it concerns; "" for the instance as a whole
  std::uint32_t attempt = 0;  ///< step_started and step_failed: 1 for the first try
  std::uint32_t token = 0;    ///< the token a step event concerns (tokens count from 1)
  /// step_completed and step_failed: the steps the token moves to, the first keeping it and
  /// each further one starting a token of its own; empty: the token ends. None: a failure
  /// that leaves the token where it is (a retry or the instance's end follows).
  std::optional<std::vector<std::string>> next;
  /// timer_set: when the timer falls due; task_created: when the task is due, if it is. Kept
  /// typed, so that replaying a history parses no dates; to_json() writes it into "data" as an
  /// RFC 3339 string, where stores have always kept it (unless "data" still holds it as read,
  /// written another way).
  std::optional<Time> due;
  boost::json::object data;  ///< the rest, as listed beside the type
  /// The event's link in its instance's hash chain (history.hpp), as the store keeps it; empty
  /// until appended. to_json() leaves it out: the hash covers what to_json() writes.
  std::string hash;

  /// Compares what happened: every field but the hash, which a store derives from the others
  /// and the events before (two equal events in different histories have different hashes).
  friend bool operator==(const Event& a, const Event& b) {
    return a.sequence == b.sequence && a.type == b.type && a.time == b.time && a.actor == b.actor &&
           a.step == b.step && a.attempt == b.attempt && a.token == b.token && a.next == b.next &&
           a.due == b.due && a.data == b.data;
  }
};

/// The form stores keep: {"seq", "type", "time", "actor", "step"?, "attempt"?, "token"?, "next"?,
/// "data"}. Reading also takes the earlier form, which kept token and next inside "data".
boost::json::value to_json(const Event& event);

/// Reads to_json's form back; anything else is an invalid_event error naming the field.
tl::expected<Event, Error> event_from_json(const boost::json::value& json);

}  // namespace ablauf
