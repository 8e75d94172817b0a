// Compiling the expressions, templates and patterns of a definition as it loads (internal).
// Errors point at the character at fault inside the string, or at the JsonLogic operation.
#pragma once

#include "definition/definition_reader.hpp"

#include "ablauf/dynamic_value.hpp"
#include "ablauf/expression.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ablauf::detail {

// An expression field: a string in the text syntax, or an object holding a JsonLogic rule.
std::optional<Expression> read_expression(DefinitionReader& reader, const boost::json::value& value,
                                          const std::string& pointer, std::string_view name);

// An expression over one item's answer alone, as its `score` and `flag` read it: its paths
// start at `answer` (the answer given), and are checked here rather than against an instance's
// data.
std::optional<Expression> read_answer_expression(DefinitionReader& reader,
                                                 const boost::json::value& value,
                                                 const std::string& pointer, std::string_view name);

// A value whose strings are templates (unless strings_are_templates is false) and whose
// {"=": …} objects are computed.
std::optional<DynamicValue> read_dynamic_value(DefinitionReader& reader,
                                               const boost::json::value& value,
                                               const std::string& pointer,
                                               bool strings_are_templates = true);

// The names of a template's dotted name ("customer.name"), the path it reads.
std::vector<std::string> template_path(std::string_view name);

// Whether `value` is written {"=": …}: a computed value rather than a constant.
bool is_computed(const boost::json::value& value) noexcept;

// A checklist item's pattern must be a valid ECMAScript regular expression.
void check_pattern(DefinitionReader& reader, const std::string& pattern,
                   const std::string& pointer);

// What a path steps.<id>.<field>.<item>… finds missing in a definition: the step, the field of
// a step, or the item of the step's checklist.
class StepPaths {
 public:
  explicit StepPaths(const WorkflowDefinition& definition);
  bool has(std::string_view step) const { return steps_.contains(step); }
  // Why the path does not lead where it says, "did you mean" included; "" when it does.
  // REQUIRES: segments.size() >= 2 and segments[0] == "steps".
  std::string problem(std::span<const std::string> segments) const;

 private:
  std::vector<std::string_view> ids_;
  std::unordered_map<std::string_view, const StepDefinition*> steps_;  // find_step() is linear
};

// Checks every path the definition's expressions and templates read: that it starts at a
// known root, and that steps.<id>, its field and, for answers, the item exist.
void check_references(DefinitionReader& reader, const WorkflowDefinition& definition);

// Checks what those paths find against the declared data, and what each expression does with
// it (src/definition/type_check.cpp; docs/expressions.md, "Type checking").
void check_types(DefinitionReader& reader, const WorkflowDefinition& definition);

}  // namespace ablauf::detail
