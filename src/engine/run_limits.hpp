// The limits of running instances (internal): what may enter an instance's data, how far ahead
// a timer may lie, how many steps an instance may start, and what an evaluation or a rendering
// may spend (EngineLimits, docs/limits.md).
#pragma once

#include "ablauf/dynamic_value.hpp"
#include "ablauf/engine.hpp"
#include "ablauf/expression.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace ablauf::detail {

// The length of `value` as compact JSON, without building the text.
std::size_t serialized_size(const boost::json::value& value);

class RunLimits {
 public:
  explicit RunLimits(const EngineLimits& limits) : limits_(limits) {}

  const EngineLimits& values() const noexcept { return limits_; }

  // The options of an evaluation, or a rendering, at `now` within the limits.
  EvaluationOptions evaluation(Time now) const;
  DynamicEvaluationOptions rendering(Time now, Escape escape) const;
  // Lets `value` (described by `what`, e.g. "the output of step 'fetch'") into `instance`'s
  // `data`, or says which limit it would pass: max_output_bytes or max_data_bytes.
  tl::expected<void, Error> admit(const InstanceState& instance, const boost::json::value& value,
                                  std::string_view what) const;
  // Refuses `input` to a new instance beyond max_data_bytes.
  tl::expected<void, Error> admit_input(const boost::json::value& input) const;
  // Refuses a timer or due date (`what`) farther ahead of `now` than max_timer_horizon.
  tl::expected<void, Error> check_horizon(Time due, Time now, std::string_view what) const;
  // Refuses to start `step` once `instance` has run max_activations steps.
  tl::expected<void, Error> check_activations(const InstanceState& instance,
                                              const std::string& step) const;

 private:
  const EngineLimits limits_;
};

}  // namespace ablauf::detail
