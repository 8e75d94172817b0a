// Recurrences of schedules: rules and cron lines on a zone's wall clock, across daylight saving
// time and month ends, and the rules a schedule refuses.
#include <ablauf/schedule.hpp>

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ablauf;

namespace {

Time at(std::string_view text) {
  auto parsed = parse_rfc3339(text);
  REQUIRE(parsed);
  return *parsed;
}

// The next `count` occurrences after `after`, as RFC 3339 in UTC.
std::vector<std::string> next(const Recurrence& recurrence, std::string_view after,
                              std::size_t count) {
  std::vector<std::string> out;
  for (auto t : recurrence.between(at(after), at("2100-01-01T00:00:00Z"), count))
    out.push_back(to_rfc3339(t));
  return out;
}

Recurrence rule(std::string_view text, std::string zone = "Europe/Berlin") {
  auto made = Recurrence::rule(text, std::move(zone));
  INFO(text << ": " << (made ? std::string() : made.error()));
  REQUIRE(made);
  return *made;
}

Recurrence cron(std::string_view line, std::string zone = "Europe/Berlin") {
  auto made = Recurrence::cron(line, std::move(zone));
  INFO(line << ": " << (made ? std::string() : made.error()));
  REQUIRE(made);
  return *made;
}

std::string refusal_of_rule(std::string_view text) {
  auto made = Recurrence::rule(text, "Europe/Berlin");
  REQUIRE_FALSE(made);
  return made.error();
}

std::string refusal_of_cron(std::string_view line) {
  auto made = Recurrence::cron(line, "Europe/Berlin");
  REQUIRE_FALSE(made);
  return made.error();
}

}  // namespace

TEST_CASE("a monthly rule falls at 06:00 on the zone's wall clock, summer and winter",
          "[schedule]") {
  const auto monthly = rule("FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0");
  CHECK(next(monthly, "2026-02-15T00:00:00Z", 3) ==
        std::vector<std::string>{"2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z",
                                 "2026-05-01T04:00:00Z"});
  CHECK(next(monthly, "2026-09-15T00:00:00Z", 3) ==
        std::vector<std::string>{"2026-10-01T04:00:00Z", "2026-11-01T05:00:00Z",
                                 "2026-12-01T05:00:00Z"});
  // An occurrence exactly at `after` is not after it.
  CHECK(next(monthly, "2026-12-01T05:00:00Z", 1) ==
        std::vector<std::string>{"2027-01-01T05:00:00Z"});
  CHECK(monthly.time_zone() == "Europe/Berlin");
}

TEST_CASE("a daily rule keeps its wall-clock time across both changes of daylight saving time",
          "[schedule]") {
  const auto daily = rule("FREQ=DAILY;BYHOUR=6;BYMINUTE=0");
  CHECK(next(daily, "2026-03-28T00:00:00Z", 3) == std::vector<std::string>{"2026-03-28T05:00:00Z",
                                                                           "2026-03-29T04:00:00Z",
                                                                           "2026-03-30T04:00:00Z"});
  CHECK(next(daily, "2026-10-24T00:00:00Z", 3) == std::vector<std::string>{"2026-10-24T04:00:00Z",
                                                                           "2026-10-25T05:00:00Z",
                                                                           "2026-10-26T05:00:00Z"});
  // 02:30 does not exist on 29 March: it falls at 03:30 summer time, once. On 25 October 02:30
  // comes twice: it falls the first time, in summer time.
  const auto night = rule("FREQ=DAILY;BYHOUR=2;BYMINUTE=30");
  CHECK(next(night, "2026-03-28T12:00:00Z", 2) ==
        std::vector<std::string>{"2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"});
  CHECK(next(night, "2026-10-24T12:00:00Z", 2) ==
        std::vector<std::string>{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"});
}

TEST_CASE("month ends: the 31st only in long months, or the last day with SKIP=BACKWARD or -1",
          "[schedule]") {
  CHECK(next(rule("FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=6;BYMINUTE=0", "UTC"), "2028-01-15T00:00:00Z",
             3) == std::vector<std::string>{"2028-01-31T06:00:00Z", "2028-03-31T06:00:00Z",
                                            "2028-05-31T06:00:00Z"});
  const std::vector<std::string> month_ends{"2028-01-31T06:00:00Z", "2028-02-29T06:00:00Z",
                                            "2028-03-31T06:00:00Z", "2028-04-30T06:00:00Z"};
  CHECK(next(rule("RSCALE=GREGORIAN;FREQ=MONTHLY;BYMONTHDAY=31;SKIP=BACKWARD;BYHOUR=6;BYMINUTE=0",
                  "UTC"),
             "2028-01-15T00:00:00Z", 4) == month_ends);
  CHECK(next(rule("FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=6;BYMINUTE=0", "UTC"), "2028-01-15T00:00:00Z",
             4) == month_ends);
  CHECK(next(rule("RSCALE=GREGORIAN;FREQ=MONTHLY;BYMONTHDAY=31;SKIP=BACKWARD;BYHOUR=6;BYMINUTE=0",
                  "UTC"),
             "2027-02-01T00:00:00Z", 1) == std::vector<std::string>{"2027-02-28T06:00:00Z"});
  // The last working day of each month.
  CHECK(next(rule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=16;BYMINUTE=0", "UTC"),
             "2026-05-01T00:00:00Z",
             2) == std::vector<std::string>{"2026-05-29T16:00:00Z", "2026-06-30T16:00:00Z"});
}

TEST_CASE("a rule counts from its start, and ends at its end", "[schedule]") {
  auto fortnightly = Recurrence::rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9;BYMINUTE=0", "UTC",
                                      at("2026-11-02T00:00:00Z"), at("2026-12-31T00:00:00Z"));
  REQUIRE(fortnightly);
  CHECK(next(*fortnightly, "2020-01-01T00:00:00Z", 9) ==
        std::vector<std::string>{"2026-11-02T09:00:00Z", "2026-11-16T09:00:00Z",
                                 "2026-11-30T09:00:00Z", "2026-12-14T09:00:00Z",
                                 "2026-12-28T09:00:00Z"});
  CHECK_FALSE(fortnightly->next_after(at("2026-12-28T09:00:00Z")));
  // Every seven minutes from its start, years later: counted from the start, not the search.
  auto seven = Recurrence::rule("FREQ=MINUTELY;INTERVAL=7", "UTC", at("2001-01-01T00:03:00Z"));
  REQUIRE(seven);
  const auto found = seven->next_after(at("2026-12-01T00:00:00Z"));
  REQUIRE(found);
  CHECK((*found - at("2001-01-01T00:03:00Z")) % std::chrono::minutes(7) == std::chrono::minutes(0));
  CHECK(*found - at("2026-12-01T00:00:00Z") <= std::chrono::minutes(7));
  CHECK(
      Recurrence::rule("FREQ=DAILY", "UTC", at("2027-01-02T00:00:00Z"), at("2027-01-01T00:00:00Z"))
          .error() == "it ends before it starts");
}

TEST_CASE("cron lines: fields, names, steps, and day of month or day of week", "[schedule]") {
  CHECK(next(cron("0 6 1 * *"), "2026-02-15T00:00:00Z", 2) ==
        std::vector<std::string>{"2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z"});
  CHECK(next(cron("*/20 9-10 * * MON-FRI", "UTC"), "2026-12-04T09:30:00Z", 5) ==
        std::vector<std::string>{"2026-12-04T09:40:00Z", "2026-12-04T10:00:00Z",
                                 "2026-12-04T10:20:00Z", "2026-12-04T10:40:00Z",
                                 "2026-12-07T09:00:00Z"});
  // Both day fields given: either one. The 13th, and every Friday.
  CHECK(next(cron("0 12 13 * 5", "UTC"), "2026-12-01T00:00:00Z", 4) ==
        std::vector<std::string>{"2026-12-04T12:00:00Z", "2026-12-11T12:00:00Z",
                                 "2026-12-13T12:00:00Z", "2026-12-18T12:00:00Z"});
  CHECK(next(cron("30 7 * jan,jul 0", "UTC"), "2026-12-31T00:00:00Z", 1) ==
        std::vector<std::string>{"2027-01-03T07:30:00Z"});
  CHECK(next(cron("0 0 * * 7", "UTC"), "2026-12-01T00:00:00Z", 1) ==
        std::vector<std::string>{"2026-12-06T00:00:00Z"});
}

TEST_CASE("rules and cron lines a schedule refuses say why", "[schedule]") {
  CHECK(refusal_of_rule("FREQ=FORTNIGHTLY").starts_with("not a recurrence rule of RFC 5545"));
  CHECK(refusal_of_rule("FREQ=DAILY;COUNT=3").find("COUNT and UNTIL") != std::string::npos);
  CHECK(refusal_of_rule("FREQ=DAILY;UNTIL=20270101T000000Z").find("COUNT and UNTIL") !=
        std::string::npos);
  CHECK(refusal_of_rule("FREQ=SECONDLY").find("count in minutes") != std::string::npos);
  CHECK(refusal_of_rule("FREQ=MINUTELY;BYMONTHDAY=1").find("write a daily one") !=
        std::string::npos);
  CHECK(refusal_of_rule("FREQ=HOURLY;INTERVAL=2;BYHOUR=5").find("list the times in a daily") !=
        std::string::npos);
  CHECK(refusal_of_rule("FREQ=MINUTELY;INTERVAL=60;BYMINUTE=30").find("takes no BYHOUR") !=
        std::string::npos);
  CHECK(refusal_of_rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30") ==
        "it never falls: no month has the days it names");
  CHECK(refusal_of_cron("0 6 1 *").find("five fields") != std::string::npos);
  CHECK(refusal_of_cron("60 6 1 * *").find("minute field '60'") != std::string::npos);
  CHECK(refusal_of_cron("0 6 5-1 * *").find("day of month field '5-1'") != std::string::npos);
  CHECK(refusal_of_cron("0 0 31 2 *") == "it never falls: no month has the days it names");
  // Day of month or day of week: the Mondays of February fall, though its 31st does not.
  CHECK(Recurrence::cron("0 0 31 2 MON", "UTC"));
}

TEST_CASE("an occurrence's business key and the data its input templates see", "[schedule]") {
  CHECK(occurrence_key("monthly_billing", at("2026-12-01T05:00:00Z")) ==
        "monthly_billing@2026-12-01T05:00:00Z");
  const auto data = occurrence_data("monthly_billing", at("2026-12-31T23:30:00Z"), "Europe/Berlin");
  CHECK(boost::json::serialize(data) ==
        R"({"schedule":{"id":"monthly_billing"},"occurrence":{"time":"2026-12-31T23:30:00Z",)"
        R"("local":"2027-01-01T00:30:00","date":"2027-01-01","year":2027,"month":1,"day":1}})");
}
