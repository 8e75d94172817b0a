/// @file
/// Checking a definition's translations: every text a person reads (titles, descriptions, the
/// labels of transitions, items and options, units) in a language the readers need.
#pragma once

#include <ablauf/definition.hpp>
#include <ablauf/error.hpp>

#include <string_view>

namespace ablauf {

/// One warning (missing_translation) for each text of `definition` that is given in other
/// languages but not in `language`, located at its place in the file. A plain string stands for
/// every language and is never reported.
Diagnostics missing_translations(const WorkflowDefinition& definition, std::string_view language);

}  // namespace ablauf
