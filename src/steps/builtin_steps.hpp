// The built-in step types (internal), each declared and run by its own file in src/steps/.
#pragma once

#include "ablauf/step_type.hpp"

#include <vector>

namespace ablauf::detail {

// Every built-in type, in the order the documentation lists them.
std::vector<StepTypeSpec> builtin_step_types();

}  // namespace ablauf::detail
