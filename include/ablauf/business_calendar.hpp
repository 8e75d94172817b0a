/// @file
/// Business days: Monday to Friday, less the public holidays of a region and days a host or
/// definition declares closed.
///
/// A definition names its calendar (`"calendar": "DE-NW"`, or `{"region": "DE-BY", "closed":
/// ["2026-12-24"]}`) and writes durations in business days (`"P10BD"`); due dates, timeouts and
/// waits then skip weekends and holidays in the definition's time zone. Regions are ISO 3166-2
/// codes: `DE` (the nine holidays of all of Germany) and each Land, `DE-BW` to `DE-TH`, with the
/// Land's own holidays as its law has them from 2023. Holidays of single towns or of only some
/// municipalities of a Land (Augsburg's Friedensfest, Corpus Christi in parts of Saxony and
/// Thuringia) are not counted: declare them `closed` where they apply. Bavaria counts the
/// Assumption (15 August), a holiday in most of its municipalities.
///
/// Thread-safety: immutable after it is made; every member may be called from any thread.
#pragma once

#include <tl/expected.hpp>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// A public holiday: its day and its German name ("Karfreitag").
struct Holiday {
  std::chrono::year_month_day day;  ///< the calendar day
  std::string name;                 ///< as the law names it, in German
};

/// Which days are business days.
class BusinessCalendar {
 public:
  /// Monday to Friday, no holidays.
  BusinessCalendar() = default;

  /// The calendar of `region` ("DE", "DE-NW", …), with `closed` days on top. Fails, naming the
  /// regions there are, for an unknown one.
  static tl::expected<BusinessCalendar, std::string> of_region(
      std::string_view region, std::vector<std::chrono::year_month_day> closed = {});

  /// The regions of_region() knows, in order: "DE", "DE-BB", … "DE-TH".
  static std::vector<std::string> regions();

  /// The region it was made for; "" for weekdays only.
  const std::string& region() const noexcept { return region_; }

  /// The public holidays of `year` in its region (not the closed days), in date order.
  std::vector<Holiday> holidays(std::chrono::year year) const;

  /// Whether `day` is a business day: a weekday, no holiday and not closed.
  bool is_business_day(std::chrono::sys_days day) const;

  /// The day `count` business days after `day`: each one moves on to the next business day, so a
  /// Friday plus 1 is the Monday (Tuesday, if Monday is Easter Monday), and so is a Saturday
  /// plus 1. 0 or less gives `day`. Walks day by day, computing each year's holidays once:
  /// callers bound `count` (durations stop at the year 9999, about 2.6 million business days).
  std::chrono::sys_days add_business_days(std::chrono::sys_days day, std::int64_t count) const;

 private:
  struct HolidayCache {
    std::chrono::year year{0};
    std::vector<Holiday> holidays;
  };
  bool is_business_day(std::chrono::sys_days day, HolidayCache& cache) const;

  std::string region_;
  std::set<std::chrono::sys_days> closed_;
};

}  // namespace ablauf
