// fill_checklist: the token waits until people have answered every required item that is
// shown (Engine::answer, Engine::sign); then the step completes with the answers.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

class FillChecklist final : public StepBehavior {
 public:
  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    if (auto ok = engine.wait(call.run, call.token, call.step, {.what = WaitingFor::checklist});
        !ok)
      return ok;
    // A checklist whose required items are answered already, or that has none, completes at
    // once.
    return engine.complete_checklist_if_done(call.run, call.token, call.step);
  }
};

}  // namespace

StepTypeSpec fill_checklist_step() {
  using T = ParameterType;
  static const FillChecklist behavior;
  return {.name = "fill_checklist",
          .parameters = {param("items", T::items), param("sections", T::sections),
                         param("assignee", T::string), param("pass_mark", T::number),
                         param("actions", T::any)},
          .exactly_one_of = {{"items", "sections"}},
          .waits = always_waits,
          // The answers, which expressions read typed at steps.<id>.answers.
          .output = declared_output(R"({"type": "object"})"),
          .shape = StepShape::form,
          .behavior = &behavior};
}

}  // namespace ablauf::detail
