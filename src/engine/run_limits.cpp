// The limits of running instances (EngineLimits): whether a config's limits make sense, what may
// enter an instance's data, how far ahead a timer may lie, and what an evaluation may spend.
#include "run_limits.hpp"

#include "failure.hpp"

#include "ablauf/duration.hpp"

#include <boost/json/serializer.hpp>

#include <utility>

namespace ablauf {
namespace {

std::string text_of(std::uint64_t value) {
  return std::to_string(value);
}
std::string text_of(std::chrono::milliseconds value) {
  return std::to_string(value.count()) + " ms";
}

}  // namespace

tl::expected<void, Error> check_config(const EngineConfig& config) {
  std::optional<Error> problem;
  const auto at_least = [&](std::string_view field, auto value, auto least, std::string_view what) {
    if (problem || value >= least) return;
    problem = Error{ErrorCode::invalid_value,
                    "EngineConfig::" + std::string(field) + " must be " + std::string(what) +
                        ", but is " + text_of(value) + ". See docs/limits.md",
                    {},
                    {}};
  };
  const auto& limits = config.limits;
  using std::chrono::milliseconds;
  at_least("limits.max_output_bytes", std::uint64_t{limits.max_output_bytes}, 1u, "at least 1");
  at_least("limits.max_data_bytes", std::uint64_t{limits.max_data_bytes}, 1u, "at least 1");
  at_least("limits.max_history_events", limits.max_history_events, 1u, "at least 1");
  at_least("limits.max_activations", limits.max_activations, 1u, "at least 1");
  at_least("limits.max_timer_horizon", limits.max_timer_horizon, milliseconds(1), "above 0");
  at_least("limits.max_evaluation_operations", std::uint64_t{limits.max_evaluation_operations}, 1u,
           "at least 1");
  at_least("limits.max_rendered_bytes", std::uint64_t{limits.max_rendered_bytes}, 1u, "at least 1");
  at_least("limits.max_call_depth", std::uint64_t{limits.max_call_depth}, 1u, "at least 1");
  at_least("limits.max_recipients", std::uint64_t{limits.max_recipients}, 1u, "at least 1");
  at_least("limits.max_file_bytes", limits.max_file_bytes, 1u, "at least 1");
  at_least("limits.max_attachment_bytes", limits.max_attachment_bytes, 1u, "at least 1");
  at_least("limits.max_schedule_starts", std::uint64_t{limits.max_schedule_starts}, 1u,
           "at least 1");
  // Past the largest, a file is no answer to a checklist and no mail's attachment: refused as
  // absurd, not read into memory.
  for (const auto& [name, value] : {std::pair{"max_file_bytes", limits.max_file_bytes},
                                    std::pair{"max_attachment_bytes", limits.max_attachment_bytes}})
    if (!problem && value > EngineLimits::largest_file_bytes)
      problem = Error{ErrorCode::invalid_value,
                      "EngineConfig::limits." + std::string(name) + " must be at most " +
                          text_of(EngineLimits::largest_file_bytes) + ", but is " + text_of(value) +
                          ". See docs/limits.md",
                      {},
                      {}};
  // A worker renews its claims every third of a lease: a shorter one would never wait.
  at_least("worker.lease", config.worker.lease, milliseconds(3), "at least 3 ms");
  at_least("worker.batch", std::uint64_t{config.worker.batch}, 1u, "at least 1");
  at_least("worker.poll_interval", config.worker.poll_interval, milliseconds(1), "above 0");
  at_least("mail_retry.initial", config.mail_retry.initial, milliseconds(1), "above 0");
  at_least("mail_retry.longest", config.mail_retry.longest, config.mail_retry.initial,
           "at least mail_retry.initial (" + text_of(config.mail_retry.initial) + ")");
  // A sender with a line break would add headers to every mail; it is refused once, here.
  for (const unsigned char c : config.mail_from)
    if (!problem && (c < 0x20 || c == 0x7f))
      problem = Error{ErrorCode::invalid_value,
                      "EngineConfig::mail_from holds a control character; give one address, "
                      "such as \"Stadtwerke <abrechnung@stadtwerke.example>\"",
                      {},
                      {}};
  if (problem) return tl::make_unexpected(std::move(*problem));
  return {};
}

}  // namespace ablauf

namespace ablauf::detail {
namespace json = boost::json;

std::size_t serialized_size(const json::value& value) {
  // Serialized in pieces into one buffer, so measuring a large value allocates nothing.
  json::serializer writer;
  writer.reset(&value);
  char buffer[4096];
  std::size_t size = 0;
  while (!writer.done()) size += writer.read(buffer, sizeof buffer).size();
  return size;
}

EvaluationOptions RunLimits::evaluation(Time now) const {
  return {.now = now, .max_operations = limits_.max_evaluation_operations};
}

DynamicEvaluationOptions RunLimits::rendering(Time now, Escape escape) const {
  DynamicEvaluationOptions options;
  options.expressions = evaluation(now);
  options.templates.escape = escape;
  options.templates.max_output_bytes = limits_.max_rendered_bytes;
  return options;
}

tl::expected<void, Error> RunLimits::admit(const InstanceState& instance, const json::value& value,
                                           std::string_view what) const {
  if (value.is_null()) return {};  // adds nothing: most steps have no output
  const std::size_t size = serialized_size(value);
  if (size > limits_.max_output_bytes)
    return error(ErrorCode::output_too_large, std::string(what) + " is " + std::to_string(size) +
                                                  " bytes as JSON, more than the limit of " +
                                                  std::to_string(limits_.max_output_bytes) +
                                                  " (max_output_bytes)");
  // Measured afresh each time, so the limit holds exactly; values enter the data far less often
  // than steps run (a step without output admits nothing).
  const std::size_t held = serialized_size(instance.data);
  if (held + size > limits_.max_data_bytes)
    return error(ErrorCode::data_too_large,
                 "instance '" + instance.id + "' holds " + std::to_string(held) +
                     " bytes of data; with " + std::string(what) + " (" + std::to_string(size) +
                     " bytes) it would pass the limit of " +
                     std::to_string(limits_.max_data_bytes) + " (max_data_bytes)");
  return {};
}

tl::expected<void, Error> RunLimits::admit_input(const json::value& input) const {
  const auto size = serialized_size(input);
  if (size <= limits_.max_data_bytes) return {};
  return error(ErrorCode::data_too_large,
               "the input is " + std::to_string(size) + " bytes as JSON, more than the limit of " +
                   std::to_string(limits_.max_data_bytes) + " (max_data_bytes)");
}

tl::expected<void, Error> RunLimits::check_horizon(Time due, Time now,
                                                   std::string_view what) const {
  const auto horizon = limits_.max_timer_horizon;
  if (due - now <= horizon) return {};
  return error(ErrorCode::timer_too_far,
               std::string(what) + " (" + to_rfc3339(due) + ") lies more than " +
                   to_string(days_and_time(horizon)) + " ahead, the limit (max_timer_horizon)");
}

tl::expected<void, Error> RunLimits::check_activations(const InstanceState& instance,
                                                       const std::string& step) const {
  const auto most = limits_.max_activations;
  if (instance.activations < most) return {};
  return error(ErrorCode::too_many_activations,
               "step '" + step + "' would start after " + std::to_string(most) +
                   " steps of this instance, the limit (max_activations); does a loop never "
                   "end?");
}

}  // namespace ablauf::detail
