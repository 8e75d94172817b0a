// `ablauf eval`: try an expression or a JsonLogic rule against some data.
#include "commands.hpp"
#include "load.hpp"

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
void print_error(const std::string& text, std::size_t offset, const std::string& message) {
  const std::size_t column = column_of(text, offset);
  std::cerr << "expression:1:" << column << ": error: " << message << '\n'
            << "  " << text << '\n'
            << "  " << std::string(column - 1, ' ') << "^\n";
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
  // --max-steps is its name of 0.1, kept for scripts.
  command
      ->add_option("--max-operations,--max-steps", flags->max_operations,
                   "Evaluation budget (operations)")
      ->capture_default_str()
      ->check(whole_number(1, std::numeric_limits<std::size_t>::max()));
  command->callback([flags, &run] { run = [flags] { return run_eval(*flags); }; });
}

}  // namespace ablauf::cli
