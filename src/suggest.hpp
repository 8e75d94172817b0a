// "Did you mean" suggestions for misspelt names (internal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

// The candidate closest to `name` by edit distance (insertions, deletions, substitutions and
// swaps of neighbours each count 1), if it is close enough to be a plausible typo; else "".
std::string_view closest(std::string_view name, const std::vector<std::string_view>& candidates);

// "; did you mean 'x'?" for a close candidate, else "".
std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& candidates);

// "; did you mean 'x'?" for a close candidate, else "; <what> are a, b, c" listing them all.
std::string did_you_mean_or_list(std::string_view name,
                                 const std::vector<std::string_view>& candidates,
                                 std::string_view what);

}  // namespace ablauf::detail
