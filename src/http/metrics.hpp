// What the server counts of its requests, for `GET /metrics` (internal; docs/http.md).
#pragma once

#include <ablauf/engine.hpp>

#include <tl/expected.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace ablauf::http::detail {

// Requests by method, route pattern and status, and how long they took by method and route, as
// Prometheus counters and a histogram. The route is the pattern that matched
// ("/api/v1/instances/{id}"), so that ids do not make a series each; "" for none. Thread-safe.
class HttpMetrics {
 public:
  // The upper bounds of the duration histogram's buckets, in seconds.
  static constexpr std::array<double, 11> buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1,    2.5};

  void record(const std::string& method, const std::string& route, unsigned status,
              std::chrono::microseconds duration);
  // The counters and the histogram in the Prometheus text format (version 0.0.4).
  std::string text() const;

 private:
  struct Durations {
    std::array<std::uint64_t, buckets.size()> counts{};  // not cumulative; text() sums them
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Durations> durations_;
};

// The engine's figures in the text format: instances by workflow and status and timers by
// purpose and due (read from the store, every instance: a scrape costs what Engine::list()
// does), mail not yet handed to the Mailer, and claims, fenced writes and lost claims where
// workers share the store.
tl::expected<std::string, Error> engine_metrics(const Engine& engine);

// Each step's runs, failures and durations over every instance of `store` (compute_kpis(): a
// scrape reads every event), labelled with its workflow, id and type.
tl::expected<std::string, Error> step_metrics(const Engine& engine, const Store& store);

// A label value as the text format writes it: backslash, double quote and newline escaped.
std::string prometheus_label(const std::string& value);

}  // namespace ablauf::http::detail
