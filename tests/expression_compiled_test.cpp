// A compiled expression: the paths it reads, and what it tells a caller.
#include "expression_support.hpp"

namespace ablauf {
namespace {
using namespace expression_test;

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
  generous.max_operations = 1'000'000;
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
  for (const std::string text :
       {"'a\xFF'", "'a\xC3'", "'a\xC0\xAF'", "'a\xED\xA0\x80'", "'a\xF4\x90\x80\x80'", "'a\x80'"}) {
    const auto parsed = Expression::parse(text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().offset == 2);
    CHECK_THAT(parsed.error().message, Catch::Contains("not valid UTF-8"));
  }
  CHECK(Expression::parse("'Grüße, 日本, 🙂'"));
}

}  // namespace
}  // namespace ablauf
