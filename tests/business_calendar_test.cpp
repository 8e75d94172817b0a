// Business days: holidays by Land, durations in business days, counted on the wall clock of the
// definition's time zone, and waits counted from a date in the data.
#include "engine_support.hpp"

#include <ablauf/business_calendar.hpp>
#include <ablauf/duration.hpp>

using namespace ablauf;
using namespace std::chrono;
using test::Fixture;
namespace json = boost::json;

namespace {

// Every problem of a definition, each as "pointer: message", on one line apiece.
std::string problems_of(const std::string& text) {
  auto loaded = load_definition(text, "c.json");
  REQUIRE_FALSE(loaded);
  std::string out;
  for (const auto& d : loaded.error()) out += d.pointer + ": " + d.message + "\n";
  return out;
}

sys_days on(int y, unsigned m, unsigned d) {
  return sys_days(year_month_day{year(y), month(m), day(d)});
}

BusinessCalendar region(std::string_view name, std::vector<year_month_day> closed = {}) {
  auto calendar = BusinessCalendar::of_region(name, std::move(closed));
  REQUIRE(calendar);
  return *calendar;
}

std::vector<std::string> holiday_names(const BusinessCalendar& calendar, int y) {
  std::vector<std::string> out;
  for (const auto& holiday : calendar.holidays(year(y))) out.push_back(holiday.name);
  return out;
}

}  // namespace

TEST_CASE("Easter and the holidays that move with it", "[calendar]") {
  // Easter Sundays from the church's tables, including the earliest and latest dates possible.
  const std::vector<std::pair<sys_days, sys_days>> good_fridays{
      {on(2024, 3, 29), on(2024, 3, 31)}, {on(2025, 4, 18), on(2025, 4, 20)},
      {on(2026, 4, 3), on(2026, 4, 5)},   {on(2027, 3, 26), on(2027, 3, 28)},
      {on(2038, 4, 23), on(2038, 4, 25)}, {on(2285, 3, 20), on(2285, 3, 22)}};
  const auto germany = region("DE");
  for (const auto& [friday, sunday] : good_fridays) {
    const auto holidays = germany.holidays(year_month_day(sunday).year());
    const auto karfreitag =
        std::find_if(holidays.begin(), holidays.end(),
                     [](const Holiday& holiday) { return holiday.name == "Karfreitag"; });
    REQUIRE(karfreitag != holidays.end());
    CHECK(sys_days(karfreitag->day) == friday);
    CHECK_FALSE(germany.is_business_day(sunday + days(1)));  // Ostermontag
  }
  CHECK(holiday_names(germany, 2026) ==
        std::vector<std::string>{
            "Neujahr", "Karfreitag", "Ostermontag", "Tag der Arbeit", "Christi Himmelfahrt",
            "Pfingstmontag", "Tag der Deutschen Einheit", "1. Weihnachtstag", "2. Weihnachtstag"});
}

TEST_CASE("each Land has its own holidays", "[calendar]") {
  CHECK(holiday_names(region("DE-NW"), 2026) ==
        std::vector<std::string>{"Neujahr", "Karfreitag", "Ostermontag", "Tag der Arbeit",
                                 "Christi Himmelfahrt", "Pfingstmontag", "Fronleichnam",
                                 "Tag der Deutschen Einheit", "Allerheiligen", "1. Weihnachtstag",
                                 "2. Weihnachtstag"});
  // Epiphany in Bavaria, not in North Rhine-Westphalia.
  CHECK_FALSE(region("DE-BY").is_business_day(on(2026, 1, 6)));
  CHECK(region("DE-NW").is_business_day(on(2026, 1, 6)));
  // Buß- und Bettag, the Wednesday before 23 November, in Saxony only.
  CHECK_FALSE(region("DE-SN").is_business_day(on(2026, 11, 18)));
  CHECK_FALSE(region("DE-SN").is_business_day(on(2027, 11, 17)));
  CHECK(region("DE-BY").is_business_day(on(2026, 11, 18)));
  // Laws that changed: Reformation Day in the north from 2018, Women's Day in Berlin from 2019.
  CHECK(region("DE-HH").is_business_day(on(2017 + 0, 10, 30)));
  CHECK_FALSE(region("DE-HH").is_business_day(on(2018, 10, 31)));
  CHECK(region("DE-BE").is_business_day(on(2018, 3, 8)));
  CHECK_FALSE(region("DE-BE").is_business_day(on(2019, 3, 8)));
  CHECK_FALSE(region("DE-BE").is_business_day(on(2025, 5, 8)));  // once, in 2025
  CHECK(region("DE-BE").is_business_day(on(2026, 5, 8)));
  // Weekends are off everywhere, and so are the closed days a definition adds.
  CHECK_FALSE(BusinessCalendar().is_business_day(on(2026, 12, 5)));
  CHECK(BusinessCalendar().is_business_day(on(2026, 12, 25)));  // no region: weekdays only
  const auto office = region("DE-NW", {year_month_day(on(2026, 12, 24))});
  CHECK_FALSE(office.is_business_day(on(2026, 12, 24)));
  CHECK(office.is_business_day(on(2026, 12, 23)));

  auto unknown = BusinessCalendar::of_region("DE-XX");
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error(),
             Catch::Contains("'DE-XX' is not a region") && Catch::Contains("DE-NW"));
}

TEST_CASE("business days skip weekends and holidays", "[calendar]") {
  const auto germany = region("DE");
  // Maundy Thursday plus one is the Tuesday after Easter.
  CHECK(germany.add_business_days(on(2026, 4, 2), 1) == on(2026, 4, 7));
  // A Friday or a Saturday plus one is the Monday; zero stays.
  CHECK(germany.add_business_days(on(2026, 12, 4), 1) == on(2026, 12, 7));
  CHECK(germany.add_business_days(on(2026, 12, 5), 1) == on(2026, 12, 7));
  CHECK(germany.add_business_days(on(2026, 12, 5), 0) == on(2026, 12, 5));
  // Over Christmas and the new year.
  CHECK(germany.add_business_days(on(2026, 12, 23), 3) == on(2026, 12, 29));
  CHECK(region("DE-BY").add_business_days(on(2026, 1, 5), 1) == on(2026, 1, 7));
  CHECK(region("DE-NW").add_business_days(on(2026, 1, 5), 1) == on(2026, 1, 6));
  // Long walks compute each year's holidays once: 250 business days are about a year.
  CHECK(germany.add_business_days(on(2026, 1, 2), 250) > on(2026, 12, 20));
}

TEST_CASE("durations in business days", "[calendar][duration]") {
  auto ten = parse_duration(std::string_view("P10BD"));
  REQUIRE(ten);
  CHECK(ten->business_days == 10);
  CHECK(ten->is_calendar());
  CHECK(to_string(*ten) == "P10BD");
  auto with_time = parse_duration(std::string_view("P2BDT4H"));
  REQUIRE(with_time);
  CHECK(to_string(*with_time) == "P2BDT4H");
  CHECK(ten->longest() == hours(24 * 27));  // 10 × 2 + 7 days at most

  auto mixed = parse_duration(std::string_view("P1D2BD"));
  REQUIRE_FALSE(mixed);
  CHECK_THAT(mixed.error().message, Catch::Contains("cannot be combined"));
  auto lone_b = parse_duration(std::string_view("P2B"));
  REQUIRE_FALSE(lone_b);
  CHECK_THAT(lone_b.error().message, Catch::Contains("'BD'"));
  CHECK_FALSE(parse_duration(std::string_view("PT2BD")));
}

TEST_CASE("a due date in business days counts on the definition's calendar and wall clock",
          "[calendar][engine]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "t", "version": 1, "kind": "workflow",
    "title": "T", "time_zone": "Europe/Berlin", "calendar": "DE-NW",
    "steps": [{"id": "review", "type": "create_task", "title": "Prüfen", "due": "P10BD",
               "assignee": "anna", "next": "done"},
              {"id": "done", "type": "end"}]})")));
  // Friday 27 March 2026, 10:00 in Berlin (winter time). Ten business days on, past Good Friday
  // and Easter Monday, is Tuesday 14 April at 10:00 in Berlin, summer time by then: 08:00 UTC.
  f.clock.set(*parse_rfc3339("2026-03-27T09:00:00Z"));
  auto id = f.engine.start("t", json::object{});
  REQUIRE(id);
  const auto state = f.state(*id);
  REQUIRE(state.tasks.size() == 1u);
  REQUIRE(state.tasks[0].due);
  CHECK(to_rfc3339(*state.tasks[0].due) == "2026-04-14T08:00:00Z");
}

TEST_CASE("a wait counts its duration from a date in the data", "[calendar][engine][timers]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "r", "version": 1, "kind": "workflow",
    "title": "R", "time_zone": "Europe/Berlin",
    "steps": [{"id": "after_due", "type": "wait", "duration": "P7D", "from": "input.due",
               "next": "done"},
              {"id": "done", "type": "end"}]})")));
  auto dated = f.engine.start("r", json::object{{"due", "2026-12-07"}});
  auto past = f.engine.start("r", json::object{{"due", "2026-01-01"}});
  auto wrong = f.engine.start("r", json::object{{"due", "morgen"}});
  REQUIRE(dated);
  // Seven days after the due date, from its midnight in Berlin.
  REQUIRE(f.state(*dated).timers.size() == 1u);
  CHECK(to_rfc3339(f.state(*dated).timers[0].due) == "2026-12-13T23:00:00Z");
  CHECK(f.state(*past).status == InstanceStatus::completed);  // long past: fires at once
  CHECK(f.state(*wrong).status == InstanceStatus::failed);
  CHECK_THAT(f.state(*wrong).error, Catch::Contains("'from' is not a date"));
}

TEST_CASE("an event wait counts its timeout from a date in the data",
          "[calendar][engine][timers]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "r", "version": 1, "kind": "workflow",
    "title": "R", "time_zone": "Europe/Berlin",
    "steps": [{"id": "wait_for_payment", "type": "wait", "event": "paid", "timeout": "P7D",
               "from": "input.due", "on_timeout": "remind", "next": "done"},
              {"id": "remind", "type": "wait", "event": "paid", "next": "done"},
              {"id": "done", "type": "end"}]})")));
  f.clock.set(*parse_rfc3339("2026-12-01T09:00:00Z"));
  auto id = f.engine.start("r", json::object{{"due", "2026-12-07"}});
  REQUIRE(id);
  // Seven days after the due date, from its midnight in Berlin; not seven days from now.
  REQUIRE(f.state(*id).timers.size() == 1u);
  CHECK(to_rfc3339(f.state(*id).timers[0].due) == "2026-12-13T23:00:00Z");

  SECTION("the event before then ends the wait, and its timeout with it") {
    f.clock.set(*parse_rfc3339("2026-12-10T09:00:00Z"));
    REQUIRE(f.engine.signal(*id, "paid", json::object{}));
    CHECK(f.state(*id).status == InstanceStatus::completed);
    CHECK(f.state(*id).timers.empty());
  }
  SECTION("none by then: the timeout escalates") {
    f.clock.set(*parse_rfc3339("2026-12-13T22:59:59Z"));
    CHECK(f.engine.run_due() == 0u);
    f.clock.set(*parse_rfc3339("2026-12-13T23:00:00Z"));
    CHECK(f.engine.run_due() == 1u);
    const auto state = f.state(*id);
    REQUIRE(state.tokens.size() == 1u);
    CHECK(state.tokens[0].step == "remind");
  }
  SECTION("a date long past escalates at once") {
    auto late = f.engine.start("r", json::object{{"due", "2026-01-01"}});
    REQUIRE(late);
    CHECK(f.engine.run_due().has_value());
    const auto state = f.state(*late);
    REQUIRE(state.tokens.size() == 1u);
    CHECK(state.tokens[0].step == "remind");
  }
}

TEST_CASE("a definition's calendar and time zone are checked when it loads", "[calendar]") {
  const auto problems = [](const std::string& fields) {
    return problems_of(R"({"id": "c", "version": 1, "title": "C", )" + fields +
                       R"(, "steps": [{"id": "w", "type": "wait", "duration": "P2BD",
                           "from": "input.due"}]})");
  };
  CHECK_THAT(problems(R"("calendar": "DE-XY")"),
             Catch::Contains("/calendar: 'DE-XY' is not a region"));
  CHECK_THAT(problems(R"("calendar": {"region": "DE-BY", "closed": ["24.12.2026"]})"),
             Catch::Contains("/calendar/closed/0: a closed day is a date"));
  CHECK_THAT(problems(R"("time_zone": "Europe/Bonn")"),
             Catch::Contains("/time_zone: 'Europe/Bonn' is not a time zone"));
  CHECK_THAT(problems_of(R"({"id": "c", "version": 1, "title": "C",
    "steps": [{"id": "w", "type": "wait", "until": "input.due", "from": "input.due"}]})"),
             Catch::Contains("/steps/0/from: 'from' goes with 'duration'"));
  CHECK_THAT(problems_of(R"({"id": "c", "version": 1, "title": "C",
    "steps": [{"id": "w", "type": "wait", "event": "paid", "from": "input.due"}]})"),
             Catch::Contains("or with 'event' and the 'timeout' it counts from"));
  // Retries back off by exact lengths: business days are not one.
  CHECK_THAT(problems_of(R"({"id": "c", "version": 1, "title": "C",
    "steps": [{"id": "m", "type": "send_email", "to": "a@b.de", "subject": "s", "body": "b",
               "retry": {"initial_interval": "P1BD"}}]})"),
             Catch::Contains("months or business days"));
}
