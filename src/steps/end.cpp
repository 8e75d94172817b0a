// end: the instance ends here, completed or (with "status": "failed") failed.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"

namespace ablauf::detail {
namespace {

class End final : public StepBehavior {
 public:
  bool is_action() const override { return false; }

  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    const auto& step = call.step;
    if (auto ok = call.run.emit(moving_event(EventType::step_completed, step.id, call.token, {}),
                                call.now);
        !ok)
      return ok;
    const auto* status = step.parameters.if_contains("status");
    if (status && *status == "failed")
      return engine.fail_instance(call.run, "ended at step '" + step.id + "'");
    return engine.complete_instance(call.run);
  }
};

}  // namespace

StepTypeSpec end_step() {
  static const End behavior;
  return {.name = "end",
          .parameters = {param("status", ParameterType::string, false, {"completed", "failed"})},
          .next = NextRule::forbidden,
          .output = no_output(),
          .shape = StepShape::terminal,
          .ends_instance = true,
          .behavior = &behavior};
}

}  // namespace ablauf::detail
