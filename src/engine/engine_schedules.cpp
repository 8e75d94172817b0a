// Schedules: the instances deployed workflows start by themselves (schedule.hpp). Each
// schedule's mark in the store says which occurrence was dealt with last; an occurrence is
// started under its own business key first and the mark moved after, so that a crash between
// the two, a repeated tick or another engine ticking at once never starts it twice.
#include "engine_impl.hpp"

#include "ablauf/template.hpp"

#include <algorithm>
#include <exception>
#include <string>

namespace ablauf {
namespace json = boost::json;

namespace {

// What one schedule does on one tick.
struct Tick {
  std::vector<Time> start;       // to start, oldest first
  std::optional<Time> left_out;  // the latest occurrence passed over without a start
};

// Which occurrences after `mark` and by `now` start, as the schedule's catch_up says: those in
// its grace are on time and start; of the missed ones before, all, the latest, or none.
Tick plan(const ScheduleDefinition& schedule, const Recurrence& recurrence, Time mark, Time now,
          std::size_t most) {
  Tick tick;
  // On time: no more than its grace late. The occurrences after this are.
  const auto on_time_from = std::max(mark, now - schedule.grace - std::chrono::milliseconds(1));
  if (on_time_from > mark) {
    recurrence.each_between(mark, on_time_from, [&](Time missed) {
      if (schedule.catch_up == CatchUp::all) {
        tick.start.push_back(missed);
        return tick.start.size() < most;
      }
      tick.left_out = missed;
      return true;
    });
    if (schedule.catch_up == CatchUp::one && tick.left_out) {
      tick.start.push_back(*tick.left_out);
      tick.left_out.reset();
    }
  }
  if (tick.start.size() < most)
    for (auto at : recurrence.between(on_time_from, now, most - tick.start.size()))
      tick.start.push_back(at);
  return tick;
}

// Every string in the schedule's input, rendered for the occurrence.
tl::expected<json::value, Error> render_input(const json::value& input, const json::value& data,
                                              const RenderOptions& options) {
  if (const auto* text = input.if_string()) {
    auto compiled = Template::compile(*text);
    if (!compiled)
      return tl::make_unexpected(Error{ErrorCode::invalid_template, compiled.error().message});
    auto rendered = render(*compiled, data, options);
    if (!rendered)
      return tl::make_unexpected(Error{ErrorCode::output_too_large, rendered.error().message});
    return json::value(std::move(*rendered));
  }
  if (const auto* array = input.if_array()) {
    json::array out;
    for (const auto& element : *array) {
      auto value = render_input(element, data, options);
      if (!value) return value;
      out.push_back(std::move(*value));
    }
    return out;
  }
  if (const auto* object = input.if_object()) {
    json::object out;
    for (const auto& [key, member] : *object) {
      auto value = render_input(member, data, options);
      if (!value) return value;
      out[key] = std::move(*value);
    }
    return out;
  }
  return input;
}

// The instances an occurrence starts: as the host's `starts` says, or one with the schedule's
// input.
tl::expected<std::vector<ScheduledStart>, Error> starts_of(const ScheduleStarts& starts,
                                                           std::string_view workflow,
                                                           const ScheduleDefinition& schedule,
                                                           Time occurrence, json::value input) {
  if (!starts) return std::vector<ScheduledStart>{{"", std::move(input)}};
  try {
    return starts(ScheduleOccurrence{workflow, schedule, occurrence, input});
  } catch (const std::exception& e) {
    return tl::make_unexpected(Error{ErrorCode::adapter_failed,
                                     "the host's schedule_starts threw: " + std::string(e.what())});
  }
}

// Failures the next tick may not meet again: the store away or full. Others (input the
// workflow refuses) would fail again at every tick.
bool passes(const Error& error) {
  return error.code == ErrorCode::store_error || error.code == ErrorCode::io_error ||
         error.code == ErrorCode::sequence_conflict;
}

std::string zone_of(const ScheduleDefinition& schedule, const WorkflowDefinition& definition) {
  return schedule.time_zone.empty() ? definition.time_zone : schedule.time_zone;
}

}  // namespace

tl::expected<std::size_t, Error> Engine::run_schedules() {
  auto& parts = *impl_;
  const auto registry = parts.deployments.current();
  const auto now = parts.clock.now();
  const auto most = parts.config.limits.max_schedule_starts;
  std::size_t started = 0;
  std::optional<Error> failed;
  const auto fail = [&](Error error) {
    if (!failed) failed = std::move(error);
  };
  for (const auto& [id, versions] : registry->workflows) {
    const auto& workflow = *versions.rbegin()->second;
    const auto& definition = workflow.definition();
    for (const auto& schedule : definition.schedules) {
      // What it starts is the host's to say; this engine's host says nothing.
      if (schedule.host_starts && !parts.config.schedule_starts) continue;
      const auto key = std::tuple(id, definition.version, schedule.id);
      if (auto due = parts.schedule_times.next(key); due && now < *due) continue;
      auto recurrence = schedule.recurrence_in(definition.time_zone);
      if (!recurrence) continue;  // checked when the definition was loaded
      auto mark = parts.store.schedule_mark(id, schedule.id);
      if (!mark) {
        fail(std::move(mark.error()));
        continue;
      }
      if (!*mark) {
        // First seen: its occurrences start from now on. Whoever sets the mark first decides.
        ScheduleMark first{now, {}};
        auto moved = parts.store.move_schedule_mark(id, schedule.id, std::nullopt, first);
        if (!moved) {
          fail(std::move(moved.error()));
          continue;
        }
        mark = parts.store.schedule_mark(id, schedule.id);
        if (!mark || !*mark) continue;
      }
      ScheduleMark at = **mark;
      const auto tick = plan(schedule, *recurrence, at.occurrence, now, most);
      bool stopped = false;
      const auto move_to = [&](ScheduleMark next) {
        auto moved = parts.store.move_schedule_mark(id, schedule.id, at.occurrence, next);
        if (!moved) fail(std::move(moved.error()));
        // Not moved: another engine is at this schedule, and goes on with it.
        if (!moved || !*moved) {
          stopped = true;
          return false;
        }
        at = std::move(next);
        return true;
      };
      if (tick.left_out && !move_to({*tick.left_out, at.instance})) continue;
      const auto zone = zone_of(schedule, definition);
      RenderOptions options;
      options.escape = Escape::none;
      options.locale = {
          definition.default_language.empty() ? parts.config.language : definition.default_language,
          zone};
      options.max_output_bytes = parts.config.limits.max_rendered_bytes;
      for (const auto occurrence : tick.start) {
        if (schedule.overlap == Overlap::skip && !at.instance.empty()) {
          auto last = parts.read(at.instance);
          if (!last && last.error().code != ErrorCode::not_found) {
            fail(std::move(last.error()));
            break;
          }
          if (last && !last->finished()) {
            if (!move_to({occurrence, at.instance})) break;
            continue;
          }
        }
        // What cannot start is reported and left out: it would fail again at every tick.
        const auto left_out = [&](const std::string& start_key, Error why) {
          why.message = "the schedule '" + schedule.id + "' of '" + id + "' could not start its " +
                        to_rfc3339(occurrence) + " occurrence" +
                        (start_key.empty() ? std::string() : " for '" + start_key + "'") +
                        ", left out: " + why.message;
          parts.report(id, why);
        };
        auto input =
            render_input(schedule.input, occurrence_data(schedule.id, occurrence, zone), options);
        if (!input) {
          left_out("", std::move(input.error()));
          if (!move_to({occurrence, at.instance})) break;
          continue;
        }
        auto starts =
            starts_of(parts.config.schedule_starts, id, schedule, occurrence, std::move(*input));
        if (!starts) {
          // The host could not say (its accounts away): the next tick tries this one again.
          fail(std::move(starts.error()));
          stopped = true;
          break;
        }
        std::string last = at.instance;
        for (auto& each : *starts) {
          auto instance =
              start(id, std::move(each.input),
                    StartOptions{.business_key = occurrence_key(schedule.id, occurrence, each.key),
                                 .version = definition.version,
                                 .actor = "schedule:" + schedule.id});
          if (!instance && passes(instance.error())) {
            fail(std::move(instance.error()));
            stopped = true;
            break;
          }
          if (!instance) {
            left_out(each.key, std::move(instance.error()));
            continue;
          }
          ++started;
          last = std::move(*instance);
        }
        if (stopped) break;
        if (!move_to({occurrence, std::move(last)})) break;
      }
      if (!stopped)
        parts.schedule_times.set(key, recurrence->next_after(at.occurrence).value_or(Time::max()));
    }
  }
  if (failed) return tl::make_unexpected(std::move(*failed));
  return started;
}

json::object to_json(const ScheduleStatus& status) {
  json::object out{{"workflow", status.workflow},
                   {"version", status.version},
                   {"schedule", status.schedule.id},
                   {status.schedule.cron ? "cron" : "rule", status.schedule.recurrence},
                   {"time_zone", status.time_zone},
                   {"starts", status.schedule.host_starts ? "host" : "one"},
                   {"catch_up", to_string(status.schedule.catch_up)},
                   {"overlap", to_string(status.schedule.overlap)}};
  if (status.mark) {
    out["last"] = to_rfc3339(status.mark->occurrence);
    if (!status.mark->instance.empty()) out["last_instance"] = status.mark->instance;
  }
  json::array next;
  for (auto time : status.next) next.emplace_back(to_rfc3339(time));
  out["next"] = std::move(next);
  return out;
}

tl::expected<std::vector<ScheduleStatus>, Error> Engine::schedules(std::size_t count) const {
  auto& parts = *impl_;
  const auto registry = parts.deployments.current();
  const auto now = parts.clock.now();
  std::vector<ScheduleStatus> out;
  for (const auto& [id, versions] : registry->workflows) {
    const auto& definition = versions.rbegin()->second->definition();
    for (const auto& schedule : definition.schedules) {
      auto mark = parts.store.schedule_mark(id, schedule.id);
      if (!mark) return tl::make_unexpected(std::move(mark.error()));
      ScheduleStatus status{id, definition.version, schedule, zone_of(schedule, definition), *mark,
                            {}};
      if (auto recurrence = schedule.recurrence_in(definition.time_zone))
        status.next = recurrence->between(*mark ? (*mark)->occurrence : now, Time::max(), count);
      out.push_back(std::move(status));
    }
  }
  return out;
}

}  // namespace ablauf
