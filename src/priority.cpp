#include "ablauf/priority.hpp"

#include <array>
#include <utility>

namespace ablauf {
namespace {

constexpr std::array<std::pair<std::string_view, Priority>, 4> names = {
    {{"low", Priority::low},
     {"normal", Priority::normal},
     {"high", Priority::high},
     {"urgent", Priority::urgent}}};

}  // namespace

std::string_view to_string(Priority priority) noexcept {
  for (const auto& [name, value] : names)
    if (value == priority) return name;
  return "normal";
}

std::optional<Priority> priority_from_string(std::string_view name) noexcept {
  for (const auto& [known, value] : names)
    if (known == name) return value;
  return std::nullopt;
}

}  // namespace ablauf
