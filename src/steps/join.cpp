// join: the branches of a parallel step meet here. Each arriving token waits; when a token from
// every branch has arrived, one of them moves on and the others are merged into it.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

class Join final : public StepBehavior {
 public:
  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    Run& run = call.run;
    const StepDefinition& step = call.step;
    if (auto ok = engine.wait(run, call.token, step, {.what = WaitingFor::join}); !ok) return ok;
    // Only a parallel step names a join.
    std::size_t branches = 0;
    for (const auto& other : run.workflow->definition().steps)
      if (other.join == step.id) branches = other.branches.size();
    const auto here = run.state.find_token(call.token)->step_index;
    std::vector<std::uint32_t> arrived;
    for (const auto& t : run.state.tokens)
      if (t.step_index == here && t.waiting_for == WaitingFor::join) arrived.push_back(t.id);
    if (arrived.size() < branches) return {};
    for (std::size_t i = 1; i < arrived.size(); ++i)
      if (auto ok = run.emit(moving_event(EventType::step_completed, step.id, arrived[i], {},
                                          json::object{{"merged", true}}),
                             call.now);
          !ok)
        return ok;
    return engine.complete(run, arrived[0], step, nullptr);
  }
};

}  // namespace

StepTypeSpec join_step() {
  static const Join behavior;
  return {.name = "join",
          .output = no_output(),
          .shape = StepShape::gateway,
          .gathers_branches = true,
          .behavior = &behavior};
}

}  // namespace ablauf::detail
