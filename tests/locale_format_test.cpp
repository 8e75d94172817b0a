// Numbers, amounts and dates in the language of a text, and the format tags that write them in
// templates. ICU writes a non-breaking space (U+00A0) before "€" and "%" in German, and a
// narrow one (U+202F) in some English times; the expected texts spell them out.
#include <ablauf/locale_format.hpp>
#include <ablauf/template.hpp>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace ablauf;

namespace {

const FormatLocale german{.language = "de", .time_zone = "Europe/Berlin"};
const FormatLocale english{.language = "en", .time_zone = "Europe/Berlin"};
constexpr const char* nbsp = "\u00a0";

std::string rendered(std::string_view text, const char* data, const FormatLocale& locale,
                     Escape escape = Escape::none) {
  auto tmpl = Template::compile(text);
  REQUIRE(tmpl);
  RenderOptions options{.escape = escape};
  options.locale = locale;
  auto out = render(*tmpl, boost::json::parse(data), options);
  REQUIRE(out);
  return *out;
}

}  // namespace

TEST_CASE("numbers and amounts are written as the language writes them", "[format]") {
  CHECK(format_currency(2915.5, "EUR", german) == std::string("2.915,50") + nbsp + "€");
  CHECK(format_currency(2915.5, "EUR", english) == "€2,915.50");
  CHECK(format_currency(-12, "EUR", german) == std::string("-12,00") + nbsp + "€");
  CHECK(format_currency(1234, "JPY", english) == "¥1,234");  // no fraction digits in yen
  // Commercial rounding, half away from zero, on the decimal value as written: 2.675 is
  // 2.67499… as a double, and still 2,68.
  CHECK(format_currency(0.125, "EUR", german) == std::string("0,13") + nbsp + "€");
  CHECK(format_currency(2.675, "EUR", german) == std::string("2,68") + nbsp + "€");
  CHECK(format_currency(-0.125, "EUR", german) == std::string("-0,13") + nbsp + "€");
  CHECK(format_number(1234567.891, german) == "1.234.567,891");
  CHECK(format_number(1234567.891, english) == "1,234,567.891");
  CHECK(format_number(2.5, german, 2) == "2,50");
  CHECK(format_number(3, german) == "3");
  CHECK(format_percent(0.19, german) == std::string("19") + nbsp + "%");
  CHECK(format_percent(0.19, english) == "19%");
  CHECK(format_percent(0.0725, german, 1) == std::string("7,3") + nbsp + "%");
}

TEST_CASE("dates and times are written as the language writes them", "[format]") {
  CHECK(format_date("2026-12-07", german) == "07.12.2026");
  CHECK(format_date("2026-12-07", english) == "Dec 7, 2026");
  CHECK(format_date("2026-12-07", german, DateStyle::long_form) == "7. Dezember 2026");
  CHECK(format_date("2026-12-07", german, DateStyle::full) == "Montag, 7. Dezember 2026");
  CHECK(format_date("2026-12-07", german, DateStyle::short_form) == "07.12.26");
  // A date-time is shown on its day in the locale's time zone: 23:30 UTC is the next day in
  // Berlin, and a calendar date is never shifted.
  CHECK(format_date("2026-12-07T23:30:00Z", german) == "08.12.2026");
  CHECK(format_date("2026-12-07", FormatLocale{"de", "America/New_York"}) == "07.12.2026");
  // Daylight saving time: 10:00 UTC is 12:00 in Berlin in summer, 11:00 in winter.
  CHECK(format_time("2026-07-01T10:00:00Z", german) == "12:00");
  CHECK(format_time("2026-12-01T10:00:00Z", german) == "11:00");
  CHECK(format_datetime("2026-03-29T01:30:00Z", german) == "29.03.2026, 03:30");
  CHECK(format_datetime("2026-12-07T13:05:00Z", FormatLocale{"de", ""}) == "07.12.2026, 13:05");
  // A time answer is a time of day, the same in every zone.
  CHECK(format_time("14:05", german) == "14:05");
  CHECK(format_time("14:05:30", german, DateStyle::medium) == "14:05:30");

  CHECK_FALSE(format_date("7.12.2026", german));
  CHECK(format_date("7.12.2026", german).error().find("not an RFC 3339 date") != std::string::npos);
  CHECK_FALSE(format_time("2026-12-07", german));
}

TEST_CASE("time zones and currencies are checked against ICU's data", "[format]") {
  CHECK(is_known_time_zone("Europe/Berlin"));
  CHECK(is_known_time_zone("UTC"));
  CHECK(is_known_time_zone(""));
  CHECK_FALSE(is_known_time_zone("Europe/Bonn"));
  CHECK(is_known_currency("EUR"));
  CHECK(is_known_currency("CHF"));
  CHECK_FALSE(is_known_currency("eur"));
  CHECK_FALSE(is_known_currency("EURO"));
  CHECK_FALSE(is_known_currency("XYQ"));
  CHECK(parse_date_style("long") == DateStyle::long_form);
  CHECK_FALSE(parse_date_style("lang"));
}

TEST_CASE("a template's format tags write values in the text's language", "[format][template]") {
  const char* data = R"({"total": 2915.5, "due": "2026-12-21", "rate": 0.19,
                         "sent": "2026-12-07T13:05:00Z", "text": "2915.5", "word": "offen"})";
  CHECK(rendered("{{total | currency EUR}} bis {{due | date}}", data, german) ==
        std::string("2.915,50") + nbsp + "€ bis 21.12.2026");
  CHECK(rendered("{{total | currency EUR}} by {{due | date long}}", data, english) ==
        "€2,915.50 by December 21, 2026");
  CHECK(rendered("{{rate|percent}} {{total | number 1}} {{sent | datetime}} {{sent | time}}", data,
                 german) == std::string("19") + nbsp + "% 2.915,5 07.12.2026, 14:05 14:05");
  // Amounts that arrive as text are numbers too; what a format cannot read is written as is.
  CHECK(rendered("{{text | currency EUR}}", data, german) == std::string("2.915,50") + nbsp + "€");
  CHECK(rendered("{{word | currency EUR}} {{total | date}}", data, german) == "offen 2915.5");
  CHECK(rendered("[{{missing | currency EUR}}]", data, german).empty() == false);
  CHECK(rendered("[{{missing | currency EUR}}]", data, german) == "[]");
  // The currency may come from the data; a name that holds no code writes the value as is.
  const char* invoice = R"({"total": 99.9, "currency": "CHF", "label": "Franken"})";
  CHECK(rendered("{{total | currency currency}}", invoice, german) ==
        std::string("99,90") + nbsp + "CHF");
  CHECK(rendered("{{total | currency label}} {{total | currency nothing}}", invoice, german) ==
        "99.9 99.9");
  // Inside sections, on the element; raw tags take formats as well.
  CHECK(rendered("{{#lines}}{{amount | currency EUR}};{{/lines}}{{{total | number 0}}}",
                 R"({"lines": [{"amount": 1}, {"amount": 2.5}], "total": 3.5})",
                 german) == std::string("1,00") + nbsp + "€;2,50" + nbsp + "€;4");
  // HTML output escapes what the format wrote, like any value.
  CHECK(rendered("{{total | currency EUR}}", data, german, Escape::html) ==
        std::string("2.915,50") + nbsp + "€");
}

TEST_CASE("a template's format tags are checked when it compiles", "[format][template]") {
  const auto error_of = [](std::string_view text) {
    auto tmpl = Template::compile(text);
    REQUIRE_FALSE(tmpl);
    return tmpl.error();
  };
  auto error = error_of("Summe: {{total | curency EUR}}");
  CHECK(error.offset == 17);
  CHECK(error.message.find("'curency' is not a format") != std::string::npos);
  CHECK(error_of("{{total | currency}}").message.find("ISO 4217") != std::string::npos);
  CHECK(error_of("{{total | currency eur}}").message.find("in capitals") != std::string::npos);
  CHECK(error_of("{{total | currency input..cur}}").message.find("neither an ISO 4217") !=
        std::string::npos);
  CHECK(error_of("{{total | number two}}").message.find("0 to 15") != std::string::npos);
  CHECK(error_of("{{total | number 16}}").message.find("0 to 15") != std::string::npos);
  CHECK(error_of("{{due | date lang}}").message.find("short, medium, long or full") !=
        std::string::npos);
  CHECK(error_of("{{total | }}").message.find("no format after it") != std::string::npos);
  CHECK(error_of("{{total | number 2 3}}").message.find("more than one argument") !=
        std::string::npos);
  // Only a variable writes a value; a section's name stays one word.
  CHECK(error_of("{{#total | number}}x{{/total}}").message.find("whitespace") != std::string::npos);
  // The name before the '|' is what the template reads.
  auto tmpl = Template::compile(
      "{{input.total | currency EUR}} {{{input.note | number}}} {{vars.net | currency input.cur}}");
  REQUIRE(tmpl);
  CHECK(tmpl->names() ==
        std::vector<std::string>{"input.total", "input.note", "vars.net", "input.cur"});
  CHECK(tmpl->unescaped_names() == std::vector<std::string>{"input.note"});
}
