#include "ablauf/answer.hpp"

#include "ablauf/definition.hpp"
#include "ablauf/file_reference.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <limits>
#include <string>

using namespace ablauf;
namespace json = boost::json;
using Catch::Contains;

namespace {

LocalizedText text_in(std::string de, std::string en) {
  LocalizedText text;
  text.add("de", std::move(de));
  text.add("en", std::move(en));
  return text;
}

ItemDefinition item_of(ItemKind kind, std::string id, LocalizedText label) {
  ItemDefinition item;
  item.id = std::move(id);
  item.label = std::move(label);
  item.kind = kind;
  return item;
}

ItemDefinition text_item() {
  return item_of(ItemKind::text, "iban", LocalizedText("IBAN"));
}

ItemDefinition number_item() {
  return item_of(ItemKind::number, "amount", text_in("Betrag", "Amount"));
}

ItemDefinition colour_item(ItemKind kind) {
  auto item = item_of(kind, "colour", text_in("Farbe", "Colour"));
  for (const char* value : {"red", "green", "blue"}) {
    ChoiceOption option;
    option.value = value;
    option.label = LocalizedText(std::string(value) + " label");
    item.options.push_back(std::move(option));
  }
  return item;
}

// The answer check_answer() accepts, in canonical form; fails the test if it refuses.
json::value accepted(const ItemDefinition& item, const json::value& value) {
  auto checked = check_answer(item, value);
  INFO(json::serialize(value));
  if (!checked) FAIL(checked.error().message);
  return std::move(*checked);
}

// The message check_answer() refuses an answer with; fails the test if it accepts it.
std::string refused(const ItemDefinition& item, const json::value& value,
                    std::string_view language = {}) {
  auto checked = check_answer(item, value, language);
  INFO(json::serialize(value));
  if (checked) FAIL("accepted as " + json::serialize(*checked));
  return checked ? std::string() : checked.error().message;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// checkbox

TEST_CASE("an optional checkbox takes true and false", "[answer]") {
  auto item = item_of(ItemKind::checkbox, "tyres", text_in("Reifen geprüft", "Tyres"));
  item.required = false;
  CHECK(accepted(item, true) == json::value(true));
  CHECK(accepted(item, false) == json::value(false));
}

TEST_CASE("a required checkbox takes only true, and names itself when refusing false",
          "[answer][regression]") {
  // false was recorded as an answer that could never complete the step: the instance waited
  // for an item it had an answer to.
  const auto item = item_of(ItemKind::checkbox, "tyres", text_in("Reifen geprüft", "Tyres"));
  CHECK(accepted(item, true) == json::value(true));
  CHECK(refused(item, false, "de") ==
        "Reifen geprüft: is required and must be ticked (true), not false (item 'tyres')");
  const auto unlabelled = item_of(ItemKind::checkbox, "tyres", LocalizedText());
  CHECK(refused(unlabelled, false) == "tyres: is required and must be ticked (true), not false");
}

TEST_CASE("a checkbox refuses anything but a boolean", "[answer]") {
  const auto item = item_of(ItemKind::checkbox, "tyres", text_in("Reifen geprüft", "Tyres"));
  CHECK(refused(item, "true", "de") == "Reifen geprüft: expected true or false, not a string");
  CHECK(refused(item, 1, "en") == "Tyres: expected true or false, not a number");
  CHECK(refused(item, nullptr, "en") == "Tyres: expected true or false, not null");
  CHECK(refused(item, json::array{true}, "en") == "Tyres: expected true or false, not an array");
}

// ---------------------------------------------------------------------------------------------
// text

TEST_CASE("a text takes any string, the empty one too, as given", "[answer]") {
  const auto item = text_item();
  CHECK(accepted(item, "") == json::value(""));
  CHECK(accepted(item, "  padded  ") == json::value("  padded  "));
  CHECK(accepted(item, "zwei\nZeilen") == json::value("zwei\nZeilen"));
}

TEST_CASE("a text's min and max count code points, inclusive", "[answer]") {
  auto item = text_item();
  item.min = 5;
  item.max = 6;
  CHECK(accepted(item, "Grüße") == json::value("Grüße"));  // 5 code points, 7 bytes
  CHECK(accepted(item, "Grüßen") == json::value("Grüßen"));
  CHECK(refused(item, "Grüß") == "IBAN: has 4 characters, fewer than the minimum of 5");
  CHECK(refused(item, "Grüßend") == "IBAN: has 7 characters, more than the maximum of 6");
  CHECK(refused(item, "") == "IBAN: has 0 characters, fewer than the minimum of 5");

  item.min = 1;
  item.max = 1;
  CHECK(accepted(item, "ß") == json::value("ß"));
  CHECK(accepted(item, "😀") == json::value("😀"));  // 4 bytes
  CHECK(refused(item, "") == "IBAN: has 0 characters, fewer than the minimum of 1");
  CHECK(refused(item, "ab") == "IBAN: has 2 characters, more than the maximum of 1");
}

TEST_CASE("a text's pattern must match the whole answer", "[answer]") {
  auto item = text_item();
  item.pattern = "DE[0-9]+";
  CHECK(accepted(item, "DE12") == json::value("DE12"));
  CHECK(refused(item, "xDE12") == "IBAN: does not match the required pattern");
  CHECK(refused(item, "DE12x") == "IBAN: does not match the required pattern");
  CHECK(refused(item, "DE") == "IBAN: does not match the required pattern");

  SECTION("an alternation is matched as a whole too") {
    item.pattern = "ja|nein";
    CHECK(accepted(item, "nein") == json::value("nein"));
    CHECK(refused(item, "jain") == "IBAN: does not match the required pattern");
  }
  SECTION("anchors are allowed and change nothing") {
    item.pattern = "^DE[0-9]{2}$";
    CHECK(accepted(item, "DE12") == json::value("DE12"));
    CHECK(refused(item, "DE12\nDE34") == "IBAN: does not match the required pattern");
  }
  SECTION("'.' does not match a line break, as in JavaScript") {
    item.pattern = ".*";
    CHECK(accepted(item, "eine Zeile") == json::value("eine Zeile"));
    CHECK(refused(item, "zwei\nZeilen") == "IBAN: does not match the required pattern");
  }
  SECTION("the pattern and the answer are matched character by character, not byte by byte") {
    item.pattern = "[a-zäöüß]{5}";
    CHECK(accepted(item, "grüße") == json::value("grüße"));
    CHECK(refused(item, "grüßen") == "IBAN: does not match the required pattern");
    item.pattern = "Gr.ße";
    CHECK(accepted(item, "Grüße") == json::value("Grüße"));
    item.pattern = "[^ä]+";
    CHECK(accepted(item, "öü") == json::value("öü"));
    CHECK(refused(item, "öäü") == "IBAN: does not match the required pattern");
  }
  SECTION("\\w is ASCII only, as in JavaScript") {
    item.pattern = "\\w+";
    CHECK(accepted(item, "abc_1") == json::value("abc_1"));
    CHECK(refused(item, "Größe") == "IBAN: does not match the required pattern");
  }
  SECTION("the length is checked before the pattern") {
    item.max = 4;
    CHECK(refused(item, "DE123") == "IBAN: has 5 characters, more than the maximum of 4");
  }
}

TEST_CASE("a pattern that backtracks without end refuses the answer instead of hanging",
          "[answer]") {
  auto item = text_item();
  item.pattern = "(a+)+b";
  CHECK(accepted(item, "aaab") == json::value("aaab"));
  // Unbounded, matching this takes 2^n steps.
  for (std::size_t length : {30u, 1'000u, 20'000u}) {
    INFO(length);
    CHECK(refused(item, json::string(length, 'a')) ==
          "IBAN: could not be checked against the required pattern: the check takes too long");
  }
  // The bound is on work, not on length: a long answer to a pattern that scans it once passes.
  item.pattern = "[a-z]*";
  CHECK(accepted(item, json::string(100'000, 'a')).get_string().size() == 100'000);
  item.pattern = "(x+x+)+y";
  CHECK_THAT(refused(item, json::string(5'000, 'x')), Contains("takes too long"));
}

TEST_CASE("a text item's faults built in code refuse the answer, not throw", "[answer]") {
  auto item = text_item();
  SECTION("a pattern that does not compile (the loader rejects it in a document)") {
    item.pattern = "DE[0-9";
    CHECK_THAT(refused(item, "DE12"),
               Contains("IBAN: the required pattern is not a valid regular expression"));
  }
  SECTION("an answer that is not UTF-8, matched against a pattern") {
    item.pattern = ".*";
    CHECK(refused(item, "Gr\xC3") == "IBAN: the text is not valid UTF-8");
    CHECK(refused(item, "\xBC") == "IBAN: the text is not valid UTF-8");
  }
}

TEST_CASE("a text refuses anything but a string", "[answer]") {
  const auto item = text_item();
  CHECK(refused(item, 12) == "IBAN: expected text, not a number");
  CHECK(refused(item, false) == "IBAN: expected text, not a boolean");
  CHECK(refused(item, json::object{}) == "IBAN: expected text, not an object");
}

// ---------------------------------------------------------------------------------------------
// number

TEST_CASE("a number is returned as given", "[answer]") {
  const auto item = number_item();
  const auto integer = accepted(item, 12);
  CHECK(integer.is_int64());
  CHECK(integer == json::value(12));
  const auto fraction = accepted(item, 12.5);
  CHECK(fraction.is_double());
  CHECK(fraction == json::value(12.5));
  CHECK(accepted(item, -0.25) == json::value(-0.25));
  CHECK(accepted(item, std::uint64_t{18'446'744'073'709'551'615u}).is_uint64());
}

TEST_CASE("a number's min and max are inclusive", "[answer]") {
  auto item = number_item();
  item.min = 100;
  item.max = 1000.5;
  CHECK(accepted(item, 100) == json::value(100));
  CHECK(accepted(item, 100.0) == json::value(100.0));
  CHECK(accepted(item, 1000.5) == json::value(1000.5));
  CHECK(refused(item, 12, "de") == "Betrag: 12 is below the minimum of 100");
  CHECK(refused(item, 99.99, "en") == "Amount: 99.99 is below the minimum of 100");
  CHECK(refused(item, 1001, "en") == "Amount: 1001 is above the maximum of 1000.5");
  CHECK(refused(item, std::uint64_t{1} << 63, "en") ==
        "Amount: 9223372036854775808 is above the maximum of 1000.5");

  item.min = -1.5;
  item.max = std::nullopt;
  CHECK(accepted(item, -1) == json::value(-1));
  CHECK(accepted(item, -1.5) == json::value(-1.5));
  CHECK(refused(item, -2, "de") == "Betrag: -2 is below the minimum of -1.5");
}

TEST_CASE("a number's bounds are compared exactly, not after rounding to a double", "[answer]") {
  auto item = number_item();
  item.max = 9007199254740992.0;  // 2^53
  CHECK(accepted(item, std::int64_t{9007199254740992}) == json::value(9007199254740992));
  // As a double, 2^53 + 1 rounds onto 2^53.
  CHECK_THAT(refused(item, std::int64_t{9007199254740993}),
             Contains("9007199254740993 is above the maximum"));
  item.max = std::nullopt;
  item.min = -9223372036854775808.0;  // -2^63
  CHECK(accepted(item, std::numeric_limits<std::int64_t>::min()).is_int64());
  item.min = 0.5;
  CHECK(refused(item, std::uint64_t{0}, "en") == "Amount: 0 is below the minimum of 0.5");
  CHECK(accepted(item, std::uint64_t{1}) == json::value(1u));
}

TEST_CASE("a number's unit is shown beside the answer and the bound", "[answer]") {
  auto item = number_item();
  item.unit = text_in("Tage", "days");
  item.max = 30;
  CHECK(refused(item, 31, "de") == "Betrag: 31 Tage is above the maximum of 30 Tage");
  CHECK(refused(item, 31, "en") == "Amount: 31 days is above the maximum of 30 days");
}

TEST_CASE("a number refuses strings of digits and what is not a finite number", "[answer]") {
  const auto item = number_item();
  // The CLI converts typed input before it calls answer().
  CHECK(refused(item, "12.5", "de") == "Betrag: expected a number, not a string");
  CHECK(refused(item, true, "en") == "Amount: expected a number, not a boolean");
  CHECK(refused(item, nullptr, "en") == "Amount: expected a number, not null");
  CHECK(refused(item, std::numeric_limits<double>::quiet_NaN(), "en") ==
        "Amount: expected a number, not NaN");
  CHECK(refused(item, -std::numeric_limits<double>::infinity(), "en") ==
        "Amount: expected a number, not -Infinity");
}

// ---------------------------------------------------------------------------------------------
// date

TEST_CASE("a date takes an RFC 3339 full-date of a day that exists", "[answer]") {
  const auto item = item_of(ItemKind::date, "due", text_in("Fällig am", "Due"));
  CHECK(accepted(item, "2026-11-23") == json::value("2026-11-23"));
  CHECK(accepted(item, "2024-02-29") == json::value("2024-02-29"));
  CHECK(accepted(item, "0001-01-01") == json::value("0001-01-01"));
  CHECK(accepted(item, "9999-12-31") == json::value("9999-12-31"));
}

TEST_CASE("a date refuses days that do not exist, other forms and date-times", "[answer]") {
  const auto item = item_of(ItemKind::date, "due", text_in("Fällig am", "Due"));
  CHECK(refused(item, "2026-02-30", "de") ==
        "Fällig am: '2026-02-30' is not a date like 2026-11-23: February 2026 has 28 days");
  CHECK(refused(item, "2025-02-29", "en") ==
        "Due: '2025-02-29' is not a date like 2026-11-23: February 2025 has 28 days");
  CHECK(refused(item, "2026-13-01", "en") ==
        "Due: '2026-13-01' is not a date like 2026-11-23: month 13 does not exist");
  CHECK_THAT(refused(item, "23.11.2026", "en"),
             Contains("Due: '23.11.2026' is not a date like 2026-11-23"));
  CHECK_THAT(refused(item, "2026-1-23", "en"),
             Contains("Due: '2026-1-23' is not a date like 2026-11-23"));
  CHECK(refused(item, "", "en") ==
        "Due: '' is not a date like 2026-11-23: expected a date as YYYY-MM-DD, such as "
        "2026-11-23");
  CHECK(refused(item, "2026-11-23 ", "en") ==
        "Due: '2026-11-23 ' is not a date like 2026-11-23: unexpected text after the date");
  CHECK(refused(item, "2026-11-23T10:15:00Z", "en") ==
        "Due: '2026-11-23T10:15:00Z' is a date and time; expected a date like 2026-11-23 "
        "without a time");
  CHECK(refused(item, "2026-11-23T10:15", "en") ==
        "Due: '2026-11-23T10:15' is not a date like 2026-11-23: unexpected text after the "
        "date");
}

TEST_CASE("a date refuses anything but a string", "[answer]") {
  const auto item = item_of(ItemKind::date, "due", text_in("Fällig am", "Due"));
  CHECK(refused(item, 20261123, "de") ==
        "Fällig am: expected a date like 2026-11-23, not a number");
  CHECK(refused(item, json::object{{"year", 2026}}, "en") ==
        "Due: expected a date like 2026-11-23, not an object");
}

// ---------------------------------------------------------------------------------------------
// choice

TEST_CASE("a choice takes the value of an option", "[answer]") {
  const auto item = colour_item(ItemKind::choice);
  CHECK(accepted(item, "red") == json::value("red"));
  CHECK(accepted(item, "blue") == json::value("blue"));
}

TEST_CASE("a choice refuses what is not an option's value, listing the values", "[answer]") {
  const auto item = colour_item(ItemKind::choice);
  CHECK(refused(item, "gren", "de") ==
        "Farbe: 'gren' is not one of red, green, blue; did you mean 'green'?");
  CHECK(refused(item, "purple", "en") == "Colour: 'purple' is not one of red, green, blue");
  // The label is what people see; the value is what is recorded.
  CHECK(refused(item, "red label", "en") == "Colour: 'red label' is not one of red, green, blue");
  CHECK(refused(item, "Red", "en") ==
        "Colour: 'Red' is not one of red, green, blue; did you mean 'red'?");
  CHECK(refused(item, "", "en") == "Colour: '' is not one of red, green, blue");
  CHECK(refused(item, 1, "en") == "Colour: expected one of red, green, blue, not a number");
  CHECK(refused(item, json::array{"red"}, "en") ==
        "Colour: expected one of red, green, blue, not an array");
}

TEST_CASE("a refusal quotes a long answer shortened and lists many options shortened", "[answer]") {
  auto item = item_of(ItemKind::choice, "country", LocalizedText("Land"));
  for (int i = 1; i <= 25; ++i) item.options.push_back({"c" + std::to_string(i), {}});
  CHECK(refused(item, json::string(std::string(39, 'x') + "äöü")) ==
        "Land: '" + std::string(39, 'x') +
            "ä…' is not one of c1, c2, c3, c4, c5, c6, c7, c8, "
            "c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20 and 5 more");
}

// ---------------------------------------------------------------------------------------------
// time and datetime

TEST_CASE("a time takes a time of day on a 24-hour clock, seconds only when not zero", "[answer]") {
  const auto item = item_of(ItemKind::time, "read_at", text_in("Abgelesen um", "Read at"));
  CHECK(accepted(item, "14:05") == json::value("14:05"));
  CHECK(accepted(item, "00:00") == json::value("00:00"));
  CHECK(accepted(item, "23:59:59") == json::value("23:59:59"));
  CHECK(accepted(item, "07:30:00") == json::value("07:30"));
  for (const char* wrong : {"24:00", "7:30", "14:60", "14:05:60", "14:05Z", "1405", ""})
    CHECK(refused(item, wrong, "en") ==
          "Read at: '" + std::string(wrong) + "' is not a time like 14:05");
  CHECK(refused(item, 1405, "en") == "Read at: expected a time like 14:05, not a number");
}

TEST_CASE("a datetime takes an instant with its UTC offset and keeps the offset", "[answer]") {
  const auto item = item_of(ItemKind::datetime, "seen", text_in("Gesehen", "Seen"));
  CHECK(accepted(item, "2026-12-07T14:05:00+01:00") == json::value("2026-12-07T14:05:00+01:00"));
  CHECK(accepted(item, "2026-12-07t13:05:00z") == json::value("2026-12-07T13:05:00Z"));
  CHECK(accepted(item, "2026-12-07T14:05:00.250-05:00") ==
        json::value("2026-12-07T14:05:00.250-05:00"));
  CHECK(refused(item, "2026-12-07", "en") ==
        "Seen: '2026-12-07' is not a date and time like 2026-12-07T14:05:00+01:00");
  CHECK(refused(item, "2026-12-07T14:05:00", "en") ==
        "Seen: '2026-12-07T14:05:00' is not a date and time like 2026-12-07T14:05:00+01:00");
  CHECK(refused(item, "2026-02-30T14:05:00Z", "en") ==
        "Seen: '2026-02-30T14:05:00Z' is not a date and time like 2026-12-07T14:05:00+01:00");
}

TEST_CASE("a rating takes a whole number on its scale", "[answer]") {
  auto item = item_of(ItemKind::rating, "tone", text_in("Ton", "Tone"));
  item.min = 1;
  item.max = 5;
  CHECK(accepted(item, 1) == json::value(1));
  CHECK(accepted(item, 5.0) == json::value(5));  // kept whole
  CHECK(refused(item, 0, "en") == "Tone: 0 is not on the scale of 1 to 5");
  CHECK(refused(item, 2.5, "en") == "Tone: 2.5 is not on the scale of 1 to 5");
  CHECK(refused(item, "3", "en") == "Tone: expected a whole number from 1 to 5, not a string");
  CHECK(check_answer(item, 6, "de", "de", "de").error().message ==
        "Ton: 6 liegt nicht auf der Skala von 1 bis 5");
}

TEST_CASE("a location takes latitude and longitude in degrees, and an accuracy in metres",
          "[answer]") {
  const auto item = item_of(ItemKind::location, "at", text_in("Standort", "Position"));
  CHECK(accepted(item, json::object{{"longitude", 13.405}, {"latitude", 52.52}}) ==
        json::value(json::object{{"latitude", 52.52}, {"longitude", 13.405}}));
  CHECK(accepted(item, json::object{{"latitude", -90}, {"longitude", 180}, {"accuracy", 0}})
            .as_object()
            .size() == 3);
  CHECK(refused(item, json::object{{"latitude", 91}, {"longitude", 0}}, "en") ==
        "Position: 'latitude' must lie from -90 to 90, not 91");
  CHECK(refused(item, json::object{{"latitude", 52.5}}, "en") ==
        "Position: 'longitude' must be a number");
  CHECK(refused(item, json::object{{"latitude", 1}, {"longitude", 2}, {"accuracy", -1}}, "en") ==
        "Position: 'accuracy' must lie from 0 to 40000000, not -1");
  CHECK(refused(item, json::object{{"lat", 1}, {"longitude", 2}}, "en") ==
        "Position: has an unknown member 'lat': expected a place as {\"latitude\", "
        "\"longitude\", \"accuracy\"}");
  CHECK(refused(item, "52.5, 13.4", "en") ==
        "Position: expected a place as {\"latitude\", \"longitude\", \"accuracy\"}, not a "
        "string");
  CHECK(check_answer(item, json::object{{"latitude", 100.5}, {"longitude", 0}}, "de", "de", "de")
            .error()
            .message == "Standort: 'latitude' muss liegen zwischen -90 und 90, nicht 100,5");
}

// ---------------------------------------------------------------------------------------------
// file and photo

TEST_CASE("a file item takes references to kept files, checked against its media types and size",
          "[answer][files]") {
  auto item = item_of(ItemKind::photo, "meter", text_in("Zählerfoto", "Meter photo"));
  item.media_types = {"image/jpeg", "image/png"};
  item.max_files = 2;
  item.max_bytes = 1'500'000;
  const std::string hash(64, 'a'), other(64, 'b');
  const auto file = [](const std::string& sha256, const char* name, const char* type,
                       std::uint64_t size) {
    return json::object{{"size", size}, {"name", name}, {"media_type", type}, {"sha256", sha256}};
  };
  // One file alone is the list of one; members are written in one order.
  CHECK(json::serialize(accepted(item, file(hash, "a.jpg", "image/jpeg", 10))) ==
        R"([{"sha256":")" + hash + R"(","name":"a.jpg","media_type":"image/jpeg","size":10}])");
  auto with_time = file(hash, "a.jpg", "image/jpeg", 10);
  with_time["taken_at"] = "2026-12-07T10:15:00+01:00";
  CHECK(accepted(item, json::array{with_time, file(other, "b.png", "image/png", 1'500'000)})
            .as_array()
            .size() == 2);
  CHECK(refused(item, json::array{file(hash, "a.pdf", "application/pdf", 10)}, "en") ==
        "Meter photo: 'a.pdf' is application/pdf, which this item does not take; it takes "
        "image/jpeg, image/png");
  CHECK(refused(item, json::array{file(hash, "a.jpg", "image/jpeg", 1'500'001)}, "en") ==
        "Meter photo: 'a.jpg' has 1.5 MB, more than the 1.5 MB this item takes");
  CHECK(check_answer(item, json::array{file(hash, "a.jpg", "image/jpeg", 2'345'678)}, "de", "de",
                     "de")
            .error()
            .message ==
        "Zählerfoto: 'a.jpg' hat 2,3 MB, mehr als die 1,5 MB, die dieser Punkt "
        "annimmt");
  CHECK(refused(
            item,
            json::array{file(hash, "a.jpg", "image/jpeg", 1), file(other, "b.jpg", "image/jpeg", 1),
                        file(std::string(64, 'c'), "c.jpg", "image/jpeg", 1)},
            "en") == "Meter photo: 3 files are given, more than the 2 this item takes");
  CHECK(refused(
            item,
            json::array{file(hash, "a.jpg", "image/jpeg", 1), file(hash, "b.jpg", "image/jpeg", 1)},
            "en") == "Meter photo: 'b.jpg' is given twice");
  CHECK(refused(item, json::array{}, "en") ==
        "Meter photo: no file is given; leave the item unanswered instead");
  CHECK_THAT(refused(item, json::array{file("A3", "a.jpg", "image/jpeg", 1)}, "en"),
             Contains("64 lowercase hex digits"));
  for (const char* name : {"", "../x.jpg", "a/b.jpg", "a\\b.jpg", "a\nb.jpg", ".."})
    CHECK_THAT(refused(item, json::array{file(hash, name, "image/jpeg", 1)}, "en"),
               Contains("without folders"));
  CHECK_THAT(refused(item, json::array{file(hash, "a.jpg", "Image/JPEG", 1)}, "en"),
             Contains("must be a media type"));
  auto extra = file(hash, "a.jpg", "image/jpeg", 1);
  extra["path"] = "/etc/passwd";
  CHECK_THAT(refused(item, json::array{extra}, "en"), Contains("a file has no member 'path'"));
  auto late = file(hash, "a.jpg", "image/jpeg", 1);
  late["taken_at"] = "2026-12-07";
  CHECK_THAT(refused(item, json::array{late}, "en"), Contains("with its offset"));
  CHECK_THAT(refused(item, "a.jpg", "en"), Contains("expected a list of files, not a string"));
  // "image/*" takes any image; no list takes anything.
  item.media_types = {"image/*"};
  CHECK(accepted(item, file(hash, "a.heic", "image/heic", 1)).is_array());
  item.media_types.clear();
  CHECK(accepted(item, file(hash, "a.bin", "application/octet-stream", 1)).is_array());
}

TEST_CASE("a file's content shows its media type by its first bytes", "[answer][files]") {
  CHECK(sniff_media_type("\xFF\xD8\xFF\xE0rest") == "image/jpeg");
  CHECK(sniff_media_type("\x89PNG\r\n\x1A\nrest") == "image/png");
  CHECK(sniff_media_type("GIF89a") == "image/gif");
  CHECK(sniff_media_type(std::string("RIFF\x10\0\0\0", 8) + "WEBPVP8 ") == "image/webp");
  CHECK(sniff_media_type(std::string("\0\0\0\x18", 4) + "ftypheic") == "image/heic");
  CHECK(sniff_media_type("%PDF-1.7") == "application/pdf");
  CHECK(sniff_media_type("Hallo").empty());
  CHECK(sniff_media_type("").empty());
  CHECK(sniff_media_type("\xFF\xD8").empty());  // cut short
}

// ---------------------------------------------------------------------------------------------
// group

namespace {

// Invoice lines: a text, a quantity of at least 1, a price in EUR, an optional note.
ItemDefinition invoice_lines() {
  auto group = item_of(ItemKind::group, "lines", text_in("Rechnungspositionen", "Invoice lines"));
  group.repeat = true;
  group.min_rows = 1;
  group.max_rows = 3;
  group.items.push_back(item_of(ItemKind::text, "description", text_in("Leistung", "Service")));
  auto quantity = item_of(ItemKind::number, "quantity", text_in("Menge", "Quantity"));
  quantity.min = 1;
  group.items.push_back(quantity);
  auto price = item_of(ItemKind::number, "price", text_in("Preis", "Price"));
  price.unit = LocalizedText("EUR");
  group.items.push_back(price);
  auto note = item_of(ItemKind::text, "note", text_in("Notiz", "Note"));
  note.required = false;
  group.items.push_back(note);
  return group;
}

json::object line(std::string_view description, double quantity, double price) {
  return json::object{{"price", price}, {"quantity", quantity}, {"description", description}};
}

}  // namespace

TEST_CASE("a repeating group takes rows, each checked as its items check their answers",
          "[answer][group]") {
  const auto group = invoice_lines();
  // Members in the items' order, optional ones left out.
  CHECK(json::serialize(accepted(group, json::array{line("Strom", 2, 35.5)})) ==
        R"([{"description":"Strom","quantity":2E0,"price":3.55E1}])");
  CHECK(accepted(group, json::array{line("a", 1, 1), line("b", 2, 2), line("c", 3, 3)})
            .as_array()
            .size() == 3);
  CHECK(refused(group, json::array{}, "en") ==
        "Invoice lines: has 0 rows, fewer than the 1 it needs");
  CHECK(refused(group,
                json::array{line("a", 1, 1), line("b", 1, 1), line("c", 1, 1), line("d", 1, 1)},
                "en") == "Invoice lines: has 4 rows, more than the 3 it takes");
  CHECK(refused(group, json::array{line("a", 1, 1), line("b", 0, 1)}, "en") ==
        "Invoice lines: row 2, Quantity: 0 is below the minimum of 1");
  auto missing = line("a", 1, 1);
  missing.erase("price");
  CHECK(refused(group, json::array{missing}, "en") ==
        "Invoice lines: row 1, 'Price' is required and missing");
  auto extra = line("a", 1, 1);
  extra["quantty"] = 3;
  CHECK(refused(group, json::array{extra}, "en") ==
        "Invoice lines: row 1, has no item 'quantty'; did you mean 'quantity'?");
  CHECK(refused(group, json::array{json::object{}}, "en") ==
        "Invoice lines: row 1, 'Service' is required and missing");
  auto notes = invoice_lines();
  notes.items = {notes.items.back()};  // the optional note alone
  CHECK(refused(notes, json::array{json::object{{"note", nullptr}}}, "en") ==
        "Invoice lines: row 1, is empty: answer at least one of its items");
  CHECK(refused(group, json::array{"Strom"}, "en") ==
        "Invoice lines: row 1, expected an object of the group's answers by item id, not a string");
  CHECK(refused(group, line("a", 1, 1), "en") ==
        "Invoice lines: expected a list of rows, not an object");
  CHECK(check_answer(group, json::array{line("a", 1, 1), line("b", 1, -2)}, "de", "de", "de")
            .has_value());
  CHECK(check_answer(group, json::array{line("a", 0.5, 1)}, "de", "de", "de").error().message ==
        "Rechnungspositionen: Zeile 1, Menge: 0,5 liegt unter dem Mindestwert von 1");
}

TEST_CASE("a group that does not repeat takes one object of its items' answers",
          "[answer][group]") {
  auto group = invoice_lines();
  group.repeat = false;
  CHECK(accepted(group, line("Strom", 1, 2)).is_object());
  CHECK(refused(group, json::array{line("Strom", 1, 2)}, "en") ==
        "Invoice lines: expected an object of the group's answers by item id, not an array");
  // Nothing deeper than a row is ever checked: a group a host put inside a group is refused.
  auto nested = invoice_lines();
  nested.items.push_back(invoice_lines());
  auto row = line("a", 1, 1);
  row["lines"] = json::array{line("b", 1, 1)};
  CHECK_THAT(refused(nested, json::array{row}, "en"), Contains("a group inside a group"));
}

// ---------------------------------------------------------------------------------------------
// not applicable

TEST_CASE("'not applicable' answers an item that allows it, whatever its kind", "[answer]") {
  for (const auto kind : {ItemKind::checkbox, ItemKind::text, ItemKind::number, ItemKind::date,
                          ItemKind::time, ItemKind::datetime, ItemKind::rating, ItemKind::location,
                          ItemKind::choice, ItemKind::multi_choice}) {
    auto item = colour_item(kind);
    INFO(to_string(kind));
    CHECK(refused(item, not_applicable_answer(), "en") ==
          "Colour: cannot be answered 'not applicable': its definition does not allow it "
          "(\"not_applicable\": true)");
    item.not_applicable = true;
    CHECK(accepted(item, not_applicable_answer()) == not_applicable_answer());
    CHECK(is_not_applicable(accepted(item, json::object{{"not_applicable", true}})));
  }
  CHECK_FALSE(is_not_applicable(json::object{{"not_applicable", false}}));
  CHECK_FALSE(is_not_applicable(json::object{{"not_applicable", true}, {"why", "x"}}));
  CHECK_FALSE(is_not_applicable("n/a"));
}

// ---------------------------------------------------------------------------------------------
// multi_choice

TEST_CASE("a multi_choice returns the chosen values in the order of the options", "[answer]") {
  const auto item = colour_item(ItemKind::multi_choice);
  const json::value canonical = json::array{"red", "blue"};
  CHECK(accepted(item, json::array{"blue", "red"}) == canonical);
  CHECK(accepted(item, json::array{"red", "blue"}) == canonical);
  CHECK(accepted(item, json::array{"blue", "green", "red"}) ==
        json::value(json::array{"red", "green", "blue"}));
  CHECK(accepted(item, json::array{}) == json::value(json::array{}));
}

TEST_CASE("a multi_choice refuses unknown values, repeats and other types", "[answer]") {
  const auto item = colour_item(ItemKind::multi_choice);
  CHECK(refused(item, json::array{"red", "red"}, "de") == "Farbe: 'red' is chosen twice");
  CHECK(refused(item, json::array{"red", "bleu"}, "de") ==
        "Farbe: 'bleu' is not one of red, green, blue; did you mean 'blue'?");
  CHECK(refused(item, json::array{"red", 2}, "en") ==
        "Colour: expected a list of red, green, blue, not a list holding a number");
  CHECK(refused(item, "red", "en") == "Colour: expected a list of red, green, blue, not a string");
  CHECK(refused(item, json::object{{"red", true}}, "en") ==
        "Colour: expected a list of red, green, blue, not an object");
}

TEST_CASE("a multi_choice's min and max count the options chosen, inclusive", "[answer]") {
  auto item = colour_item(ItemKind::multi_choice);
  item.min = 1;
  item.max = 2;
  CHECK(accepted(item, json::array{"green"}) == json::value(json::array{"green"}));
  CHECK(accepted(item, json::array{"blue", "green"}) == json::value(json::array{"green", "blue"}));
  CHECK(refused(item, json::array{}, "en") ==
        "Colour: 0 options are chosen, fewer than the minimum of 1");
  CHECK(refused(item, json::array{"red", "green", "blue"}, "de") ==
        "Farbe: 3 options are chosen, more than the maximum of 2");
  item.min = 2;
  CHECK(refused(item, json::array{"red"}, "en") ==
        "Colour: 1 option is chosen, fewer than the minimum of 2");
}

// ---------------------------------------------------------------------------------------------
// signature and labels

TEST_CASE("a signature is never an answer", "[answer]") {
  const auto item = item_of(ItemKind::signature, "inspector", text_in("Prüfer", "Inspector"));
  CHECK(refused(item, true, "de") == "Prüfer: a signature is given with sign(), not as an answer");
  CHECK(refused(item, "Anna", "en") ==
        "Inspector: a signature is given with sign(), not as an answer");
}

TEST_CASE("a message quotes the label in the language asked for, else the first, else the id",
          "[answer]") {
  auto item = number_item();
  CHECK(refused(item, "x", "de") == "Betrag: expected a number, not a string");
  CHECK(refused(item, "x", "en") == "Amount: expected a number, not a string");
  CHECK(refused(item, "x", "fr") == "Betrag: expected a number, not a string");
  CHECK(refused(item, "x") == "Betrag: expected a number, not a string");
  item.label = LocalizedText("Summe");
  CHECK(refused(item, "x", "en") == "Summe: expected a number, not a string");
  item.label = LocalizedText();
  CHECK(refused(item, "x", "en") == "amount: expected a number, not a string");
}

TEST_CASE("a message is worded in German when asked, numbers with a decimal comma", "[answer]") {
  const auto german = [](const ItemDefinition& item, const json::value& value) {
    auto checked = check_answer(item, value, "de", "de", "de");
    return checked ? std::string() : checked.error().message;
  };
  auto amount = number_item();
  amount.unit = text_in("Tage", "days");
  amount.min = 0.5;
  amount.max = 30;
  CHECK(german(amount, -250) == "Betrag: -250 Tage liegt unter dem Mindestwert von 0,5 Tage");
  CHECK(german(amount, 30.25) == "Betrag: 30,25 Tage liegt über dem Höchstwert von 30 Tage");
  CHECK(german(amount, "12") == "Betrag: erwartet: eine Zahl, nicht ein Text");

  const auto box = item_of(ItemKind::checkbox, "tyres", text_in("Reifen geprüft", "Tyres"));
  CHECK(german(box, false) ==
        "Reifen geprüft: ist Pflicht und muss angekreuzt sein (item 'tyres')");

  auto iban = text_item();
  iban.min = 5;
  iban.pattern = "[A-Z]{2}[0-9]{2}.*";
  CHECK(german(iban, "DE1") == "IBAN: hat 3 Zeichen, weniger als mindestens 5");
  CHECK(german(iban, "de123") == "IBAN: entspricht nicht dem vorgegebenen Muster");

  const auto due = item_of(ItemKind::date, "due", text_in("Fällig am", "Due"));
  CHECK(german(due, "2026-02-30") == "Fällig am: '2026-02-30' ist nicht ein Datum wie 2026-11-23");
  CHECK(german(due, "2026-02-03T10:00:00Z") ==
        "Fällig am: '2026-02-03T10:00:00Z' ist ein Datum mit Uhrzeit; erwartet: ein Datum wie "
        "2026-11-23 ohne Uhrzeit");

  auto colour = colour_item(ItemKind::multi_choice);
  colour.max = 1;
  CHECK(german(colour, json::array{"bleu"}) ==
        "Farbe: 'bleu' ist keine der Möglichkeiten red, green, blue");
  CHECK(german(colour, json::array{"red", "red"}) == "Farbe: 'red' ist doppelt gewählt");
  CHECK(german(colour, json::array{"red", "blue"}) ==
        "Farbe: 2 Möglichkeiten sind gewählt, mehr als höchstens 1");

  // Another language than German, or none, keeps the English words.
  CHECK(check_answer(amount, -250, "de", "de", "fr").error().message ==
        "Betrag: -250 Tage is below the minimum of 0.5 Tage");
  CHECK(check_answer(amount, -250, "de", "de", "de-AT").error().message ==
        "Betrag: -250 Tage liegt unter dem Mindestwert von 0,5 Tage");
}

TEST_CASE("items as the loader reads them check answers as docs/format.md says", "[answer]") {
  auto loaded = load_definition(R"({
    "id": "order", "version": 1, "kind": "checklist",
    "title": "Bestellung",
    "sections": [{ "id": "main", "title": "Bestellung", "items": [
      { "id": "quantity", "kind": "number", "label": {"de": "Menge", "en": "Quantity"},
        "min": 1, "max": 10, "unit": {"de": "Stück", "en": "pieces"} },
      { "id": "iban", "kind": "text", "label": "IBAN", "pattern": "DE[0-9]{20}",
        "min": 22, "max": 22 },
      { "id": "size", "kind": "choice", "label": {"de": "Größe", "en": "Size"},
        "options": ["S", "M", {"value": "L", "label": {"de": "Groß", "en": "Large"}}] },
      { "id": "extras", "kind": "multi_choice", "label": {"de": "Extras", "en": "Extras"},
        "options": ["gift_wrap", "express", "insurance"], "max": 2 },
      { "id": "delivery", "kind": "date", "label": {"de": "Lieferdatum", "en": "Delivery"} }
    ]}]
  })",
                                "order.json");
  if (!loaded) FAIL(loaded.error());
  const auto& items = loaded->steps.at(0).checklist->sections.at(0).items;
  REQUIRE(items.size() == 5);

  CHECK(accepted(items[0], 10) == json::value(10));
  CHECK(refused(items[0], 11, "de") == "Menge: 11 Stück is above the maximum of 10 Stück");
  CHECK(accepted(items[1], "DE89370400440532013000") == json::value("DE89370400440532013000"));
  CHECK(refused(items[1], "DE8937040044053201300X") == "IBAN: does not match the required pattern");
  CHECK(accepted(items[2], "L") == json::value("L"));
  CHECK(refused(items[2], "Large", "en") == "Size: 'Large' is not one of S, M, L");
  CHECK(accepted(items[3], json::parse(R"(["insurance", "gift_wrap"])")) ==
        json::parse(R"(["gift_wrap", "insurance"])"));
  CHECK(refused(items[3], json::parse(R"(["insurance", "gift_wrap", "express"])"), "en") ==
        "Extras: 3 options are chosen, more than the maximum of 2");
  CHECK(accepted(items[4], "2026-11-23") == json::value("2026-11-23"));
}
