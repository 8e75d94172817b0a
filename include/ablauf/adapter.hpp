/// @file
/// Adapters: how a step's action is carried out.
///
/// Every typed action is an adapter registered under its step type's name. The engine renders
/// the step's parameters (templates and computed values) against the instance data, then calls
/// the adapter with them. The adapter answers completed (with an output, which later steps read
/// at steps.<id>.output), pending (someone finishes it later), or failed (retryable or not).
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

struct StepContext {
  const StepDefinition& step;
  const boost::json::object& parameters;  ///< rendered: templates filled in, computed values
  const boost::json::value& data;         ///< the instance data, read-only
  std::string_view instance;
  std::string idempotency_key;  ///< "<instance>/<step>/<n>": the same for a re-run of an attempt
  std::uint32_t attempt = 1;
  Time now{};
};

struct StepResult {
  enum class Kind { completed, pending, failed };
  Kind kind = Kind::completed;
  boost::json::value output;  ///< completed: steps.<id>.output
  std::string error;          ///< failed: why, for the history and on_error
  bool retryable = true;      ///< failed: whether the step's retry policy applies

  static StepResult completed(boost::json::value output = nullptr) {
    return {Kind::completed, std::move(output), {}, false};
  }
  static StepResult pending() { return {Kind::pending, nullptr, {}, false}; }
  static StepResult failed(std::string error, bool retryable = true) {
    return {Kind::failed, nullptr, std::move(error), retryable};
  }
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual StepResult execute(const StepContext& context) = 0;
};

}  // namespace ablauf
