// Dates and date-times for the expression language's date functions (internal).
//
// Dates are RFC 3339 strings: a full-date "2026-11-23" or a date-time "2026-11-23T10:15:00Z",
// "2026-11-23T10:15:00.250+01:00". Years run from 0001 to 9999, so every date formats back into
// the same four-digit grammar. Time is kept to the millisecond.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include "ablauf/business_calendar.hpp"
#include "ablauf/duration.hpp"

#include <tl/expected.hpp>

#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ablauf::detail {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

// A calendar date, or an instant together with the UTC offset it was written in.
struct Date {
  std::chrono::sys_days day;                      // the local calendar day as written
  std::optional<std::chrono::milliseconds> time;  // local time of day; empty for a full-date
  std::chrono::minutes offset{0};                 // the written UTC offset; 0 for a full-date

  bool has_time() const noexcept { return time.has_value(); }

  // The UTC instant. REQUIRES: has_time()
  Instant instant() const noexcept { return day + *time - offset; }

  // The day the date falls on in UTC: a full-date's own day, a date-time's day at offset Z.
  std::chrono::sys_days utc_day() const noexcept;

  friend bool operator==(const Date&, const Date&) = default;
};

struct DateError {
  std::size_t offset = 0;  // of the character at fault in the text; 0 from add()
  std::string message;
};

// Parses an RFC 3339 full-date or date-time (section 5.6; 'T' and 'Z' in either case). Digits
// past the millisecond are checked and dropped. A leap second (:60) reads as the last
// millisecond before it, as std::chrono's utc_clock maps it to system time.
tl::expected<Date, DateError> parse_date(std::string_view text);

// Parses an RFC 3339 full-time such as "10:15:00+01:00" into the UTC time of day.
tl::expected<std::chrono::milliseconds, DateError> parse_time(std::string_view text);

// "YYYY-MM-DD" for a full-date; a date-time in UTC as "YYYY-MM-DDTHH:MM:SSZ", with ".mmm" only
// when the milliseconds are not zero.
std::string format_date(const Date& date);

// An instant in the date-time form of format_date(), as now() returns it.
// REQUIRES: the instant lies in the years 0001 to 9999.
std::string format_instant(Instant instant);

// Adds (sign 1) or subtracts (sign -1) a duration: years and months first, keeping the day
// unless the month is shorter (31 January + P1M is the last day of February), then days, then
// the exact time. A date-time does its calendar arithmetic in its written offset; a full-date
// plus a time becomes a date-time from 00:00Z of its day. Fails if the result leaves the years
// 0001 to 9999.
// Business days move forward through `calendar`'s business days from the date's day, keeping its
// time of day; without a calendar, or subtracted, they fail.
// REQUIRES: sign is 1 or -1
tl::expected<Date, DateError> add(const Date& date, const Duration& duration, int sign = 1,
                                  const BusinessCalendar* calendar = nullptr);

// Whole calendar days from a to b (b - a, negative if b is earlier), each counted on its
// utc_day().
std::int64_t days_between(const Date& a, const Date& b);

// Full-dates by day, date-times by instant; a full-date against a date-time compares the days
// in UTC, so a date is equivalent to every instant within it. That mix is not transitive
// (2026-11-23 ~ 01:00Z and ~ 02:00Z that day), so sort only values of one kind with it.
std::weak_ordering compare(const Date& a, const Date& b);

}  // namespace ablauf::detail
