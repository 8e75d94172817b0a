// Compiling and evaluating a typical condition, as text and as JsonLogic, and a computed value.
#include <ablauf/expression.hpp>

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

#include <chrono>
#include <string_view>

namespace {

namespace json = boost::json;

// A transition's condition over an invoice: a threshold, a country and a checklist answer.
constexpr std::string_view condition =
    "input.invoice.total > 1000 && input.customer.country == 'DE' && "
    "steps.check_customer_data.answers.data_check_result != 'corrections_needed'";

constexpr std::string_view rule_text = R"({"and": [
  {">": [{"var": "input.invoice.total"}, 1000]},
  {"==": [{"var": "input.customer.country"}, "DE"]},
  {"!=": [{"var": "steps.check_customer_data.answers.data_check_result"}, "corrections_needed"]}
]})";

constexpr std::string_view data_text = R"({
  "input": {
    "customer": {"id": "K-4711", "name": "Müller & Söhne", "country": "DE",
                 "email": "buchhaltung@mueller.example"},
    "invoice": {"number": "R-2026-17", "issue_date": "2026-11-02", "net_amount": 1000.42,
                "total": 1190.5, "currency": "EUR",
                "lines": [{"sku": "A-1", "qty": 3, "price": 120.5},
                          {"sku": "B-7", "qty": 1, "price": 638.92}]}
  },
  "vars": {"reminders": 1},
  "steps": {"check_customer_data": {"visits": 1, "answers": {"data_check_result": "ok"}}}
})";

const json::value& data() {
  static const json::value value = json::parse(data_text);
  return value;
}

void compile_condition(benchmark::State& state) {
  for (auto _ : state) {
    auto expression = ablauf::Expression::parse(condition);
    if (!expression) state.SkipWithError(expression.error().message.c_str());
    benchmark::DoNotOptimize(expression);
  }
}
BENCHMARK(compile_condition);

void evaluate_condition(benchmark::State& state) {
  const auto expression = ablauf::Expression::parse(condition);
  if (!expression) return state.SkipWithError(expression.error().message.c_str());
  for (auto _ : state) {
    auto holds = ablauf::evaluate_condition(*expression, data());
    if (!holds || !*holds) state.SkipWithError("the condition should hold");
    benchmark::DoNotOptimize(holds);
  }
}
BENCHMARK(evaluate_condition);

void evaluate_jsonlogic_condition(benchmark::State& state) {
  const auto expression = ablauf::Expression::from_jsonlogic(json::parse(rule_text));
  if (!expression) return state.SkipWithError(expression.error().message.c_str());
  for (auto _ : state) {
    auto holds = ablauf::evaluate_condition(*expression, data());
    if (!holds || !*holds) state.SkipWithError("the rule should hold");
    benchmark::DoNotOptimize(holds);
  }
}
BENCHMARK(evaluate_jsonlogic_condition);

// A computed value with a list operation and a date: the order total and its due date.
void evaluate_computed_value(benchmark::State& state) {
  const auto expression = ablauf::Expression::parse(
      "[sum(map(input.invoice.lines, it.qty * it.price)), "
      "date_add(input.invoice.issue_date, 'P14D')]");
  if (!expression) return state.SkipWithError(expression.error().message.c_str());
  const json::value expected = json::parse(R"([1000.42, "2026-11-16"])");
  for (auto _ : state) {
    auto value = ablauf::evaluate(*expression, data());
    if (!value || value->as_array()[1] != expected.as_array()[1] ||
        std::abs(value->as_array()[0].to_number<double>() - 1000.42) > 1e-9)
      state.SkipWithError("wrong total or due date");
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK(evaluate_computed_value);

}  // namespace
