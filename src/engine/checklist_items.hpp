// Finding a checklist step's items by id (internal), for the calls that answer, sign and keep
// files for them.
#pragma once

#include "failure.hpp"
#include "suggest.hpp"

#include "ablauf/definition.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

inline const ItemDefinition* find_item(const StepDefinition& step, std::string_view id) {
  for (const auto& section : step.checklist->sections)
    for (const auto& item : section.items)
      if (item.id == id) return &item;
  return nullptr;
}

// The error for an item the step does not have, with a suggestion.
inline tl::unexpected<Error> no_item(const StepDefinition& step, std::string_view id) {
  std::vector<std::string_view> ids;
  for (const auto& section : step.checklist->sections)
    for (const auto& item : section.items) ids.push_back(item.id);
  return error(ErrorCode::not_found, "step '" + step.id + "' has no item '" + std::string(id) +
                                         "'" + did_you_mean(id, ids));
}

}  // namespace ablauf::detail
