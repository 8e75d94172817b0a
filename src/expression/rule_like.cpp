// JsonLogic's rule_like: whether a rule has the shape of a pattern, so that a form builder can
// recognise the rules it wrote ("a tax rate times anything").
#include "ablauf/expression.hpp"

namespace ablauf {
namespace json = boost::json;
namespace {

bool is_operation(const json::value& v) noexcept {
  return v.is_object() && v.get_object().size() == 1;
}

}  // namespace

bool jsonlogic_rule_like(const json::value& rule, const json::value& pattern) {
  if (pattern == rule) return true;
  if (const auto* word = pattern.if_string()) {
    if (*word == "@") return true;
    if (*word == "number") return rule.is_number();
    if (*word == "string") return rule.is_string();
    if (*word == "array") return rule.is_array();
    return false;
  }
  if (is_operation(pattern)) {
    if (!is_operation(rule)) return false;
    const auto& [pattern_op, pattern_values] = *pattern.get_object().begin();
    const auto& [rule_op, rule_values] = *rule.get_object().begin();
    return (pattern_op == "@" || pattern_op == rule_op) &&
           jsonlogic_rule_like(rule_values, pattern_values);
  }
  if (const auto* patterns = pattern.if_array()) {
    const auto* rules = rule.if_array();
    if (!rules || rules->size() != patterns->size()) return false;
    for (std::size_t i = 0; i < rules->size(); ++i)
      if (!jsonlogic_rule_like((*rules)[i], (*patterns)[i])) return false;
    return true;
  }
  return false;
}

}  // namespace ablauf
