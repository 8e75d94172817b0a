// decision: the token takes the first transition whose condition holds. Nothing else happens,
// so the step runs at once, without a step_started event.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"

namespace ablauf::detail {
namespace {

class Decision final : public StepBehavior {
 public:
  bool is_action() const override { return false; }

  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    return engine.complete(call.run, call.token, call.step, nullptr);
  }
};

}  // namespace

StepTypeSpec decision_step() {
  static const Decision behavior;
  return {.name = "decision",
          .next = NextRule::transitions,
          .output = no_output(),
          .shape = StepShape::decision,
          .behavior = &behavior};
}

}  // namespace ablauf::detail
