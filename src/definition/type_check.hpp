// One expression typed in a step's scope on its own, as `ablauf eval --definition FILE --step
// ID` shows it: what the loader would find wrong with it there, and the type it gives (internal;
// src/definition/type_check.cpp checks a whole definition as it loads).
#pragma once

#include "typing/expression_typing.hpp"

#include "ablauf/definition.hpp"
#include "ablauf/expression.hpp"

#include <cstddef>

namespace ablauf::detail {

// Types `expression` as if it were a condition of a transition of `definition.steps[step]`
// (read once that step completed): its paths to steps, fields and items that do not exist, or,
// when they all do, the type findings the loader would report there, and its type.
// REQUIRES: step < definition.steps.size().
TypedExpression type_at_step(const WorkflowDefinition& definition, const StepTypeRegistry& registry,
                             std::size_t step, const Expression& expression);

}  // namespace ablauf::detail
