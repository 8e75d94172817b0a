// Checking an instance's input against what its workflow declares: the invoicing seed's schema
// (customer and invoice, an email, dates, bounds, a currency pattern) against its input, as
// Engine::start does for every new instance; and the same input with three mistakes, where
// the problems are named.
#include <ablauf/data_schema.hpp>

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

#include <string_view>

namespace {

constexpr std::string_view schema_text = R"({
  "type": "object", "required": ["customer", "invoice"],
  "properties": {
    "customer": {"type": "object", "required": ["id", "name", "email"], "properties": {
      "id": {"type": "string", "minLength": 1}, "name": {"type": "string", "minLength": 1},
      "email": {"type": "string", "format": "email"}, "phone": {"type": "string"},
      "address": {"type": "string"}}},
    "invoice": {"type": "object", "required": ["number", "total"], "properties": {
      "number": {"type": "string", "minLength": 1},
      "issue_date": {"type": "string", "format": "date"},
      "due_date": {"type": "string", "format": "date"},
      "net_amount": {"type": "number", "minimum": 0}, "tax_amount": {"type": "number", "minimum": 0},
      "discount": {"type": "number", "minimum": 0}, "total": {"type": "number", "minimum": 0},
      "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
      "description": {"type": "string"}, "payment_terms": {"type": "string"}}},
    "feedback_url": {"type": "string"}}})";

constexpr std::string_view input_text = R"({
  "customer": {"id": "K-4711", "name": "Müller Haustechnik GmbH",
               "email": "buchhaltung@mueller-haustechnik.de", "phone": "+49 89 4161 2280",
               "address": "Landsberger Straße 302, 80687 München"},
  "invoice": {"number": "R-2026-0417", "issue_date": "2026-11-23", "due_date": "2026-12-07",
              "net_amount": 2450.0, "tax_amount": 465.5, "discount": 0, "total": 2915.5,
              "currency": "EUR", "description": "Wartung der Heizungsanlage, November 2026",
              "payment_terms": "14 Tage netto"},
  "feedback_url": "https://kundenportal.example.de/bewertung/R-2026-0417"})";

void check(benchmark::State& state, const boost::json::value& input, std::size_t expected) {
  auto schema = ablauf::DataSchema::read(boost::json::parse(schema_text));
  if (!schema) {
    state.SkipWithError("the schema did not read");
    return;
  }
  for (auto _ : state) {
    const auto problems = schema->check(input);
    if (problems.size() != expected) {
      state.SkipWithError("the check did not find the problems expected");
      return;
    }
    benchmark::DoNotOptimize(problems.data());
  }
}

void data_schema_check_fitting_input(benchmark::State& state) {
  check(state, boost::json::parse(input_text), 0);
}
BENCHMARK(data_schema_check_fitting_input);

void data_schema_check_input_with_mistakes(benchmark::State& state) {
  auto input = boost::json::parse(input_text);
  input.at("customer").at("email") = "buchhaltung";
  input.at("invoice").at("due_date") = "07.12.2026";
  input.at("invoice").as_object().erase("total");
  check(state, input, 3);
}
BENCHMARK(data_schema_check_input_with_mistakes);

}  // namespace
