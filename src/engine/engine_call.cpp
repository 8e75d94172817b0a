// Sub-workflows coming back: a call step (src/steps/call.cpp) starts an instance of another
// workflow and waits for it; when that instance finishes it wakes its caller, whose next pass
// reads the result from the store and moves the call on.
#include "engine_impl.hpp"

namespace ablauf::detail {
namespace json = boost::json;

tl::expected<void, Error> EngineParts::return_from_calls(Run& run) {
  std::vector<std::pair<std::uint32_t, std::string>> calls;
  for (const auto& token : run.state.tokens)
    if (token.state == Token::State::waiting && token.waiting_for == WaitingFor::call)
      calls.emplace_back(token.id, token.waiting_on);
  for (const auto& [token, child] : calls) {
    // A finished instance never changes again, so reading it without its lock is safe.
    auto events = store.load(child);
    if (!events) return tl::make_unexpected(std::move(events.error()));
    auto callee = fold(child, *events);
    if (!callee) return tl::make_unexpected(std::move(callee.error()));
    if (!callee->finished()) continue;
    const Token* waiting = run.state.find_token(token);
    const StepDefinition& step = run.workflow->step(waiting->step_index);
    if (callee->status == InstanceStatus::completed) {
      json::object output{{"instance", child}, {"vars", callee->data.as_object().at("vars")}};
      if (auto ok = limits.admit(run.state, output, "the result of sub-workflow '" + child + "'");
          !ok) {
        if (auto failed = fail(run, token, step, waiting->attempt, ok.error().message, false);
            !failed)
          return failed;
        continue;
      }
      if (auto ok = complete(run, token, step, std::move(output)); !ok) return ok;
      continue;
    }
    // A failed sub-workflow fails the call, which its retry policy may run again.
    std::string why = "the sub-workflow '" + child + "' " + std::string(to_string(callee->status));
    if (!callee->error.empty()) why += ": " + callee->error;
    if (auto ok = fail(run, token, step, waiting->attempt, std::move(why),
                       callee->status == InstanceStatus::failed);
        !ok)
      return ok;
  }
  return {};
}

}  // namespace ablauf::detail
