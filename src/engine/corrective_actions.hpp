// Corrective actions raised by checklist answers (internal; corrective_actions.cpp).
#pragma once

#include "engine/engine_impl.hpp"

#include <optional>
#include <span>
#include <string>

namespace ablauf::detail {

// Raises the corrective actions that the answers just recorded for the `answered` items of
// `step` call for, where `token` waits, each once per visit of the step.
tl::expected<void, Error> raise_corrective_actions(EngineParts& parts, Run& run,
                                                   std::uint32_t token, const StepDefinition& step,
                                                   std::span<const std::string> answered);

// Why `step` may not be signed now: an open corrective action of it that holds sign-offs back.
std::optional<Error> signing_held_back(const InstanceState& state, const StepDefinition& step);

// Completes an instance that reached its end and waited only for its corrective actions, once
// the last is closed.
tl::expected<void, Error> end_once_actions_closed(EngineParts& parts, Run& run);

}  // namespace ablauf::detail
