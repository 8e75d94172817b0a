#include "definition/expression_reader.hpp"

#include "suggest.hpp"

#include <boost/regex.hpp>

#include <algorithm>
#include <unordered_map>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

// What a step publishes to expressions (docs/format.md, "What expressions see").
constexpr std::string_view step_fields[] = {"output", "answers", "outcome", "visits", "score"};

CompileOptions compile_options(const DefinitionReader& reader) {
  CompileOptions options;
  options.limits = reader.options().expressions;
  return options;
}

ErrorCode expression_code(bool limit) {
  return limit ? ErrorCode::expression_too_complex : ErrorCode::invalid_expression;
}

void note_paths(DefinitionReader& reader, const Expression& expression,
                const std::string& pointer) {
  const bool text = expression.syntax() == ExpressionSyntax::text;
  for (auto& path : expression.paths())
    reader.note(
        {std::move(path.segments), text ? pointer : pointer + path.pointer, path.offset, text});
}

void note_names(DefinitionReader& reader, const Template& tmpl, const std::string& pointer) {
  for (const auto& name : tmpl.names()) {
    if (name == ".") continue;
    const auto offset = tmpl.text().find(name);
    reader.note({template_path(name), pointer, offset == std::string::npos ? 0 : offset, true});
  }
}

bool has_item(const StepDefinition& step, std::string_view item) {
  if (!step.checklist) return false;
  for (const auto& section : step.checklist->sections)
    for (const auto& i : section.items)
      if (i.id == item) return true;
  return false;
}

std::vector<std::string_view> item_ids(const StepDefinition& step) {
  std::vector<std::string_view> ids;
  if (step.checklist)
    for (const auto& section : step.checklist->sections)
      for (const auto& i : section.items) ids.push_back(i.id);
  return ids;
}

// A raw tag writes data as it is: harmless in plain text, a way in for markup in an HTML mail
// body. Authors rarely mean it, so each is a warning.
void warn_unescaped(DefinitionReader& reader, const Template& tmpl, const std::string& pointer) {
  for (const auto& name : tmpl.unescaped_names())
    reader.warning(ErrorCode::unescaped_output, pointer,
                   "'{{{" + name +
                       "}}}' writes its value without HTML escaping, so in an HTML "
                       "mail data could add markup or scripts; write {{" +
                       name +
                       "}} unless the "
                       "value is trusted HTML");
}

}  // namespace

std::vector<std::string> template_path(std::string_view name) {
  std::vector<std::string> segments;
  for (std::size_t start = 0;;) {
    const auto dot = name.find('.', start);
    segments.emplace_back(name.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return segments;
}

bool is_computed(const json::value& value) noexcept {
  const auto* object = value.if_object();
  return object && object->size() == 1 && object->begin()->key() == "=";
}

namespace {

// An expression of `value`, compiled with `options`; its paths noted for check_references()
// when `note` (read from an instance's data), else checked against `options.roots` there.
std::optional<Expression> compile_expression(DefinitionReader& reader, const json::value& value,
                                             const std::string& pointer, std::string_view name,
                                             const CompileOptions& options, bool note) {
  if (value.is_string()) {
    const std::string_view text = value.get_string();
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      reader.error(ErrorCode::invalid_value, pointer,
                   "'" + std::string(name) + "' is an empty expression");
      return std::nullopt;
    }
    auto expression = Expression::parse(text, options);
    if (!expression) {
      const auto& e = expression.error();
      reader.error_in_string(expression_code(e.limit), pointer, e.offset, e.message);
      return std::nullopt;
    }
    if (note) note_paths(reader, *expression, pointer);
    return std::move(*expression);
  }
  if (value.is_object()) {
    auto expression = Expression::from_jsonlogic(value, options);
    if (!expression) {
      const auto& e = expression.error();
      reader.error(expression_code(e.limit), pointer + e.pointer, e.message);
      return std::nullopt;
    }
    if (note) {
      note_paths(reader, *expression, pointer);
    } else {
      // A JsonLogic `var` names any path: only the roots allowed here may start one.
      for (const auto& path : expression->paths())
        if (!path.segments.empty() && std::find(options.roots.begin(), options.roots.end(),
                                                path.segments[0]) == options.roots.end()) {
          reader.error(ErrorCode::unknown_reference, pointer + path.pointer,
                       "'" + path.segments[0] + "' is not what '" + std::string(name) +
                           "' reads: it reads the item's answer, as 'answer'");
          return std::nullopt;
        }
    }
    return std::move(*expression);
  }
  reader.error(ErrorCode::wrong_type, pointer,
               "'" + std::string(name) +
                   "' must be an expression: a string, or an object holding a JsonLogic rule; "
                   "not " +
                   describe(value));
  return std::nullopt;
}

}  // namespace

std::optional<Expression> read_expression(DefinitionReader& reader, const json::value& value,
                                          const std::string& pointer, std::string_view name) {
  return compile_expression(reader, value, pointer, name, compile_options(reader), true);
}

std::optional<Expression> read_answer_expression(DefinitionReader& reader, const json::value& value,
                                                 const std::string& pointer,
                                                 std::string_view name) {
  auto options = compile_options(reader);
  options.roots = {"answer"};
  return compile_expression(reader, value, pointer, name, options, false);
}

std::optional<DynamicValue> read_dynamic_value(DefinitionReader& reader, const json::value& value,
                                               const std::string& pointer,
                                               bool strings_are_templates) {
  DynamicCompileOptions options;
  options.expressions = compile_options(reader);
  options.templates = reader.options().templates;
  options.strings_are_templates = strings_are_templates;
  auto compiled = DynamicValue::compile(value, options);
  if (!compiled) {
    for (const auto& problem : compiled.error()) {
      const ErrorCode code =
          problem.is_template ? ErrorCode::invalid_template : expression_code(problem.limit);
      if (problem.in_string)
        reader.error_in_string(code, pointer + problem.pointer, problem.offset, problem.message);
      else
        reader.error(code, pointer + problem.pointer, problem.message);
    }
    return std::nullopt;
  }
  for (const auto& part : compiled->parts()) {
    if (part.expression) note_paths(reader, *part.expression, pointer + part.pointer);
    if (part.tmpl) {
      note_names(reader, *part.tmpl, pointer + part.pointer);
      warn_unescaped(reader, *part.tmpl, pointer + part.pointer);
    }
  }
  return std::move(*compiled);
}

void check_pattern(DefinitionReader& reader, const std::string& pattern,
                   const std::string& pointer) {
  try {
    boost::regex regex(pattern, boost::regex::ECMAScript);
  } catch (const boost::regex_error& e) {
    const auto position = e.position() < 0 ? 0 : static_cast<std::size_t>(e.position());
    reader.error_in_string(ErrorCode::invalid_value, pointer, std::min(position, pattern.size()),
                           std::string("'pattern' is not a valid regular expression: ") + e.what());
  }
}

StepPaths::StepPaths(const WorkflowDefinition& definition) {
  for (const auto& step : definition.steps) {
    ids_.push_back(step.id);
    steps_.emplace(step.id, &step);
  }
}

std::string StepPaths::problem(std::span<const std::string> s) const {
  const auto found = steps_.find(s[1]);
  if (found == steps_.end()) return "there is no step '" + s[1] + "'" + did_you_mean(s[1], ids_);
  if (s.size() < 3) return {};
  const std::vector<std::string_view> fields(std::begin(step_fields), std::end(step_fields));
  if (std::find(fields.begin(), fields.end(), s[2]) == fields.end())
    return "a step has no '" + s[2] + "'" +
           did_you_mean_or_list(s[2], fields, "the fields of a step");
  const StepDefinition& step = *found->second;
  if (s[2] == "answers" && s.size() > 3 && step.checklist && !has_item(step, s[3]))
    return "step '" + s[1] + "' has no item '" + s[3] + "'" + did_you_mean(s[3], item_ids(step));
  return {};
}

void check_references(DefinitionReader& reader, const WorkflowDefinition& definition) {
  static const std::vector<std::string_view> roots = {"input", "vars", "steps", "event"};
  const StepPaths steps(definition);
  for (const auto& ref : reader.references()) {
    const auto fail = [&](std::string message) {
      if (ref.in_string)
        reader.error_in_string(ErrorCode::unknown_reference, ref.pointer, ref.offset,
                               std::move(message));
      else
        reader.error(ErrorCode::unknown_reference, ref.pointer, std::move(message));
    };
    const auto& s = ref.segments;
    if (s.empty()) continue;
    if (std::find(roots.begin(), roots.end(), s[0]) == roots.end()) {
      fail("'" + s[0] + "' is not data an instance has" +
           did_you_mean_or_list(s[0], roots, "the names a path starts with"));
      continue;
    }
    if (s[0] != "steps" || s.size() < 2) continue;
    if (!steps.has(s[1]) && !reader.would_keep(ref.pointer)) {
      reader.omit(Severity::error);  // spare the search over every step id
      continue;
    }
    if (auto problem = steps.problem(s); !problem.empty()) fail(std::move(problem));
  }
}

}  // namespace ablauf::detail
