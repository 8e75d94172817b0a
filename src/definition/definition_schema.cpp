#include "ablauf/definition_schema.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <string_view>

namespace ablauf {

namespace detail {
// docs/schema/definition.schema.json, compiled in (definition_schema_text.cpp.in).
std::string definition_schema_text();
}  // namespace detail

namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

object reference(std::string_view definition) {
  return {{"$ref", "#/$defs/" + std::string(definition)}};
}

// What a parameter of `type` accepts, as the loader reads it (step_reader.cpp).
value parameter_type_schema(ParameterType type) {
  switch (type) {
    case ParameterType::any: return object{};
    case ParameterType::string: return object{{"type", "string"}};
    case ParameterType::text: return reference("text");
    case ParameterType::recipients:
      return object{{"anyOf", array{object{{"type", "string"}},
                                    object{{"type", "array"},
                                           {"minItems", 1},
                                           {"items", object{{"type", "string"}}}}}}};
    case ParameterType::strings:
      return object{{"type", "array"}, {"items", object{{"type", "string"}}}};
    case ParameterType::boolean: return object{{"type", "boolean"}};
    case ParameterType::integer: return object{{"type", "integer"}, {"minimum", 0}};
    case ParameterType::number: return object{{"type", "number"}};
    case ParameterType::object: return object{{"type", "object"}};
    case ParameterType::duration: return reference("duration");
    case ParameterType::expression: return reference("expression");
    case ParameterType::step_id: return reference("identifier");
    case ParameterType::step_ids:
      return object{{"type", "array"}, {"items", reference("identifier")}};
    case ParameterType::items: return object{{"type", "array"}, {"items", reference("item")}};
    case ParameterType::sections: return object{{"type", "array"}, {"items", reference("section")}};
  }
  return object{};
}

value parameter_schema(const ParameterSpec& parameter) {
  object schema;
  if (!parameter.allowed_values.empty()) {
    // A fixed choice: never a template, never computed.
    array choices;
    for (const auto& choice : parameter.allowed_values) choices.emplace_back(choice);
    schema = {{"enum", std::move(choices)}};
  } else if (parameter.type == ParameterType::expression || parameter.type == ParameterType::any) {
    schema = parameter_type_schema(parameter.type).as_object();
  } else {
    schema = {{"anyOf", array{parameter_type_schema(parameter.type), reference("computed")}}};
  }
  if (parameter.default_value) schema["default"] = *parameter.default_value;
  return schema;
}

std::string described(const StepTypeSpec& type) {
  const auto title = type.title.get("en");
  return "A " + type.name + " step (a type of the host's)" +
         (title.empty() ? std::string(".") : ": " + std::string(title) + ".");
}

// $defs/step_<type> for a host's type, in the shape of the built-in ones: the fields every step
// has (checked by $defs/step) and the type's parameters, nothing else.
object step_definition(const StepTypeSpec& type, const object& common_fields) {
  object properties;
  for (const auto& [name, field] : common_fields) {
    object described_only;
    if (const auto* description = field.as_object().if_contains("description"))
      described_only["description"] = *description;
    properties[name] = std::move(described_only);
  }
  array required;
  for (const auto& parameter : type.parameters) {
    properties[parameter.name] = parameter_schema(parameter);
    if (parameter.required) required.emplace_back(parameter.name);
  }
  switch (type.next) {
    case NextRule::optional: break;
    case NextRule::required: required.emplace_back("next"); break;
    case NextRule::transitions:
      required.emplace_back("next");
      properties["next"] = object{{"type", "array"}, {"items", reference("transition")}};
      break;
    case NextRule::forbidden: properties["next"] = false; break;
  }
  object definition{{"description", described(type)}, {"type", "object"}};
  if (!required.empty()) definition["required"] = std::move(required);
  definition["properties"] = std::move(properties);
  definition["additionalProperties"] = false;
  // Exactly one of each group: one of its names is given, and no two.
  array groups;
  for (const auto& group : type.exactly_one_of) {
    array one_each;
    for (const auto& name : group) one_each.push_back(object{{"required", array{value(name)}}});
    groups.push_back(object{{"oneOf", std::move(one_each)}});
  }
  if (!groups.empty()) definition["allOf"] = std::move(groups);
  return definition;
}

}  // namespace

value definition_schema(const StepTypeRegistry& types) {
  value schema = boost::json::parse(detail::definition_schema_text());
  auto& step = schema.at("$defs").at("step").as_object();
  auto& type_choices = step.at("properties").at("type").at("anyOf").as_array();
  auto& by_type = step.at("allOf").as_array();
  // Added to $defs after the loop: inserting there may move `step` and what refers into it.
  object host_definitions;
  const auto& builtin = StepTypeRegistry::builtin();
  for (const auto name : types.names()) {
    if (builtin.find(name) != nullptr) continue;
    const auto& type = *types.find(name);
    host_definitions["step_" + type.name] =
        step_definition(type, step.at("properties").as_object());
    // Before the last choice, which admits any other name a host may register.
    type_choices.insert(type_choices.end() - 1,
                        object{{"const", type.name}, {"description", described(type)}});
    by_type.push_back(
        object{{"if", object{{"properties", object{{"type", object{{"const", type.name}}}}},
                             {"required", array{"type"}}}},
               {"then", reference("step_" + type.name)}});
  }
  auto& definitions = schema.at("$defs").as_object();
  for (auto& [name, definition] : host_definitions) definitions[name] = std::move(definition);
  return schema;
}

}  // namespace ablauf
