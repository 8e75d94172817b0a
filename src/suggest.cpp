#include "suggest.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace ablauf::detail {
namespace {

char fold(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Optimal string alignment distance, case-insensitive, in O(|a|·|b|) time and O(|b|) space
// per row (three rows, for the swap).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::string_view closest(std::string_view name, const std::vector<std::string_view>& candidates) {
  // Names are short; bound the work for hostile input all the same.
  if (name.size() > 64) return {};
  const std::size_t allowed = name.size() <= 4 ? 1 : 2;
  std::string_view best;
  std::size_t best_distance = allowed + 1;
  for (auto candidate : candidates) {
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& candidates) {
  const auto match = closest(name, candidates);
  return match.empty() ? std::string() : "; did you mean '" + std::string(match) + "'?";
}

std::string did_you_mean_or_list(std::string_view name,
                                 const std::vector<std::string_view>& candidates,
                                 std::string_view what) {
  std::string out = did_you_mean(name, candidates);
  if (!out.empty()) return out;
  out = "; " + std::string(what) + " are";
  for (std::size_t i = 0; i < candidates.size(); ++i)
    out += (i ? ", " : " ") + std::string(candidates[i]);
  return out;
}

}  // namespace ablauf::detail
