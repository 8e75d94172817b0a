// What the expression tests share: the instance data they read, a fixed now, and helpers that
// compile and evaluate with a failed check naming the expression.
#pragma once

#include <ablauf/expression.hpp>

#include "test_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace ablauf::expression_test {

namespace json = boost::json;
using namespace std::chrono_literals;

// The instance data most tests read.
inline const json::value& document() {
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
inline EvaluationOptions at_fixed_time() {
  EvaluationOptions options;
  options.now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 10h + 35min;
  return options;
}

inline Expression compile(std::string_view text) {
  auto expression = Expression::parse(text);
  INFO(text);
  if (!expression)
    FAIL("does not compile: " << expression.error().message << " at " << expression.error().offset);
  return std::move(*expression);
}

inline json::value eval(std::string_view text, const json::value& data = document(),
                        const EvaluationOptions& options = at_fixed_time()) {
  const Expression expression = compile(text);
  auto result = evaluate(expression, data, options);
  INFO(text);
  if (!result) FAIL("fails: " << result.error().type << ": " << result.error().message);
  return std::move(*result);
}

// The value as JSON text, which shows lists and objects whole.
inline std::string text_of(std::string_view text) {
  return to_json_text(eval(text));
}

inline bool holds(std::string_view text) {
  const Expression expression = compile(text);
  auto result = evaluate_condition(expression, document(), at_fixed_time());
  INFO(text);
  if (!result) FAIL("fails: " << result.error().type << ": " << result.error().message);
  return *result;
}

inline EvaluationError eval_error(std::string_view text, const json::value& data = document(),
                                  const EvaluationOptions& options = at_fixed_time()) {
  const Expression expression = compile(text);
  auto result = evaluate(expression, data, options);
  INFO(text);
  if (result) FAIL("expected an error, got " << to_json_text(*result));
  return result.error();
}

inline ExpressionError compile_error(std::string_view text, const CompileOptions& options = {}) {
  auto expression = Expression::parse(text, options);
  INFO(text);
  if (expression) FAIL("expected a compile error");
  return expression.error();
}

inline Expression compile_rule(const json::value& rule) {
  auto expression = Expression::from_jsonlogic(rule);
  INFO(json::serialize(rule));
  if (!expression) FAIL("does not compile: " << expression.error().message);
  return std::move(*expression);
}

inline json::value logic(std::string_view rule, const json::value& data = document(),
                         const EvaluationOptions& options = at_fixed_time()) {
  const Expression expression = compile_rule(json::parse(rule));
  auto result = evaluate(expression, data, options);
  INFO(rule);
  if (!result) FAIL("fails: " << result.error().type << ": " << result.error().message);
  return std::move(*result);
}

inline EvaluationError logic_error(std::string_view rule, const json::value& data = document(),
                                   const EvaluationOptions& options = at_fixed_time()) {
  const Expression expression = compile_rule(json::parse(rule));
  auto result = evaluate(expression, data, options);
  INFO(rule);
  if (result) FAIL("expected an error, got " << to_json_text(*result));
  return result.error();
}

inline ExpressionError rule_error_of(const json::value& rule) {
  auto expression = Expression::from_jsonlogic(rule);
  INFO(json::serialize(rule));
  if (expression) FAIL("expected a compile error");
  return expression.error();
}

inline ExpressionError rule_error(std::string_view rule) {
  return rule_error_of(json::parse(rule));
}

// Asserts an evaluation error's type and where it points.
inline void check_fails(std::string_view text, std::string_view type, std::size_t offset) {
  const auto error = eval_error(text);
  INFO(text << "\n" << error.message);
  CHECK(error.type == type);
  CHECK(error.offset == offset);
}

}  // namespace ablauf::expression_test
