// The expression language's compile errors, located and explained, and its budgets.
#include "expression_support.hpp"

namespace ablauf {
namespace {
using namespace expression_test;

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
  options.max_operations = 7;
  CHECK(evaluate(expression, document(), options));
  options.max_operations = 6;
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
  options.max_operations = 1000;
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
  options.max_operations = 1000;
  const auto error =
      logic_error(R"({"try": [{"map": [{"var": "rows"}, {"var": ""}]}, "caught"]})", data, options);
  CHECK(error.type == "budget_exhausted");
  CHECK(logic(R"({"try": [{"/": [1, 0]}, "caught"]})", data, options) == "caught");
}

}  // namespace
}  // namespace ablauf
