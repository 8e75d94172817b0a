// Sub-workflows: a call step starts an instance of another workflow and waits for it.
//
// The sub-workflow's id is the call's idempotency key, so a call run again after a crash finds
// the instance it started instead of starting a second one. The caller is not changed while the
// sub-workflow runs (no code holds two instances); when the sub-workflow finishes it wakes its
// caller, whose next pass reads the result from the store.
#include "engine_impl.hpp"

namespace ablauf::detail {
namespace json = boost::json;

tl::expected<void, Error> EngineParts::call(Run& run, std::uint32_t token,
                                            const StepDefinition& step,
                                            const json::object& parameters, std::uint32_t attempt,
                                            std::string child) {
  const std::string workflow(parameters.at("workflow").as_string());
  std::uint32_t version = 0;
  if (const auto* v = parameters.if_contains("version"); v && v->is_int64() && v->get_int64() > 0)
    version = static_cast<std::uint32_t>(v->get_int64());
  auto callee = run.registry->find(workflow, version);
  if (!callee)
    return fail(run, token, step, attempt,
                "the workflow '" + workflow + "'" +
                    (version ? " version " + std::to_string(version) : std::string()) +
                    " is not deployed",
                false);
  const std::uint32_t depth = run.state.call_depth + 1;
  if (depth > config.limits.max_call_depth)
    return fail(run, token, step, attempt,
                "calling '" + workflow + "' would nest sub-workflows " + std::to_string(depth) +
                    " deep, past the limit of " + std::to_string(config.limits.max_call_depth) +
                    " (EngineLimits::max_call_depth); does a workflow call itself?",
                false);
  const auto* input = parameters.if_contains("input");

  json::object started{
      {"workflow", workflow},
      {"version", callee->definition().version},
      {"input", input ? *input : json::value(json::object())},
      {"parent", json::object{{"instance", run.state.id}, {"step", step.id}, {"depth", depth}}}};
  auto sub = begin(std::move(callee), child, std::move(started), "system");
  if (!sub && kind_of(sub.error().code) == ErrorKind::limit)  // the input is too large
    return fail(run, token, step, attempt, std::move(sub.error().message), false);
  if (!sub) return tl::make_unexpected(std::move(sub.error()));
  // The call is stored as started first: a crash before the caller waits runs it again, and
  // the second run finds the sub-workflow below.
  if (auto ok = commit(run); !ok) return ok;
  if (auto ok = commit(*sub); !ok && ok.error().code != ErrorCode::sequence_conflict) return ok;
  run.wake.push_back(child);
  return wait(run, token, step, json::object{{"for", "call"}, {"instance", std::move(child)}});
}

tl::expected<void, Error> EngineParts::return_from_calls(Run& run) {
  std::vector<std::pair<std::uint32_t, std::string>> calls;
  for (const auto& token : run.state.tokens)
    if (token.state == Token::State::waiting && token.waiting_for == "call")
      calls.emplace_back(token.id, token.waiting_on);
  for (const auto& [token, child] : calls) {
    // A finished instance never changes again, so reading it without its lock is safe.
    auto events = store.load(child);
    if (!events) return tl::make_unexpected(std::move(events.error()));
    auto callee = fold(child, *events);
    if (!callee) return tl::make_unexpected(std::move(callee.error()));
    if (!callee->finished()) continue;
    const Token* waiting = run.state.find_token(token);
    const StepDefinition& step = *run.workflow->find_step(waiting->step);
    if (callee->status == InstanceStatus::completed) {
      json::object output{{"instance", child}, {"vars", callee->data.as_object().at("vars")}};
      if (auto ok = admit(run, output, "the result of sub-workflow '" + child + "'"); !ok) {
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
