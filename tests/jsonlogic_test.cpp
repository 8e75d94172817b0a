// JsonLogic rules: compiled to the same programs as text expressions, with their own errors.
#include "expression_support.hpp"

namespace ablauf {
namespace {
using namespace expression_test;

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

}  // namespace
}  // namespace ablauf
