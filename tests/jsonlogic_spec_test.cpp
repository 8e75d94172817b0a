// The official JsonLogic tests (jsonlogic.com/tests.json), read from the corpora folder.
#include <ablauf/expression.hpp>

#include "test_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>

namespace ablauf {
namespace {
namespace json = boost::json;

// Results compare as JSON, with numbers by value: JsonLogic has one number type.
bool same(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same(x[i], y[i])) return false;
    return true;
  }
  return a == b;
}

TEST_CASE("every official JsonLogic test passes", "[expression][jsonlogic][corpus]") {
  const auto text =
      test::read_file(std::filesystem::path(ABLAUF_CORPORA_DIR) / "jsonlogic" / "tests.json");
  const json::value corpus = json::parse(text);
  std::size_t cases = 0;
  std::string section;
  for (const auto& entry : corpus.as_array()) {
    if (entry.is_string()) {
      section = entry.get_string();
      continue;
    }
    const auto& test = entry.as_array();
    const auto& rule = test[0];
    const auto& data = test[1];
    const auto& expected = test[2];
    ++cases;
    INFO(section << "\nrule: " << json::serialize(rule) << "\ndata: " << json::serialize(data));
    CompileOptions options;
    options.roots.clear();
    auto expression = Expression::from_jsonlogic(rule, options);
    if (!expression) FAIL("does not compile: " << expression.error().message);
    auto result = evaluate(*expression, data);
    if (!result) FAIL("fails: " << result.error().message);
    INFO("expected " << json::serialize(expected) << ", got " << to_json_text(*result));
    CHECK(same(*result, expected));
  }
  CHECK(cases == 277);  // a truncated file cannot pass
}

TEST_CASE("every official rule_like test passes", "[expression][jsonlogic][corpus]") {
  const auto text =
      test::read_file(std::filesystem::path(ABLAUF_CORPORA_DIR) / "jsonlogic" / "rule_like.json");
  const json::value corpus = json::parse(text);
  std::size_t cases = 0;
  for (const auto& entry : corpus.as_array()) {
    if (entry.is_string()) continue;
    const auto& test = entry.as_array();
    ++cases;
    INFO("rule: " << json::serialize(test[0]) << "\npattern: " << json::serialize(test[1]));
    CHECK(jsonlogic_rule_like(test[0], test[1]) == test[2].as_bool());
  }
  CHECK(cases == 39);
}

}  // namespace
}  // namespace ablauf
