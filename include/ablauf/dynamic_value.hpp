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

/// How DynamicValue::compile() reads a value.
struct DynamicCompileOptions {
  CompileOptions expressions;         ///< for every `{"=": …}` expression
  TemplateLimits templates;           ///< for every string, when strings are templates
  bool strings_are_templates = true;  ///< false: strings are taken as they are
};

/// The name of DynamicCompileOptions in 0.1, which did not say that these options compile, as
/// DynamicEvaluationOptions evaluate.
using DynamicValueOptions [[deprecated("use DynamicCompileOptions")]] = DynamicCompileOptions;

/// A template or expression that does not compile, at `pointer` below the value (and `offset`
/// in the string there, for text).
struct DynamicValueProblem {
  /// JSON pointer relative to the value; for a JsonLogic rule, of the operation at fault in it.
  std::string pointer;
  std::size_t offset = 0;    ///< byte offset in the string at pointer, when in_string
  bool in_string = false;    ///< whether offset points into the string at pointer
  bool is_template = false;  ///< a template (else an expression) does not compile
  bool limit = false;   ///< an expression exceeds ExpressionLimits (always false for templates)
  std::string message;  ///< what is wrong, from ExpressionError or TemplateError
};

/// How DynamicValue::evaluate() computes a value.
struct DynamicEvaluationOptions {
  EvaluationOptions expressions;  ///< the clock and step budget of each expression
  /// How templates render; no HTML escaping by default, since the values are not HTML.
  RenderOptions templates{.escape = Escape::none};
};

/// A parameter value compiled once, with every template and expression in it, and evaluated
/// per instance. Cheap to copy: copies share the compiled form.
class DynamicValue {
 public:
  /// A constant null.
  DynamicValue();

  /// `value` as it is, however it looks: no template, nothing computed (a parameter's default).
  static DynamicValue constant(boost::json::value value);

  /// Compiles `value`; reports every template and expression in it that does not compile.
  static tl::expected<DynamicValue, std::vector<DynamicValueProblem>> compile(
      const boost::json::value& value, const DynamicCompileOptions& options = {});

  /// The value as written.
  const boost::json::value& written() const noexcept;

  /// Whether evaluation always yields written() (no template tags, no expressions).
  bool is_constant() const noexcept;

  /// Every expression and template in it, with the pointer (below the value) where each is.
  struct Part {
    std::string pointer;  ///< of the template string, or of the expression's "=" member
    const Expression* expression = nullptr;  ///< the expression; null for a template
    const Template* tmpl = nullptr;          ///< the template; null for an expression
  };
  /// The expressions and templates in the value, in document order, for validators to check
  /// (the paths an expression reads, the names a template reads). The pointers stay valid while
  /// this value or a copy of it lives.
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
