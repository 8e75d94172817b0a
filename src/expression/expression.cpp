#include "ablauf/expression.hpp"

#include "evaluator.hpp"
#include "jsonlogic.hpp"
#include "text_parser.hpp"
#include "utf8.hpp"
#include "value_text.hpp"

namespace ablauf {
namespace json = boost::json;

Expression::Expression(std::shared_ptr<const detail::Program> program)
    : program_(std::move(program)) {}

tl::expected<Expression, ExpressionError> Expression::parse(std::string_view text,
                                                            const CompileOptions& options) {
  // Strings in the text become values, which are JSON and so must be UTF-8.
  if (const auto bad = detail::utf8::invalid_at(text); bad != std::string_view::npos) {
    ExpressionError error;
    const auto byte = static_cast<unsigned char>(text[bad]);
    error.message = std::string("the expression is not valid UTF-8: byte 0x") +
                    "0123456789ABCDEF"[byte >> 4] + "0123456789ABCDEF"[byte & 0xF] +
                    " starts no character, or starts one cut short";
    error.offset = bad;
    return tl::make_unexpected(std::move(error));
  }
  auto program = detail::parse_text(text, options);
  if (!program) return tl::make_unexpected(std::move(program.error()));
  return Expression(std::make_shared<const detail::Program>(std::move(*program)));
}

tl::expected<Expression, ExpressionError> Expression::from_jsonlogic(
    const json::value& rule, const CompileOptions& options) {
  auto program = detail::compile_jsonlogic(rule, options);
  if (!program) return tl::make_unexpected(std::move(program.error()));
  return Expression(std::make_shared<const detail::Program>(std::move(*program)));
}

ExpressionSyntax Expression::syntax() const noexcept {
  return program_->syntax;
}

const std::string& Expression::text() const noexcept {
  return program_->text;
}

std::vector<Expression::PathReference> Expression::paths() const {
  std::vector<PathReference> out;
  for (const auto& node : program_->nodes) {
    if ((node.op != detail::Op::path && node.op != detail::Op::exists) ||
        node.root != detail::PathRoot::document)
      continue;
    PathReference reference;
    for (const auto& segment : node.segments) reference.segments.push_back(segment.name);
    if (program_->syntax == ExpressionSyntax::text)
      reference.offset = node.origin;
    else
      reference.pointer = program_->pointers[node.origin];
    out.push_back(std::move(reference));
  }
  return out;
}

namespace {

template <typename T, typename Convert>
tl::expected<T, EvaluationError> run(const Expression& expression, const json::value& data,
                                     const EvaluationOptions& options, Convert convert) {
  const auto& program = expression.program();
  detail::Evaluator evaluator(program, data, options);
  auto result = evaluator.run();
  if (result) return convert(std::move(*result));
  auto& fault = result.error();
  EvaluationError error{std::move(fault.failure.type), std::move(fault.failure.message)};
  const auto origin = program.nodes[fault.node].origin;
  if (program.syntax == ExpressionSyntax::text)
    error.offset = origin;
  else
    error.pointer = program.pointers[origin];
  return tl::make_unexpected(std::move(error));
}

}  // namespace

tl::expected<json::value, EvaluationError> evaluate(const Expression& expression,
                                                    const json::value& data,
                                                    const EvaluationOptions& options) {
  return run<json::value>(expression, data, options,
                          [](detail::Val v) { return std::move(v).take(); });
}

tl::expected<bool, EvaluationError> evaluate_condition(const Expression& expression,
                                                       const json::value& data,
                                                       const EvaluationOptions& options) {
  return run<bool>(expression, data, options,
                   [](const detail::Val& v) { return detail::is_truthy(v.get()); });
}

std::string to_json_text(const json::value& value) {
  std::string out;
  detail::append_json(value, out);
  return out;
}

}  // namespace ablauf
