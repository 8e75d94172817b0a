#include "time/calendar.hpp"

#include "test_support.hpp"

#include <boost/json/parse.hpp>

using namespace ablauf;
using namespace ablauf::detail;
using namespace std::chrono_literals;

namespace {

Date date(std::string_view text) {
  auto parsed = parse_date(text);
  INFO(text);
  if (!parsed) FAIL(parsed.error().message);
  return *parsed;
}

Duration duration(std::string_view text) {
  auto parsed = parse_duration(text);
  INFO(text);
  if (!parsed) FAIL(parsed.error().message);
  return *parsed;
}

// `text` plus (or, with sign -1, minus) `period`, formatted.
std::string plus(std::string_view text, std::string_view period, int sign = 1) {
  auto sum = add(date(text), duration(period), sign);
  if (!sum) FAIL(sum.error().message);
  return format_date(*sum);
}

DateError error(std::string_view text) {
  auto parsed = parse_date(text);
  INFO(text);
  REQUIRE_FALSE(parsed);
  return parsed.error();
}

}  // namespace

TEST_CASE("dates format as they read, date-times in UTC", "[calendar]") {
  CHECK(format_date(date("2026-11-23")) == "2026-11-23");
  CHECK(format_date(date("2026-11-23T10:15:00Z")) == "2026-11-23T10:15:00Z");
  CHECK(format_date(date("2026-11-23t10:15:00z")) == "2026-11-23T10:15:00Z");
  CHECK(format_date(date("2026-11-23T10:15:00.250+01:00")) == "2026-11-23T09:15:00.250Z");
  CHECK(format_date(date("2026-11-23T00:30:00+01:00")) == "2026-11-22T23:30:00Z");
  CHECK(format_date(date("2026-11-23T22:00:00-05:30")) == "2026-11-24T03:30:00Z");
  CHECK(format_date(date("2026-11-23T10:15:00.5Z")) == "2026-11-23T10:15:00.500Z");
  CHECK(format_date(date("1963-06-19T08:30:06.283185Z")) == "1963-06-19T08:30:06.283Z");
  CHECK(format_date(date("2026-11-23T10:15:00.000Z")) == "2026-11-23T10:15:00Z");
  CHECK(format_instant(Instant{}) == "1970-01-01T00:00:00Z");
}

TEST_CASE("a date-time keeps the day and offset it was written in", "[calendar]") {
  const Date d = date("2026-11-23T00:30:00+01:00");
  CHECK(d.day == std::chrono::sys_days{std::chrono::year{2026} / 11 / 23});
  CHECK(d.time == 30min);
  CHECK(d.offset == 60min);
  CHECK(d.utc_day() == std::chrono::sys_days{std::chrono::year{2026} / 11 / 22});
  CHECK_FALSE(date("2026-11-23").has_time());
}

TEST_CASE("adding months keeps the day unless the month is shorter", "[calendar]") {
  CHECK(plus("2024-01-31", "P1M") == "2024-02-29");
  CHECK(plus("2025-01-31", "P1M") == "2025-02-28");
  CHECK(plus("2024-02-29", "P1Y") == "2025-02-28");
  CHECK(plus("2026-01-15", "P1M") == "2026-02-15");
  CHECK(plus("2026-11-30", "P14M") == "2028-01-30");
  CHECK(plus("2026-03-31", "P1Y1M1D") == "2027-05-01");
}

TEST_CASE("days and exact time follow the calendar units", "[calendar]") {
  CHECK(plus("2026-11-23", "P14D") == "2026-12-07");
  CHECK(plus("2026-12-25", "P2W") == "2027-01-08");
  CHECK(plus("2026-11-23T10:15:00Z", "PT36H") == "2026-11-24T22:15:00Z");
  CHECK(plus("2026-11-23T10:15:00Z", "P1DT12H") == "2026-11-24T22:15:00Z");
  CHECK(plus("2026-11-23T10:15:00.250+01:00", "P1D") == "2026-11-24T09:15:00.250Z");
}

TEST_CASE("a full-date plus a time becomes a date-time from midnight UTC", "[calendar]") {
  CHECK(plus("2026-11-23", "PT1H") == "2026-11-23T01:00:00Z");
  CHECK(plus("2026-11-23", "PT1H", -1) == "2026-11-22T23:00:00Z");
  CHECK(plus("2026-11-23", "P1DT0S") == "2026-11-24");
}

TEST_CASE("a date-time's months are counted where it was written", "[calendar]") {
  // 01:00 on 31 January at +02:00 is still 30 January in UTC; a month later it is the last
  // day of February where it was written.
  CHECK(plus("2026-01-31T01:00:00+02:00", "P1M") == "2026-02-27T23:00:00Z");
}

TEST_CASE("subtracting goes back through the calendar", "[calendar]") {
  CHECK(plus("2024-03-31", "P1M", -1) == "2024-02-29");
  CHECK(plus("2026-01-05", "P14D", -1) == "2025-12-22");
  CHECK(plus("2026-11-23T10:00:00Z", "PT36H", -1) == "2026-11-21T22:00:00Z");
  CHECK(plus("2025-03-01", "P1Y0M1D", -1) == "2024-02-29");
}

TEST_CASE("arithmetic fails outside the years 0001 to 9999", "[calendar]") {
  const auto sum = [](std::string_view text, std::string_view period, int sign = 1) {
    return add(date(text), duration(period), sign);
  };
  const auto past_the_end = sum("9999-12-31", "P1D");
  REQUIRE_FALSE(past_the_end);
  CHECK(past_the_end.error().message == "the result falls outside the years 0001 to 9999");
  CHECK_FALSE(sum("0001-01-01", "P1D", -1));
  CHECK_FALSE(sum("2026-11-23", "P8000Y"));
  CHECK_FALSE(sum("2026-11-23", "P24324M", -1));
  CHECK_FALSE(sum("9999-12-31T23:00:00Z", "PT1H"));
  CHECK(sum("9999-12-31T20:00:00Z", "PT1H", -1));
  CHECK_FALSE(sum("2026-11-23", "P1000000000Y"));
  CHECK(format_date(*sum("0001-01-31", "P1M")) == "0001-02-28");
  CHECK(format_date(*sum("9999-12-30", "P1D")) == "9999-12-31");
}

TEST_CASE("days between counts calendar days in UTC", "[calendar]") {
  CHECK(days_between(date("2026-11-23"), date("2026-11-23")) == 0);
  CHECK(days_between(date("2026-11-23"), date("2026-12-07")) == 14);
  CHECK(days_between(date("2024-02-28"), date("2024-03-01")) == 2);
  CHECK(days_between(date("2025-02-28"), date("2025-03-01")) == 1);
  CHECK(days_between(date("2025-12-31"), date("2026-01-01")) == 1);
  CHECK(days_between(date("2020-01-01"), date("2030-01-01")) == 3653);
  CHECK(days_between(date("2026-12-07"), date("2026-11-23")) == -14);
  CHECK(days_between(date("2026-11-23T23:59:00Z"), date("2026-11-24T00:01:00Z")) == 1);
  CHECK(days_between(date("2026-11-23T00:01:00Z"), date("2026-11-23T23:59:00Z")) == 0);
  // 00:30 at +01:00 is 23:30 the day before in UTC.
  CHECK(days_between(date("2026-11-23T00:30:00+01:00"), date("2026-11-23")) == 1);
}

TEST_CASE("dates compare by day, date-times by instant", "[calendar]") {
  CHECK(std::is_lt(compare(date("2026-11-23"), date("2026-11-24"))));
  CHECK(std::is_gt(compare(date("2026-11-24"), date("2026-11-23"))));
  CHECK(std::is_eq(compare(date("2026-11-23"), date("2026-11-23"))));
  CHECK(std::is_eq(compare(date("2026-11-23T10:00:00+01:00"), date("2026-11-23T09:00:00Z"))));
  CHECK(std::is_lt(compare(date("2026-11-23T10:00:00+01:00"), date("2026-11-23T09:30:00Z"))));
  CHECK(std::is_gt(compare(date("2026-11-23T09:00:00.001Z"), date("2026-11-23T09:00:00Z"))));
  CHECK(std::is_eq(compare(date("2026-11-23"), date("2026-11-23T18:00:00Z"))));
  CHECK(std::is_eq(compare(date("2026-11-23"), date("2026-11-24T00:30:00+01:00"))));
  CHECK(std::is_lt(compare(date("2026-11-23"), date("2026-11-24T00:00:00Z"))));
  CHECK(std::is_gt(compare(date("2026-11-24T00:00:00Z"), date("2026-11-23"))));
}

TEST_CASE("date errors say what is wrong and where", "[calendar]") {
  CHECK(error("2026-13-01").message == "month 13 does not exist");
  CHECK(error("2026-13-01").offset == 5);
  CHECK(error("2026-02-29").message == "February 2026 has 28 days");
  CHECK(error("2026-02-29").offset == 8);
  CHECK(error("2024-04-31").message == "April 2024 has 30 days");
  CHECK(error("2026-11-00").offset == 8);
  CHECK(error("2026-11-23 10:15:00Z").message == "expected 'T' between date and time");
  CHECK(error("2026-11-23 10:15:00Z").offset == 10);
  CHECK(error("2026-11-23T24:00:00Z").offset == 11);
  CHECK_THAT(error("2026-11-23T24:00:00Z").message, Catch::Contains("hour 24 does not exist"));
  CHECK(error("2026-11-23T10:60:00Z").offset == 14);
  CHECK(error("2026-11-23T10:15:61Z").offset == 17);
  CHECK(error("2026-11-23T10:15:00").offset == 19);
  CHECK_THAT(error("2026-11-23T10:15:00").message, Catch::Contains("'Z' or an offset"));
  CHECK(error("2026-11-23T10:15:00+24:00").offset == 20);
  CHECK_THAT(error("2026-11-23T10:15:00+24:00").message, Catch::Contains("-23:59 to +23:59"));
  CHECK(error("2026-11-23T10:15:00+01:60").offset == 23);
  CHECK(error("2026-11-23T10:15:00+0100").offset == 22);
  CHECK(error("2026-11-23T10:15:00,5Z").offset == 19);
  CHECK_THAT(error("2026-11-23T10:15:00,5Z").message, Catch::Contains("'.', not ','"));
  CHECK(error("2026-11-23T10:15:00.Z").offset == 20);
  CHECK(error("2026-11-23T10:15:00ZZ").offset == 20);
  CHECK(error("2026-11-23T10:15Z").offset == 16);
  CHECK(error("26-11-23").offset == 2);
  CHECK(error("2026-1-23").offset == 6);
  CHECK(error("2026-11-2").offset == 9);
  CHECK(error("").offset == 0);
  CHECK(error("2026-11-23T").offset == 11);
}

TEST_CASE("years run from 0001 to 9999", "[calendar]") {
  CHECK_THAT(error("0000-01-01").message, Catch::Contains("0001 to 9999"));
  CHECK(error("0000-01-01").offset == 0);
  CHECK(error("+12026-01-01").offset == 0);
  CHECK(format_date(date("0001-01-01")) == "0001-01-01");
  CHECK(format_date(date("9999-12-31T23:59:59.999Z")) == "9999-12-31T23:59:59.999Z");
  // Well-formed, but in UTC the instant falls in year 10000 or year 0.
  CHECK(error("9999-12-31T23:00:00-05:00").offset == 19);
  CHECK_FALSE(parse_date("0001-01-01T00:30:00+01:00"));
}

TEST_CASE("leap years follow the Gregorian rules", "[calendar]") {
  CHECK(parse_date("2024-02-29"));
  CHECK(parse_date("2000-02-29"));
  CHECK_FALSE(parse_date("1900-02-29"));
  CHECK_FALSE(parse_date("2100-02-29"));
}

TEST_CASE("a leap second reads as the last millisecond before it", "[calendar]") {
  CHECK(format_date(date("1998-12-31T23:59:60Z")) == "1998-12-31T23:59:59.999Z");
  CHECK(format_date(date("1998-12-31T15:59:60.123-08:00")) == "1998-12-31T23:59:59.999Z");
  CHECK(format_date(date("2016-12-31T23:59:60.5Z")) == "2016-12-31T23:59:59.999Z");
  CHECK(parse_date("1999-01-01T00:59:60+01:00"));
  CHECK(parse_date("2015-06-30T23:59:60Z"));
  CHECK(error("1998-12-31T23:58:60Z").offset == 17);
  CHECK_THAT(error("1998-12-31T22:59:60Z").message, Catch::Contains("23:59:60 UTC"));
  CHECK_FALSE(parse_date("1998-12-30T23:59:60Z"));
  CHECK_FALSE(parse_date("1998-12-31T23:59:60+01:00"));
}

TEST_CASE("a full-time reads as the UTC time of day", "[calendar]") {
  CHECK(parse_time("08:30:06.283185Z") == 8h + 30min + 6s + 283ms);
  CHECK(parse_time("01:00:00+02:00") == 23h);
  CHECK(parse_time("23:00:00-02:00") == 1h);
  CHECK(parse_time("23:59:60Z") == 23h + 59min + 59s + 999ms);
  CHECK(parse_time("15:59:60-08:00"));
  CHECK_FALSE(parse_time("22:59:60Z"));
  CHECK_FALSE(parse_time("08:30:06"));
  CHECK(parse_time("08:30:06 PST").error().offset == 8);
}

namespace {

using Parser = bool (*)(std::string_view);

// Checks one file of the JSON Schema test suite's format vectors: `parse` accepts exactly the
// strings marked valid. The counts pin the file, so a missing or truncated one cannot pass.
void check_corpus(std::string_view file, Parser parse, std::size_t strings,
                  std::size_t non_strings) {
  const auto text = test::read_file(std::filesystem::path(ABLAUF_CORPORA_DIR) / "iso8601" / file);
  const boost::json::value corpus = boost::json::parse(text);
  std::size_t seen = 0, skipped = 0;
  for (const auto& group : corpus.as_array()) {
    for (const auto& vector : group.at("tests").as_array()) {
      const auto& data = vector.at("data");
      // The schema ignores non-strings; a date is always a string.
      if (!data.is_string()) {
        ++skipped;
        continue;
      }
      const std::string_view input = data.get_string();
      const bool valid = vector.at("valid").as_bool();
      DYNAMIC_SECTION('#' << seen++ << " \"" << input << '"') {
        INFO(vector.at("description").as_string().c_str());
        CHECK(parse(input) == valid);
      }
    }
  }
  CHECK(seen == strings);
  CHECK(skipped == non_strings);
}

bool parses_as_full_date(std::string_view text) {
  const auto d = parse_date(text);
  return d && !d->has_time();
}
bool parses_as_date_time(std::string_view text) {
  const auto d = parse_date(text);
  return d && d->has_time();
}
bool parses_as_time(std::string_view text) {
  return parse_time(text).has_value();
}

}  // namespace

TEST_CASE("the RFC 3339 full-date corpus is parsed as the grammar says", "[calendar][corpus]") {
  check_corpus("date.json", parses_as_full_date, 3, 0);
}

TEST_CASE("the RFC 3339 date-time corpus is parsed as the grammar says", "[calendar][corpus]") {
  check_corpus("date-time.json", parses_as_date_time, 9, 0);
}

TEST_CASE("the RFC 3339 full-time corpus is parsed as the grammar says", "[calendar][corpus]") {
  check_corpus("time.json", parses_as_time, 3, 0);
}
