// parallel: the token parts into one token per branch; the branches meet again at the join
// step the parallel names.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"

namespace ablauf::detail {
namespace {

class Parallel final : public StepBehavior {
 public:
  bool is_action() const override { return false; }

  tl::expected<void, Error> run(EngineParts& /*engine*/, StepCall& call) const override {
    return call.run.emit(
        moving_event(EventType::step_completed, call.step.id, call.token, call.step.branches),
        call.now);
  }
};

}  // namespace

StepTypeSpec parallel_step() {
  static const Parallel behavior;
  return {.name = "parallel",
          .parameters = {param("branches", ParameterType::step_ids, required),
                         param("join", ParameterType::step_id, required)},
          .next = NextRule::forbidden,
          .output = no_output(),
          .shape = StepShape::gateway,
          .behavior = &behavior};
}

}  // namespace ablauf::detail
