// What the server counts of its requests (metrics.hpp).
#include "http/metrics.hpp"

#include <ablauf/kpi.hpp>

#include <algorithm>
#include <cstdio>

namespace ablauf::http::detail {

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void HttpMetrics::record(const std::string& method, const std::string& route, unsigned status,
                         std::chrono::microseconds duration) {
  const double seconds = static_cast<double>(duration.count()) / 1e6;
  std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  auto& durations = durations_[{method, route}];
  const auto bucket = std::lower_bound(buckets.begin(), buckets.end(), seconds);
  if (bucket != buckets.end())
    ++durations.counts[static_cast<std::size_t>(bucket - buckets.begin())];
  ++durations.count;
  durations.sum += seconds;
}

std::string HttpMetrics::text() const {
  std::lock_guard lock(mutex_);
  std::string out =
      "# HELP ablauf_http_requests_total Requests answered, by method, route and status.\n"
      "# TYPE ablauf_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "ablauf_http_requests_total{method=\"" + prometheus_label(method) + "\",route=\"" +
           prometheus_label(route) + "\",status=\"" + std::to_string(status) + "\"} " +
           std::to_string(count) + "\n";
  }
  out +=
      "# HELP ablauf_http_request_duration_seconds From a request read whole to its answer "
      "written.\n"
      "# TYPE ablauf_http_request_duration_seconds histogram\n";
  for (const auto& [key, durations] : durations_) {
    const std::string labels = "method=\"" + prometheus_label(key.first) + "\",route=\"" +
                               prometheus_label(key.second) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      cumulative += durations.counts[i];
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g", buckets[i]);
      out += "ablauf_http_request_duration_seconds_bucket{" + labels + ",le=\"" + bound + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    char sum[32];
    std::snprintf(sum, sizeof sum, "%.6f", durations.sum);
    out += "ablauf_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(durations.count) + "\n";
    out += "ablauf_http_request_duration_seconds_sum{" + labels + "} " + sum + "\n";
    out += "ablauf_http_request_duration_seconds_count{" + labels + "} " +
           std::to_string(durations.count) + "\n";
  }
  return out;
}

tl::expected<std::string, Error> engine_metrics(const Engine& engine) {
  const auto instances = engine.list();
  if (!instances) return tl::make_unexpected(instances.error());
  std::map<std::pair<std::string, std::string>, std::uint64_t> by_status;
  for (const auto& state : *instances)
    ++by_status[{state.workflow_id, std::string(to_string(state.status))}];
  std::string out =
      "# HELP ablauf_instances Instances in the store, by workflow and status.\n"
      "# TYPE ablauf_instances gauge\n";
  for (const auto& [key, count] : by_status)
    out += "ablauf_instances{workflow=\"" + prometheus_label(key.first) + "\",status=\"" +
           key.second + "\"} " + std::to_string(count) + "\n";
  // Timers by purpose, and those due now that no one fired yet (a worker behind, or none).
  const auto now = std::chrono::system_clock::now();
  std::map<std::string, std::uint64_t> timers;
  std::uint64_t due = 0;
  for (const auto& state : *instances)
    for (const auto& timer : state.timers) {
      ++timers[std::string(to_string(timer.purpose))];
      due += timer.due <= now;
    }
  out +=
      "# HELP ablauf_timers Timers set, by purpose.\n"
      "# TYPE ablauf_timers gauge\n";
  for (const auto& [purpose, count] : timers)
    out += "ablauf_timers{purpose=\"" + purpose + "\"} " + std::to_string(count) + "\n";
  out +=
      "# HELP ablauf_timers_due Timers whose time has come and that have not fired yet.\n"
      "# TYPE ablauf_timers_due gauge\n"
      "ablauf_timers_due " +
      std::to_string(due) + "\n";
  const auto outbox = engine.outbox();
  if (!outbox) return tl::make_unexpected(outbox.error());
  const auto unsent = std::count_if(outbox->begin(), outbox->end(),
                                    [](const OutboxMail& mail) { return !mail.message_id; });
  out +=
      "# HELP ablauf_outbox_unsent Mail queued and not yet handed to the Mailer.\n"
      "# TYPE ablauf_outbox_unsent gauge\n"
      "ablauf_outbox_unsent " +
      std::to_string(unsent) + "\n";
  const auto workers = engine.worker_stats();
  for (const auto& [name, help, value] :
       {std::tuple{"ablauf_claims_total", "Claims taken on instances, by workers and calls.",
                   workers.claimed},
        std::tuple{"ablauf_fenced_writes_total",
                   "Writes refused because another worker had taken the claim over.",
                   workers.fenced},
        std::tuple{"ablauf_lost_claims_total", "Claims found lost when renewing them.",
                   workers.lost}})
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(value) + "\n";
  return out;
}

}  // namespace ablauf::http::detail

namespace ablauf::http::detail {

tl::expected<std::string, Error> step_metrics(const Engine& engine, const Store& store) {
  const auto figures = compute_kpis(store, KpiOptions{});
  if (!figures) return tl::make_unexpected(figures.error());
  std::string runs =
      "# HELP ablauf_step_runs_total Attempts of each step started (or completed at once).\n"
      "# TYPE ablauf_step_runs_total counter\n";
  std::string failures =
      "# HELP ablauf_step_failures_total Attempts of each step that failed, timeouts without an "
      "on_timeout path too.\n"
      "# TYPE ablauf_step_failures_total counter\n";
  std::string escalations =
      "# HELP ablauf_step_escalations_total Attempts of each step that timed out into their "
      "on_timeout path.\n"
      "# TYPE ablauf_step_escalations_total counter\n";
  std::string durations =
      "# HELP ablauf_step_duration_seconds From an attempt's start to its end, waiting for people "
      "included.\n"
      "# TYPE ablauf_step_duration_seconds summary\n";
  const auto seconds = [](std::chrono::milliseconds ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(ms.count()) / 1000.0);
    return std::string(text);
  };
  for (const auto& step : figures->steps) {
    std::string type;
    if (const auto workflow = engine.workflow(step.workflow))
      if (const auto* definition = workflow->find_step(step.step)) type = definition->type;
    const std::string labels = "workflow=\"" + prometheus_label(step.workflow) + "\",step=\"" +
                               prometheus_label(step.step) + "\",type=\"" + prometheus_label(type) +
                               "\"";
    runs += "ablauf_step_runs_total{" + labels + "} " + std::to_string(step.runs) + "\n";
    failures +=
        "ablauf_step_failures_total{" + labels + "} " + std::to_string(step.failures) + "\n";
    escalations +=
        "ablauf_step_escalations_total{" + labels + "} " + std::to_string(step.escalations) + "\n";
    for (const auto& [quantile, value] :
         {std::pair{"0.5", step.duration.median}, std::pair{"0.95", step.duration.p95},
          std::pair{"1", step.duration.max}})
      durations += "ablauf_step_duration_seconds{" + labels + ",quantile=\"" + quantile + "\"} " +
                   seconds(value) + "\n";
    durations += "ablauf_step_duration_seconds_count{" + labels + "} " +
                 std::to_string(step.duration.count) + "\n";
  }
  return runs + failures + escalations + durations;
}

}  // namespace ablauf::http::detail
