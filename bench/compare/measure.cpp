#include "measure.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace compare {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: <program> <automated|human> [--seconds S] [--rounds R]\n");
  std::exit(2);
}

// The process's peak resident set, as the Node peers read it.
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

struct Round {
  std::size_t instances = 0;
  double seconds = 0;
  double per_second() const { return static_cast<double>(instances) / seconds; }
};

// Batches until at least `seconds` of run time; checks are not timed.
Round run_for(const Engine& engine, double seconds, std::string& error) {
  Round round;
  Clock::duration timed{};
  while (std::chrono::duration<double>(timed).count() < seconds) {
    const auto before = service_calls();
    const auto start = Clock::now();
    error = engine.run(engine.batch);
    timed += Clock::now() - start;
    if (error.empty()) error = engine.check();
    const auto calls = service_calls() - before;
    if (error.empty() && calls != engine.batch * steps_per_instance)
      error = "a batch of " + std::to_string(engine.batch) + " ran " + std::to_string(calls) +
              " service steps, expected " + std::to_string(engine.batch * steps_per_instance);
    if (!error.empty()) return round;
    round.instances += engine.batch;
  }
  round.seconds = std::chrono::duration<double>(timed).count();
  return round;
}

}  // namespace

std::uint64_t& service_calls() {
  static std::uint64_t calls = 0;
  return calls;
}

Options parse_options(int argc, char** argv) {
  if (argc < 2) usage();
  Options options{argv[1]};
  if (options.scenario != "automated" && options.scenario != "human") usage();
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const double value = std::strtod(argv[i + 1], nullptr);
    if (flag == "--seconds" && value > 0)
      options.seconds = value;
    else if (flag == "--rounds" && value >= 1)
      options.rounds = static_cast<int>(value);
    else
      usage();
  }
  if (argc % 2 != 0) usage();
  return options;
}

int measure(const Engine& engine, const Options& options) {
  std::string error;
  run_for(engine, options.seconds, error);  // warm-up
  std::vector<Round> rounds;
  for (int r = 0; r < options.rounds && error.empty(); ++r)
    rounds.push_back(run_for(engine, options.seconds, error));
  if (!error.empty()) {
    std::fprintf(stderr, "check failed: %s\n", error.c_str());
    return 1;
  }
  std::sort(rounds.begin(), rounds.end(),
            [](const Round& a, const Round& b) { return a.per_second() < b.per_second(); });
  const Round& median = rounds[(rounds.size() - 1) / 2];
  std::printf(
      "{\"engine\":\"%s\",\"version\":\"%s\",\"scenario\":\"%s\",\"instances\":%zu,"
      "\"seconds\":%.6f,\"instances_per_s\":%.1f,\"steps_per_s\":%.1f,\"peak_rss_kib\":%ld,"
      "\"compiler\":\"%s\"}\n",
      engine.name.c_str(), engine.version.c_str(), options.scenario.c_str(), median.instances,
      median.seconds, median.per_second(), median.per_second() * steps_per_instance, peak_rss_kib(),
      __VERSION__);
  return 0;
}

}  // namespace compare
