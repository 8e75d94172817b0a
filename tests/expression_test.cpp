// The expression language: grammar, semantics, the standard library, errors, limits, JsonLogic.
#include <ablauf/expression.hpp>

#include "test_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>

namespace ablauf {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

// The instance data most tests read.
const json::value& document() {
  static const json::value doc = json::parse(R"({
    "input": {
      "invoice": {"total": 1500, "number": "R-17"},
      "customer": {"country": "DE", "name": "Grüße GmbH"},
      "items": [{"sku": "a", "price": 10, "qty": 2}, {"sku": "b", "price": 2.5, "qty": 4}],
      "tags": ["urgent", "new"],
      "empty": "",
      "nothing": null,
      "zero": 0,
      "key with space": 7,
      "same_a": {"x": 1, "y": [1, 2]},
      "same_b": {"y": [1, 2], "x": 1.0}
    },
    "vars": {"reminders": 3},
    "steps": {"verify": {"answers": {"a": true, "b": 1, "c": "ok"}, "outcome": "approved",
                         "visits": 1}},
    "event": {}
  })");
  return doc;
}

// 2026-11-23T10:35:00Z, what now() returns in these tests.
EvaluationOptions at_fixed_time() {
  EvaluationOptions options;
  options.now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 10h + 35min;
  return options;
}

Expression compile(std::string_view text) {
  auto expression = Expression::parse(text);
  INFO(text);
  if (!expression)
    FAIL("does not compile: " << expression.error().message << " at " << expression.error().offset);
  return std::move(*expression);
}

json::value eval(std::string_view text, const json::value& data = document(),
                 const EvaluationOptions& options = at_fixed_time()) {
  const Expression expression = compile(text);
  auto result = evaluate(expression, data, options);
  INFO(text);
  if (!result) FAIL("fails: " << result.error().type << ": " << result.error().message);
  return std::move(*result);
}

// The value as JSON text, which shows lists and objects whole.
std::string text_of(std::string_view text) {
  return to_json_text(eval(text));
}

bool holds(std::string_view text) {
  const Expression expression = compile(text);
  auto result = evaluate_condition(expression, document(), at_fixed_time());
  INFO(text);
  if (!result) FAIL("fails: " << result.error().type << ": " << result.error().message);
  return *result;
}

EvaluationError eval_error(std::string_view text, const json::value& data = document(),
                           const EvaluationOptions& options = at_fixed_time()) {
  const Expression expression = compile(text);
  auto result = evaluate(expression, data, options);
  INFO(text);
  if (result) FAIL("expected an error, got " << to_json_text(*result));
  return result.error();
}

ExpressionError compile_error(std::string_view text, const CompileOptions& options = {}) {
  auto expression = Expression::parse(text, options);
  INFO(text);
  if (expression) FAIL("expected a compile error");
  return expression.error();
}

Expression compile_rule(const json::value& rule) {
  auto expression = Expression::from_jsonlogic(rule);
  INFO(json::serialize(rule));
  if (!expression) FAIL("does not compile: " << expression.error().message);
  return std::move(*expression);
}

json::value logic(std::string_view rule, const json::value& data = document(),
                  const EvaluationOptions& options = at_fixed_time()) {
  const Expression expression = compile_rule(json::parse(rule));
  auto result = evaluate(expression, data, options);
  INFO(rule);
  if (!result) FAIL("fails: " << result.error().type << ": " << result.error().message);
  return std::move(*result);
}

EvaluationError logic_error(std::string_view rule, const json::value& data = document(),
                            const EvaluationOptions& options = at_fixed_time()) {
  const Expression expression = compile_rule(json::parse(rule));
  auto result = evaluate(expression, data, options);
  INFO(rule);
  if (result) FAIL("expected an error, got " << to_json_text(*result));
  return result.error();
}

ExpressionError rule_error_of(const json::value& rule) {
  auto expression = Expression::from_jsonlogic(rule);
  INFO(json::serialize(rule));
  if (expression) FAIL("expected a compile error");
  return expression.error();
}

ExpressionError rule_error(std::string_view rule) {
  return rule_error_of(json::parse(rule));
}

// Asserts an evaluation error's type and where it points.
void check_fails(std::string_view text, std::string_view type, std::size_t offset) {
  const auto error = eval_error(text);
  INFO(text << "\n" << error.message);
  CHECK(error.type == type);
  CHECK(error.offset == offset);
}

// ---------------------------------------------------------------------------------------------
// Grammar

TEST_CASE("integer literals stay 64-bit integers; fractions and exponents are doubles",
          "[expression]") {
  CHECK(eval("42").is_int64());
  CHECK(eval("9007199254740993").as_int64() == 9007199254740993);  // past 2^53, still exact
  CHECK(eval("1.5").as_double() == 1.5);
  CHECK(eval("1e3").is_double());
  CHECK(eval("1e3").as_double() == 1000);
  CHECK(eval("2.5E-1").as_double() == 0.25);
  CHECK(eval("99999999999999999999").is_double());  // too large for int64
  CHECK(eval("true") == json::value(true));
  CHECK(eval("null").is_null());
}

TEST_CASE("strings take single or double quotes and JSON's escapes", "[expression]") {
  CHECK(eval("'single'") == "single");
  CHECK(eval(R"("double")") == "double");
  CHECK(eval(R"('it\'s')") == "it's");
  CHECK(eval(R"("say \"hi\"")") == "say \"hi\"");
  CHECK(eval(R"('a"b')") == "a\"b");
  CHECK(eval(R"('back\\slash\/')") == "back\\slash/");
  CHECK(eval(R"('\t\n\r\b\f')") == "\t\n\r\b\f");
  CHECK(eval(R"('\u00e4\u00DF')") == "äß");
  CHECK(eval(R"('\ud83d\ude00')") == "\xF0\x9F\x98\x80");  // one code point from a pair
  CHECK(eval(R"(size('\ud83d\ude00'))") == 1);
}

TEST_CASE("paths read members, elements and quoted keys", "[expression]") {
  CHECK(eval("input.invoice.total") == 1500);
  CHECK(eval("input.items[0].sku") == "a");
  CHECK(eval("input.items[1]['price']") == 2.5);
  CHECK(eval(R"(input["key with space"])") == 7);
  CHECK(eval("input.items[size(input.items) - 1].sku") == "b");  // a computed index
  CHECK(eval("steps.verify.answers.c") == "ok");
  CHECK(eval("input.tags[5]").is_null());
  CHECK(eval("input.tags[-1]").is_null());
  CHECK(eval("input.tags['0']").is_null());  // a quoted "0" names a member, not an element
  CHECK(eval("[10, 20][1]") == 20);
}

TEST_CASE("list literals evaluate their elements", "[expression]") {
  CHECK(text_of("[1, 2]") == "[1,2]");
  CHECK(text_of("[]") == "[]");
  CHECK(text_of("[input.zero, 'x', [true, null]]") == R"([0,"x",[true,null]])");
  CHECK(text_of("[vars.reminders + 1]") == "[4]");
}

TEST_CASE("`in` finds an element in a list or a substring in a string", "[expression]") {
  CHECK(eval("2 in [1, 2]") == true);
  CHECK(eval("2.0 in [1, 2]") == true);
  CHECK(eval("'2' in [1, 2]") == false);
  CHECK(eval("'new' in input.tags") == true);
  CHECK(eval("'ell' in 'hello'") == true);
  CHECK(eval("'x' in input.nothing") == false);
  check_fails("1 in 'hello'", "type_mismatch", 2);
  check_fails("1 in 5", "type_mismatch", 2);
}

TEST_CASE("?: evaluates only the branch it takes and groups to the right", "[expression]") {
  CHECK(eval("input.invoice.total > 1000 ? 'big' : 'small'") == "big");
  CHECK(eval("false ? 1 : false ? 2 : 3") == 3);
  CHECK(eval("false ? 1 : true ? 2 : 3") == 2);
  CHECK(eval("true ? 0 : 1 ? 2 : 3") == 0);  // (true ? 0 : 1) ? 2 : 3 would be 3
  CHECK(eval("true || false ? 1 : 2") == 1);
  CHECK(eval("true ? 'a' : 1 / 0") == "a");
  CHECK(eval("false ? 1 / 0 : 'b'") == "b");
}

TEST_CASE("! and unary - bind tighter than any binary operator", "[expression]") {
  CHECK(eval("!true == false") == true);  // (!true) == false
  CHECK(eval("-2 * 3") == -6);
  CHECK(eval("- -5") == 5);
  CHECK(eval("--5") == 5);
  CHECK(eval("-input.invoice.total") == -1500);
  CHECK(eval("!input.empty") == true);
  CHECK(eval("!!'0'") == true);
  CHECK(eval("!input.nope") == true);
  check_fails("-'a'", "type_mismatch", 0);
}

TEST_CASE("&& and || return the operand that decided", "[expression]") {
  CHECK(eval("0 || 'x'") == "x");
  CHECK(eval("1 && 'y'") == "y");
  CHECK(eval("0 && 'y'") == 0);
  CHECK(eval("'' || 0") == 0);
  CHECK(eval("input.nothing || 'default'") == "default");
  CHECK(eval("input.customer.country && input.invoice.number") == "R-17");
  CHECK(text_of("input.tags || []") == R"(["urgent","new"])");
}

TEST_CASE("* / % bind tighter than + -, then comparisons, == !=, && and ||", "[expression]") {
  CHECK(eval("1 + 2 * 3") == 7);
  CHECK(eval("(1 + 2) * 3") == 9);
  CHECK(eval("10 - 2 - 3") == 5);  // left to right
  CHECK(eval("12 / 2 / 3") == 2);
  CHECK(eval("2 * 3 % 4") == 2);
  CHECK(eval("1 + 2 > 2") == true);
  CHECK(eval("1 < 2 == 2 < 3") == true);  // 1 < (2 == 2) < 3 would be a type_mismatch
  CHECK(eval("1 == 1 && 2 == 2") == true);
  CHECK(eval("true || false && false") == true);  // (true || false) && false is false
  CHECK(eval("(true || false) && false") == false);
  CHECK(eval("false && true || true") == true);
  CHECK(eval("'a' + 'b' == 'ab'") == true);
  CHECK(eval("2 * 3 == 6 && 1 + 1 < 3 || false") == true);
  CHECK(holds("input.invoice.total > 1000 && input.customer.country == 'DE'"));
  CHECK(holds("size(steps.verify.answers) == 3"));
  CHECK(holds("vars.reminders >= 3"));
}

// ---------------------------------------------------------------------------------------------
// Semantics

TEST_CASE("a missing path is null; exists() tells missing from null", "[expression]") {
  CHECK(eval("input.nope").is_null());
  CHECK(eval("input.nope.deeper.still").is_null());
  CHECK(eval("input.invoice.total.digits").is_null());  // a number has no members
  CHECK(eval("input.nothing == null") == true);
  CHECK(eval("input.nope == null") == true);
  CHECK(eval("exists(input.nothing)") == true);
  CHECK(eval("exists(input.nope)") == false);
  CHECK(eval("exists(input.items[1].price)") == true);
  CHECK(eval("exists(input.items[2])") == false);
  CHECK(eval("exists(input['key with space'])") == true);
}

TEST_CASE("== is strict and compares lists and objects by content", "[expression]") {
  CHECK(eval("1 == 1.0") == true);
  CHECK(eval("1 == '1'") == false);
  CHECK(eval("true == 1") == false);
  CHECK(eval("null == false") == false);
  CHECK(eval("'' == 0") == false);
  CHECK(eval("[1, [2, 'x']] == [1, [2, 'x']]") == true);
  CHECK(eval("[1, 2] == [2, 1]") == false);
  CHECK(eval("input.same_a == input.same_b") == true);  // member order and 1 vs 1.0 aside
  CHECK(eval("input.same_a != input.invoice") == true);
  CHECK(eval("input.tags == ['urgent', 'new']") == true);
}

TEST_CASE("ordering takes two numbers or two strings; else a type_mismatch at the operator",
          "[expression]") {
  CHECK(eval("2 < 10") == true);
  CHECK(eval("1 < 1.5") == true);
  CHECK(eval("'2' < '10'") == false);  // strings compare by code point
  CHECK(eval("'B' < 'a'") == true);
  CHECK(eval("'a' <= 'a'") == true);
  CHECK(eval("'b' >= 'a'") == true);
  const auto error = eval_error("input.invoice.total > '1000'");
  CHECK(error.type == "type_mismatch");
  CHECK(error.offset == 20);
  CHECK_THAT(error.message, Catch::Contains("cannot order a number and a string"));
  check_fails("input.nothing < 1", "type_mismatch", 14);
  check_fails("[1] < [2]", "type_mismatch", 4);
  check_fails("true > false", "type_mismatch", 5);
}

TEST_CASE("integer arithmetic stays integer while the result is exact", "[expression]") {
  CHECK(eval("7 / 2").as_double() == 3.5);
  CHECK(eval("8 / 2").is_int64());
  CHECK(eval("8 / 2") == 4);
  CHECK(eval("6 * 7").is_int64());
  CHECK(eval("7 % 3") == 1);
  CHECK(eval("-7 % 3") == -1);
  CHECK(eval("7.5 % 2") == 1.5);
  CHECK(eval("0.1 + 0.2").is_double());
  CHECK(eval("input.invoice.total * 2").is_int64());
  CHECK(eval("input.items[1].price * input.items[1].qty") == 10);
  CHECK(eval("1000 * 1.19").is_int64());  // a whole result is an integer, whatever made it
  CHECK(eval("1000 * 1.19") == 1190);
  // Past 64 bits an integer becomes a double.
  const auto big = eval("9223372036854775807 + 1");
  CHECK(big.is_double());
  CHECK(big.as_double() == 9223372036854775808.0);
  CHECK(eval("9223372036854775807 * 2").is_double());
  CHECK(eval("-9223372036854775807 - 2").is_double());
  check_fails("1e308 * 10", "out_of_range", 6);
}

TEST_CASE("+ with a string concatenates; other mixes are type_mismatches", "[expression]") {
  CHECK(eval("'a' + 1") == "a1");
  CHECK(eval("1 + 'a'") == "1a");
  CHECK(eval("'n=' + 1.5") == "n=1.5");
  CHECK(eval("'total: ' + 4 / 2") == "total: 2");
  CHECK(eval("'x' + true") == "xtrue");
  CHECK(eval("input.invoice.number + '/' + input.customer.country") == "R-17/DE");
  check_fails("'a' + null", "type_mismatch", 4);
  check_fails("1 + input.nope", "type_mismatch", 2);
  check_fails("[1] + [2]", "type_mismatch", 4);
  check_fails("1 - 'a'", "type_mismatch", 2);
  check_fails("'ab' * 2", "type_mismatch", 5);
}

TEST_CASE("division by zero is an error of its own", "[expression]") {
  check_fails("1 / 0", "division_by_zero", 2);
  check_fails("1 % 0", "division_by_zero", 2);
  check_fails("1.5 / 0.0", "division_by_zero", 4);
  check_fails("input.invoice.total / input.zero", "division_by_zero", 20);
}

TEST_CASE("0, '', [], null and false are falsy; '0', [0] and objects are truthy", "[expression]") {
  CHECK_FALSE(holds("0"));
  CHECK_FALSE(holds("0.0"));
  CHECK_FALSE(holds("''"));
  CHECK_FALSE(holds("[]"));
  CHECK_FALSE(holds("null"));
  CHECK_FALSE(holds("false"));
  CHECK_FALSE(holds("input.nope"));
  CHECK_FALSE(holds("input.empty"));
  CHECK(holds("'0'"));
  CHECK(holds("'false'"));
  CHECK(holds("[0]"));
  CHECK(holds("-1"));
  CHECK(holds("input.invoice"));
  CHECK(holds("event"));  // an empty object too
}

TEST_CASE("a condition that fails reports the error instead of a truth value", "[expression]") {
  const Expression expression = compile("input.invoice.total / input.zero > 1");
  const auto result = evaluate_condition(expression, document());
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "division_by_zero");
}

TEST_CASE("&& and || do not evaluate what they do not need", "[expression]") {
  CHECK(eval("false && (1 / 0)") == false);
  CHECK(eval("true || 1 / 0") == true);
  CHECK(eval("input.nope && input.nope.x > 1") == nullptr);
  CHECK(eval("'a' || 1 / 0") == "a");
  check_fails("1 / 0 || true", "division_by_zero", 2);  // the left side always runs
}

TEST_CASE("all over an empty list is true in text, false in JsonLogic", "[expression]") {
  CHECK(eval("all([], it > 0)") == true);
  CHECK(logic(R"({"all": [[], {">": [{"var": ""}, 0]}]})") == false);
  CHECK(eval("some([], it > 0)") == false);
  CHECK(eval("none([], it > 0)") == true);
}

// ---------------------------------------------------------------------------------------------
// The standard library: a normal case, an edge case and a wrong type each

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

// ---------------------------------------------------------------------------------------------
// Compile errors

TEST_CASE("an unknown name is located and a near miss suggested", "[expression]") {
  auto error = compile_error("inptu.total > 3");
  CHECK(error.offset == 0);
  CHECK(error.message == "unknown name 'inptu'; did you mean 'input'?");
  CHECK_FALSE(error.limit);
  error = compile_error("input.a + vars.b * stpes.c");
  CHECK(error.offset == 19);
  CHECK(error.message == "unknown name 'stpes'; did you mean 'steps'?");
  error = compile_error("total > 3");
  CHECK(error.message ==
        "unknown name 'total'; the names a path starts with are input, vars, steps, event");
  CompileOptions any_root;
  any_root.roots.clear();
  CHECK(Expression::parse("total > 3", any_root));
}

TEST_CASE("an unknown function is located and a near miss suggested", "[expression]") {
  auto error = compile_error("1 + lowr(input.customer.name)");
  CHECK(error.offset == 4);
  CHECK(error.message ==
        "unknown function 'lowr'; did you mean 'lower'?; docs/expressions.md lists them all");
  error = compile_error("frobnicate(1)");
  CHECK(error.message == "unknown function 'frobnicate'; docs/expressions.md lists them all");
  CHECK(compile_error("mapp([1], it)").message ==
        "unknown function 'mapp'; did you mean 'map'?; docs/expressions.md lists them all");
}

TEST_CASE("a wrong argument count quotes the function's usage", "[expression]") {
  auto error = compile_error("size(1, 2)");
  CHECK(error.offset == 0);
  CHECK(error.message == "size() got 2 arguments; use it as size(string, list or object)");
  error = compile_error("input.a && substr('a')");
  CHECK(error.offset == 11);
  CHECK(error.message == "substr() got 1 argument; use it as substr(string, start[, length])");
  CHECK(compile_error("map([1])").message == "map() takes (list, body), with `it` for the element");
  CHECK(compile_error("reduce([1], acc)").message ==
        "reduce() takes (list, body, initial), with `it` for the element and `acc` for the "
        "result so far");
}

TEST_CASE("operators from other languages are rejected with the right spelling", "[expression]") {
  auto error = compile_error("input.a = 1");
  CHECK(error.offset == 8);
  CHECK(error.message == "'=' does not compare; write '=='");
  error = compile_error("input.a === 1");
  CHECK(error.offset == 8);
  CHECK(error.message == "'===' is written '==': comparisons never convert types");
  error = compile_error("input.a !== 1");
  CHECK(error.offset == 8);
  CHECK(error.message == "'!==' is written '!=': comparisons never convert types");
  error = compile_error("input.a & input.b");
  CHECK(error.offset == 8);
  CHECK(error.message == "'&' is not an operator; write '&&' for and");
  error = compile_error("input.a | input.b");
  CHECK(error.offset == 8);
  CHECK(error.message == "'|' is not an operator; write '||' for or");
}

TEST_CASE("a string that is never closed is reported at its opening quote", "[expression]") {
  auto error = compile_error("'abc");
  CHECK(error.offset == 0);
  CHECK(error.message == "this string is never closed; end it with '");
  error = compile_error(R"(input.a == "abc)");
  CHECK(error.offset == 11);
  CHECK(error.message == "this string is never closed; end it with \"");
  error = compile_error("'one\ntwo'");
  CHECK(error.offset == 4);
  CHECK(error.message == "a string cannot span lines; write \\n");
  error = compile_error(R"('a\qb')");
  CHECK(error.offset == 2);
  CHECK_THAT(error.message, Catch::StartsWith("unknown escape \\q"));
  CHECK(compile_error(R"('\ud83d')").message == "a high surrogate must be followed by a low one");
  CHECK(compile_error(R"('\ude00')").message == "a low surrogate without a high one");
  CHECK(compile_error(R"('\u12')").message == "\\u takes four hex digits");
}

TEST_CASE("what cannot be an expression is located", "[expression]") {
  auto error = compile_error("1 + 2 3");
  CHECK(error.offset == 6);
  CHECK(error.message == "unexpected '3' after a complete expression; is an operator missing?");
  error = compile_error("");
  CHECK(error.offset == 0);
  CHECK(error.message == "the expression is empty");
  CHECK(compile_error("  \t ").message == "the expression is empty");
  error = compile_error("1 +");
  CHECK(error.offset == 3);
  CHECK(error.message == "the expression ends where a value should follow");
  error = compile_error("(1 + 2");
  CHECK(error.offset == 6);
  CHECK(error.message == "expected ')' to close the '(', found the end of the expression");
  error = compile_error("input.items.0");
  CHECK(error.offset == 12);
  CHECK_THAT(error.message, Catch::StartsWith("expected a name after '.', found '0'"));
  error = compile_error("input.Straße");
  CHECK(error.offset == 10);
  CHECK_THAT(error.message, Catch::StartsWith("names are ASCII"));
  CHECK(compile_error("1 # 2").offset == 2);
  CHECK(compile_error("12abc").message == "a number cannot run into a name");
  CHECK(compile_error("1e").message == "expected the digits of an exponent");
  CHECK(compile_error("1e400").message == "the number 1e400 is too large");
}

TEST_CASE("`it` and `acc` exist only inside the list forms", "[expression]") {
  auto error = compile_error("it > 1");
  CHECK(error.offset == 0);
  CHECK(error.message ==
        "'it' names the element inside map, filter, all, some, none and reduce; it has no "
        "meaning here");
  error = compile_error("map(input.items, it.price) + it");
  CHECK(error.offset == 29);
  error = compile_error("acc + 1");
  CHECK(error.offset == 0);
  CHECK(error.message == "'acc' is the accumulator of reduce(list, body, initial)");
  CHECK(compile_error("map([1], acc)").offset == 9);
  CHECK(compile_error("map(it, 1)").offset == 4);  // the list is outside the body
}

TEST_CASE("an expression longer than max_length is refused", "[expression]") {
  const std::string at_limit = "1" + std::string(16 * 1024 - 1, ' ');
  CHECK(Expression::parse(at_limit));
  const auto error = compile_error(at_limit + " ");
  CHECK(error.limit);
  CHECK(error.offset == 16 * 1024);
  CHECK(error.message == "the expression is longer than 16384 bytes (max_length)");
  CompileOptions small;
  small.limits.max_length = 4;
  CHECK(compile_error("1 + 2", small).limit);
}

TEST_CASE("nesting deeper than max_depth is a limit error, never a crash", "[expression]") {
  const auto deep = [](std::string_view text) {
    const auto error = compile_error(text);
    CHECK(error.limit);
    CHECK(error.message == "the expression nests deeper than 64 levels (max_depth)");
  };
  deep(std::string(100, '(') + "1" + std::string(100, ')'));
  deep(std::string(100, '!') + "true");
  deep(std::string(100, '-') + "1");
  deep(std::string(100, '[') + std::string(100, ']'));
  std::string sum = "1";
  for (int i = 0; i < 99; ++i) sum += " + 1";
  deep(sum);
  std::string calls = "1";
  for (int i = 0; i < 100; ++i) calls = "abs(" + calls + ")";
  deep(calls);
  std::string choices = "1";
  for (int i = 0; i < 100; ++i) choices = "true ? " + choices + " : 0";
  deep(choices);
  deep(std::string(16000, '('));  // the parser's own recursion is bounded too

  CHECK(eval(std::string(30, '(') + "1" + std::string(30, ')')) == 1);
  CompileOptions shallow;
  shallow.limits.max_depth = 3;
  CHECK(Expression::parse("((1))", shallow));
  CHECK(compile_error("(((1)))", shallow).limit);
}

TEST_CASE("long && and || chains do not nest", "[expression]") {
  std::string all_true = "true";
  std::string all_false = "false";
  for (int i = 1; i < 1000; ++i) {
    all_true += " && true";
    all_false += " || false";
  }
  CHECK(holds(all_true));
  CHECK_FALSE(holds(all_false));
  CHECK(holds(all_false + " || 'last'"));
}

// ---------------------------------------------------------------------------------------------
// Budgets

TEST_CASE("an evaluation stops when it runs out of steps", "[expression]") {
  const Expression expression = compile("1 + 2 + 3 + 4");  // seven operations
  EvaluationOptions options;
  options.max_steps = 7;
  CHECK(evaluate(expression, document(), options));
  options.max_steps = 6;
  const auto result = evaluate(expression, document(), options);
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "budget_exhausted");
}

TEST_CASE("a map over a long list counts every element", "[expression]") {
  json::array rows;
  for (int i = 0; i < 10000; ++i) rows.push_back(i);
  const json::value data = {{"input", {{"rows", rows}}}};
  const Expression expression = compile("size(map(input.rows, it + 1))");
  EvaluationOptions options;
  options.max_steps = 1000;
  const auto result = evaluate(expression, data, options);
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "budget_exhausted");
  CHECK(evaluate(expression, data) == json::value(10000));  // the default budget suffices
}

TEST_CASE("values that grow each round of a reduce run out of budget, not memory", "[expression]") {
  std::string list = "[";
  for (int i = 0; i < 40; ++i) list += i ? ", 1" : "1";
  list += "]";
  CHECK(eval_error("reduce(" + list + ", acc + acc, 'xxxxxxxx')").type == "budget_exhausted");
  CHECK(eval_error("size(reduce(" + list + ", merge(acc, acc), [1]))").type == "budget_exhausted");
  CHECK(eval_error("size(reduce(" + list + ", [acc, acc], 1))").type == "budget_exhausted");
  CHECK(logic_error(R"({"reduce": [)" + list +
                    R"(, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "xx"]})")
            .type == "budget_exhausted");
  // Small values cost nothing extra.
  CHECK(eval("reduce(" + list + ", acc + it, 0)") == 40);
}

TEST_CASE("JsonLogic's try cannot catch running out of budget", "[expression]") {
  json::array rows(5000, json::value(1));
  const json::value data = {{"rows", rows}};
  EvaluationOptions options;
  options.max_steps = 1000;
  const auto error =
      logic_error(R"({"try": [{"map": [{"var": "rows"}, {"var": ""}]}, "caught"]})", data, options);
  CHECK(error.type == "budget_exhausted");
  CHECK(logic(R"({"try": [{"/": [1, 0]}, "caught"]})", data, options) == "caught");
}

// ---------------------------------------------------------------------------------------------
// JsonLogic

TEST_CASE("JsonLogic's val takes path segments as given", "[expression][jsonlogic]") {
  const json::value data = json::parse(R"({"a.b": 1, "a": {"b": 2}, "list": [5, 6]})");
  CHECK(logic(R"({"val": "a.b"})", data) == 1);
  CHECK(logic(R"({"var": "a.b"})", data) == 2);
  CHECK(logic(R"({"val": ["a", "b"]})", data) == 2);
  CHECK(logic(R"({"val": ["list", 1]})", data) == 6);
  CHECK(logic(R"({"val": ["input", "key with space"]})") == 7);
  CHECK(logic(R"({"val": []})", data) == data);
  CHECK(logic(R"({"val": ["nope"]})", data).is_null());
  const auto error = rule_error(R"({"val": ["list", -1]})");
  CHECK(error.pointer == "/val");
  CHECK(error.message == "val takes path segments: strings or indexes");
}

TEST_CASE("JsonLogic's val climbs out of map bodies with [n]", "[expression][jsonlogic]") {
  CHECK(to_json_text(logic(R"({"map": [{"val": ["input", "tags"]},
      {"cat": [{"val": []}, "#", {"val": [[1], "vars", "reminders"]}]}]})")) ==
        R"(["urgent#3","new#3"])");
  const json::value data = json::parse(R"({"rows": [[1, 2], [3]], "k": 10})");
  CHECK(to_json_text(logic(R"({"map": [{"var": "rows"},
      {"map": [{"var": ""}, {"+": [{"var": ""}, {"val": [[2], "k"]}]}]}]})",
                           data)) == "[[11,12],[13]]");
}

TEST_CASE("JsonLogic's exists tells missing from null", "[expression][jsonlogic]") {
  CHECK(logic(R"({"exists": ["input", "nothing"]})") == true);
  CHECK(logic(R"({"exists": ["input", "nope"]})") == false);
  CHECK(logic(R"({"exists": "vars"})") == true);
  const json::value data = json::parse(R"({"rows": [{"a": null}, {}]})");
  CHECK(logic(R"({"map": [{"var": "rows"}, {"exists": "a"}]})", data) == json::array{true, false});
}

TEST_CASE("JsonLogic's try hands the error to its fallback", "[expression][jsonlogic]") {
  CHECK(logic(R"({"try": [{"throw": "Oops"}, {"var": "type"}]})") == "Oops");
  const json::value data = json::parse(R"({"error": {"type": "Custom", "detail": 1}})");
  CHECK(logic(R"({"try": [{"throw": {"var": "error"}}, {"val": "type"}]})", data) == "Custom");
  CHECK(logic(R"({"try": [{"throw": "Oops"}, {"var": "message"}]})") == "the rule threw 'Oops'");
  CHECK(logic(R"({"try": [{"+": ["abc"]}, {"var": "type"}]})") == "NaN");
  CHECK(logic(R"({"try": [{"/": [1, 0]}, 0]})") == 0);
  CHECK(logic(R"({"try": [1, {"throw": "never"}]})") == 1);
  // The fallback can still read the data, one scope out.
  CHECK(logic(R"({"try": [{"throw": "x"}, {"val": [[1], "vars", "reminders"]}]})") == 3);
  CHECK(logic(R"({"map": [[1, 0], {"try": [{"/": [10, {"var": ""}]}, {"var": "type"}]}]})") ==
        json::array{10, "NaN"});
  const auto error = logic_error(R"({"try": [{"throw": "A"}, {"throw": "B"}]})");
  CHECK(error.type == "B");
  CHECK(error.pointer == "/try/1/throw");
  CHECK(rule_error(R"({"try": []})").message == "'try' takes at least 1 operand, not 0");
}

TEST_CASE("a JsonLogic throw is an error of the thrown type", "[expression][jsonlogic]") {
  auto error = logic_error(R"({"if": [true, {"throw": "Oops"}, 1]})");
  CHECK(error.type == "Oops");
  CHECK(error.pointer == "/if/1/throw");
  const json::value data = json::parse(R"({"error": {"type": "Custom"}})");
  CHECK(logic_error(R"({"throw": {"var": "error"}})", data).type == "Custom");
  CHECK(logic_error(R"({"throw": 5})").type == "thrown");
}

TEST_CASE("NaN and Infinity are JsonLogic errors of type NaN, not values",
          "[expression][jsonlogic]") {
  auto error = logic_error(R"({"+": ["abc"]})");
  CHECK(error.type == "NaN");
  CHECK(error.pointer == "/+");
  error = logic_error(R"({"and": [true, {"/": [1, 0]}]})");
  CHECK(error.type == "NaN");
  CHECK(error.pointer == "/and/1/~1");  // '/' escaped in the pointer
  CHECK(logic_error(R"({"*": [1e200, 1e200]})").type == "NaN");
  CHECK(logic_error(R"({"-": ["a", 1]})").type == "NaN");
  CHECK(logic_error(R"({"max": [1, "a"]})").type == "NaN");
  CHECK(logic(R"({"+": ["1", 1]})") == 2);  // JavaScript's coercions otherwise
}

TEST_CASE("an unknown JsonLogic operation is a compile error with a pointer",
          "[expression][jsonlogic]") {
  auto error = rule_error(R"({"lowr": "ABC"})");
  CHECK(error.pointer == "/lowr");
  CHECK(error.message ==
        "unknown operation 'lowr'; did you mean 'lower'?; docs/expressions.md lists them all");
  error = rule_error(R"({"and": [true, {"or": [false, {"frob": 1}]}]})");
  CHECK(error.pointer == "/and/1/or/1/frob");
  CHECK_THAT(error.message, Catch::StartsWith("unknown operation 'frob'"));
}

TEST_CASE("a JsonLogic operation with the wrong operand count is located",
          "[expression][jsonlogic]") {
  auto error = rule_error(R"({"==": [1]})");
  CHECK(error.pointer == "/==");
  CHECK(error.message == "'==' takes 2 operands, not 1");
  error = rule_error(R"({"if": [true, {"!": [1, 2]}]})");
  CHECK(error.pointer == "/if/1/!");
  CHECK(error.message == "'!' takes 1 operand, not 2");
  error = rule_error(R"({"lower": ["a", "b"]})");
  CHECK(error.message == "'lower' got 2 operands; use it as lower(string)");
  CHECK(rule_error(R"({"map": [[1]]})").message == "this operation takes [list, rule]");
  CHECK(rule_error(R"({"var": ["a", 1, 2]})").message == "var takes [path] or [path, default]");
}

TEST_CASE("library functions are JsonLogic operations too", "[expression][jsonlogic]") {
  CHECK(logic(R"({"lower": "ABC"})") == "abc");
  CHECK(logic(R"({"size": "Grüße"})") == 5);
  CHECK(logic(R"({"date_add": ["2026-01-31", "P1M"]})") == "2026-02-28");
  CHECK(logic(R"({"now": []})") == "2026-11-23T10:35:00Z");
  CHECK(logic(R"({"matches": [{"var": "input.invoice.number"}, "^R-"]})") == true);
  CHECK(logic(R"({"sum": [[1, 2, 3]]})") == 6);
}

TEST_CASE("JsonLogic differs from json-logic-js where documented", "[expression][jsonlogic]") {
  CHECK(logic(R"({"==": [[1, 2], [1, 2]]})") == true);  // by content, not identity
  CHECK(logic(R"({"==": [1, "1"]})") == true);          // but otherwise JavaScript's ==
  CHECK(logic(R"({"===": [1, "1"]})") == false);
  CHECK(logic(R"({"min": []})").is_null());
  CHECK(logic(R"({"max": []})").is_null());
  CHECK(logic(R"({"log": "hello"})") == "hello");
  CHECK(logic(R"({"substr": ["Grüße", 1, 2]})") == "rü");  // code points
  CHECK(logic(R"({"substr": ["jsonlogic", -5]})") == "logic");
  const auto error = rule_error(R"({"reduce": [[1], {"var": ""}, 0]})");
  CHECK(error.pointer == "/reduce/1/var");
  CHECK_THAT(error.message, Catch::Contains("\"current\" or \"accumulator\""));
  CHECK(rule_error(R"({"+": []})").message == "'+' takes at least 1 operand, not 0");
  CHECK(logic(R"({"reduce": [[1, 2, 3],
      {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]})") == 6);
}

TEST_CASE("JsonLogic rules nest no deeper than max_depth", "[expression][jsonlogic]") {
  json::value rule = true;
  for (int i = 0; i < 100; ++i) rule = json::object{{"!", rule}};
  const auto error = rule_error_of(rule);
  CHECK(error.limit);
  CHECK(error.message == "the rule nests deeper than 64 levels (max_depth)");
  CHECK(error.pointer.size() == 2 * 64);  // "/!" down to the level that is too deep
}

// ---------------------------------------------------------------------------------------------
// The compiled expression

TEST_CASE("paths() lists the fixed paths a text expression reads, with offsets", "[expression]") {
  const Expression expression = compile(
      "size(steps.verify.answers) == 3 && input['a b'].c[0] > 1 && exists(vars.x) && "
      "map(input.items, it.price)[0] > 0");
  const auto paths = expression.paths();
  REQUIRE(paths.size() == 4);
  CHECK(paths[0].segments == std::vector<std::string>{"steps", "verify", "answers"});
  CHECK(paths[0].offset == 5);
  CHECK(paths[1].segments == std::vector<std::string>{"input", "a b", "c", "0"});
  CHECK(paths[1].offset == 35);
  CHECK(paths[2].segments == std::vector<std::string>{"vars", "x"});
  CHECK(paths[2].offset == 67);
  CHECK(paths[3].segments == std::vector<std::string>{"input", "items"});  // not it.price
  CHECK(paths[3].offset == 82);
}

TEST_CASE("paths() lists the fixed paths a JsonLogic rule reads, with pointers",
          "[expression][jsonlogic]") {
  const Expression expression = compile_rule(json::parse(R"({"and": [
      {"var": "input.a"}, {"val": ["vars", "x"]}, {"exists": ["steps", "s"]},
      {"map": [{"var": "input.items"}, {"var": "price"}]}, {"var": {"cat": ["a", "b"]}}]})"));
  CHECK(expression.syntax() == ExpressionSyntax::jsonlogic);
  const auto paths = expression.paths();
  REQUIRE(paths.size() == 4);
  CHECK(paths[0].segments == std::vector<std::string>{"input", "a"});
  CHECK(paths[0].pointer == "/and/0/var");
  CHECK(paths[1].segments == std::vector<std::string>{"vars", "x"});
  CHECK(paths[1].pointer == "/and/1/val");
  CHECK(paths[2].pointer == "/and/2/exists");
  CHECK(paths[3].segments == std::vector<std::string>{"input", "items"});
  CHECK(paths[3].pointer == "/and/3/map/0/var");
}

TEST_CASE("an expression keeps its text", "[expression]") {
  const Expression text = compile("input.a  ==  1");
  CHECK(text.syntax() == ExpressionSyntax::text);
  CHECK(text.text() == "input.a  ==  1");
  const Expression rule = compile_rule(json::parse(R"({"var": "a"})"));
  CHECK(rule.text() == R"({"var":"a"})");
}

TEST_CASE("to_json_text writes numbers as people write them", "[expression]") {
  CHECK(to_json_text(json::value(0.5)) == "0.5");
  CHECK(to_json_text(json::value(2.0)) == "2");
  CHECK(to_json_text(json::value(-0.0)) == "0");
  CHECK(to_json_text(json::value(1190.5)) == "1190.5");
  CHECK(to_json_text(json::value(1e21)) == "1e+21");
  CHECK(to_json_text(json::parse(R"({"a": [1, 2.5, "x\n", null, true], "b": {}})")) ==
        R"({"a":[1,2.5,"x\n",null,true],"b":{}})");
  CHECK(to_json_text(eval("7 / 2")) == "3.5");
}

TEST_CASE("evaluation reads a large document in place", "[expression]") {
  json::array rows;
  rows.reserve(100000);
  for (int i = 0; i < 100000; ++i)
    rows.push_back(json::object{{"id", i}, {"name", "row " + std::to_string(i)}});
  const json::value data = {{"input", {{"rows", std::move(rows)}}}};
  CHECK(eval("input.rows[99999].name", data) == "row 99999");
  CHECK(eval("size(input.rows)", data) == 100000);
  CHECK(eval("input.rows[size(input.rows) - 2].id", data) == 99998);
  CHECK(to_json_text(eval("input.rows[7]", data)) == R"({"id":7,"name":"row 7"})");
  CHECK(eval("input.rows[0] == input.rows[0] && input.rows[1].id > input.rows[0].id", data) ==
        true);
  EvaluationOptions generous;
  generous.max_steps = 1'000'000;
  CHECK(eval("reduce(input.rows, acc + it.id, 0)", data, generous) == 4999950000);
}

TEST_CASE("copies of an expression share the compiled program", "[expression]") {
  const Expression expression = compile("sum(map(input.items, it.price * it.qty))");
  const Expression copy = expression;  // copies share the compiled program
  CHECK(&copy.program() == &expression.program());
  CHECK(evaluate(copy, document()) == json::value(30));
}

TEST_CASE("an expression that is not valid UTF-8 is refused at the bad byte", "[expression]") {
  // Its strings would become values printed as JSON, which must be UTF-8.
  for (const std::string text : {"'a\xFF'", "'a\xC3'", "'a\xC0\xAF'", "'a\xED\xA0\x80'",
                                 "'a\xF4\x90\x80\x80'", "'a\x80'"}) {
    const auto parsed = Expression::parse(text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().offset == 2);
    CHECK_THAT(parsed.error().message, Catch::Contains("not valid UTF-8"));
  }
  CHECK(Expression::parse("'Grüße, 日本, 🙂'"));
}

}  // namespace
}  // namespace ablauf
