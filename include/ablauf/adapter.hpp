/// @file
/// Adapters: how a step's action is carried out.
///
/// Every typed action is an adapter registered under its step type's name. The engine renders
/// the step's parameters (templates and computed values) against the instance data, then calls
/// the adapter with them. The adapter answers completed (with an output, which later steps read
/// at `steps.<id>.output`), pending (someone finishes it later), or failed (retryable or not).
///
/// A step may run more than once: after a crash between the action and its recorded outcome,
/// or on a retry. Each run carries an idempotency key that stays the same for the same attempt,
/// so an adapter that talks to the outside world can make its effect happen once.
///
/// Thread-safety: an adapter may be called from several threads at once, for different
/// instances.
#pragma once

#include <ablauf/clock.hpp>
#include <ablauf/definition.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace ablauf {

/// What an adapter is given for one run of a step. The references are valid only during the
/// call to Adapter::execute().
struct StepContext {
  const StepDefinition& step;             ///< the step, as its definition declares it
  const boost::json::object& parameters;  ///< rendered: templates filled in, computed values
  const boost::json::value& data;         ///< the instance data, read-only
  std::string_view instance;              ///< the instance's id
  /// `<instance>/<step>/<n>`, n the sequence number of the attempt's step_started event: the
  /// same for a re-run of an attempt, new for a retry.
  std::string idempotency_key;
  std::uint32_t attempt = 1;  ///< 1 for the first try, counting retries; a re-run keeps it
  Time now{};                 ///< the clock's time as the step runs
};

/// What an adapter's action came to. Make one with completed(), pending() or failed().
struct StepResult {
  /// How the action ended.
  enum class Kind { completed, pending, failed };
  /// @var Kind::completed
  /// Done: the step completes with its output.
  /// @var Kind::pending
  /// Under way outside: the instance waits at the step until Engine::finish_step().
  /// @var Kind::failed
  /// Did not work: retried or handled as the step declares, else the instance fails.
  Kind kind = Kind::completed;  ///< how it ended
  boost::json::value output;    ///< completed: `steps.<id>.output`
  std::string error;            ///< failed: why, for the history and on_error
  bool retryable = true;        ///< failed: whether the step's retry policy applies

  /// Done, with the output later steps read (null: none).
  static StepResult completed(boost::json::value output = nullptr) {
    return {Kind::completed, std::move(output), {}, false};
  }
  /// Started outside the engine; Engine::finish_step() reports how it ended.
  static StepResult pending() { return {Kind::pending, nullptr, {}, false}; }
  /// Failed for the reason given; with `retryable` false, the retry policy is skipped.
  static StepResult failed(std::string error, bool retryable = true) {
    return {Kind::failed, nullptr, std::move(error), retryable};
  }
};

/// A step type's action, carried out for the engine: a host's own, registered with
/// Engine::register_adapter(). Shared by every instance and called from several threads at once.
class Adapter {
 public:
  virtual ~Adapter() = default;
  /// Carries out the step's action with `context.parameters` and says how it went. Runs while
  /// the instance is locked, so it must not call the engine. Report a failure with
  /// StepResult::failed(); an exception that escapes fails the step too, as retryable, with its
  /// what() as the error, and goes no further than the engine.
  virtual StepResult execute(const StepContext& context) = 0;
};

}  // namespace ablauf
