// The expression language's standard library: a normal case, an edge case and a wrong type each.
#include "expression_support.hpp"

namespace ablauf {
namespace {
using namespace expression_test;

TEST_CASE("size() counts code points, list elements and object members", "[expression]") {
  CHECK(eval("size('Grüße')") == 5);
  CHECK(eval("size(input.items)") == 2);
  CHECK(eval("size(input.invoice)") == 2);
  CHECK(eval("size('')") == 0);
  CHECK(eval("size(input.nope)") == 0);
  check_fails("1 + size(5)", "type_mismatch", 4);
  check_fails("size(true)", "type_mismatch", 0);
}

TEST_CASE("exists() takes only a path", "[expression]") {
  CHECK(eval("exists(steps.verify.outcome)") == true);
  CHECK(eval("exists(steps.review)") == false);
  CHECK(eval("map(input.items, exists(it.qty))") == json::array{true, true});
  const auto error = compile_error("1 + exists(input.a + 1)");
  CHECK(error.offset == 4);
  CHECK(error.message == "exists() takes one path, such as exists(input.email)");
  CHECK(compile_error("exists(1)").offset == 0);
}

TEST_CASE("lower() and upper() change Latin letters, umlauts included", "[expression]") {
  CHECK(eval("lower('ÄÖÜ straße')") == "äöü straße");
  CHECK(eval("upper('ÄÖÜ straße')") == "ÄÖÜ STRAßE");  // ß has no one-letter capital
  CHECK(eval("upper('ÿ łódź')") == "Ÿ ŁÓDŹ");
  CHECK(eval("lower('')") == "");
  check_fails("lower(1)", "type_mismatch", 0);
  check_fails("upper(input.nothing)", "type_mismatch", 0);
}

TEST_CASE("trim() removes spaces, tabs and line breaks at both ends", "[expression]") {
  CHECK(eval(R"(trim('  a b \t\n'))") == "a b");
  CHECK(eval("trim('')") == "");
  CHECK(eval("trim('   ')") == "");
  check_fails("trim(1)", "type_mismatch", 0);
}

TEST_CASE("contains() finds substrings and equal list elements", "[expression]") {
  CHECK(eval("contains('hello', 'ell')") == true);
  CHECK(eval("contains(input.tags, 'new')") == true);
  CHECK(eval("contains([1, [2]], [2])") == true);
  CHECK(eval("contains([1], '1')") == false);
  CHECK(eval("contains('', '')") == true);
  check_fails("contains(5, 1)", "type_mismatch", 0);
  check_fails("contains('a', 1)", "type_mismatch", 0);
}

TEST_CASE("starts_with() and ends_with() test a prefix or suffix", "[expression]") {
  CHECK(eval("starts_with(input.invoice.number, 'R-')") == true);
  CHECK(eval("starts_with('hello', '')") == true);
  CHECK(eval("starts_with('he', 'hello')") == false);
  CHECK(eval("ends_with('hello', 'lo')") == true);
  CHECK(eval("ends_with('Grüße', 'ße')") == true);
  CHECK(eval("ends_with('lo', 'hello')") == false);
  check_fails("starts_with(1, 'x')", "type_mismatch", 0);
  check_fails("ends_with('x', null)", "type_mismatch", 0);
}

TEST_CASE("matches() searches with an ECMAScript pattern", "[expression]") {
  CHECK(eval("matches('abc123', '[0-9]+$')") == true);
  CHECK(eval("matches('ABC', '^abc$')") == false);
  CHECK(eval(R"(matches('R-17', '^R-\\d+$'))") == true);
  // As in JavaScript, ^ and $ mark the ends of the text and '.' does not match a line break.
  CHECK(eval(R"(matches('a\nb', '^b$'))") == false);
  CHECK(eval(R"(matches('a\nb', 'a.b'))") == false);
  CHECK(eval("matches('', '')") == true);
  const auto invalid = eval_error("matches('abc', '(')");
  CHECK(invalid.type == "invalid_argument");
  CHECK_THAT(invalid.message, Catch::Contains("invalid pattern"));
  check_fails("matches('a', '" + std::string(1001, 'a') + "')", "invalid_argument", 0);
  check_fails("matches(1, 'a')", "type_mismatch", 0);
  check_fails("matches('a', 1)", "type_mismatch", 0);
}

TEST_CASE("matches() gives up on catastrophic backtracking instead of hanging", "[expression]") {
  const Expression expression = compile(
      "matches('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', '(a*)*b')");
  const auto result = evaluate(expression, document());
  REQUIRE_FALSE(result);  // Boost.Regex refuses the match as too complex
  CHECK(result.error().type == "budget_exhausted");
  CHECK(eval_error("matches('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', '^(a+)+$')").type ==
        "budget_exhausted");
}

TEST_CASE("round(), floor() and ceil() round to whole numbers or to digits", "[expression]") {
  CHECK(eval("round(2.5)").is_int64());
  CHECK(eval("round(2.5)") == 3);
  CHECK(eval("round(-2.5)") == -3);  // half away from zero
  CHECK(eval("round(2.345, 2)").as_double() == Approx(2.35));
  CHECK(eval("round(7)").is_int64());
  CHECK(eval("floor(2.7)") == 2);
  CHECK(eval("floor(-2.1)") == -3);
  CHECK(eval("floor(2.789, 1)").as_double() == Approx(2.7));
  CHECK(eval("ceil(2.1)") == 3);
  CHECK(eval("ceil(-2.9)") == -2);
  CHECK(eval("ceil(2.123, 2)").as_double() == Approx(2.13));
  // Huge doubles are whole already; rounding them to digits must not overflow.
  CHECK(eval("round(1e305, 15)").as_double() == 1e305);
  CHECK(eval("floor(-1e305, 15)").as_double() == -1e305);
  check_fails("round(1.5, 16)", "invalid_argument", 0);
  check_fails("round(1.5, -1)", "invalid_argument", 0);
  check_fails("round('1')", "type_mismatch", 0);
  check_fails("floor('a')", "type_mismatch", 0);
  check_fails("ceil(null)", "type_mismatch", 0);
}

TEST_CASE("abs() keeps integers integers", "[expression]") {
  CHECK(eval("abs(-3)").is_int64());
  CHECK(eval("abs(-3)") == 3);
  CHECK(eval("abs(-3.5)") == 3.5);
  CHECK(eval("abs(0)") == 0);
  CHECK(eval("abs(-9223372036854775807 - 1)").is_double());  // no int64 holds 2^63
  check_fails("abs('x')", "type_mismatch", 0);
}

TEST_CASE("min() and max() take a list or their arguments", "[expression]") {
  CHECK(eval("min(3, 1, 2)") == 1);
  CHECK(eval("min([3, 1, 2])") == 1);
  CHECK(eval("max(map(input.items, it.price))") == 10);
  CHECK(eval("max([1.5, 2])") == 2);
  CHECK(eval("min('b', 'a')") == "a");
  CHECK(eval("min([])").is_null());
  CHECK(eval("max([])").is_null());
  const auto mixed = eval_error("min(1, 'a')");
  CHECK(mixed.type == "type_mismatch");
  CHECK_THAT(mixed.message, Catch::Contains("cannot order a number and a string"));
  check_fails("max(true)", "type_mismatch", 0);
  check_fails("max([1, null])", "type_mismatch", 0);
}

TEST_CASE("sum() adds a list of numbers", "[expression]") {
  CHECK(eval("sum([1, 2, 3])").is_int64());
  CHECK(eval("sum([1, 2, 3])") == 6);
  CHECK(eval("sum([1.5, 2])") == 3.5);
  CHECK(eval("sum(map(input.items, it.price * it.qty))") == 30);
  CHECK(eval("sum([])") == 0);
  CHECK(eval("sum(input.nope)") == 0);
  CHECK(eval("sum([9223372036854775807, 1])").is_double());
  check_fails("sum([1, 'a'])", "type_mismatch", 0);
  check_fails("sum('a')", "type_mismatch", 0);
}

TEST_CASE("now() is the time given in the options, in UTC", "[expression]") {
  CHECK(eval("now()") == "2026-11-23T10:35:00Z");
  EvaluationOptions options;
  options.now = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} + 250ms;
  CHECK(eval("now()", document(), options) == "2026-01-02T00:00:00.250Z");
  CHECK(eval("now() > '2026-01-01'") == true);  // RFC 3339 in UTC sorts as text
  CHECK(compile_error("now(1)").message == "now() got 1 argument; use it as now()");
}

TEST_CASE("date() checks a date and writes date-times in UTC", "[expression]") {
  CHECK(eval("date('2026-11-23')") == "2026-11-23");
  CHECK(eval("date('2026-11-23T10:15:00+01:00')") == "2026-11-23T09:15:00Z");
  CHECK(eval("date('2026-11-23t10:15:00.5z')") == "2026-11-23T10:15:00.500Z");
  const auto error = eval_error("date('2026-02-30')");
  CHECK(error.type == "invalid_argument");
  CHECK_THAT(error.message, Catch::Contains("February 2026 has 28 days"));
  check_fails("date(5)", "type_mismatch", 0);
}

TEST_CASE("date_add() adds ISO 8601 durations and seconds", "[expression]") {
  CHECK(eval("date_add('2026-11-23', 'P14D')") == "2026-12-07");
  CHECK(eval("date_add(now(), 'P14D')") == "2026-12-07T10:35:00Z");
  CHECK(eval("date_add('2026-03-31', '-P1M')") == "2026-02-28");
  CHECK(eval("date_add('2026-01-31', 'P1M')") == "2026-02-28");  // clamped to the month's end
  CHECK(eval("date_add('2024-01-31', 'P1M')") == "2024-02-29");
  CHECK(eval("date_add('2026-11-23T10:00:00Z', 90)") == "2026-11-23T10:01:30Z");
  CHECK(eval("date_add('2026-11-23T10:00:00Z', -0.5)") == "2026-11-23T09:59:59.500Z");
  CHECK(eval("date_add('2026-11-23', 'PT1H')") == "2026-11-23T01:00:00Z");  // now a date-time
  CHECK(eval("date_add('2026-11-23T23:30:00+01:00', 'P1D')") == "2026-11-24T22:30:00Z");
  const auto bad_duration = eval_error("date_add('2026-11-23', 'P')");
  CHECK(bad_duration.type == "invalid_argument");
  CHECK_THAT(bad_duration.message, Catch::Contains("cannot read the duration"));
  CHECK(eval_error("date_add('9999-12-31', 'P1D')").type == "invalid_argument");
  CHECK(eval_error("date_add('x', 'P1D')").type == "invalid_argument");
  check_fails("date_add('2026-11-23', true)", "type_mismatch", 0);
  check_fails("date_add(20261123, 'P1D')", "type_mismatch", 0);
}

TEST_CASE("days_between() counts calendar days in UTC", "[expression]") {
  CHECK(eval("days_between('2026-11-23', '2026-12-01')") == 8);
  CHECK(eval("days_between('2026-12-01', '2026-11-23')") == -8);
  CHECK(eval("days_between('2026-11-23', '2026-11-23T23:59:59Z')") == 0);
  // 23:30 at -01:00 is 00:30 on the 24th in UTC.
  CHECK(eval("days_between('2026-11-23T23:30:00-01:00', '2026-11-25')") == 1);
  check_fails("days_between('2026-11-23', 5)", "type_mismatch", 0);
  CHECK(eval_error("days_between('2026-13-01', '2026-11-23')").type == "invalid_argument");
}

TEST_CASE("string() writes any value as text", "[expression]") {
  CHECK(eval("string(1.5)") == "1.5");
  CHECK(eval("string(4 / 2)") == "2");
  CHECK(eval("string(true)") == "true");
  CHECK(eval("string(null)") == "");
  CHECK(eval("string([1, 'a'])") == R"([1,"a"])");
  CHECK(eval("string(input.invoice)") == R"({"total":1500,"number":"R-17"})");
  CHECK(compile_error("string()").message == "string() got 0 arguments; use it as string(value)");
}

TEST_CASE("number() reads numbers written as JSON writes them", "[expression]") {
  CHECK(eval("number('12.5')") == 12.5);
  CHECK(eval("number(' 42 ')").is_int64());
  CHECK(eval("number('-5')") == -5);
  CHECK(eval("number('1e3')") == 1000.0);
  CHECK(eval("number(true)") == 1);
  CHECK(eval("number(7)") == 7);
  CHECK(eval_error("number('abc')").type == "invalid_argument");
  CHECK(eval_error("number('')").type == "invalid_argument");
  CHECK(eval_error("number('0x10')").type == "invalid_argument");
  check_fails("number(null)", "type_mismatch", 0);
}

TEST_CASE("substr() cuts code points; negative numbers count from the end", "[expression]") {
  CHECK(eval("substr('Grüße', 1, 3)") == "rüß");
  CHECK(eval("substr('Grüße', -2)") == "ße");
  CHECK(eval("substr('abc', 1, -1)") == "b");
  CHECK(eval("substr('abc', 10)") == "");
  CHECK(eval("substr('abc', -10)") == "abc");
  // Far beyond any length, even beyond int64.
  CHECK(eval("substr('abc', 1e30)") == "");
  CHECK(eval("substr('abc', 0, 1e30)") == "abc");
  CHECK(eval("substr('abc', -1e30)") == "abc");
  check_fails("substr(1, 1)", "type_mismatch", 0);
  check_fails("substr('abc', '1')", "type_mismatch", 0);
}

TEST_CASE("join() writes list elements as text between separators", "[expression]") {
  CHECK(eval("join(input.tags, ', ')") == "urgent, new");
  CHECK(eval("join([1, 'a', null, true], '/')") == "1/a//true");
  CHECK(eval("join([], ',')") == "");
  check_fails("join('a', ',')", "type_mismatch", 0);
  check_fails("join([1], 1)", "type_mismatch", 0);
}

TEST_CASE("keys() and values() list an object's members in order", "[expression]") {
  CHECK(text_of("keys(input.invoice)") == R"(["total","number"])");
  CHECK(text_of("values(input.invoice)") == R"([1500,"R-17"])");
  CHECK(text_of("keys(event)") == "[]");
  CHECK(text_of("values(event)") == "[]");
  check_fails("keys([1])", "type_mismatch", 0);
  check_fails("values(input.nothing)", "type_mismatch", 0);
}

TEST_CASE("coalesce() gives the first argument that is not null", "[expression]") {
  CHECK(eval("coalesce(input.nothing, input.nope, 0, 1)") == 0);
  CHECK(eval("coalesce(input.customer.country, 'AT')") == "DE");
  CHECK(eval("coalesce(null)").is_null());
  CHECK(compile_error("coalesce()").message ==
        "coalesce() got 0 arguments; use it as coalesce(a, b, …)");
}

TEST_CASE("merge() flattens lists one level and keeps other values", "[expression]") {
  CHECK(text_of("merge([1, 2], 3, [[4]])") == "[1,2,3,[4]]");
  CHECK(text_of("merge(input.tags, 'late')") == R"(["urgent","new","late"])");
  CHECK(text_of("merge()") == "[]");
  CHECK(text_of("merge(null)") == "[null]");
}

TEST_CASE("map(), filter() and reduce() see `it` and `acc`", "[expression]") {
  CHECK(text_of("map([1, 2, 3], it * 2)") == "[2,4,6]");
  CHECK(text_of("map(input.items, it.sku)") == R"(["a","b"])");
  CHECK(text_of("map([[1, 2], [3]], map(it, it * 10))") == "[[10,20],[30]]");
  CHECK(text_of("map(input.nope, it)") == "[]");  // null is an empty list
  CHECK(text_of("filter([1, 0, 2, '', null], it)") == "[1,2]");
  CHECK(text_of("filter(input.items, it.price > 5)") == R"([{"sku":"a","price":10,"qty":2}])");
  CHECK(eval("reduce([1, 2, 3], acc + it, 0)") == 6);
  CHECK(eval("reduce(input.items, acc + it.qty, 0)") == 6);
  CHECK(eval("reduce([], acc + it, 'empty')") == "empty");
  CHECK(eval("reduce(['a', 'b'], acc + it, '')") == "ab");
  check_fails("map(5, it)", "type_mismatch", 0);
  check_fails("filter('abc', it)", "type_mismatch", 0);
  check_fails("reduce(input.invoice, acc, 0)", "type_mismatch", 0);
}

TEST_CASE("all(), some() and none() test every element", "[expression]") {
  CHECK(eval("all(input.items, it.price > 1)") == true);
  CHECK(eval("all([1, 0], it)") == false);
  CHECK(eval("some(input.items, it.sku == 'b')") == true);
  CHECK(eval("some([0, ''], it)") == false);
  CHECK(eval("none([0, ''], it)") == true);
  CHECK(eval("none(input.tags, it == 'urgent')") == false);
  CHECK(eval("some([1, 0], it == 1 || 1 / it > 0)") == true);  // stops at the first hit
  check_fails("all('x', it)", "type_mismatch", 0);
  check_fails("some(1, it)", "type_mismatch", 0);
  check_fails("none(true, it)", "type_mismatch", 0);
}

}  // namespace
}  // namespace ablauf
