// How the steps of a built-in type run (internal).
//
// Each built-in step type is one file in this folder: the StepTypeSpec that declares its
// parameters, how it waits and how it is drawn, and a StepBehavior that runs its steps through
// the engine's services (EngineParts: complete, fail, wait, the run's events and effects).
// builtin_steps.cpp lists them. Workflow::compile() finds each step's type once, so the engine
// runs a step by calling its type's behaviour, never by comparing type names. A host's own step
// types have no behaviour: their steps run through the adapter the host registered.
#pragma once

#include "ablauf/step_type.hpp"
#include "ablauf/template.hpp"

#include <boost/json/object.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ablauf::detail {

struct EngineParts;
struct Run;

// One run of a step, as the engine hands it to the step's behaviour.
struct StepCall {
  Run& run;
  std::uint32_t token;         // the token at the step
  const StepDefinition& step;  // the step, as its definition declares it
  std::uint32_t attempt;       // 1 for the first try; a re-run after a crash keeps it
  Time now;                    // the clock's time as the step runs
  // For actions only (StepBehavior::is_action): the attempt's idempotency key, and the step's
  // parameters rendered (templates filled in, computed values computed).
  std::string key;
  boost::json::object parameters;
};

class StepBehavior {
 public:
  virtual ~StepBehavior() = default;

  // Whether its steps are actions: they record a step_started event, count attempts and have
  // their parameters rendered before run(). Control steps (decision, parallel, end) only move
  // the token on, at once.
  virtual bool is_action() const { return true; }

  // Whether an adapter the host registered under the type's name runs its steps instead: for
  // effects a host may keep itself (mail, records).
  virtual bool replaceable() const { return false; }

  // How the templates of `parameter` escape what they insert.
  virtual Escape escape(const StepDefinition& /*step*/, std::string_view /*parameter*/) const {
    return Escape::none;
  }

  // The workflow a step of the type always calls, when its definition names it as a plain
  // string (call); validation and deploy() look for cycles of calls through it.
  virtual std::optional<std::string> literal_callee(const StepDefinition& /*step*/) const {
    return std::nullopt;
  }

  // Runs the step: completes it, fails it, or has its token wait (through `engine`). An error
  // returned is the engine's own (the store failed, a limit was passed), not the step's.
  virtual tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const = 0;
};

}  // namespace ablauf::detail
