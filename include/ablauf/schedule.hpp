/// @file
/// Schedules: instances a definition starts by itself, on a recurrence in a time zone.
///
/// A definition's `schedules` (docs/format.md, "Schedules") say when: an RFC 5545 recurrence
/// rule (`"rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0"`) or a cron line (`"cron":
/// "0 6 1 * *"`), read on the wall clock of a time zone, so that "06:00 Europe/Berlin" stays
/// 06:00 across daylight saving time. The engine starts one instance per occurrence
/// (Engine::run_schedules()), with the schedule's input rendered for it and the business key
/// `<schedule id>@<occurrence in UTC>`, so that a missed or repeated tick, or several workers
/// ticking at once, never start an occurrence twice.
///
/// Rules are expanded by libical. Thread-safety: a Recurrence is immutable; every member may be
/// called from any thread.
#pragma once

#include <ablauf/clock.hpp>
#include <ablauf/error.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// What a schedule does with occurrences the engine missed (it was not running, or ticked more
/// than the schedule's grace after them).
enum class CatchUp {
  skip,  ///< start none of them; the next occurrence starts as usual
  one,   ///< start the latest of them, once, for all that were missed
  all,   ///< start each of them, oldest first
};

/// What a schedule does when an occurrence comes while the instance it started last is still
/// running.
enum class Overlap {
  allow,  ///< start it all the same: cycles run side by side (a billing cycle waiting for pay)
  skip,   ///< leave it out: one at a time (an audit that must be finished before the next)
};

/// "skip", "one", "all".
std::string_view to_string(CatchUp catch_up) noexcept;
/// "allow", "skip".
std::string_view to_string(Overlap overlap) noexcept;

/// When a schedule's occurrences fall: a recurrence rule or a cron line on the wall clock of a
/// time zone, between a first and a last moment.
class Recurrence {
 public:
  /// A rule of RFC 5545 ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", "RRULE:" in front is
  /// allowed), counted from `first` (or, without one, from 2001-01-01 00:00, a Monday, on the
  /// zone's wall clock: parts the rule does not give are taken from there, so a weekly rule
  /// without BYDAY falls on Mondays and a daily one at midnight). Refused, with the reason: a
  /// rule libical cannot read, SECONDLY or BYSECOND (schedules count in minutes), COUNT or UNTIL
  /// (a schedule's `end` says when it stops), an hourly or minutely rule limited to certain
  /// days or months (write a daily rule with BYHOUR and BYMINUTE), and a rule that never falls.
  /// The 31st of a month that has none is skipped, as RFC 5545 says; `RSCALE=GREGORIAN;
  /// SKIP=BACKWARD` (RFC 7529) takes the month's last day instead.
  static tl::expected<Recurrence, std::string> rule(std::string_view text, std::string time_zone,
                                                    std::optional<Time> first = std::nullopt,
                                                    std::optional<Time> last = std::nullopt);

  /// A cron line of five fields: minute, hour, day of month, month, day of week ("0 6 1 * *":
  /// the 1st of every month at 06:00). Each field is `*`, a number, a range `a-b`, a step
  /// `*/n` or `a-b/n`, or a list of these; months may be JAN–DEC, days of week SUN–SAT, 0 or 7
  /// for Sunday. As in cron, a day of month and a day of week both given mean either.
  static tl::expected<Recurrence, std::string> cron(std::string_view line, std::string time_zone,
                                                    std::optional<Time> first = std::nullopt,
                                                    std::optional<Time> last = std::nullopt);

  /// The first occurrence after `after`, none when the recurrence has ended. An occurrence the
  /// zone's clock skips (02:30 on the night summer time begins) falls at the same distance
  /// after the gap (03:30); one it shows twice, the first time.
  std::optional<Time> next_after(Time after) const;

  /// The occurrences after `after` and at or before `until`, oldest first, at most `most`.
  std::vector<Time> between(Time after, Time until, std::size_t most) const;

  /// Hands each occurrence after `after` and at or before `until` to `visit`, oldest first,
  /// until it returns false: a walk over many occurrences that keeps none of them.
  void each_between(Time after, Time until, const std::function<bool(Time)>& visit) const;

  /// The IANA zone its wall clock is in ("" for UTC).
  const std::string& time_zone() const noexcept { return time_zone_; }

 private:
  Recurrence() = default;
  // Each rule as libical reads it; a cron line whose day of month and day of week both limit it
  // is two rules, whose occurrences are merged.
  std::vector<std::string> rules_;
  std::string time_zone_;
  std::optional<Time> first_;
  std::optional<Time> last_;
};

/// A schedule as a definition declares it (WorkflowDefinition::schedules).
struct ScheduleDefinition {
  std::string id;  ///< unique in its definition; part of each occurrence's business key
  /// The recurrence as written: a rule of RFC 5545, or a cron line (`cron` true).
  std::string recurrence;
  bool cron = false;  ///< whether `recurrence` is a cron line
  /// The IANA zone its times are read in; "" for the definition's time_zone (else UTC).
  std::string time_zone;
  std::optional<Time> start;  ///< no occurrence before; none: from when it is first seen
  std::optional<Time> end;    ///< no occurrence after; none: for ever
  /// The input of each instance it starts. Every string in it is a template, rendered with
  /// `occurrence` (time, date, year, month, day, the local time) and `schedule` (its id).
  boost::json::object input;
  CatchUp catch_up = CatchUp::one;   ///< what happens to occurrences missed
  Overlap overlap = Overlap::allow;  ///< whether one starts while the last instance runs
  /// Whether its occurrences start what the host's EngineConfig::schedule_starts says (`"starts":
  /// "host"`: one per account of a billing run, the input the host's), not one instance with
  /// `input` (`"one"`). An engine without schedule_starts passes such a schedule over.
  bool host_starts = false;
  /// How late an occurrence may be started and still count as on time, not missed.
  std::chrono::milliseconds grace{std::chrono::hours(1)};
  std::string pointer;  ///< of the schedule in its document, e.g. "/schedules/0"

  /// Its recurrence, in `zone` when it names none itself.
  tl::expected<Recurrence, std::string> recurrence_in(std::string_view zone) const;
};

/// An occurrence of a schedule as the engine is about to start it (EngineConfig::schedule_starts).
struct ScheduleOccurrence {
  std::string_view workflow;           ///< the id of the workflow whose schedule it is
  const ScheduleDefinition& schedule;  ///< the schedule, as its newest deployed version has it
  Time time;                           ///< when it falls
  const boost::json::value& input;     ///< the schedule's input, rendered for it
};

/// An instance an occurrence starts: with `input`, under the occurrence's business key, to which
/// "/<key>" is added when `key` is not empty ("monthly_billing@2026-12-01T05:00:00Z/K-20931").
struct ScheduledStart {
  std::string key;  ///< tells it from the occurrence's other starts; the same on every tick
  boost::json::value input;  ///< the instance's input, checked as start() checks it
};

/// Which instances an occurrence starts: one per active account of a billing run, say, each
/// with the account in its input. An error leaves the occurrence to the next tick, where the
/// starts already made are found by their keys and not made again.
using ScheduleStarts = std::function<tl::expected<std::vector<ScheduledStart>, Error>(
    const ScheduleOccurrence& occurrence)>;

/// The business key of the instance a schedule starts for an occurrence:
/// "monthly_billing@2026-12-01T05:00:00Z".
std::string occurrence_key(std::string_view schedule, Time occurrence);
/// That of one of several starts of an occurrence: the above, "/" and `key`, or the above alone
/// for an empty `key`.
std::string occurrence_key(std::string_view schedule, Time occurrence, std::string_view key);

/// What a schedule's input templates see for an occurrence: {"schedule": {"id"}, "occurrence":
/// {"time" (RFC 3339, UTC), "local" (the wall clock, "2026-12-01T06:00:00"), "date"
/// ("2026-12-01"), "year", "month", "day"}}, the date and the local time in `time_zone`.
boost::json::object occurrence_data(std::string_view schedule, Time occurrence,
                                    std::string_view time_zone);

}  // namespace ablauf
