/// @file
/// Durations: ISO 8601 in the grammar of RFC 3339, Appendix A, or a number of seconds.
///
/// Timers, due dates, retry intervals and timeouts are written as "P14D", "PT30M" or 90.
/// Years and months are calendar units (adding P1M to 31 January gives the end of February), so
/// a Duration keeps them apart from the exact part instead of guessing a month's length. So are
/// business days, an extension of ISO 8601: "P10BD" is ten business days of the definition's
/// calendar (business_calendar.hpp), alone or with a time ("P2BDT4H"), never with other date
/// units.
///
/// Thread-safety: plain values and pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace ablauf {

/// A length of time: calendar years and months, plus exact days and time. Zero by default.
struct Duration {
  std::int64_t years = 0;             ///< calendar years
  std::int64_t months = 0;            ///< calendar months
  std::int64_t business_days = 0;     ///< "P10BD": days that count only when they are business days
  std::int64_t days = 0;              ///< weeks count as 7 days
  std::chrono::milliseconds time{0};  ///< hours, minutes, seconds

  /// Whether the length depends on the calendar (it has years, months or business days).
  bool is_calendar() const noexcept { return years != 0 || months != 0 || business_days != 0; }

  /// The exact length of a duration without calendar units (days count 24 hours).
  /// REQUIRES: !is_calendar()
  std::chrono::milliseconds exact() const noexcept;

  /// The longest it can last, counting a year as 366 days, a month as 31 and a business day as
  /// 2 days, plus 7 (no German calendar has more than four days off in a row): what a limit on
  /// how far ahead a timer may lie compares. Saturates at milliseconds::max().
  std::chrono::milliseconds longest() const noexcept;

  /// Compares field by field, so P1D and PT24H are not equal (P1W and P7D are).
  friend bool operator==(const Duration&, const Duration&) = default;
};

/// Why a duration does not parse.
struct DurationError {
  std::size_t offset = 0;     ///< of the character at fault in the text
  std::string message;        ///< what is wrong, often with an example that works
  bool out_of_range = false;  ///< well-formed, but a component is too large to represent
};

/// Parses an ISO 8601 duration such as "P1DT12H". Components may not exceed 10^9.
tl::expected<Duration, DurationError> parse_duration(std::string_view text);

/// A duration as written in a definition: an ISO 8601 string, or a non-negative number of
/// seconds (fractions allowed, kept to the millisecond).
tl::expected<Duration, DurationError> parse_duration(const boost::json::value& value);

/// An exact length as days and time, e.g. for to_string(): P3660D rather than PT87840H.
Duration days_and_time(std::chrono::milliseconds length) noexcept;

/// The canonical ISO 8601 text, e.g. "P1DT12H" or "PT0.5S"; "PT0S" for zero.
std::string to_string(const Duration& duration);

}  // namespace ablauf
