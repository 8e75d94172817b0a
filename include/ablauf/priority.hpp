/// @file
/// How urgent a piece of work is: a corrective action's priority (CorrectiveAction, Task).
///
/// Thread-safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string_view>

namespace ablauf {

/// How urgent a corrective action is, for the lists that sort the work.
enum class Priority { low, normal, high, urgent };

/// The priority's name as definitions and events write it: "low", "normal", "high", "urgent".
std::string_view to_string(Priority priority) noexcept;
/// The priority a name from to_string() stands for; none for any other.
std::optional<Priority> priority_from_string(std::string_view name) noexcept;

}  // namespace ablauf
