// Fuzzes the expression compiler and evaluator: the first byte picks the syntax (text, or a
// JsonLogic rule as JSON), the rest is the expression, evaluated over a small instance's data.
#include <ablauf/expression.hpp>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

const boost::json::value& instance_data() {
  static const boost::json::value data = boost::json::parse(R"({
    "input": {"invoice": {"number": "R-1", "total": 1190.5, "issue_date": "2026-11-02",
              "lines": [{"qty": 2, "price": 10}, {"qty": 1, "price": 0.5}]},
              "customer": {"name": "Erika Müller", "country": "DE"}},
    "vars": {"retry": false, "count": 3},
    "steps": {"check": {"visits": 1, "answers": {"ok": true, "amount": 42}}},
    "event": null})");
  return data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  ablauf::EvaluationOptions options;
  options.now = std::chrono::sys_days{std::chrono::November / 23 / 2026};  // the same each run
  options.max_operations = 10'000;
  if (data[0] % 2 == 0) {
    auto expression = ablauf::Expression::parse(text);
    if (expression) (void)ablauf::evaluate(*expression, instance_data(), options);
    return 0;
  }
  boost::system::error_code error;
  const auto rule = boost::json::parse(text, error);
  if (error) return 0;
  auto expression = ablauf::Expression::from_jsonlogic(rule);
  if (expression) (void)ablauf::evaluate(*expression, instance_data(), options);
  return 0;
}
