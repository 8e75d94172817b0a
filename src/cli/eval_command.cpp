// `ablauf eval`: try an expression or a JsonLogic rule against some data.
#include "commands.hpp"
#include "definition/type_check.hpp"
#include "load.hpp"
#include "suggest.hpp"
#include "typing/value_kinds.hpp"

#include <ablauf/expression.hpp>

#include <boost/json/parse.hpp>

#include <iostream>
#include <limits>
#include <memory>

namespace ablauf::cli {
namespace {

struct EvalFlags {
  std::string expression;
  std::string data_file;
  std::string definition_file;  // with `step`: type-check in that step's scope
  std::string step;
  LimitFlags limits;  // the host's step types the definition may use
  bool jsonlogic = false;
  std::size_t max_operations = EvaluationOptions{}.max_operations;
};

// Column of a byte offset, counting code points as editors do.
std::size_t column_of(std::string_view text, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return column;
}

// expression:1:COL: error: MESSAGE, then the expression with a caret under the column.
void print_error(const std::string& text, std::size_t offset, const std::string& message,
                 std::string_view severity = "error") {
  const std::size_t column = column_of(text, offset);
  std::cerr << "expression:1:" << column << ": " << severity << ": " << message << '\n'
            << "  " << text << '\n'
            << "  " << std::string(column - 1, ' ') << "^\n";
}

// `--definition FILE --step ID`: prints on stderr what the loader would find wrong with the
// expression in the step's scope, and its type on stdout ("type: a number, may be missing").
// Returns exit_ok, exit_invalid (the expression or the definition has errors) or exit_usage (no
// such step).
int type_in_step(const EvalFlags& flags, const Expression& expression) {
  std::size_t warnings = 0;
  const auto& limits = flags.limits;
  const auto workflow = load_workflow(flags.definition_file, limits.options, warnings);
  if (!workflow) return exit_invalid;
  const auto& definition = workflow->definition();
  const auto* step = workflow->find_step(flags.step);
  if (!step) {
    std::vector<std::string_view> ids;
    for (const auto& s : definition.steps) ids.push_back(s.id);
    std::cerr << "error: " << flags.definition_file << " has no step '" << flags.step << "'"
              << detail::did_you_mean(flags.step, ids) << '\n';
    return exit_usage;
  }
  const auto index = static_cast<std::size_t>(step - definition.steps.data());
  auto typed = detail::type_at_step(definition, limits.step_types, index, expression);
  bool valid = true;
  for (const auto& finding : typed.findings) {
    const std::string_view severity = finding.severity == Severity::error ? "error" : "warning";
    valid = valid && finding.severity != Severity::error;
    if (flags.jsonlogic)
      std::cerr << "rule at " << (finding.pointer.empty() ? "/" : finding.pointer) << ": "
                << severity << ": " << finding.message << '\n';
    else
      print_error(flags.expression, finding.offset, finding.message, severity);
  }
  const auto& type = typed.type;
  std::cout << "type: " << detail::describe_kinds(type.kinds);
  if (!type.options.empty()) {
    std::cout << ", one of";
    for (std::size_t i = 0; i < type.options.size(); ++i)
      std::cout << (i == 0 ? " '" : ", '") << type.options[i] << "'";
  }
  if (type.may_be_missing) std::cout << ", may be missing (null)";
  std::cout << '\n';
  return valid ? exit_ok : exit_invalid;
}

int run_eval(const EvalFlags& flags) {
  boost::json::value data = boost::json::object();
  if (!flags.data_file.empty()) {
    auto read = read_json_file(flags.data_file);
    if (!read) return exit_usage;
    data = std::move(*read);
  }

  CompileOptions options;
  // Besides the instance's own roots, paths may start at any top-level key of the data given.
  if (const auto* object = data.if_object())
    for (const auto& entry : *object) options.roots.emplace_back(entry.key());

  boost::json::value rule;
  if (flags.jsonlogic) {
    boost::system::error_code ec;
    rule = boost::json::parse(flags.expression, ec);
    if (ec) {
      std::cerr << "rule: error: not valid JSON: " << ec.message() << '\n';
      return exit_invalid;
    }
  }
  auto expression = flags.jsonlogic ? Expression::from_jsonlogic(rule, options)
                                    : Expression::parse(flags.expression, options);
  if (!expression) {
    const auto& e = expression.error();
    if (flags.jsonlogic)
      std::cerr << "rule at " << (e.pointer.empty() ? "/" : e.pointer) << ": error: " << e.message
                << '\n';
    else
      print_error(flags.expression, e.offset, e.message);
    return exit_invalid;
  }

  if (!flags.step.empty()) {
    // Without data, the type is the answer; with it, a valid expression is also evaluated.
    const int typed = type_in_step(flags, *expression);
    if (typed != exit_ok || flags.data_file.empty()) return typed;
  }

  EvaluationOptions evaluation;
  evaluation.max_operations = flags.max_operations;
  auto result = evaluate(*expression, data, evaluation);
  if (!result) {
    const auto& e = result.error();
    const std::string message = e.message + " [" + e.type + "]";
    if (flags.jsonlogic)
      std::cerr << "rule at " << (e.pointer.empty() ? "/" : e.pointer) << ": error: " << message
                << '\n';
    else
      print_error(flags.expression, e.offset, message);
    return exit_invalid;
  }
  std::cout << to_json_text(*result) << '\n';
  return exit_ok;
}

}  // namespace

void add_eval_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<EvalFlags>();
  auto* command = app.add_subcommand(
      "eval",
      "Evaluate an expression (or, with --jsonlogic, a JsonLogic rule) against JSON data and "
      "print the result as JSON. Errors print with their column; exits 1 on an error.");
  command
      ->add_option("expression", flags->expression,
                   "The expression, e.g. 'input.total > 1000', or a JsonLogic rule as JSON")
      ->required();
  command
      ->add_option("-d,--data", flags->data_file,
                   "JSON file with the data, e.g. {\"input\": {…}, \"vars\": {…}}")
      ->check(CLI::ExistingFile);
  command->add_flag("--jsonlogic", flags->jsonlogic, "The expression is a JsonLogic rule");
  auto* definition =
      command
          ->add_option("--definition", flags->definition_file,
                       "Definition file whose step --step gives the expression's scope")
          ->check(CLI::ExistingFile);
  command
      ->add_option("--step", flags->step,
                   "Type-check the expression where this step's transitions are read, against "
                   "the data the definition declares, and print its type")
      ->needs(definition);
  definition->needs("--step");
  flags->limits.add_step_types_to(*command);
  // --max-steps is its name of 0.1, kept for scripts.
  command
      ->add_option("--max-operations,--max-steps", flags->max_operations,
                   "Evaluation budget (operations)")
      ->capture_default_str()
      ->check(whole_number(1, std::numeric_limits<std::size_t>::max()));
  command->callback([flags, &run] {
    run = [flags] { return flags->limits.load_step_types() ? run_eval(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
