// Asking a person at the terminal for a checklist item's answer, until the engine takes it.
#pragma once

#include <ablauf/engine.hpp>

#include <iosfwd>
#include <string>

namespace ablauf::cli {

// Asks for `item` and records the answer (or signature); re-asks after a refused answer.
// Returns false when the input ends.
bool ask(Engine& engine, const std::string& instance, const StepDefinition& step,
         const ItemDefinition& item, const std::string& actor, const std::string& language,
         std::ostream& out);

}  // namespace ablauf::cli
