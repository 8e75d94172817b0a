// The measuring loop of the side-by-side comparison, the same as peers/measure.js runs for the
// Node engines: a warm-up, then rounds of at least S seconds each, instances one at a time, and
// the median round printed as one JSON line. Every instance is checked, so a broken engine
// cannot look fast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace compare {

inline constexpr int steps_per_instance = 9;  // automated service steps of the order process
inline constexpr int amount = 250;            // >= 100: the gateway must take s5 … s9

// Calls of the no-op service every step makes; the checks count them.
std::uint64_t& service_calls();

struct Options {
  std::string scenario;  // "automated" or "human"
  double seconds = 1;
  int rounds = 5;
};

// Reads `<automated|human> [--seconds S] [--rounds R]`; exits with a usage message otherwise.
Options parse_options(int argc, char** argv);

// Runs instances in batches: `run` starts and finishes `batch` instances and says why it
// could not, or ""; `check` (not timed) checks the batch the same way.
struct Engine {
  std::string name;
  std::string version;
  std::size_t batch = 1;
  std::function<std::string(std::size_t batch)> run;
  std::function<std::string()> check = [] { return std::string(); };
};

// Warm-up, rounds, median; prints the JSON line and returns 0, or prints why a check failed
// and returns 1.
int measure(const Engine& engine, const Options& options);

}  // namespace compare
