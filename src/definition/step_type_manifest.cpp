// Reading a manifest of step types (docs/adapters.md) with the definition loader's tools, so
// that its findings read, and are located, like a definition's.
#include "ablauf/step_type_manifest.hpp"

#include "definition/definition_reader.hpp"
#include "identifier.hpp"
#include "steps/parameters.hpp"
#include "suggest.hpp"
#include "value_text.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace ablauf {
namespace {

namespace json = boost::json;
using detail::DefinitionReader;
using detail::element_pointer;
using detail::Fields;

// The parameter types a host's step may declare, by their names in a manifest. The types that
// shape the graph (step ids, checklist items and sections) belong to built-in steps.
constexpr std::array<std::pair<std::string_view, ParameterType>, 11> parameter_types{{
    {"any", ParameterType::any},
    {"string", ParameterType::string},
    {"text", ParameterType::text},
    {"recipients", ParameterType::recipients},
    {"strings", ParameterType::strings},
    {"boolean", ParameterType::boolean},
    {"integer", ParameterType::integer},
    {"number", ParameterType::number},
    {"object", ParameterType::object},
    {"duration", ParameterType::duration},
    {"expression", ParameterType::expression},
}};

constexpr std::array<std::pair<std::string_view, NextRule>, 4> next_rules{{
    {"optional", NextRule::optional},
    {"required", NextRule::required},
    {"transitions", NextRule::transitions},
    {"forbidden", NextRule::forbidden},
}};

constexpr std::array<std::pair<std::string_view, StepShape>, 8> shapes{{
    {"action", StepShape::action},
    {"form", StepShape::form},
    {"decision", StepShape::decision},
    {"gateway", StepShape::gateway},
    {"timer", StepShape::timer},
    {"terminal", StepShape::terminal},
    {"record", StepShape::record},
    {"subprocess", StepShape::subprocess},
}};

// The value of a field that names one of `choices` (`what` calls them, as "parameter types");
// reports any other, with a suggestion or the list.
template <class T, std::size_t N>
std::optional<T> read_choice(DefinitionReader& reader, Fields& fields, std::string_view name,
                             const std::array<std::pair<std::string_view, T>, N>& choices,
                             std::string_view what,
                             Fields::Requirement requirement = Fields::optional) {
  const auto text = fields.string(name, requirement);
  if (!text) return std::nullopt;
  std::vector<std::string_view> names;
  for (const auto& [choice, value] : choices) {
    if (choice == *text) return value;
    names.push_back(choice);
  }
  reader.error(ErrorCode::invalid_value, fields.pointer_of(name),
               "'" + *text + "' is not one of the " + std::string(what) +
                   detail::did_you_mean_or_list(*text, names, what));
  return std::nullopt;
}

std::optional<ParameterSpec> read_parameter(DefinitionReader& reader, const json::value& value,
                                            const std::string& pointer,
                                            std::set<std::string, std::less<>>& names) {
  if (!value.is_object()) {
    reader.error(ErrorCode::wrong_type, pointer,
                 "a parameter must be an object, not " + std::string(detail::describe(value)));
    return std::nullopt;
  }
  Fields fields(reader, value.get_object(), pointer,
                {"name", "type", "required", "allowed_values", "default", "description"},
                "a parameter");
  fields.check_unknown();
  ParameterSpec spec;
  bool complete = true;
  if (auto name = fields.identifier("name", Fields::required)) {
    const auto& common = detail::common_step_fields;
    if (std::find(std::begin(common), std::end(common), *name) != std::end(common))
      reader.error(ErrorCode::invalid_value, fields.pointer_of("name"),
                   "'" + *name + "' is a field every step has; name the parameter otherwise");
    else if (!names.insert(*name).second)
      reader.error(ErrorCode::duplicate_id, fields.pointer_of("name"),
                   "the step type names parameter '" + *name + "' twice");
    spec.name = std::move(*name);
  } else {
    complete = false;
  }
  if (auto type =
          read_choice(reader, fields, "type", parameter_types, "parameter types", Fields::required))
    spec.type = *type;
  else
    complete = false;
  spec.required = fields.boolean("required").value_or(false);
  (void)fields.text("description");
  if (const auto* allowed = fields.array("allowed_values")) {
    const auto allowed_pointer = fields.pointer_of("allowed_values");
    if (complete && spec.type != ParameterType::string)
      reader.error(ErrorCode::invalid_value, allowed_pointer,
                   "only a parameter of type string may have allowed_values");
    if (allowed->empty())
      reader.error(ErrorCode::invalid_value, allowed_pointer,
                   "'allowed_values' is empty: leave it out to allow any string");
    for (std::size_t i = 0; i < allowed->size(); ++i) {
      const auto& entry = (*allowed)[i];
      const auto entry_pointer = element_pointer(allowed_pointer, i);
      if (!entry.is_string()) {
        reader.error(
            ErrorCode::wrong_type, entry_pointer,
            "an allowed value must be a string, not " + std::string(detail::describe(entry)));
        continue;
      }
      std::string text(entry.get_string());
      if (std::find(spec.allowed_values.begin(), spec.allowed_values.end(), text) !=
          spec.allowed_values.end())
        reader.error(ErrorCode::duplicate_id, entry_pointer, "'" + text + "' is allowed twice");
      else
        spec.allowed_values.push_back(std::move(text));
    }
  }
  // Only a string's: reported above for others, and not held against their default.
  if (complete && spec.type != ParameterType::string) spec.allowed_values.clear();
  if (const auto* fallback = fields.value("default")) {
    if (complete)
      if (auto problem = detail::default_problem(spec, *fallback); !problem.empty())
        reader.error(ErrorCode::invalid_value, fields.pointer_of("default"), std::move(problem));
    spec.default_value = *fallback;
  }
  if (!complete) return std::nullopt;
  return spec;
}

// Reads "exactly_one_of": groups of at least two declared, optional parameters.
void read_exactly_one_of(DefinitionReader& reader, Fields& fields, StepTypeSpec& spec) {
  const auto* groups = fields.array("exactly_one_of");
  if (!groups) return;
  for (std::size_t g = 0; g < groups->size(); ++g) {
    const auto group_pointer = element_pointer(fields.pointer_of("exactly_one_of"), g);
    const auto* group = (*groups)[g].if_array();
    if (!group || group->size() < 2) {
      reader.error(ErrorCode::invalid_value, group_pointer,
                   "each entry of 'exactly_one_of' is an array of at least two parameter names");
      continue;
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < group->size(); ++i) {
      const auto pointer = element_pointer(group_pointer, i);
      const auto* name = (*group)[i].if_string();
      const auto* parameter = name ? spec.find_parameter(*name) : nullptr;
      if (!parameter) {
        std::vector<std::string_view> declared;
        for (const auto& p : spec.parameters) declared.push_back(p.name);
        reader.error(ErrorCode::unknown_reference, pointer,
                     name ? "'" + std::string(*name) + "' is not a parameter of the step type" +
                                detail::did_you_mean(*name, declared)
                          : "a parameter name must be a string, not " +
                                std::string(detail::describe((*group)[i])));
        continue;
      }
      if (std::find(names.begin(), names.end(), *name) != names.end()) {
        reader.error(ErrorCode::duplicate_id, pointer,
                     "'" + parameter->name + "' is named twice in the group");
        continue;
      }
      if (parameter->required)
        reader.error(
            ErrorCode::invalid_value, pointer,
            "'" + parameter->name + "' is required, so it cannot be one of several to choose from");
      else if (parameter->default_value)
        reader.error(ErrorCode::invalid_value, pointer,
                     "'" + parameter->name + "' has a default, so a step would always give it");
      names.emplace_back(*name);
    }
    spec.exactly_one_of.push_back(std::move(names));
  }
}

std::optional<StepTypeSpec> read_step_type(DefinitionReader& reader, const json::value& value,
                                           const std::string& pointer,
                                           const StepTypeRegistry& registry,
                                           std::map<std::string, std::string, std::less<>>& seen) {
  if (!value.is_object()) {
    reader.error(ErrorCode::wrong_type, pointer,
                 "a step type must be an object, not " + std::string(detail::describe(value)));
    return std::nullopt;
  }
  Fields fields(reader, value.get_object(), pointer,
                {"name", "title", "description", "parameters", "exactly_one_of", "next", "waits",
                 "output", "shape"},
                "a step type");
  fields.check_unknown();
  StepTypeSpec spec;
  if (auto name = fields.string("name", Fields::required)) {
    const auto name_pointer = fields.pointer_of("name");
    if (!detail::is_lowercase_identifier(*name))
      reader.error(ErrorCode::invalid_identifier, name_pointer,
                   "'" + *name +
                       "' is not a step type name: use a lowercase letter, then "
                       "lowercase letters, digits and '_'");
    else if (registry.find(*name))
      reader.error(ErrorCode::duplicate_id, name_pointer,
                   "step type '" + *name + "' is already registered" +
                       (StepTypeRegistry::builtin().find(*name) ? " (it is built in)" : "") +
                       "; choose another name");
    else if (auto [first, added] = seen.emplace(*name, name_pointer); !added)
      reader.error(
          ErrorCode::duplicate_id, name_pointer,
          "step type '" + *name + "' is declared twice; first at " + reader.line_of(first->second));
    spec.name = std::move(*name);
  }
  if (auto title = fields.text("title")) spec.title = std::move(*title);
  (void)fields.text("description");
  std::set<std::string, std::less<>> parameter_names;
  if (const auto* parameters = fields.array("parameters")) {
    for (std::size_t i = 0; i < parameters->size(); ++i)
      if (auto parameter =
              read_parameter(reader, (*parameters)[i],
                             element_pointer(fields.pointer_of("parameters"), i), parameter_names))
        spec.parameters.push_back(std::move(*parameter));
  }
  read_exactly_one_of(reader, fields, spec);
  if (auto next = read_choice(reader, fields, "next", next_rules, "rules for next"))
    spec.next = *next;
  if (fields.boolean("waits").value_or(false)) spec.waits = detail::always_waits;
  if (const auto* output = fields.value("output"))
    spec.output = detail::read_data_schema(reader, *output, fields.pointer_of("output"));
  if (auto shape = read_choice(reader, fields, "shape", shapes, "shapes")) spec.shape = *shape;
  return spec;
}

}  // namespace

tl::expected<void, Diagnostics> add_step_types(StepTypeRegistry& registry, std::string text,
                                               std::string source_name,
                                               const LoadOptions& options) {
  auto document = detail::parse_document(std::move(text), std::move(source_name), options);
  if (!document) return tl::make_unexpected(std::move(document.error()));
  DefinitionReader reader(document->source, options);
  const auto& root = document->value;
  if (!root.is_object()) {
    reader.error(ErrorCode::wrong_type, "",
                 "a manifest of step types must be a JSON object, not " +
                     std::string(detail::describe(root)));
    return tl::make_unexpected(reader.take_diagnostics());
  }
  Fields fields(reader, root.get_object(), "", {"$schema", "step_types"}, "a manifest");
  fields.check_unknown();
  std::vector<StepTypeSpec> read;
  std::map<std::string, std::string, std::less<>> seen;
  if (const auto* types = fields.array("step_types", Fields::required)) {
    if (types->empty())
      reader.error(ErrorCode::invalid_value, "/step_types", "'step_types' is empty");
    for (std::size_t i = 0; i < types->size(); ++i)
      if (auto spec = read_step_type(reader, (*types)[i], element_pointer("/step_types", i),
                                     registry, seen))
        read.push_back(std::move(*spec));
  }
  if (reader.has_errors()) return tl::make_unexpected(reader.take_diagnostics());
  // Added to a copy first, so that the registry gets all of them or none. The checks above are
  // add()'s, located; should add() refuse what they let through, that is reported too.
  StepTypeRegistry extended = registry;
  for (std::size_t i = 0; i < read.size(); ++i)
    if (auto added = extended.add(std::move(read[i])); !added)
      reader.error(ErrorCode::invalid_value, element_pointer("/step_types", i),
                   std::move(added.error().message));
  if (reader.has_errors()) return tl::make_unexpected(reader.take_diagnostics());
  registry = std::move(extended);
  return {};
}

tl::expected<void, Diagnostics> add_step_types_file(StepTypeRegistry& registry,
                                                    const std::filesystem::path& path,
                                                    const LoadOptions& options) {
  auto text = detail::read_document(path, options);
  if (!text) return tl::make_unexpected(std::move(text.error()));
  return add_step_types(registry, std::move(*text), path.string(), options);
}

}  // namespace ablauf
