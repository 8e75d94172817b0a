#include "time/calendar.hpp"

#include <algorithm>
#include <charconv>

namespace ablauf::detail {
namespace {

using namespace std::chrono;

constexpr sys_days first_day = year{1} / January / 1;
constexpr sys_days last_day = year{9999} / December / 31;

constexpr std::string_view month_names[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

constexpr std::string_view date_form = "expected a date as YYYY-MM-DD, such as 2026-11-23";
constexpr std::string_view time_form = "expected a time as HH:MM:SS, such as 10:15:00";
constexpr std::string_view offset_form =
    "expected 'Z' or an offset from UTC as +HH:MM or -HH:MM, such as +01:00";

tl::unexpected<DateError> fail(std::size_t offset, std::string message) {
  return tl::make_unexpected(DateError{offset, std::move(message)});
}

bool in_range(sys_days day) noexcept {
  return day >= first_day && day <= last_day;
}

// Reads the fixed-width numbers and separators of RFC 3339, section 5.6.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  std::size_t pos() const noexcept { return pos_; }
  bool at_end() const noexcept { return pos_ == text_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : text_[pos_]; }

  // Exactly `count` ASCII digits (the RFC's DIGIT; other scripts' digits do not count), or
  // the error `form` at the first character that is not one.
  tl::expected<int, DateError> number(int count, std::string_view form) {
    int value = 0;
    for (int i = 0; i < count; ++i, ++pos_) {
      if (!is_digit(peek())) return fail(pos_, std::string(form));
      value = value * 10 + (text_[pos_] - '0');
    }
    return value;
  }

  // Consumes `c` (either case, for letters) if it is next.
  bool skip(char c) noexcept {
    if (at_end() || (text_[pos_] | 0x20) != (c | 0x20)) return false;
    ++pos_;
    return true;
  }

  // The milliseconds of a fraction of a second after its '.': one digit at least, any
  // number of them, those past the third checked and dropped.
  tl::expected<milliseconds, DateError> fraction() {
    if (!is_digit(peek())) return fail(pos_, "expected digits after '.'");
    int millis = 0, digits = 0;
    for (; is_digit(peek()); ++pos_, ++digits)
      if (digits < 3) millis = millis * 10 + (text_[pos_] - '0');
    for (; digits < 3; ++digits) millis *= 10;
    return milliseconds(millis);
  }

  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

tl::expected<sys_days, DateError> read_full_date(Cursor& in) {
  const auto y = in.number(4, date_form);
  if (!y) return tl::make_unexpected(y.error());
  if (*y == 0) return fail(0, "year 0000 is out of range; years run from 0001 to 9999");
  if (!in.skip('-'))
    return fail(in.pos(), "expected '-' after the year; " + std::string(date_form));
  const std::size_t month_at = in.pos();
  const auto m = in.number(2, date_form);
  if (!m) return tl::make_unexpected(m.error());
  if (*m < 1 || *m > 12) return fail(month_at, "month " + std::to_string(*m) + " does not exist");
  if (!in.skip('-'))
    return fail(in.pos(), "expected '-' after the month; " + std::string(date_form));
  const std::size_t day_at = in.pos();
  const auto d = in.number(2, date_form);
  if (!d) return tl::make_unexpected(d.error());
  const auto month_end = year{*y} / month(*m) / last;
  if (*d < 1 || static_cast<unsigned>(*d) > unsigned{month_end.day()})
    return fail(day_at, std::string(month_names[*m - 1]) + ' ' + std::to_string(*y) + " has " +
                            std::to_string(unsigned{month_end.day()}) + " days");
  return sys_days{year{*y} / month(*m) / day(*d)};
}

// RFC 3339 full-time as written: the local time of day and the offset.
struct FullTime {
  milliseconds time{0};
  minutes offset{0};
  int hour = 0, minute = 0;
  std::optional<std::size_t> leap_second_at;  // of the second's digits if they read 60
  std::size_t offset_at = 0;                  // of the 'Z' or the offset's sign
};

tl::expected<FullTime, DateError> read_full_time(Cursor& in) {
  FullTime t;
  const std::size_t hour_at = in.pos();
  const auto h = in.number(2, time_form);
  if (!h) return tl::make_unexpected(h.error());
  if (*h > 23)
    return fail(hour_at, "hour " + std::to_string(*h) +
                             " does not exist; midnight is 00:00:00 of the next day");
  if (!in.skip(':')) return fail(in.pos(), std::string(time_form));
  const std::size_t minute_at = in.pos();
  const auto m = in.number(2, time_form);
  if (!m) return tl::make_unexpected(m.error());
  if (*m > 59) return fail(minute_at, "minute " + std::to_string(*m) + " does not exist");
  if (!in.skip(':')) return fail(in.pos(), std::string(time_form));
  const std::size_t second_at = in.pos();
  const auto s = in.number(2, time_form);
  if (!s) return tl::make_unexpected(s.error());
  if (*s > 60) return fail(second_at, "second " + std::to_string(*s) + " does not exist");
  milliseconds fraction{0};
  if (in.skip('.')) {
    const auto f = in.fraction();
    if (!f) return tl::make_unexpected(f.error());
    fraction = *f;
  } else if (in.peek() == ',') {
    return fail(in.pos(), "write a fraction of a second with '.', not ','");
  }
  t.hour = *h;
  t.minute = *m;
  if (*s == 60) {
    // A leap second has no place in system time: read it as the last millisecond before it.
    t.leap_second_at = second_at;
    t.time = hours(*h) + minutes(*m) + seconds(59) + milliseconds(999);
  } else {
    t.time = hours(*h) + minutes(*m) + seconds(*s) + fraction;
  }

  t.offset_at = in.pos();
  if (in.skip('Z')) return t;
  const char sign = in.peek();
  if (sign != '+' && sign != '-') return fail(in.pos(), std::string(offset_form));
  in.skip(sign);
  const std::size_t offset_hour_at = in.pos();
  const auto oh = in.number(2, offset_form);
  if (!oh) return tl::make_unexpected(oh.error());
  if (*oh > 23)
    return fail(offset_hour_at, "offset hour " + std::to_string(*oh) +
                                    " does not exist; offsets run from -23:59 to +23:59");
  if (!in.skip(':')) return fail(in.pos(), std::string(offset_form));
  const std::size_t offset_minute_at = in.pos();
  const auto om = in.number(2, offset_form);
  if (!om) return tl::make_unexpected(om.error());
  if (*om > 59)
    return fail(offset_minute_at, "offset minute " + std::to_string(*om) + " does not exist");
  t.offset = (sign == '-' ? -1 : 1) * (hours(*oh) + minutes(*om));
  return t;
}

// The UTC minute of the day of a local hour and minute, and how many days it lies before (-1)
// or after (1) the local day.
std::pair<minutes, days> utc_minute(const FullTime& t) {
  const minutes utc = hours(t.hour) + minutes(t.minute) - t.offset;
  const days shift = floor<days>(utc);
  return {utc - shift, shift};
}

constexpr minutes last_minute = hours(23) + minutes(59);

void append_number(std::string& out, long value, int width) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(std::max(0, width - static_cast<int>(end - digits)), '0');
  out.append(digits, end);
}

void append_day(std::string& out, sys_days day) {
  const year_month_day ymd{day};
  append_number(out, int{ymd.year()}, 4);
  out += '-';
  append_number(out, unsigned{ymd.month()}, 2);
  out += '-';
  append_number(out, unsigned{ymd.day()}, 2);
}

tl::unexpected<DateError> out_of_range() {
  return fail(0, "the result falls outside the years 0001 to 9999");
}

}  // namespace

sys_days Date::utc_day() const noexcept {
  return has_time() ? floor<days>(instant()) : day;
}

tl::expected<Date, DateError> parse_date(std::string_view text) {
  Cursor in(text);
  const auto day = read_full_date(in);
  if (!day) return tl::make_unexpected(day.error());
  Date date{*day, std::nullopt};
  if (in.at_end()) return date;
  if (!in.skip('T')) return fail(in.pos(), "expected 'T' between date and time");
  const auto t = read_full_time(in);
  if (!t) return tl::make_unexpected(t.error());
  if (!in.at_end()) return fail(in.pos(), "unexpected text after the date-time");
  date.time = t->time;
  date.offset = t->offset;

  // RFC 3339, section 5.7: second 60 is a leap second, which falls at 23:59:60 UTC at the end
  // of a month that has one. The list of those months grows by IERS bulletins only months
  // ahead, so any month's end is accepted rather than a table that would age: the JSON Schema
  // suite's 1998-12-31T23:59:60Z and 1998-12-31T15:59:60.123-08:00 pass, 23:58:60Z does not.
  if (t->leap_second_at) {
    const auto [minute, shift] = utc_minute(*t);
    const year_month_day utc{*day + shift};
    if (minute != last_minute || utc.day() != (utc.year() / utc.month() / last).day())
      return fail(*t->leap_second_at,
                  "second 60 is a leap second, which falls only at 23:59:60 UTC on the last day "
                  "of a month");
  }
  if (!in_range(date.utc_day()))
    return fail(t->offset_at, "the date-time falls outside the years 0001 to 9999 in UTC");
  return date;
}

tl::expected<milliseconds, DateError> parse_time(std::string_view text) {
  Cursor in(text);
  const auto t = read_full_time(in);
  if (!t) return tl::make_unexpected(t.error());
  if (!in.at_end()) return fail(in.pos(), "unexpected text after the time");
  // Without a date, a leap second can only be checked for its minute: 23:59 in UTC.
  if (t->leap_second_at && utc_minute(*t).first != last_minute)
    return fail(*t->leap_second_at, "second 60 is a leap second, which falls only at 23:59:60 UTC");
  const milliseconds utc = t->time - t->offset;
  return utc - floor<days>(utc);
}

std::string format_date(const Date& date) {
  if (date.has_time()) return format_instant(date.instant());
  std::string out;
  append_day(out, date.day);
  return out;
}

std::string format_instant(Instant instant) {
  const sys_days day = floor<days>(instant);
  const hh_mm_ss time{instant - day};
  std::string out;
  append_day(out, day);
  out += 'T';
  append_number(out, time.hours().count(), 2);
  out += ':';
  append_number(out, time.minutes().count(), 2);
  out += ':';
  append_number(out, time.seconds().count(), 2);
  if (const auto millis = time.subseconds().count(); millis != 0) {
    out += '.';
    append_number(out, millis, 3);
  }
  out += 'Z';
  return out;
}

tl::expected<Date, DateError> add(const Date& date, const Duration& duration, int sign,
                                  const BusinessCalendar* calendar) {
  if (duration.business_days != 0) {
    // Years 0001 to 9999 hold 3,652,059 days: a count beyond cannot land in them.
    if (duration.business_days > 3'652'059) return out_of_range();
    if (calendar == nullptr || sign < 0)
      return tl::make_unexpected(DateError{
          0, "business days (" + to_string(duration) +
                 ") count forward, in a step's due date, timeout or wait, with the definition's "
                 "calendar; here, add calendar days (P14D)"});
    Date moved = date;
    moved.day = calendar->add_business_days(date.day, duration.business_days);
    if (!in_range(moved.day)) return out_of_range();
    Duration rest = duration;
    rest.business_days = 0;
    return add(moved, rest, 1, nullptr);
  }
  // Calendar units on the month count, so 13 months is a year and a month.
  const year_month_day ymd{date.day};
  const std::int64_t month_number = std::int64_t{int{ymd.year()}} * 12 +
                                    (unsigned{ymd.month()} - 1) +
                                    sign * (duration.years * 12 + duration.months);
  if (month_number < 12 || month_number >= 10000 * 12) return out_of_range();
  const year y{static_cast<int>(month_number / 12)};
  const month m{static_cast<unsigned>(month_number % 12 + 1)};
  const auto d = std::min(ymd.day(), (y / m / last).day());

  std::int64_t day_number = sys_days{y / m / d}.time_since_epoch().count() + sign * duration.days;
  Date result{date.day, std::nullopt, date.offset};
  if (date.has_time() || duration.time != milliseconds(0)) {
    const milliseconds local = date.time.value_or(milliseconds(0)) + sign * duration.time;
    const days whole = floor<days>(local);
    day_number += whole.count();
    result.time = local - whole;
  }
  if (day_number < first_day.time_since_epoch().count() ||
      day_number > last_day.time_since_epoch().count())
    return out_of_range();
  result.day = sys_days{days{day_number}};
  if (!in_range(result.utc_day())) return out_of_range();
  return result;
}

std::int64_t days_between(const Date& a, const Date& b) {
  return (b.utc_day() - a.utc_day()).count();
}

std::weak_ordering compare(const Date& a, const Date& b) {
  if (a.has_time() && b.has_time()) return a.instant() <=> b.instant();
  return a.utc_day() <=> b.utc_day();
}

}  // namespace ablauf::detail
