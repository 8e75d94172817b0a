// The expression language: its grammar, and what its operators mean.
#include "expression_support.hpp"

namespace ablauf {
namespace {
using namespace expression_test;

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

TEST_CASE("a name read on a list reads it in each element", "[expression]") {
  CHECK(eval("input.items.sku") == json::array{"a", "b"});
  CHECK(eval("sum(input.items.price)") == eval("sum(map(input.items, it.price))"));
  CHECK(eval("input.items.nope").is_null());  // no element has it: nowhere
  CHECK(eval("input.nope.sku").is_null());    // no list there
  CHECK(eval("input.items[0].sku") == "a");   // an index still reads one element
  const json::value rows = json::parse(
      R"({"input": {"rows": [{"amount": 2}, {"note": "ohne Betrag"}, {"amount": 3.5}]}})");
  CHECK(eval("input.rows.amount", rows) == json::array{2, 3.5});  // those without it left out
  CHECK(eval("sum(input.rows.amount)", rows) == 5.5);
  CHECK(eval("exists(input.rows.amount)", rows) == true);
  CHECK(eval("exists(input.rows.nope)", rows) == false);
  // JsonLogic's var keeps its own rule: a path through a list by name finds nothing.
  CHECK(logic(R"({"var": "input.rows.amount"})", rows).is_null());
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

}  // namespace
}  // namespace ablauf
