// call: starts an instance of another workflow and waits for it; the sub-workflow's vars become
// the step's output (EngineParts::return_from_calls).
//
// The sub-workflow's id is the call's idempotency key, so a call run again after a crash finds
// the instance it started instead of starting a second one. The caller is not changed while the
// sub-workflow runs (no code holds two instances); when the sub-workflow finishes it wakes its
// caller, whose next pass reads the result from the store.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

class Call final : public StepBehavior {
 public:
  // A template ("{{input.which}}") or a computed value names a workflow only when it runs.
  std::optional<std::string> literal_callee(const StepDefinition& step) const override {
    const auto* named = step.parameters.if_contains("workflow");
    if (!named || !named->is_string()) return std::nullopt;
    const std::string_view name = named->get_string();
    if (name.empty() || name.find("{{") != std::string_view::npos) return std::nullopt;
    return std::string(name);
  }

  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    Run& run = call.run;
    const StepDefinition& step = call.step;
    const auto& parameters = call.parameters;
    const auto failed = [&](std::string why) {
      return engine.fail(run, call.token, step, call.attempt, std::move(why), false);
    };
    const std::string workflow(parameters.at("workflow").as_string());
    std::uint32_t version = 0;
    if (const auto* v = parameters.if_contains("version"); v && v->is_int64() && v->get_int64() > 0)
      version = static_cast<std::uint32_t>(v->get_int64());
    auto callee = run.registry->find(workflow, version);
    if (!callee)
      return failed("the workflow '" + workflow + "'" +
                    (version ? " version " + std::to_string(version) : std::string()) +
                    " is not deployed");
    const std::uint32_t depth = run.state.call_depth + 1;
    const auto limit = engine.config.limits.max_call_depth;
    if (depth > limit)
      return failed("calling '" + workflow + "' would nest sub-workflows " + std::to_string(depth) +
                    " deep, past the limit of " + std::to_string(limit) +
                    " (EngineLimits::max_call_depth); does a workflow call itself?");
    const auto* input = parameters.if_contains("input");

    std::string child = call.key;
    json::object started{
        {"workflow", workflow},
        {"version", callee->definition().version},
        {"input", input ? *input : json::value(json::object())},
        {"parent", json::object{{"instance", run.state.id}, {"step", step.id}, {"depth", depth}}}};
    auto sub = engine.begin(std::move(callee), child, std::move(started), "system");
    // Input too large, or not what the callee declares: the call fails, as its on_error says.
    if (!sub && (kind_of(sub.error().code) == ErrorKind::limit ||
                 sub.error().code == ErrorCode::invalid_value))
      return failed(std::move(sub.error().message));
    if (!sub) return tl::make_unexpected(std::move(sub.error()));
    // The call is stored as started first: a crash before the caller waits runs it again, and
    // the second run finds the sub-workflow below.
    if (auto ok = engine.commit(run); !ok) return ok;
    if (auto ok = engine.commit(*sub); !ok && ok.error().code != ErrorCode::sequence_conflict)
      return ok;
    run.wake.push_back(child);
    return engine.wait(run, call.token, step,
                       {.what = WaitingFor::call, .details = {{"instance", std::move(child)}}});
  }
};

}  // namespace

StepTypeSpec call_step() {
  using T = ParameterType;
  static const Call behavior;
  return {.name = "call",
          .parameters = {param("workflow", T::string, required), param("version", T::integer),
                         param("input", T::object)},
          // The callee's vars when it completed: what its "output" declares, which is known
          // only when the callee is deployed.
          .output = declared_output(R"({
            "type": "object",
            "properties": {"instance": {"type": "string"}, "vars": {"type": "object"}},
            "required": ["instance", "vars"],
            "additionalProperties": false
          })"),
          .shape = StepShape::subprocess,
          .behavior = &behavior};
}

}  // namespace ablauf::detail
