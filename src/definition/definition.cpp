#include "ablauf/definition.hpp"

#include "ablauf/workflow.hpp"

#include "definition/definition_parts.hpp"
#include "definition/expression_reader.hpp"
#include "identifier.hpp"
#include "suggest.hpp"
#include "time/calendar.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>

namespace ablauf {

std::string_view to_string(DefinitionKind kind) noexcept {
  return kind == DefinitionKind::workflow ? "workflow" : "checklist";
}

std::string_view to_string(ItemKind kind) noexcept {
  switch (kind) {
    case ItemKind::checkbox: return "checkbox";
    case ItemKind::text: return "text";
    case ItemKind::number: return "number";
    case ItemKind::date: return "date";
    case ItemKind::choice: return "choice";
    case ItemKind::multi_choice: return "multi_choice";
    case ItemKind::signature: return "signature";
    case ItemKind::time: return "time";
    case ItemKind::datetime: return "datetime";
    case ItemKind::rating: return "rating";
    case ItemKind::location: return "location";
    case ItemKind::file: return "file";
    case ItemKind::photo: return "photo";
    case ItemKind::group: return "group";
  }
  return "?";
}

const StepDefinition* WorkflowDefinition::find_step(std::string_view step_id) const noexcept {
  for (const auto& step : steps)
    if (step.id == step_id) return &step;
  return nullptr;
}

namespace {

namespace json = boost::json;

using detail::DefinitionReader;
using detail::Fields;

std::optional<DefinitionKind> read_kind(DefinitionReader& reader, Fields& fields) {
  auto kind = fields.string("kind", Fields::required);
  if (!kind) return std::nullopt;
  if (*kind == "workflow") return DefinitionKind::workflow;
  if (*kind == "checklist") return DefinitionKind::checklist;
  std::string message = "'kind' must be \"workflow\" or \"checklist\", not \"" + *kind + "\"";
  message += detail::did_you_mean(*kind, {"workflow", "checklist"});
  reader.error(ErrorCode::invalid_value, fields.pointer_of("kind"), std::move(message));
  return std::nullopt;
}

// Reads the array under `name` of at most max_steps entries; reports a longer one once.
const boost::json::array* read_parts(DefinitionReader& reader, Fields& fields,
                                     std::string_view name) {
  const auto* parts = fields.array(name, Fields::required);
  if (!parts) return nullptr;
  if (parts->empty()) {
    reader.error(ErrorCode::invalid_value, fields.pointer_of(name),
                 "'" + std::string(name) + "' is empty; a definition needs at least one");
    return nullptr;
  }
  if (parts->size() > reader.options().max_steps) {
    reader.error(ErrorCode::too_many_steps, fields.pointer_of(name),
                 "'" + std::string(name) + "' has " + std::to_string(parts->size()) +
                     " entries, more than the limit of " +
                     std::to_string(reader.options().max_steps) + " (max_steps)");
    return nullptr;
  }
  return parts;
}

void read_workflow_steps(DefinitionReader& reader, Fields& fields, WorkflowDefinition& out) {
  const auto* steps = read_parts(reader, fields, "steps");
  if (!steps) return;
  detail::IdScope step_ids;
  out.steps.reserve(steps->size());
  for (std::size_t i = 0; i < steps->size(); ++i) {
    auto step = detail::read_step(reader, (*steps)[i],
                                  detail::element_pointer(fields.pointer_of("steps"), i), step_ids);
    if (step) out.steps.push_back(std::move(*step));
  }
}

// A checklist document becomes a linear workflow: a fill_checklist step per section.
void read_checklist_sections(DefinitionReader& reader, Fields& fields, WorkflowDefinition& out) {
  const auto* sections = read_parts(reader, fields, "sections");
  if (!sections) return;
  detail::IdScope section_ids, item_ids;
  out.steps.reserve(sections->size());
  for (std::size_t i = 0; i < sections->size(); ++i) {
    const std::string pointer = detail::element_pointer(fields.pointer_of("sections"), i);
    auto section = detail::read_section(reader, (*sections)[i], pointer, section_ids, item_ids);
    if (!section) continue;
    StepDefinition step;
    step.id = section->id;
    step.type = "fill_checklist";
    step.title = section->title;
    step.description = section->description;
    step.pointer = pointer;
    step.checklist.emplace().sections.push_back(std::move(*section));
    if (!out.steps.empty())
      out.steps.back().next.push_back({.when = {}, .to = step.id, .label = {}, .pointer = pointer});
    out.steps.push_back(std::move(step));
  }
}

// A definition with errors in its fields is not compiled. So that an author fixes it in one
// round, the references between the steps that could be read are checked all the same, and,
// when no error lies within the steps (a misspelt "nxt" would leave a step unreachable), the
// graph too; their findings join the field errors in the order of the document. A transition
// to a step whose id could not be read is left out: the id's own error says what is wrong.
Diagnostics with_graph_findings(Diagnostics diagnostics, const WorkflowDefinition& read,
                                const json::value& document, const LoadOptions& options) {
  if (read.steps.empty() || diagnostics.omitted() > 0) return diagnostics;
  const auto* object = document.if_object();
  const auto* parts =
      object ? object->if_contains(read.kind == DefinitionKind::checklist ? "sections" : "steps")
             : nullptr;
  if (!parts || !parts->is_array()) return diagnostics;
  std::set<std::string, std::less<>> read_ids, unread_ids;
  for (const auto& step : read.steps) read_ids.insert(step.id);
  bool every_step_read = parts->get_array().size() == read.steps.size();
  for (const auto& part : parts->get_array()) {
    const auto* id = part.is_object() ? part.get_object().if_contains("id") : nullptr;
    if (id && id->is_string() && !read_ids.contains(id->get_string()))
      unread_ids.emplace(id->get_string());
  }
  every_step_read = every_step_read && unread_ids.empty() && !read_ids.contains("");
  for (const auto& finding : diagnostics)
    every_step_read = every_step_read && finding.pointer != "/start" &&
                      !finding.pointer.starts_with("/steps") &&
                      !finding.pointer.starts_with("/sections");

  WorkflowDefinition partial = read;
  std::erase_if(partial.steps, [](const StepDefinition& step) { return step.id.empty(); });
  if (partial.steps.empty()) return diagnostics;
  const auto unread = [&](const std::string& id) { return unread_ids.contains(id); };
  for (auto& step : partial.steps) {
    std::erase_if(step.next, [&](const Transition& t) { return unread(t.to); });
    std::erase_if(step.branches, unread);
    for (auto* target : {&step.on_error, &step.on_timeout, &step.join})
      if (unread(*target)) target->clear();
  }
  if (partial.start.empty() || unread(partial.start)) partial.start = partial.steps.front().id;
  partial.source = read.source;

  const auto room = options.max_errors > diagnostics.size()
                        ? options.max_errors - diagnostics.size()
                        : std::size_t{1};
  auto compiled = Workflow::compile(std::move(partial), options.step_types, room);
  const Diagnostics& graph = compiled ? compiled->warnings() : compiled.error();
  std::vector<Diagnostic> all(diagnostics.begin(), diagnostics.end());
  for (const auto& finding : graph) {
    const bool reference =
        finding.code == ErrorCode::dangling_target ||
        (finding.code == ErrorCode::invalid_value && finding.pointer.ends_with("/join"));
    if (every_step_read || reference) all.push_back(finding);
  }
  std::stable_sort(all.begin(), all.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.location.line, a.location.column) <
           std::pair(b.location.line, b.location.column);
  });
  Diagnostics merged;
  for (auto& finding : all) merged.add(std::move(finding));
  for (std::size_t i = 0; i < graph.omitted_errors(); ++i) merged.omit(Severity::error);
  return merged;
}

// "calendar": a region ("DE-NW"), or {"region": "DE-NW", "closed": ["2026-12-24", …]}.
std::optional<BusinessCalendar> read_calendar(DefinitionReader& reader,
                                              const boost::json::value& value,
                                              const std::string& pointer) {
  std::optional<std::string> region;
  std::vector<std::chrono::year_month_day> closed;
  std::string region_pointer = pointer;
  if (const auto* name = value.if_string()) {
    region = std::string(*name);
  } else if (const auto* object = value.if_object()) {
    Fields fields(reader, *object, pointer, {"region", "closed"}, "a calendar");
    region = fields.string("region", Fields::required);
    region_pointer = fields.pointer_of("region");
    if (const auto* days = fields.array("closed")) {
      for (std::size_t i = 0; i < days->size(); ++i) {
        const auto* text = (*days)[i].if_string();
        const auto parsed =
            text ? detail::parse_date(*text)
                 : tl::expected<detail::Date, detail::DateError>(tl::unexpect, detail::DateError{});
        if (!parsed || parsed->has_time()) {
          reader.error(ErrorCode::invalid_value,
                       detail::element_pointer(fields.pointer_of("closed"), i),
                       "a closed day is a date such as \"2026-12-24\"");
          continue;
        }
        closed.emplace_back(parsed->day);
      }
    }
    fields.check_unknown();
  } else {
    reader.error(ErrorCode::wrong_type, pointer,
                 "a calendar is a region such as \"DE-NW\", or an object {\"region\": …, "
                 "\"closed\": [dates]}");
    return std::nullopt;
  }
  if (!region) return std::nullopt;
  auto calendar = BusinessCalendar::of_region(*region, std::move(closed));
  if (!calendar) {
    reader.error(ErrorCode::invalid_value, region_pointer, calendar.error());
    return std::nullopt;
  }
  return std::move(*calendar);
}

}  // namespace

std::string check_load_options(const LoadOptions& options) {
  if (auto message = check_json_limits(options.json); !message.empty())
    return "LoadOptions::json." + message;
  constexpr auto unbounded = std::numeric_limits<std::size_t>::max();
  const auto check = [](std::string_view field, std::size_t value,
                        std::size_t ceiling) -> std::string {
    if (value >= 1 && value <= ceiling) return {};
    return "LoadOptions::" + std::string(field) + " must be between 1 and " +
           std::to_string(ceiling) + ", not " + std::to_string(value);
  };
  const std::size_t bytes = JsonLimits::max_bytes_ceiling;
  for (auto message : {
           check("max_steps", options.max_steps, unbounded),
           check("max_identifier_length", options.max_identifier_length, unbounded),
           check("max_transitions", options.max_transitions, unbounded),
           check("max_parallel_branches", options.max_parallel_branches, unbounded),
           check("max_retry_attempts", options.max_retry_attempts, unbounded),
           check("max_errors", options.max_errors, unbounded),
           check("expressions.max_length", options.expressions.max_length, bytes),
           check("expressions.max_depth", options.expressions.max_depth,
                 LoadOptions::max_expression_depth_ceiling),
           check("templates.max_template_bytes", options.templates.max_template_bytes, bytes),
           check("templates.max_nesting", options.templates.max_nesting,
                 LoadOptions::max_template_nesting_ceiling),
           check("templates.max_partial_depth", options.templates.max_partial_depth,
                 LoadOptions::max_template_nesting_ceiling),
           check("templates.max_output_bytes", options.templates.max_output_bytes, bytes),
           check("templates.max_render_steps", options.templates.max_render_steps, unbounded),
       })
    if (!message.empty()) return message;
  if (options.max_timer_horizon.count() <= 0)
    return "LoadOptions::max_timer_horizon must be positive, not " +
           std::to_string(options.max_timer_horizon.count()) + " ms";
  return {};
}

tl::expected<WorkflowDefinition, Diagnostics> load_definition(std::string text,
                                                              std::string source_name,
                                                              const LoadOptions& options) {
  auto document = detail::parse_document(std::move(text), std::move(source_name), options);
  if (!document) return tl::make_unexpected(std::move(document.error()));
  const auto& source = document->source;
  const auto* parsed = &document->value;

  DefinitionReader reader(source, options);
  if (!parsed->is_object()) {
    reader.error(
        ErrorCode::wrong_type, "",
        "a definition must be a JSON object, not " + std::string(detail::describe(*parsed)));
    return tl::make_unexpected(reader.take_diagnostics());
  }

  Fields fields(reader, parsed->get_object(), "",
                {"$schema", "id", "version", "kind", "title", "description", "default_language",
                 "time_zone", "calendar", "document_number", "schedules", "start", "input",
                 "output", "steps", "sections", "metadata"},
                "a definition");
  WorkflowDefinition out;
  out.source = source;
  if (auto id = fields.string("id", Fields::required)) {
    if (!detail::is_definition_id(*id))
      reader.error(ErrorCode::invalid_identifier, fields.pointer_of("id"),
                   "'" + *id + "' is not a definition id: use letters, digits, '_', '.' or '-'");
    else if (id->size() > options.max_identifier_length)
      reader.error(ErrorCode::invalid_identifier, fields.pointer_of("id"),
                   "definition id is " + std::to_string(id->size()) +
                       " characters long, more than the limit of " +
                       std::to_string(options.max_identifier_length) + " (max_identifier_length)");
    else
      out.id = std::move(*id);
  }
  if (auto version =
          fields.integer("version", 1, std::numeric_limits<std::int32_t>::max(), Fields::required))
    out.version = static_cast<std::uint32_t>(*version);
  const auto kind = read_kind(reader, fields);
  if (kind) out.kind = *kind;
  if (auto title = fields.text("title", Fields::required)) out.title = std::move(*title);
  if (auto description = fields.text("description")) out.description = std::move(*description);
  if (auto language = fields.string("default_language")) {
    if (detail::is_language_code(*language))
      out.default_language = std::move(*language);
    else
      reader.error(ErrorCode::invalid_value, fields.pointer_of("default_language"),
                   "'" + *language + "' is not a language code; write codes like \"de\" or \"en\"");
  }
  if (auto zone = fields.time_zone("time_zone")) out.time_zone = std::move(*zone);
  if (const auto* calendar = fields.value("calendar"))
    if (auto read = read_calendar(reader, *calendar, fields.pointer_of("calendar")))
      out.calendar = std::move(*read);
  detail::read_schedules(reader, fields, out);
  if (auto number = fields.string("document_number")) {
    if (auto format = DocumentNumberFormat::parse(*number))
      out.document_number = std::move(*format);
    else
      reader.error(ErrorCode::invalid_value, fields.pointer_of("document_number"), format.error());
  }
  const auto start = fields.identifier("start");
  if (const auto* metadata = fields.object("metadata")) out.metadata = *metadata;
  if (options.strict && !fields.has("input"))
    reader.error(ErrorCode::missing_field, "",
                 "the definition declares no \"input\", which strict checking requires: "
                 "declare the input it takes as a JSON Schema, {\"type\": \"object\", "
                 "\"additionalProperties\": false} for none (docs/format.md, \"Declared input\")",
                 Anchor::key);
  if (const auto* input = fields.value("input"))
    out.input = detail::read_data_schema(reader, *input, fields.pointer_of("input"));
  if (const auto* output = fields.value("output"))
    out.output = detail::read_data_schema(reader, *output, fields.pointer_of("output"));
  (void)fields.string("$schema");

  // Only one of steps and sections, as the kind says; without a valid kind, whichever is there.
  const bool checklist =
      kind ? *kind == DefinitionKind::checklist : fields.has("sections") && !fields.has("steps");
  const std::string_view own = checklist ? "sections" : "steps";
  const std::string_view other = checklist ? "steps" : "sections";
  if (fields.has(other))
    reader.error(ErrorCode::unknown_field, fields.pointer_of(other),
                 "a " + std::string(checklist ? "checklist" : "workflow") + " has '" +
                     std::string(own) + "', not '" + std::string(other) + "'" +
                     (kind ? "; for '" + std::string(other) + "' set \"kind\": \"" +
                                 (checklist ? "workflow" : "checklist") + "\""
                           : std::string()),
                 Anchor::key);
  if (checklist)
    read_checklist_sections(reader, fields, out);
  else
    read_workflow_steps(reader, fields, out);
  if (checklist && start)
    reader.error(ErrorCode::invalid_value, fields.pointer_of("start"),
                 "a checklist starts with its first section; 'start' is for workflows",
                 Anchor::key);
  out.start = start ? *start : out.steps.empty() ? std::string() : out.steps.front().id;

  fields.check_unknown();
  detail::check_references(reader, out);
  detail::check_types(reader, out);
  Diagnostics diagnostics = reader.take_diagnostics();
  if (diagnostics.has_errors())
    return tl::make_unexpected(with_graph_findings(std::move(diagnostics), out, *parsed, options));
  out.warnings = std::move(diagnostics);
  return out;
}

tl::expected<WorkflowDefinition, Diagnostics> load_definition_file(
    const std::filesystem::path& path, const LoadOptions& options) {
  auto text = detail::read_document(path, options);
  if (!text) return tl::make_unexpected(std::move(text.error()));
  return load_definition(std::move(*text), path.string(), options);
}

}  // namespace ablauf
