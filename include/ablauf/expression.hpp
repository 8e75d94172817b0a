/// @file
/// Expressions: conditions on transitions, `visible_if` on checklist items, computed values.
///
/// One small, safe language with two spellings that compile to the same tree:
///
///   text       input.invoice.total > 1000 && input.customer.country == 'DE'
///   JsonLogic  {"and": [{">": [{"var": "input.invoice.total"}, 1000]}, …]}
///
/// An expression is compiled once (when its definition loads) and evaluated many times against
/// a read-only JSON document, the instance data, without copying it. Evaluation has a step
/// budget and the tree a depth limit, so no expression runs unbounded or exhausts the stack;
/// every failure is a located, typed error. The language, its types and its standard library
/// are described in docs/expressions.md.
///
/// Thread-safety: an Expression is immutable and may be evaluated from many threads at once.
#pragma once

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

namespace detail {
struct Program;
}

/// Compile-time limits of an expression. A value at a limit is accepted.
struct ExpressionLimits {
  std::size_t max_length = 16 * 1024;  ///< bytes of a text expression
  std::size_t max_depth = 64;          ///< nesting of operators, calls and brackets
};

/// How Expression::parse() and Expression::from_jsonlogic() compile.
struct CompileOptions {
  ExpressionLimits limits;  ///< exceeding one fails with ExpressionError::limit set
  /// The names a text expression may start a path with. Empty allows any name (for trying
  /// expressions against an arbitrary document with `ablauf eval`).
  std::vector<std::string> roots = {"input", "vars", "steps", "event"};
};

/// Why an expression does not compile. Text expressions point at the byte at fault; JsonLogic
/// rules at the JSON pointer (relative to the rule) of the operation at fault.
struct ExpressionError {
  std::string message;     ///< what is wrong, for the author
  std::size_t offset = 0;  ///< byte offset into the text (text expressions); else 0
  std::string pointer;     ///< JSON pointer into the rule (JsonLogic); else ""
  bool limit = false;      ///< a limit of ExpressionLimits was exceeded
};

/// How one evaluation runs.
struct EvaluationOptions {
  /// What now() returns; the moment of the call when not given. Engines pass their Clock's time
  /// so that evaluation is deterministic under a manual clock.
  std::optional<std::chrono::sys_time<std::chrono::milliseconds>> now;
  /// Operations one evaluation may perform: operators, calls and list elements visited, plus
  /// one for every 64 bytes of the values it builds or copies (so no expression exhausts memory).
  /// The engine's evaluations take EngineLimits::max_evaluation_operations. (Called max_steps in
  /// 0.1, which read like LoadOptions::max_steps, the steps of a definition.)
  std::size_t max_operations = 100'000;
};

/// Why an evaluation failed: a stable type ("type_mismatch", "division_by_zero", "NaN", …, or
/// the type given to JsonLogic's `throw`), a message, and the operation at fault.
struct EvaluationError {
  std::string type;        ///< stable, for code to test: "type_mismatch", "division_by_zero", …
  std::string message;     ///< what went wrong, for people
  std::size_t offset = 0;  ///< in the text (text expressions)
  std::string pointer;     ///< in the rule (JsonLogic)
};

/// The spelling an expression was written in.
enum class ExpressionSyntax {
  text,      ///< an infix string: `input.total > 1000`
  jsonlogic  ///< a JsonLogic rule: `{">": [{"var": "input.total"}, 1000]}`
};

/// A compiled expression, in either spelling. Has no empty state: obtain one from parse() or
/// from_jsonlogic(). Cheap to copy: copies share the compiled form.
class Expression {
 public:
  /// Compiles a text expression such as `size(steps.verify.answers) == 3`. Text that is not
  /// valid UTF-8 is refused at its first bad byte: its strings would become JSON values.
  static tl::expected<Expression, ExpressionError> parse(std::string_view text,
                                                         const CompileOptions& options = {});

  /// Compiles a JsonLogic rule. Its `var` paths read the same document as text paths.
  static tl::expected<Expression, ExpressionError> from_jsonlogic(
      const boost::json::value& rule, const CompileOptions& options = {});

  /// Which spelling it was compiled from; says whether errors and paths carry an offset or a
  /// pointer.
  ExpressionSyntax syntax() const noexcept;

  /// The text as written, or the JsonLogic rule serialized.
  const std::string& text() const noexcept;

  /// The paths the expression reads with fixed names, e.g. {"steps", "verify", "answers"}, with
  /// where each is written. Lets a validator check that `steps.<id>` names a real step.
  struct PathReference {
    std::vector<std::string> segments;  ///< the names in order, e.g. "steps", "verify", …
    std::size_t offset = 0;             ///< text
    std::string pointer;                ///< JsonLogic
  };
  /// Every path it reads from the data (not from the elements inside `map`, `filter` and the
  /// like); a path read twice is listed twice.
  std::vector<PathReference> paths() const;

  /// The compiled form, for ablauf's own evaluator.
  const detail::Program& program() const noexcept { return *program_; }

 private:
  explicit Expression(std::shared_ptr<const detail::Program> program);
  std::shared_ptr<const detail::Program> program_;
};

/// The value of an expression over `data` (the instance data: {"input": …, "vars": …, …}).
tl::expected<boost::json::value, EvaluationError> evaluate(const Expression& expression,
                                                           const boost::json::value& data,
                                                           const EvaluationOptions& options = {});

/// Whether the value is truthy: everything but false, null, 0, NaN, "" and []. Conditions use it.
tl::expected<bool, EvaluationError> evaluate_condition(const Expression& expression,
                                                       const boost::json::value& data,
                                                       const EvaluationOptions& options = {});

/// JsonLogic's rule_like: whether `rule` has the shape of `pattern`, where "@" matches
/// anything, "number", "string" and "array" match a value of that type, {"@": …} any operation,
/// and everything else itself. Form builders use it to recognise rules they wrote.
bool jsonlogic_rule_like(const boost::json::value& rule, const boost::json::value& pattern);

/// A value as JSON text; unlike boost::json::serialize, numbers read as people write them
/// (0.5, not 5E-1).
std::string to_json_text(const boost::json::value& value);

}  // namespace ablauf
