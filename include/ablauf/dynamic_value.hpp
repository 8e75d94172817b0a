/// @file
/// Parameter values as authors write them: constants, templates and computed values.
///
/// In a step's parameters every string is a Mustache template ("Rechnung {{input.invoice.number}}")
/// and an object whose only key is "=" is an expression whose value is used as it is, typed:
/// {"=": "input.invoice.total * 1.19"} gives a number, {"=": {"+": […]}} is a JsonLogic rule.
/// Objects and arrays hold further values of either kind. A DynamicValue is such a value,
/// compiled once (every template and expression in it) and evaluated per instance.
///
/// Thread-safety: immutable after compile(); evaluate() may run from many threads at once.
#pragma once

#include <ablauf/expression.hpp>
#include <ablauf/template.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <memory>
#include <string>
#include <vector>

namespace ablauf {

namespace detail {
struct DynamicNode;
}

struct DynamicValueOptions {
  CompileOptions expressions;
  TemplateLimits templates;
  bool strings_are_templates = true;  ///< false: strings are taken as they are
};

/// A template or expression that does not compile, at `pointer` below the value (and `offset`
/// in the string there, for text).
struct DynamicValueProblem {
  std::string pointer;
  std::size_t offset = 0;
  bool in_string = false;  ///< whether offset points into the string at pointer
  bool is_template = false;
  bool limit = false;
  std::string message;
};

struct DynamicEvaluationOptions {
  EvaluationOptions expressions;
  RenderOptions templates{.escape = Escape::none};
};

class DynamicValue {
 public:
  /// A constant null.
  DynamicValue();

  /// Compiles `value`; reports every template and expression in it that does not compile.
  static tl::expected<DynamicValue, std::vector<DynamicValueProblem>> compile(
      const boost::json::value& value, const DynamicValueOptions& options = {});

  /// The value as written.
  const boost::json::value& written() const noexcept;

  /// Whether evaluation always yields written() (no template tags, no expressions).
  bool is_constant() const noexcept;

  /// Every expression and template in it, with the pointer (below the value) where each is.
  struct Part {
    std::string pointer;
    const Expression* expression = nullptr;
    const Template* tmpl = nullptr;
  };
  std::vector<Part> parts() const;

  /// The value for one instance: templates rendered, expressions evaluated. Errors point (in
  /// EvaluationError::pointer) at the part below the value that failed.
  tl::expected<boost::json::value, EvaluationError> evaluate(
      const boost::json::value& data, const DynamicEvaluationOptions& options = {}) const;

 private:
  std::shared_ptr<const detail::DynamicNode> root_;
  boost::json::value written_;
};

}  // namespace ablauf
