// wait: the token waits for a while ("duration", from now or "from" a date in the data), until
// a moment ("until", an expression), or for an event the host signals ("event", matched by
// "correlation"; its "timeout" counted from now or "from" a date in the data).
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"
#include "time/calendar.hpp"
#include "time/time_zone.hpp"

#include "ablauf/duration.hpp"

#include <algorithm>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

class Wait final : public StepBehavior {
 public:
  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    Run& run = call.run;
    const StepDefinition& step = call.step;
    const Time now = call.now;
    const auto failed = [&](std::string why) {
      return engine.fail(run, call.token, step, call.attempt, std::move(why), false);
    };
    const auto wait_until = [&](Time due) -> tl::expected<void, Error> {
      if (auto ok = engine.limits.check_horizon(due, now, "the timer"); !ok)
        return failed(std::move(ok.error().message));
      return engine.wait(run, call.token, step, {.what = WaitingFor::timer, .timer_due = due});
    };
    const WorkflowDefinition& definition = run.workflow->definition();
    // "from": the date in the data a duration counts from, "seven days after the due date".
    // A moment already past fires at once, as with "until".
    const auto from = step.expressions.find("from");
    const auto counted_from = [&](const auto& length) -> tl::expected<Time, std::string> {
      auto value = evaluate(from->second, run.state.data, engine.limits.evaluation(now));
      if (!value) return tl::make_unexpected("'from': " + value.error().message);
      const auto* text = value->if_string();
      auto start = text ? parse_date(*text)
                        : tl::expected<Date, DateError>(tl::unexpect, DateError{0, "not a string"});
      if (!start)
        return tl::make_unexpected("'from' is not a date or date-time: " + start.error().message);
      const Time begins = start->has_time()
                              ? start->instant()
                              : instant_of(WallTime(start->day), definition.time_zone);
      const Time due = add_duration(begins, length, definition);
      if (auto ok = engine.limits.check_horizon(due, now, "the timer"); !ok)
        return tl::make_unexpected(std::move(ok.error().message));
      return std::max(due, now);
    };
    if (const auto* duration = call.parameters.if_contains("duration")) {
      auto parsed = parse_duration(*duration);
      if (!parsed) return failed("'duration': " + parsed.error().message);
      if (from == step.expressions.end()) return wait_until(add_duration(now, *parsed, definition));
      auto due = counted_from(*parsed);
      if (!due) return failed(std::move(due.error()));
      return engine.wait(run, call.token, step, {.what = WaitingFor::timer, .timer_due = *due});
    }
    if (const auto until = step.expressions.find("until"); until != step.expressions.end()) {
      auto value = evaluate(until->second, run.state.data, engine.limits.evaluation(now));
      if (!value) return failed("'until': " + value.error().message);
      auto due = value->is_string() ? parse_rfc3339(value->get_string())
                                    : tl::expected<Time, std::string>(tl::unexpect, "not a string");
      if (!due) return failed("'until' is not a date-time: " + due.error());
      // A moment already past fires at once; the horizon is checked on the moment given.
      if (auto ok = engine.limits.check_horizon(*due, now, "the timer"); !ok)
        return failed(std::move(ok.error().message));
      return engine.wait(run, call.token, step,
                         {.what = WaitingFor::timer, .timer_due = std::max(*due, now)});
    }
    const auto* event = step.parameters.if_contains("event");
    EngineParts::Waiting why{.what = WaitingFor::event,
                             .details = {{"event", event ? *event : json::value()}}};
    // With "from", the step's timeout counts from that date: "the payment, or a reminder seven
    // days after the due date".
    if (from != step.expressions.end() && step.timeout) {
      auto due = counted_from(*step.timeout);
      if (!due) return failed(std::move(due.error()));
      why.timeout_due = *due;
    }
    return engine.wait(run, call.token, step, std::move(why));
  }
};

}  // namespace

StepTypeSpec wait_step() {
  using T = ParameterType;
  static const Wait behavior;
  return {.name = "wait",
          .parameters = {param("duration", T::duration), param("from", T::expression),
                         param("until", T::expression), param("event", T::string),
                         param("correlation", T::expression)},
          .exactly_one_of = {{"duration", "until", "event"}},
          .waits = always_waits,
          // No output declared: a step waiting for an event completes with its payload, whose
          // shape is the signalling system's.
          .shape = StepShape::timer,
          .behavior = &behavior};
}

}  // namespace ablauf::detail
