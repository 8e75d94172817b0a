#include "load.hpp"

#include <ablauf/json.hpp>
#include <ablauf/source.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace ablauf::cli {

void LimitFlags::add_to(CLI::App& command) {
  auto& json = options.json;
  command.add_option("--max-bytes", json.max_document_bytes, "Largest document, in bytes")
      ->capture_default_str()
      ->group("Limits");
  command.add_option("--max-depth", json.max_depth, "Deepest nesting of arrays and objects")
      ->capture_default_str()
      ->group("Limits");
  command.add_option("--max-string-length", json.max_string_length, "Longest string, in bytes")
      ->capture_default_str()
      ->group("Limits");
  command.add_option("--max-steps", options.max_steps, "Most steps (or sections)")
      ->capture_default_str()
      ->group("Limits");
  command
      .add_option("--max-identifier-length", options.max_identifier_length,
                  "Longest step, section or item id")
      ->capture_default_str()
      ->group("Limits");
  command
      .add_option("--max-expression-length", options.expressions.max_length,
                  "Longest expression, in bytes")
      ->capture_default_str()
      ->group("Limits");
  command
      .add_option("--max-expression-depth", options.expressions.max_depth,
                  "Deepest nesting of operators and calls in an expression")
      ->capture_default_str()
      ->group("Limits");
  command
      .add_option("--max-template-bytes", options.templates.max_template_bytes,
                  "Longest template, in bytes")
      ->capture_default_str()
      ->group("Limits");
  command
      .add_option("--max-template-nesting", options.templates.max_nesting,
                  "Deepest nesting of sections in a template")
      ->capture_default_str()
      ->group("Limits");
}

std::optional<Workflow> load_workflow(const std::string& path, const LoadOptions& options,
                                      std::size_t& warnings) {
  auto definition = load_definition_file(path, options);
  if (!definition) {
    std::cerr << definition.error();
    return std::nullopt;
  }
  auto workflow = Workflow::compile(std::move(*definition), options.step_types);
  if (!workflow) {
    std::cerr << workflow.error();
    return std::nullopt;
  }
  std::cerr << workflow->warnings();
  warnings += workflow->warnings().size();
  return std::move(*workflow);
}

std::optional<boost::json::value> read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": error: cannot read the file\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const Source source(path, std::move(text).str());
  auto data = parse_json(source);
  if (!data) {
    std::cerr << data.error() << '\n';
    return std::nullopt;
  }
  return std::move(*data);
}

}  // namespace ablauf::cli
