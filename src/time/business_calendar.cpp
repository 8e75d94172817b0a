#include "ablauf/business_calendar.hpp"

#include <algorithm>
#include <array>

namespace ablauf {
namespace {

using namespace std::chrono;

// Easter Sunday of the Gregorian calendar (the anonymous algorithm published by Meeus).
year_month_day easter_sunday(year y) {
  const int n = static_cast<int>(y);
  const int a = n % 19, b = n / 100, c = n % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month_number = (h + l - 7 * m + 114) / 31, day_number = (h + l - 7 * m + 114) % 31 + 1;
  return year_month_day{y, month(static_cast<unsigned>(month_number)),
                        day(static_cast<unsigned>(day_number))};
}

// Where a holiday falls in a year: a fixed day, a distance from Easter Sunday, or the
// Wednesday before 23 November (Buß- und Bettag).
struct Rule {
  enum class Kind { fixed, easter, repentance } kind;
  unsigned month;  // fixed: its month
  int day;         // fixed: its day of the month; easter: days after Easter Sunday
  const char* name;
  const char* lands;   // "" everywhere in Germany, else the Länder it holds in, separated by ' '
  int first_year = 0;  // the first year it is a holiday; 0 for always
  int only_year = 0;   // a holiday of one year alone; 0 for every year
};

constexpr std::array rules{
    Rule{Rule::Kind::fixed, 1, 1, "Neujahr", ""},
    Rule{Rule::Kind::fixed, 1, 6, "Heilige Drei Könige", "BW BY ST"},
    Rule{Rule::Kind::fixed, 3, 8, "Internationaler Frauentag", "BE", 2019},
    Rule{Rule::Kind::fixed, 3, 8, "Internationaler Frauentag", "MV", 2023},
    Rule{Rule::Kind::easter, 0, -2, "Karfreitag", ""},
    Rule{Rule::Kind::easter, 0, 0, "Ostersonntag", "BB"},
    Rule{Rule::Kind::easter, 0, 1, "Ostermontag", ""},
    Rule{Rule::Kind::fixed, 5, 1, "Tag der Arbeit", ""},
    Rule{Rule::Kind::fixed, 5, 8, "Tag der Befreiung", "BE", 0, 2020},
    Rule{Rule::Kind::fixed, 5, 8, "Tag der Befreiung", "BE", 0, 2025},
    Rule{Rule::Kind::easter, 0, 39, "Christi Himmelfahrt", ""},
    Rule{Rule::Kind::easter, 0, 49, "Pfingstsonntag", "BB"},
    Rule{Rule::Kind::easter, 0, 50, "Pfingstmontag", ""},
    Rule{Rule::Kind::easter, 0, 60, "Fronleichnam", "BW BY HE NW RP SL"},
    Rule{Rule::Kind::fixed, 8, 15, "Mariä Himmelfahrt", "BY SL"},
    Rule{Rule::Kind::fixed, 9, 20, "Weltkindertag", "TH", 2019},
    Rule{Rule::Kind::fixed, 10, 3, "Tag der Deutschen Einheit", ""},
    Rule{Rule::Kind::fixed, 10, 31, "Reformationstag", "BB MV SN ST TH"},
    Rule{Rule::Kind::fixed, 10, 31, "Reformationstag", "HB HH NI SH", 2018},
    Rule{Rule::Kind::fixed, 10, 31, "Reformationstag", "BE BW BY HE NW RP SL", 0, 2017},
    Rule{Rule::Kind::fixed, 11, 1, "Allerheiligen", "BW BY NW RP SL"},
    Rule{Rule::Kind::repentance, 0, 0, "Buß- und Bettag", "SN"},
    Rule{Rule::Kind::fixed, 12, 25, "1. Weihnachtstag", ""},
    Rule{Rule::Kind::fixed, 12, 26, "2. Weihnachtstag", ""},
};

constexpr std::array<std::string_view, 16> lands{"BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV",
                                                 "NI", "NW", "RP", "SH", "SL", "SN", "ST", "TH"};

bool holds_in(const Rule& rule, std::string_view land) {
  const std::string_view where = rule.lands;
  if (where.empty()) return true;
  if (land.empty()) return false;
  for (std::size_t begin = 0; begin < where.size(); begin += 3)
    if (where.substr(begin, 2) == land) return true;
  return false;
}

year_month_day day_of(const Rule& rule, year y) {
  switch (rule.kind) {
    case Rule::Kind::fixed:
      return year_month_day{y, std::chrono::month(rule.month),
                            std::chrono::day(static_cast<unsigned>(rule.day))};
    case Rule::Kind::easter: return year_month_day{sys_days(easter_sunday(y)) + days(rule.day)};
    case Rule::Kind::repentance: {
      // The last Wednesday before 23 November: between the 16th and the 22nd.
      const sys_days before = sys_days(year_month_day{y, November, std::chrono::day(23)}) - days(1);
      const auto back = (weekday(before) - Wednesday).count();
      return year_month_day{before - days(back)};
    }
  }
  return {};
}

}  // namespace

tl::expected<BusinessCalendar, std::string> BusinessCalendar::of_region(
    std::string_view region, std::vector<year_month_day> closed) {
  const bool known =
      region == "DE" || (region.size() == 5 && region.substr(0, 3) == "DE-" &&
                         std::find(lands.begin(), lands.end(), region.substr(3)) != lands.end());
  if (!known) {
    std::string names;
    for (const auto& name : regions()) names += (names.empty() ? "" : ", ") + name;
    return tl::make_unexpected("'" + std::string(region) +
                               "' is not a region with a holiday calendar; the regions are " +
                               names);
  }
  BusinessCalendar calendar;
  calendar.region_ = region;
  for (const auto& day : closed) calendar.closed_.insert(sys_days(day));
  return calendar;
}

std::vector<std::string> BusinessCalendar::regions() {
  std::vector<std::string> out{"DE"};
  for (const auto land : lands) out.push_back("DE-" + std::string(land));
  return out;
}

std::vector<Holiday> BusinessCalendar::holidays(year y) const {
  std::vector<Holiday> out;
  if (region_.empty()) return out;
  const std::string_view land = region_.size() == 5 ? std::string_view(region_).substr(3) : "";
  const int n = static_cast<int>(y);
  for (const auto& rule : rules) {
    if (!holds_in(rule, land) || n < rule.first_year) continue;
    if (rule.only_year != 0 && n != rule.only_year) continue;
    out.push_back({day_of(rule, y), rule.name});
  }
  std::sort(out.begin(), out.end(),
            [](const Holiday& a, const Holiday& b) { return sys_days(a.day) < sys_days(b.day); });
  return out;
}

// With the holidays of the last year asked kept in `cache` across calls, so that a walk over many
// days computes each year's holidays once.
bool BusinessCalendar::is_business_day(sys_days day, HolidayCache& cache) const {
  const weekday of_week(day);
  if (of_week == Saturday || of_week == Sunday) return false;
  if (closed_.contains(day)) return false;
  if (region_.empty()) return true;
  const year_month_day date(day);
  if (cache.year != date.year() || cache.holidays.empty()) {
    cache.year = date.year();
    cache.holidays = holidays(date.year());
  }
  return std::none_of(cache.holidays.begin(), cache.holidays.end(),
                      [&](const Holiday& holiday) { return holiday.day == date; });
}

bool BusinessCalendar::is_business_day(sys_days day) const {
  HolidayCache cache;
  return is_business_day(day, cache);
}

sys_days BusinessCalendar::add_business_days(sys_days day, std::int64_t count) const {
  HolidayCache cache;
  for (std::int64_t moved = 0; moved < count; ++moved) {
    do day += days(1);
    while (!is_business_day(day, cache));
  }
  return day;
}

}  // namespace ablauf
