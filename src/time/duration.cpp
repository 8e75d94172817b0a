#include "ablauf/duration.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

namespace ablauf {
namespace {

constexpr std::int64_t max_component = 1'000'000'000;

struct Component {
  std::int64_t value = 0;
  char unit = 0;
  std::size_t offset = 0;  // of its unit letter
  bool too_large = false;
};

std::string_view unit_name(char unit, bool time) {
  switch (unit) {
    case 'Y': return "years";
    case 'M': return time ? "minutes" : "months";
    case 'W': return "weeks";
    case 'D': return "days";
    case 'H': return "hours";
    case 'S': return "seconds";
  }
  return "?";
}

tl::unexpected<DurationError> fail(std::size_t offset, std::string message) {
  return tl::make_unexpected(DurationError{offset, std::move(message), false});
}

// RFC 3339 Appendix A: the date part is a run of consecutive units out of Y M D (or W
// alone), the time part a run out of H M S. Returns the error for a unit that breaks the run.
tl::expected<void, DurationError> check_run(const std::vector<Component>& run,
                                            std::string_view order, bool time) {
  for (std::size_t i = 0; i < run.size(); ++i) {
    const std::size_t index = order.find(run[i].unit);
    if (index == std::string_view::npos) {
      const bool belongs_to_time =
          std::string_view("HS").find(run[i].unit) != std::string_view::npos;
      if (!time && belongs_to_time)
        return fail(run[i].offset,
                    std::string(unit_name(run[i].unit, true)) + " belong after 'T', as in P1DT2H");
      if (time && run[i].unit == 'D')
        return fail(run[i].offset, "days belong before 'T', as in P1DT2H");
      return fail(run[i].offset, "weeks cannot follow 'T'");
    }
    if (i == 0) continue;
    const std::size_t previous = order.find(run[i - 1].unit);
    if (index <= previous)
      return fail(run[i].offset, std::string(unit_name(run[i].unit, time)) + " cannot follow " +
                                     std::string(unit_name(run[i - 1].unit, time)) +
                                     ": write the units in the order " + std::string(order));
    if (index > previous + 1)
      return fail(run[i].offset, std::string(unit_name(run[i - 1].unit, time)) + " and " +
                                     std::string(unit_name(run[i].unit, time)) + " need " +
                                     std::string(unit_name(order[previous + 1], time)) +
                                     " between them; write 0 for it, as in " +
                                     (time ? "PT1H0M2S" : "P1Y0M2D"));
  }
  return {};
}

}  // namespace

std::chrono::milliseconds Duration::exact() const noexcept {
  return std::chrono::hours(24 * days) + time;
}

std::chrono::milliseconds Duration::longest() const noexcept {
  // Components are at most 10^9 each, so the day count fits; its milliseconds may not.
  constexpr std::int64_t ms_per_day = 86'400'000;
  constexpr auto most = std::chrono::milliseconds::max().count();
  const std::int64_t total_days =
      years * 366 + months * 31 + days + (business_days > 0 ? business_days * 2 + 7 : 0);
  if (total_days > (most - time.count()) / ms_per_day) return std::chrono::milliseconds::max();
  return std::chrono::milliseconds(total_days * ms_per_day) + time;
}

tl::expected<Duration, DurationError> parse_duration(std::string_view text) {
  if (text.empty()) return fail(0, "empty duration; write e.g. P14D or PT30M");
  if (text[0] != 'P')
    return fail(0, text[0] == '-' ? "a duration cannot be negative"
                                  : "a duration starts with 'P', as in P14D or PT30M");

  std::vector<Component> date, time;
  bool in_time = false;
  std::size_t t_offset = 0;
  std::size_t pos = 1;
  while (pos < text.size()) {
    if (text[pos] == 'T' && !in_time) {
      in_time = true;
      t_offset = pos++;
      continue;
    }
    Component c;
    c.offset = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      c.value = c.value * 10 + (text[pos] - '0');
      if (c.value > max_component) {
        c.too_large = true;
        c.value = max_component;
      }
      ++pos;
    }
    if (pos == c.offset) {
      if (text[pos] == 'T') return fail(pos, "'T' may appear only once");
      if (static_cast<unsigned char>(text[pos]) >= 0x80)
        return fail(pos, "expected a number in ASCII digits");
      return fail(pos, "expected a number at '" + std::string(1, text[pos]) + "'");
    }
    if (pos == text.size()) return fail(pos, "the number has no unit (Y, M, W, D, BD, H, M or S)");
    if (text[pos] == '.' || text[pos] == ',')
      return fail(pos,
                  "fractions are not allowed in ISO 8601 durations; write the number of "
                  "seconds instead, as in 0.5");
    if (text[pos] == 'T') return fail(pos, "the number before 'T' has no unit");
    if (text[pos] == 'B' && !in_time) {  // business days, "P10BD"
      if (pos + 1 >= text.size() || text[pos + 1] != 'D')
        return fail(pos, "'B' stands only in 'BD', business days, as in P10BD");
      c.offset = pos;
      c.unit = 'B';
      pos += 2;
      date.push_back(c);
      continue;
    }
    if (std::string_view("YMWDHS").find(text[pos]) == std::string_view::npos)
      return fail(pos, "unknown unit '" + std::string(1, text[pos]) +
                           "'; the units are Y, M, W, D, and after 'T': H, M, S");
    c.offset = pos;
    c.unit = text[pos++];
    (in_time ? time : date).push_back(c);
  }

  if (date.empty() && time.empty())
    return fail(in_time ? t_offset : 0, in_time
                                            ? "'T' must be followed by hours, minutes or seconds"
                                            : "empty duration; write e.g. P14D or PT30M");
  if (in_time && time.empty())
    return fail(t_offset, "'T' must be followed by hours, minutes or seconds");

  const bool business =
      std::any_of(date.begin(), date.end(), [](const Component& c) { return c.unit == 'B'; });
  if (business && date.size() > 1)
    return fail(date[1].offset,
                "business days cannot be combined with other date units; write them alone, as in "
                "P10BD or P2BDT4H");
  const bool weeks = !date.empty() && date.front().unit == 'W';
  if (weeks && (date.size() > 1 || in_time))
    return fail(date.size() > 1 ? date[1].offset : t_offset,
                "weeks cannot be combined with other units; write days instead, as in P10D");
  for (std::size_t i = 1; i < date.size(); ++i)
    if (date[i].unit == 'W')
      return fail(date[i].offset,
                  "weeks cannot be combined with other units; write days instead, as in P10D");
  if (!weeks && !business) {
    if (auto ok = check_run(date, "YMD", false); !ok) return tl::make_unexpected(ok.error());
  }
  if (auto ok = check_run(time, "HMS", true); !ok) return tl::make_unexpected(ok.error());

  Duration d;
  for (const auto* run : {&date, &time}) {
    for (const auto& c : *run) {
      if (c.too_large)
        return tl::make_unexpected(DurationError{c.offset, "a component is larger than 1000000000",
                                                 /*out_of_range=*/true});
    }
  }
  for (const auto& c : date) {
    switch (c.unit) {
      case 'Y': d.years = c.value; break;
      case 'M': d.months = c.value; break;
      case 'W': d.days = 7 * c.value; break;
      case 'D': d.days = c.value; break;
      case 'B': d.business_days = c.value; break;
    }
  }
  for (const auto& c : time) {
    switch (c.unit) {
      case 'H': d.time += std::chrono::hours(c.value); break;
      case 'M': d.time += std::chrono::minutes(c.value); break;
      case 'S': d.time += std::chrono::seconds(c.value); break;
    }
  }
  return d;
}

tl::expected<Duration, DurationError> parse_duration(const boost::json::value& value) {
  if (value.is_string()) return parse_duration(std::string_view(value.get_string()));
  if (!value.is_number())
    return fail(0, "a duration is an ISO 8601 string such as \"P14D\" or a number of seconds");
  const double seconds = value.to_number<double>();
  if (!(seconds >= 0)) return fail(0, "a duration cannot be negative");
  if (seconds > static_cast<double>(max_component))
    return tl::make_unexpected(
        DurationError{0, "a duration may not exceed 1000000000 seconds", true});
  Duration d;
  d.time = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
  return d;
}

Duration days_and_time(std::chrono::milliseconds length) noexcept {
  const auto days = std::chrono::floor<std::chrono::days>(length);
  return Duration{.days = days.count(), .time = length - days};
}

std::string to_string(const Duration& d) {
  std::ostringstream out;
  out << 'P';
  if (d.years) out << d.years << 'Y';
  if (d.months) out << d.months << 'M';
  if (d.business_days) out << d.business_days << "BD";
  if (d.days) out << d.days << 'D';
  const auto ms = d.time.count();
  if (ms != 0 || (!d.years && !d.months && !d.days && !d.business_days)) {
    out << 'T';
    const auto hours = ms / 3'600'000, minutes = ms / 60'000 % 60, millis = ms % 60'000;
    if (hours) out << hours << 'H';
    if (minutes) out << minutes << 'M';
    if (millis || (!hours && !minutes)) {
      out << millis / 1000;
      if (const auto fraction = millis % 1000) {
        std::string digits = std::to_string(1000 + fraction).substr(1);
        digits.erase(digits.find_last_not_of('0') + 1);
        out << '.' << digits;
      }
      out << 'S';
    }
  }
  return out.str();
}

}  // namespace ablauf
