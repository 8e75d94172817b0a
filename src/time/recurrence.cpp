// Recurrences through libical: rules are expanded on a floating wall clock (no zone), and each
// wall-clock reading is then turned into an instant with ICU's zone data (time_zone.hpp), so
// that libical's own zone tables never come into play.
#include "ablauf/schedule.hpp"

#include "time/time_zone.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <set>

namespace ablauf {
namespace {

using namespace std::chrono;
using detail::WallTime;

// Rules count from here when no start is given: a Monday, the 1st of a month and of a year.
constexpr auto default_anchor = WallTime(sys_days(year{2001} / January / 1));
// The most occurrences one search walks past before it gives up (a rule so sparse that none
// comes in time is taken as ended); rebasing keeps a search short for every frequency.
constexpr int most_steps = 200'000;

bool is_listed(const short* values) {
  return values[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

// A rule as libical reads it, freed with it.
class ParsedRule {
 public:
  explicit ParsedRule(const std::string& text) {
    icalerror_clear_errno();
    rule_ = icalrecurrencetype_from_string(text.c_str());
  }
  ~ParsedRule() {
    if (rule_.rscale != nullptr) icalmemory_free_buffer(rule_.rscale);
  }
  ParsedRule(const ParsedRule&) = delete;
  ParsedRule& operator=(const ParsedRule&) = delete;
  const icalrecurrencetype& get() const { return rule_; }

 private:
  icalrecurrencetype rule_;
};

icaltimetype to_ical(WallTime wall) {
  const auto day = floor<days>(wall);
  const year_month_day date(day);
  const hh_mm_ss time(floor<seconds>(wall - day));
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(date.year());
  t.month = static_cast<int>(static_cast<unsigned>(date.month()));
  t.day = static_cast<int>(static_cast<unsigned>(date.day()));
  t.hour = static_cast<int>(time.hours().count());
  t.minute = static_cast<int>(time.minutes().count());
  t.second = static_cast<int>(time.seconds().count());
  t.is_date = 0;
  return t;
}

WallTime from_ical(const icaltimetype& t) {
  const auto day = sys_days(year{t.year} / month{static_cast<unsigned>(t.month)} /
                            std::chrono::day{static_cast<unsigned>(t.day)});
  return WallTime(day + hours(t.hour) + minutes(t.minute) + seconds(t.second));
}

// Whether a day of month is in a month at all (29 February counts): "31 February" never falls.
bool falls_in(int month_day, int month) {
  static constexpr std::array<int, 13> longest{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return std::abs(month_day) <= longest[static_cast<std::size_t>(month)];
}

bool some_day_falls(const icalrecurrencetype& rule) {
  if (!is_listed(rule.by_month_day) || !is_listed(rule.by_month)) return true;
  for (int m = 0; m < ICAL_BY_MONTH_SIZE && rule.by_month[m] != ICAL_RECURRENCE_ARRAY_MAX; ++m)
    for (int d = 0; d < ICAL_BY_MONTHDAY_SIZE && rule.by_month_day[d] != ICAL_RECURRENCE_ARRAY_MAX;
         ++d)
      if (falls_in(rule.by_month_day[d], icalrecurrencetype_month_month(rule.by_month[m])))
        return true;
  return false;
}

// Why a rule cannot be a schedule's, or "" when it can.
std::string refusal(const icalrecurrencetype& rule) {
  if (rule.freq == ICAL_NO_RECURRENCE)
    return "not a recurrence rule of RFC 5545; write one such as "
           "\"FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0\"";
  if (rule.freq == ICAL_SECONDLY_RECURRENCE || is_listed(rule.by_second))
    return "schedules count in minutes: leave out SECONDLY and BYSECOND";
  if (rule.count != 0 || !icaltime_is_null_time(rule.until))
    return "a schedule's \"end\" says when it stops: leave out COUNT and UNTIL";
  const bool by_date = is_listed(rule.by_day) || is_listed(rule.by_month_day) ||
                       is_listed(rule.by_year_day) || is_listed(rule.by_week_no) ||
                       is_listed(rule.by_month) || is_listed(rule.by_set_pos);
  if ((rule.freq == ICAL_MINUTELY_RECURRENCE || rule.freq == ICAL_HOURLY_RECURRENCE) && by_date)
    return "an hourly or minutely rule cannot be limited to days or months; write a daily one "
           "with BYHOUR and BYMINUTE (\"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8,12,16;"
           "BYMINUTE=0\")";
  // Every other hour at minute 30 from an anchor at minute 0 never falls, and libical would
  // walk to its last year to find that out: a sub-daily interval takes no hour or minute list.
  const bool by_time = is_listed(rule.by_hour) ||
                       (rule.freq == ICAL_MINUTELY_RECURRENCE && is_listed(rule.by_minute));
  if ((rule.freq == ICAL_MINUTELY_RECURRENCE || rule.freq == ICAL_HOURLY_RECURRENCE) &&
      rule.interval > 1 && by_time)
    return "an hourly or minutely rule with an INTERVAL takes no BYHOUR or BYMINUTE; list the "
           "times in a daily one (\"FREQ=DAILY;BYHOUR=8,10,12;BYMINUTE=0\")";
  if (!some_day_falls(rule)) return "it never falls: no month has the days it names";
  return {};
}

// How far apart a rule's periods lie on the wall clock, when they are all as long; 0 for
// months and years.
milliseconds period_of(const icalrecurrencetype& rule) {
  const auto interval = std::max<short>(rule.interval, 1);
  switch (rule.freq) {
    case ICAL_MINUTELY_RECURRENCE: return minutes(interval);
    case ICAL_HOURLY_RECURRENCE: return hours(interval);
    case ICAL_DAILY_RECURRENCE: return days(interval);
    case ICAL_WEEKLY_RECURRENCE: return weeks(interval);
    default: return milliseconds(0);
  }
}

// The anchor moved on by whole periods to the last before `from`: the rule falls on the same
// readings from there, and libical need not walk the years between. Months and years move only
// from a day every month has.
WallTime rebase(const icalrecurrencetype& rule, WallTime anchor, WallTime from) {
  if (from <= anchor) return anchor;
  if (const auto period = period_of(rule); period.count() > 0)
    return anchor + ((from - anchor) / period) * period;
  const auto day = floor<days>(anchor);
  const year_month_day date(day);
  if (static_cast<unsigned>(date.day()) > 28) return anchor;
  const int step =
      std::max<short>(rule.interval, 1) * (rule.freq == ICAL_YEARLY_RECURRENCE ? 12 : 1);
  const year_month_day until(floor<days>(from));
  const int apart = (static_cast<int>(until.year()) - static_cast<int>(date.year())) * 12 +
                    static_cast<int>(static_cast<unsigned>(until.month())) -
                    static_cast<int>(static_cast<unsigned>(date.month()));
  const int whole = std::max(0, apart - 1) / step * step;
  return WallTime(sys_days(date + months(whole))) + (anchor - day);
}

// The occurrences of one rule after a moment, in order, on a wall clock in `zone`.
class RuleWalk {
 public:
  RuleWalk(const std::string& text, WallTime anchor, std::string_view zone, Time after)
      : rule_(text), anchor_(anchor), zone_(zone), after_(after) {
    // A day before: the wall clock reading `after` may lie an offset's width either side of it.
    const auto start = rebase(rule_.get(), anchor, detail::wall_time(after, zone) - days(1));
    iterator_ = icalrecur_iterator_new(rule_.get(), to_ical(start));
  }
  ~RuleWalk() {
    if (iterator_ != nullptr) icalrecur_iterator_free(iterator_);
  }
  RuleWalk(const RuleWalk&) = delete;
  RuleWalk& operator=(const RuleWalk&) = delete;

  // The next occurrence; none when the rule has ended, or none came within most_steps. Two
  // readings that fall at one instant (the second in a gap of the clock) are one occurrence.
  std::optional<Time> next() {
    if (iterator_ == nullptr) return std::nullopt;
    for (int step = 0; step < most_steps; ++step) {
      const icaltimetype found = icalrecur_iterator_next(iterator_);
      if (icaltime_is_null_time(found)) break;
      const auto wall = from_ical(found);
      if (wall < anchor_) continue;
      if (const auto at = detail::instant_of(wall, zone_); at > after_) {
        after_ = at;
        return at;
      }
    }
    return std::nullopt;
  }

 private:
  ParsedRule rule_;
  icalrecur_iterator* iterator_ = nullptr;
  WallTime anchor_;
  std::string_view zone_;
  Time after_;
};

// --- cron

struct CronField {
  std::set<int> values;
  bool any = false;  // written with '*' first: in cron, a day field so written does not limit
};

std::optional<int> cron_number(std::string_view text, int low, int high,
                               const std::vector<std::string_view>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string upper(text);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == names[i]) return low + static_cast<int>(i);
  }
  if (text.empty() || text.size() > 2) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < low || value > high) return std::nullopt;
  return value;
}

tl::expected<CronField, std::string> cron_field(std::string_view text, std::string_view what,
                                                int low, int high,
                                                const std::vector<std::string_view>& names = {}) {
  CronField field;
  field.any = text.starts_with('*');
  const auto bad = [&](std::string_view part) {
    return tl::make_unexpected("the " + std::string(what) + " field '" + std::string(part) +
                               "' is not cron: write *, a number from " + std::to_string(low) +
                               " to " + std::to_string(high) +
                               ", a range a-b, a step */n or "
                               "a-b/n, or a list of these");
  };
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const auto comma = std::min(text.find(',', begin), text.size());
    const auto part = text.substr(begin, comma - begin);
    const auto slash = part.find('/');
    const auto range = part.substr(0, slash);
    int step = 1;
    if (slash != std::string_view::npos) {
      const auto n = cron_number(part.substr(slash + 1), 1, high - low + 1, {});
      if (!n) return bad(part);
      step = *n;
    }
    int first = low, last = high;
    if (range != "*") {
      const auto dash = range.find('-');
      const auto a = cron_number(range.substr(0, dash), low, high, names);
      if (!a) return bad(part);
      first = *a;
      last = slash != std::string_view::npos ? high : *a;
      if (dash != std::string_view::npos) {
        const auto b = cron_number(range.substr(dash + 1), low, high, names);
        if (!b || *b < *a) return bad(part);
        last = *b;
      }
    }
    for (int v = first; v <= last; v += step) field.values.insert(v);
    begin = comma + 1;
  }
  return field;
}

std::string listed(std::string_view part, const std::set<int>& values) {
  std::string out = ";" + std::string(part) + "=";
  bool first = true;
  for (int v : values) {
    if (!first) out += ',';
    first = false;
    out += std::to_string(v);
  }
  return out;
}

tl::expected<std::vector<std::string>, std::string> cron_rules(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    const auto end = line.find_first_of(" \t", at);
    const auto stop = end == std::string_view::npos ? line.size() : end;
    if (stop > at) fields.push_back(line.substr(at, stop - at));
    at = stop;
  }
  if (fields.size() != 5)
    return tl::make_unexpected(
        "a cron line has five fields (minute hour day month weekday), "
        "such as \"0 6 1 * *\"; this one has " +
        std::to_string(fields.size()));
  auto minute = cron_field(fields[0], "minute", 0, 59);
  if (!minute) return tl::make_unexpected(minute.error());
  auto hour = cron_field(fields[1], "hour", 0, 23);
  if (!hour) return tl::make_unexpected(hour.error());
  auto month_day = cron_field(fields[2], "day of month", 1, 31);
  if (!month_day) return tl::make_unexpected(month_day.error());
  auto month = cron_field(
      fields[3], "month", 1, 12,
      {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"});
  if (!month) return tl::make_unexpected(month.error());
  auto weekday =
      cron_field(fields[4], "day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"});
  if (!weekday) return tl::make_unexpected(weekday.error());
  if (weekday->values.erase(7) > 0) weekday->values.insert(0);

  // Daily, expanded by hour and minute and limited by the day fields: a cron line's every
  // minute of a day is one pass of libical's daily iteration.
  std::string base =
      "FREQ=DAILY" + listed("BYHOUR", hour->values) + listed("BYMINUTE", minute->values);
  if (!month->any) base += listed("BYMONTH", month->values);
  static constexpr std::array<const char*, 7> days_of_week{"SU", "MO", "TU", "WE",
                                                           "TH", "FR", "SA"};
  std::string by_day = ";BYDAY=";
  for (int d : weekday->values) {
    if (by_day.back() != '=') by_day += ',';
    by_day += days_of_week[static_cast<std::size_t>(d)];
  }
  const std::string by_month_day = listed("BYMONTHDAY", month_day->values);
  if (month_day->any && weekday->any) return std::vector<std::string>{base};
  if (month_day->any) return std::vector<std::string>{base + by_day};
  if (weekday->any) return std::vector<std::string>{base + by_month_day};
  return std::vector<std::string>{base + by_month_day, base + by_day};
}

}  // namespace

std::string_view to_string(CatchUp catch_up) noexcept {
  switch (catch_up) {
    case CatchUp::skip: return "skip";
    case CatchUp::one: return "one";
    case CatchUp::all: return "all";
  }
  return "one";
}

std::string_view to_string(Overlap overlap) noexcept {
  return overlap == Overlap::skip ? "skip" : "allow";
}

tl::expected<Recurrence, std::string> Recurrence::rule(std::string_view text, std::string time_zone,
                                                       std::optional<Time> first,
                                                       std::optional<Time> last) {
  if (text.starts_with("RRULE:")) text.remove_prefix(6);
  Recurrence out;
  out.rules_.emplace_back(text);
  out.time_zone_ = std::move(time_zone);
  out.first_ = first;
  out.last_ = last;
  {
    ParsedRule parsed(out.rules_.front());
    if (auto why = refusal(parsed.get()); !why.empty()) return tl::make_unexpected(why);
  }
  if (first && last && *last < *first) return tl::make_unexpected("it ends before it starts");
  const auto from = first ? *first - milliseconds(1) : Time(default_anchor.time_since_epoch());
  if (!out.next_after(from))
    return tl::make_unexpected(last ? "it never falls between its start and its end"
                                    : "it never falls");
  return out;
}

tl::expected<Recurrence, std::string> Recurrence::cron(std::string_view line, std::string time_zone,
                                                       std::optional<Time> first,
                                                       std::optional<Time> last) {
  auto rules = cron_rules(line);
  if (!rules) return tl::make_unexpected(rules.error());
  // Each of its rules is checked as a written one would be, so that "0 0 31 2 *" is refused;
  // of a day of month or a day of week, one that never falls is left out.
  Recurrence out;
  std::string why;
  for (auto& text : *rules) {
    if (auto checked = Recurrence::rule(text, time_zone, first, last))
      out.rules_.push_back(std::move(text));
    else
      why = checked.error();
  }
  if (out.rules_.empty()) return tl::make_unexpected(why);
  out.time_zone_ = std::move(time_zone);
  out.first_ = first;
  out.last_ = last;
  return out;
}

std::optional<Time> Recurrence::next_after(Time after) const {
  std::optional<Time> found;
  each_between(after, Time::max(), [&](Time at) {
    found = at;
    return false;
  });
  return found;
}

std::vector<Time> Recurrence::between(Time after, Time until, std::size_t most) const {
  std::vector<Time> out;
  if (most == 0) return out;
  each_between(after, until, [&](Time at) {
    out.push_back(at);
    return out.size() < most;
  });
  return out;
}

void Recurrence::each_between(Time after, Time until,
                              const std::function<bool(Time)>& visit) const {
  if (first_ && after < *first_) after = *first_ - milliseconds(1);
  if (last_ && until > *last_) until = *last_;
  const auto anchor = first_ ? detail::wall_time(*first_, time_zone_) : default_anchor;
  // One walk per rule, merged: the earliest head next, once however many rules give it.
  std::vector<std::unique_ptr<RuleWalk>> walks;
  std::vector<std::optional<Time>> heads;
  for (const auto& text : rules_) {
    walks.push_back(std::make_unique<RuleWalk>(text, anchor, time_zone_, after));
    heads.push_back(walks.back()->next());
  }
  for (;;) {
    std::optional<Time> earliest;
    for (const auto& head : heads)
      if (head && (!earliest || *head < *earliest)) earliest = head;
    if (!earliest || *earliest > until || !visit(*earliest)) return;
    for (std::size_t i = 0; i < walks.size(); ++i)
      if (heads[i] == earliest) heads[i] = walks[i]->next();
  }
}

tl::expected<Recurrence, std::string> ScheduleDefinition::recurrence_in(
    std::string_view zone) const {
  std::string in = time_zone.empty() ? std::string(zone) : time_zone;
  return cron ? Recurrence::cron(recurrence, std::move(in), start, end)
              : Recurrence::rule(recurrence, std::move(in), start, end);
}

std::string occurrence_key(std::string_view schedule, Time occurrence) {
  return std::string(schedule) + "@" + to_rfc3339(occurrence);
}

std::string occurrence_key(std::string_view schedule, Time occurrence, std::string_view key) {
  auto out = occurrence_key(schedule, occurrence);
  if (!key.empty()) out.append("/").append(key);
  return out;
}

boost::json::object occurrence_data(std::string_view schedule, Time occurrence,
                                    std::string_view time_zone) {
  const auto wall = detail::wall_time(occurrence, time_zone);
  const auto day = floor<days>(wall);
  const year_month_day date(day);
  const hh_mm_ss time(floor<seconds>(wall - day));
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  const std::string date_text = text;
  std::snprintf(text, sizeof text, "T%02d:%02d:%02d", static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return {{"schedule", {{"id", std::string(schedule)}}},
          {"occurrence",
           {{"time", to_rfc3339(occurrence)},
            {"local", date_text + text},
            {"date", date_text},
            {"year", static_cast<int>(date.year())},
            {"month", static_cast<unsigned>(date.month())},
            {"day", static_cast<unsigned>(date.day())}}}};
}

}  // namespace ablauf
