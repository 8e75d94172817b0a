#include "ablauf/duration.hpp"

#include "test_support.hpp"

#include <boost/json/parse.hpp>

using namespace ablauf;
using namespace std::chrono_literals;

TEST_CASE("durations read every component in their place", "[duration]") {
  auto d = parse_duration(std::string_view("P1Y2M3DT4H5M6S"));
  REQUIRE(d);
  CHECK(d->years == 1);
  CHECK(d->months == 2);
  CHECK(d->days == 3);
  CHECK(d->time == 4h + 5min + 6s);
  CHECK(d->is_calendar());

  auto weeks = parse_duration(std::string_view("P2W"));
  REQUIRE(weeks);
  CHECK(weeks->days == 14);
  CHECK(weeks->exact() == std::chrono::hours(14 * 24));
}

TEST_CASE("P1M is a month, PT1M a minute", "[duration]") {
  CHECK(parse_duration(std::string_view("P1M"))->months == 1);
  CHECK(parse_duration(std::string_view("PT1M"))->time == 1min);
}

TEST_CASE("duration errors say what is wrong and where", "[duration]") {
  const auto error = [](std::string_view text) {
    auto d = parse_duration(text);
    REQUIRE_FALSE(d);
    return d.error();
  };
  CHECK(error("P1D2H").offset == 4);
  CHECK_THAT(error("P1D2H").message, Catch::Contains("after 'T'"));
  CHECK(error("P2D1Y").offset == 4);
  CHECK_THAT(error("P2D1Y").message, Catch::Contains("order"));
  CHECK_THAT(error("P1Y2D").message, Catch::Contains("P1Y0M2D"));
  CHECK_THAT(error("PT1H2S").message, Catch::Contains("PT1H0M2S"));
  CHECK_THAT(error("PT0.5S").message, Catch::Contains("number of seconds"));
  CHECK(error("PT0.5S").offset == 3);
  CHECK_THAT(error("P1Y2W").message, Catch::Contains("weeks cannot be combined"));
  CHECK_THAT(error("-P1D").message, Catch::Contains("negative"));
  CHECK_THAT(error("P").message, Catch::Contains("empty"));
  CHECK_THAT(error("P1YT").message, Catch::Contains("'T' must be followed"));
  CHECK(error("P99999999999D").out_of_range);
}

TEST_CASE("a duration's components may be 10^9, not more", "[duration][limits]") {
  CHECK(parse_duration(std::string_view("P1000000000D")));
  CHECK(parse_duration(std::string_view("P1000000000Y")));
  CHECK(parse_duration(std::string_view("P1000000001D")).error().out_of_range);
  CHECK(parse_duration(std::string_view("PT1000000001H")).error().out_of_range);
}

TEST_CASE("a duration may be a number of seconds", "[duration]") {
  auto whole = parse_duration(boost::json::value(90));
  REQUIRE(whole);
  CHECK(whole->time == 90s);
  auto half = parse_duration(boost::json::value(0.5));
  REQUIRE(half);
  CHECK(half->time == 500ms);
  CHECK_FALSE(parse_duration(boost::json::value(-1)));
  CHECK_FALSE(parse_duration(boost::json::value(true)));
}

TEST_CASE("durations print in canonical ISO 8601", "[duration]") {
  for (std::string_view text : {"P1Y2M3DT4H5M6S", "P14D", "PT30M", "PT0S", "P1DT12H"}) {
    auto d = parse_duration(text);
    REQUIRE(d);
    CHECK(to_string(*d) == text);
  }
  CHECK(to_string(*parse_duration(boost::json::value(1.25))) == "PT1.25S");
  CHECK(to_string(*parse_duration(std::string_view("P2W"))) == "P14D");
}

// The JSON Schema test suite's RFC 3339 duration vectors. A well-formed duration whose
// number is too large to hold counts as accepted by the grammar.
TEST_CASE("the RFC 3339 duration corpus is parsed as the grammar says", "[duration][corpus]") {
  const auto text =
      test::read_file(std::filesystem::path(ABLAUF_CORPORA_DIR) / "iso8601/duration.rfc3339.json");
  const boost::json::value corpus = boost::json::parse(text);
  std::size_t checked = 0;
  for (const auto& group : corpus.as_array()) {
    for (const auto& vector : group.at("tests").as_array()) {
      const auto& data = vector.at("data");
      if (!data.is_string()) continue;  // the schema ignores non-strings; so do durations here
      const std::string_view input = data.get_string();
      const bool valid = vector.at("valid").as_bool();
      INFO(vector.at("description").as_string().c_str() << ": \"" << input << '"');
      const auto parsed = parse_duration(input);
      CHECK((parsed.has_value() || parsed.error().out_of_range) == valid);
      ++checked;
    }
  }
  CHECK(checked >= 40);
}
