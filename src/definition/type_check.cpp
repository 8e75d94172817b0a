// Checking a definition's expressions and templates against the data they read (docs/
// expressions.md, "Type checking"): the declared input, each step's declared output, the items
// of a checklist, the outcomes of a task, the vars the steps assign. check_references() has
// already reported paths to roots, steps, step fields and items that do not exist; this looks
// at what such a path finds there, and at what the expression does with it.
#include "definition/type_check.hpp"

#include "ablauf/checklist_score.hpp"

#include "definition/expression_reader.hpp"
#include "message_text.hpp"
#include "suggest.hpp"
#include "typing/completion_order.hpp"
#include "typing/expression_typing.hpp"

#include "ablauf/step_type.hpp"

#include <boost/json/parse.hpp>

#include <map>
#include <unordered_map>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

ValueType of_kinds(Kinds kinds) {
  ValueType type;
  type.kinds = kinds;
  return type;
}

// The shapes of the values the engine records: a step's visits, a task's outcome, and the
// answer to a checklist item of each kind.
const DataSchema& number_schema() {
  static const DataSchema schema = *DataSchema::read(json::parse(R"({"type": "number"})"));
  return schema;
}

const DataSchema& string_schema() {
  static const DataSchema schema = *DataSchema::read(json::parse(R"({"type": "string"})"));
  return schema;
}

const DataSchema& answer_schema(ItemKind kind, bool repeat = false) {
  static const auto read = [](std::string_view text) {
    return std::move(*DataSchema::read(json::parse(text)));
  };
  static const DataSchema checkbox = read(R"({"type": "boolean"})");
  static const DataSchema list = read(R"({"type": "array", "items": {"type": "string"}})");
  static const DataSchema location = read(R"({
    "type": "object",
    "properties": {"latitude": {"type": "number"}, "longitude": {"type": "number"},
                   "accuracy": {"type": "number"}},
    "required": ["latitude", "longitude"]
  })");
  static const DataSchema signature = read(R"({
    "type": "object",
    "properties": {"signed_by": {"type": "string"}, "signed_at": {"type": "string"},
                   "hash": {"type": "string"}},
    "required": ["signed_by", "signed_at", "hash"],
    "additionalProperties": false
  })");
  static const DataSchema files = read(R"({
    "type": "array",
    "items": {
      "type": "object",
      "properties": {"sha256": {"type": "string"}, "name": {"type": "string"},
                     "media_type": {"type": "string"}, "size": {"type": "integer"},
                     "taken_at": {"type": "string"}},
      "required": ["sha256", "name", "media_type", "size"],
      "additionalProperties": false
    }
  })");
  // A group's rows: objects whose members are its items' answers (typed as any value here).
  static const DataSchema rows = read(R"({"type": "array", "items": {"type": "object"}})");
  static const DataSchema row = read(R"({"type": "object"})");
  switch (kind) {
    case ItemKind::checkbox: return checkbox;
    case ItemKind::number:
    case ItemKind::rating: return number_schema();
    case ItemKind::multi_choice: return list;
    case ItemKind::signature: return signature;
    case ItemKind::location: return location;
    case ItemKind::file:
    case ItemKind::photo: return files;
    case ItemKind::group: return repeat ? rows : row;
    case ItemKind::text:
    case ItemKind::date:
    case ItemKind::time:
    case ItemKind::datetime:
    case ItemKind::choice: return string_schema();
  }
  return string_schema();
}

// A checklist's score, as to_json(ChecklistScore) writes it: what `when` reads of it.
const DataSchema& score_schema() {
  static const DataSchema schema = *DataSchema::read(json::parse(R"({
    "type": "object",
    "properties": {
      "points": {"type": "number"}, "max_points": {"type": "number"},
      "percent": {"type": "number"}, "pass_mark": {"type": "number"},
      "passed": {"type": "boolean"},
      "sections": {"type": "object", "additionalProperties": {
        "type": "object",
        "properties": {"points": {"type": "number"}, "max_points": {"type": "number"},
                       "percent": {"type": "number"}, "pass_mark": {"type": "number"},
                       "passed": {"type": "boolean"}},
        "required": ["points", "max_points", "passed"]}},
      "flags": {"type": "array", "items": {"type": "object",
        "properties": {"item": {"type": "string"}, "section": {"type": "string"}, "answer": {}},
        "required": ["item", "section", "answer"]}}
    },
    "required": ["points", "max_points", "passed", "sections", "flags"],
    "additionalProperties": false
  })"));
  return schema;
}

// The answer to `item`: its kind's, or, where the item allows it, {"not_applicable": true}.
const DataSchema& answer_schema(const ItemDefinition& item) {
  if (!item.not_applicable) return answer_schema(item.kind, item.repeat);
  static const auto read = [](std::string_view text) {
    return std::move(*DataSchema::read(json::parse(text)));
  };
  static const DataSchema checkbox = read(R"({"type": ["boolean", "object"]})");
  static const DataSchema number = read(R"({"type": ["number", "object"]})");
  static const DataSchema list =
      read(R"({"type": ["array", "object"], "items": {"type": "string"}})");
  static const DataSchema text = read(R"({"type": ["string", "object"]})");
  static const DataSchema files =
      read(R"({"type": ["array", "object"], "items": {"type": "object"}})");
  switch (item.kind) {
    case ItemKind::checkbox: return checkbox;
    case ItemKind::number:
    case ItemKind::rating: return number;
    case ItemKind::multi_choice: return list;
    case ItemKind::signature:                                  // never not applicable
    case ItemKind::location: return answer_schema(item.kind);  // an object either way
    case ItemKind::file:
    case ItemKind::photo:
    case ItemKind::group: return files;  // a list of objects, or the object "not applicable"
    default: return text;
  }
}

// What a parameter of each type takes, for the values computed for it.
Kinds parameter_kinds(ParameterType type) {
  switch (type) {
    case ParameterType::string:
    case ParameterType::expression:
    case ParameterType::step_id: return kind::string;
    case ParameterType::text: return kind::string | kind::object;
    case ParameterType::recipients: return kind::string | kind::array;
    case ParameterType::strings:
    case ParameterType::step_ids:
    case ParameterType::items:
    case ParameterType::sections: return kind::array;
    case ParameterType::boolean: return kind::boolean;
    case ParameterType::integer:
    case ParameterType::number: return kind::number;
    case ParameterType::object: return kind::object;
    case ParameterType::duration: return kind::string | kind::number;
    case ParameterType::any: return kind::any;
  }
  return kind::any;
}

// The types of the paths a definition's expressions read, from the instance data's roots.
class DefinitionTypes {
 public:
  DefinitionTypes(const WorkflowDefinition& definition, const StepTypeRegistry& registry)
      : definition_(definition), registry_(registry) {
    for (const auto& step : definition.steps) steps_.emplace(step.id, &step);
  }

  // Works out the type of each var from what the steps assign it. An assignment may read the
  // var itself (`coalesce(vars.reminders, 0) + 1`), so this starts every var at no kind and
  // types the assignments again until no var gains a kind: the least types that fit.
  void type_vars(const WorkflowDefinition& definition) {
    for (const auto& step : definition.steps)
      for (const auto& [name, expression] : step.assign) vars_.emplace(name, Kinds{0});
    const PathResolver resolve = [this](std::span<const PathSegment> s) {
      return this->resolve(s);
    };
    for (std::size_t round = 0; round <= 6 * vars_.size(); ++round) {  // six kinds a var may gain
      bool gained = false;
      for (const auto& step : definition.steps)
        for (const auto& [name, expression] : step.assign) {
          auto& kinds = vars_.find(name)->second;
          const Kinds more = kinds | type_expression(expression, resolve).type.kinds;
          gained = gained || more != kinds;
          kinds = more;
        }
      if (!gained) break;
    }
  }

  PathType resolve(std::span<const PathSegment> s) const {
    if (s.empty()) return {};
    const auto rest = s.subspan(1);
    if (s[0].name == "input")
      return definition_.input ? walk(SchemaShape(*definition_.input), rest, "input", false)
                               : PathType{};
    if (s[0].name == "steps" && s.size() >= 3) {
      const auto found = steps_.find(s[1].name);
      if (found != steps_.end()) return step_field(*found->second, s.subspan(2));
    }
    if (s[0].name == "vars" && s.size() >= 2) return var(s[1].name, s.subspan(2));
    return {};  // event, or a root or step check_references() reports
  }

  // The index of the step `id` in the definition, if it has one.
  std::optional<std::size_t> step_index(std::string_view id) const {
    const auto found = steps_.find(id);
    if (found == steps_.end()) return std::nullopt;
    return static_cast<std::size_t>(found->second - definition_.steps.data());
  }

 private:
  // The path `path` read on to `rest`, through the declared shape `shape`.
  PathType walk(SchemaShape shape, std::span<const PathSegment> rest, std::string path,
                bool may_be_missing) const {
    using Found = ShapeMember::Found;
    for (std::size_t n = 0; n < rest.size(); ++n) {
      const auto& segment = rest[n];
      if (!shape.declared()) break;
      if (shape.may_be_list() && !(shape.kinds() & kind::object)) {
        if (segment.index < 0) {
          // A name read on a list reads it in each element: a list of what they hold.
          auto each = walk(shape.items(), rest.subspan(n), path + "[…]", false);
          if (each.severity) return each;
          ValueType type = of_kinds(kind::array);
          type.may_be_missing = may_be_missing;
          return {std::move(type)};
        }
        shape = shape.items();
        path += "." + segment.name;
        may_be_missing = true;  // past the end
        continue;
      }
      const auto member = shape.member(segment.name);
      switch (member.found) {
        case Found::no_object:
          return mistake(Severity::error, path + " is " + describe_kinds(shape.kinds()) +
                                              ", which has no field " + quoted_text(segment.name));
        case Found::unknown: {
          const auto names = shape.member_names();
          return mistake(Severity::error,
                         path + " has no field " + quoted_text(segment.name) +
                             did_you_mean_or_list(segment.name, names, "its fields"));
        }
        case Found::undeclared: {
          const auto names = shape.member_names();
          if (names.empty()) {
            shape = member.shape;
            may_be_missing = true;
            break;
          }
          return mistake(Severity::warning,
                         path + " declares no field " + quoted_text(segment.name) +
                             ", so it is read as any value" +
                             did_you_mean_or_list(segment.name, names, "the fields it declares"));
        }
        case Found::declared:
          shape = member.shape;
          may_be_missing = may_be_missing || !member.required;
          break;
      }
      path += "." + segment.name;
    }
    ValueType type = of_kinds(shape.kinds());
    for (const auto option : shape.options()) type.options.emplace_back(option);
    type.shape = shape;
    type.may_be_missing = may_be_missing;
    return {std::move(type)};
  }

  static PathType mistake(Severity severity, std::string problem) {
    return {.severity = severity, .problem = std::move(problem)};
  }

  // steps.<id>.<field>…
  PathType step_field(const StepDefinition& step, std::span<const PathSegment> s) const {
    const std::string path = "steps." + step.id + "." + s[0].name;
    const auto* spec = registry_.find(step.type);
    const auto rest = s.subspan(1);
    if (s[0].name == "output")
      return spec && spec->output ? walk(SchemaShape(*spec->output), rest, path, false)
                                  : PathType{};
    if (s[0].name == "visits") return walk(SchemaShape(number_schema()), rest, path, false);
    if (s[0].name == "answers") {
      if (!step.checklist)
        return mistake(Severity::error, "step " + quoted_text(step.id) +
                                            " fills no checklist, so it has no answers");
      if (rest.empty()) return {of_kinds(kind::object)};
      const auto* item = find_item(step, rest[0].name);
      if (!item) return {};  // check_references() reports it
      auto found = walk(SchemaShape(answer_schema(*item)), rest.subspan(1), path + "." + item->id,
                        !item->required || item->visible_if);
      if (item->kind == ItemKind::choice && rest.size() == 1)
        for (const auto& option : item->options) found.type.options.push_back(option.value);
      return found;
    }
    if (s[0].name == "score") {  // a scoring checklist's, once it completed
      if (!step.checklist || !has_scoring(*step.checklist))
        return mistake(Severity::error,
                       "step " + quoted_text(step.id) +
                           " keeps no score: a checklist scores when an item scores, an option "
                           "has a score or a flag, or a pass mark is set");
      return walk(SchemaShape(score_schema()), rest, path, false);
    }
    if (s[0].name == "outcome") {
      if (spec && spec->behavior && spec->name != "create_task")
        return mistake(Severity::error, "step " + quoted_text(step.id) + " is " + spec->name +
                                            ", which has no outcome: a task's step has");
      auto found = walk(SchemaShape(string_schema()), rest, path, false);
      if (const auto* outcomes = step.parameters.if_contains("outcomes");
          outcomes && outcomes->is_array() && rest.empty())
        for (const auto& outcome : outcomes->get_array())
          if (outcome.is_string()) found.type.options.emplace_back(outcome.get_string());
      return found;
    }
    return {};
  }

  static const ItemDefinition* find_item(const StepDefinition& step, std::string_view id) {
    for (const auto& section : step.checklist->sections)
      for (const auto& item : section.items)
        if (item.id == id) return &item;
    return nullptr;
  }

  // vars.<name>…: what the workflow's output declares, else what its steps assign.
  PathType var(const std::string& name, std::span<const PathSegment> rest) const {
    const std::string path = "vars." + name;
    if (definition_.output) {
      const SchemaShape output(*definition_.output);
      const auto member = output.member(name);
      if (member.found == ShapeMember::Found::declared) return walk(member.shape, rest, path, true);
      if (member.found == ShapeMember::Found::unknown && !vars_.contains(name)) {
        auto names = output.member_names();
        for (const auto& [assigned, kinds] : vars_) names.push_back(assigned);
        return mistake(Severity::error, "the workflow's output declares no " + quoted_text(name) +
                                            " and no step assigns it" +
                                            did_you_mean_or_list(name, names, "its vars"));
      }
    }
    const auto found = vars_.find(name);
    if (found == vars_.end()) {
      // The host may put vars there too; only a near miss of an assigned one is suspicious.
      std::vector<std::string_view> names;
      for (const auto& [assigned, kinds] : vars_) names.push_back(assigned);
      const auto suggestion = did_you_mean(name, names);
      if (suggestion.empty()) return {};
      return mistake(Severity::warning, "no step assigns " + path + suggestion);
    }
    if (rest.empty()) return {of_kinds(found->second)};
    if (known(found->second) && !(found->second & (kind::object | kind::array)))
      return mistake(Severity::error, path + " is " + describe_kinds(found->second) +
                                          ", which has no field " + quoted_text(rest[0].name));
    return {};
  }

  const WorkflowDefinition& definition_;
  const StepTypeRegistry& registry_;
  std::unordered_map<std::string_view, const StepDefinition*> steps_;
  std::map<std::string, Kinds, std::less<>> vars_;
};

class DefinitionChecker {
 public:
  // Reports to `reader`; one without a reader only types (type_at()).
  DefinitionChecker(DefinitionReader* reader, const StepTypeRegistry& registry,
                    const WorkflowDefinition& definition)
      : reader_(reader),
        registry_(registry),
        definition_(definition),
        types_(definition, registry_),
        resolve_([this](std::span<const PathSegment> s) { return resolve(s); }) {
    // The vars first: an expression anywhere may read what any step assigns.
    types_.type_vars(definition);
  }

  // The type of `written` read where the conditions of step `step`'s transitions are: once the
  // step completed.
  TypedExpression type_at(std::size_t step, const Expression& written) {
    site_ = {step, true, false};
    return type_expression(written, resolve_);
  }

  void check(const StepDefinition& step) {
    site_ = {static_cast<std::size_t>(&step - definition_.steps.data()), true, false};
    for (const auto& transition : step.next)
      if (transition.when)
        expression(*transition.when, when_pointer(transition), ExpectedValue::condition);
    for (const auto& [name, assigned] : step.assign)
      expression(assigned, member_pointer(step.pointer + "/assign", name), ExpectedValue::any);
    site_.completed = false;  // the rest is read when the step runs
    for (const auto& [name, written] : step.expressions) {
      const auto type = expression(written, member_pointer(step.pointer, name), ExpectedValue::any);
      if (name == "until" || name == "from")
        expect(written, type, kind::string, name, member_pointer(step.pointer, name));
    }
    const auto* spec = registry_.find(step.type);
    for (const auto& [name, value] : step.values) {
      const auto* parameter = spec ? spec->find_parameter(name) : nullptr;
      for (const auto& part : value.parts()) {
        const std::string pointer = member_pointer(step.pointer, name) + part.pointer;
        if (part.tmpl) names(*part.tmpl, pointer);
        if (!part.expression) continue;
        const auto type = expression(*part.expression, pointer, ExpectedValue::any);
        // The whole parameter computed ({"=": …}): its value must be of the parameter's type.
        if (parameter && part.pointer == "/=")
          expect(*part.expression, type, parameter_kinds(parameter->type), name, pointer);
      }
    }
    site_.own_answers = true;  // a form's items show as its answers come
    if (step.checklist)
      for (const auto& section : step.checklist->sections)
        for (const auto& item : section.items)
          if (item.visible_if)
            expression(*item.visible_if, item.pointer + "/visible_if", ExpectedValue::condition);
    if (step.checklist)  // rules read the answers as they come, as visible_if does
      for (const auto& section : step.checklist->sections)
        for (const auto& rule : section.action_rules)
          expression(rule.when, rule.pointer + "/when", ExpectedValue::condition);
  }

 private:
  // Where the expressions being checked are read: at which step, whether once it completed,
  // and whether its own answers are there to read (a form's visible_if).
  struct Site {
    std::size_t step = 0;
    bool completed = false;
    bool own_answers = false;
  };

  // The type of a path, and whether the step it reads may not have completed here.
  PathType resolve(std::span<const PathSegment> s) {
    auto found = types_.resolve(s);
    if (found.severity || s.size() < 2 || s[0].name != "steps") return found;
    const auto read = types_.step_index(s[1].name);
    if (!read || (*read == site_.step && site_.own_answers)) return found;
    if (!order_) order_.emplace(definition_);
    if (order_->completed_before(*read, site_.step, site_.completed)) return found;
    const auto& here = definition_.steps[site_.step].id;
    found.type.not_run =
        "steps." + s[1].name + " may not have completed when step " + quoted_text(here) +
        (site_.completed ? " leads on" : " runs") +
        (*read == site_.step ? ": it is the step itself"
                             : ": a way from the start reaches it without completing step " +
                                   quoted_text(s[1].name)) +
        "; test it first (exists(…) && …) or give a default (coalesce(…))";
    return found;
  }

  static std::string when_pointer(const Transition& transition) {
    // A transition with a condition is an object; its pointer is that of its "to".
    const auto slash = transition.pointer.rfind('/');
    return transition.pointer.substr(0, slash) + "/when";
  }

  ValueType expression(const Expression& written, const std::string& pointer,
                       ExpectedValue expected) {
    auto typed = type_expression(written, resolve_, expected);
    for (auto& finding : typed.findings) report(written, pointer, std::move(finding));
    return std::move(typed.type);
  }

  void report(const Expression& written, const std::string& pointer, TypeFinding finding) {
    if (written.syntax() == ExpressionSyntax::text)
      reader_->report_in_string(finding.severity, finding.code, pointer, finding.offset,
                                std::move(finding.message));
    else if (finding.severity == Severity::error)
      reader_->error(finding.code, pointer + finding.pointer, std::move(finding.message));
    else
      reader_->warning(finding.code, pointer + finding.pointer, std::move(finding.message));
  }

  // A value computed for something that takes `wanted` must be able to be one.
  void expect(const Expression& written, const ValueType& type, Kinds wanted, std::string_view name,
              const std::string& pointer) {
    if (!known(type.kinds) || (type.kinds & wanted) || wanted == kind::any) return;
    report(written, pointer,
           locate(written.program(), written.program().nodes[written.program().root].origin,
                  Severity::error, ErrorCode::type_mismatch,
                  quoted_text(name) + " takes " + describe_kinds(wanted) + ", and this gives " +
                      describe_kinds(type.kinds)));
  }

  // A template's names are paths from the data; what they find is written as text, so only
  // the paths themselves are checked. A name that leads nowhere renders as nothing, which is
  // how a mail or a record says "none": a step that may not have run is no mistake there.
  void names(const Template& tmpl, const std::string& pointer) {
    for (const auto& name : tmpl.names()) {
      if (name == ".") continue;
      std::vector<PathSegment> segments;
      for (auto& segment : template_path(name))
        segments.push_back(make_segment(std::move(segment)));
      auto found = types_.resolve(segments);
      if (!found.severity) continue;
      const auto offset = tmpl.text().find(name);
      reader_->report_in_string(*found.severity, ErrorCode::unknown_reference, pointer,
                                offset == std::string::npos ? 0 : offset, std::move(found.problem));
    }
  }

  DefinitionReader* reader_;
  const StepTypeRegistry& registry_;
  const WorkflowDefinition& definition_;
  DefinitionTypes types_;
  PathResolver resolve_;
  Site site_;
  std::optional<CompletionOrder> order_;  // worked out when a path into a step is first read
};

}  // namespace

void check_types(DefinitionReader& reader, const WorkflowDefinition& definition) {
  const auto* registry = reader.options().step_types;
  DefinitionChecker checker(&reader, registry ? *registry : StepTypeRegistry::builtin(),
                            definition);
  for (const auto& step : definition.steps) checker.check(step);
}

TypedExpression type_at_step(const WorkflowDefinition& definition, const StepTypeRegistry& registry,
                             std::size_t step, const Expression& expression) {
  // The loader types only paths whose steps, fields and items exist (check_references()).
  TypedExpression typed;
  const StepPaths steps(definition);
  for (auto& path : expression.paths())
    if (path.segments.size() >= 2 && path.segments[0] == "steps")
      if (auto problem = steps.problem(path.segments); !problem.empty())
        typed.findings.push_back({.severity = Severity::error,
                                  .code = ErrorCode::unknown_reference,
                                  .message = std::move(problem),
                                  .offset = path.offset,
                                  .pointer = std::move(path.pointer)});
  if (!typed.findings.empty()) return typed;
  return DefinitionChecker(nullptr, registry, definition).type_at(step, expression);
}

}  // namespace ablauf::detail
