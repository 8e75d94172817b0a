#include "answers_file.hpp"

#include "attached_files.hpp"
#include "suggest.hpp"
#include "value_text.hpp"

#include <ablauf/answer.hpp>
#include <ablauf/duration.hpp>
#include <ablauf/source.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace ablauf::cli {
namespace json = boost::json;

namespace {

std::string member(std::string_view parent, std::string_view key) {
  return std::string(parent) + "/" + escape_pointer_token(key);
}

std::string element(std::string_view parent, std::size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

tl::unexpected<Diagnostic> problem(ErrorCode code, std::string message, std::string pointer) {
  Diagnostic d;
  d.code = code;
  d.message = std::move(message);
  d.pointer = std::move(pointer);
  return tl::make_unexpected(std::move(d));
}

const std::vector<std::string_view> fields = {"actor", "business_key", "input",  "answers",
                                              "tasks", "actions",      "events", "$comment"};

// A name in an action of the answers file: a non-empty string.
tl::expected<std::string, Diagnostic> person(const json::object& action, std::string_view field,
                                             const std::string& at) {
  const auto* value = action.if_contains(field);
  if (!value || !value->is_string() || value->get_string().empty())
    return problem(ErrorCode::wrong_type,
                   "'" + std::string(field) + "' must be the name of the person who " +
                       (field == "done_by" ? "does the action" : "verifies it"),
                   member(at, field));
  return std::string(value->get_string());
}

// "actions": {"<step>": {"<item>": {"done_by": "hans", "verified_by": "sabine"}}}.
tl::expected<void, Diagnostic> read_actions(const json::value& value, const std::string& at,
                                            Script& script) {
  using C = ErrorCode;
  if (!value.is_object())
    return problem(C::wrong_type, "'actions' must map step ids to the items whose actions close",
                   at);
  for (const auto& [step, items] : value.get_object()) {
    const std::string at_step = member(at, step);
    if (!items.is_object())
      return problem(C::wrong_type,
                     "'actions." + std::string(step) + "' must map item ids to who closes them",
                     at_step);
    for (const auto& [item, action] : items.get_object()) {
      const std::string here = member(at_step, item);
      const auto* given = action.if_object();
      if (!given)
        return problem(C::wrong_type,
                       "'actions." + std::string(step) + "." + std::string(item) +
                           "' must be an object: {\"done_by\": …, \"verified_by\": …}",
                       here);
      for (const auto& [field, _] : *given)
        if (field != "done_by" && field != "verified_by")
          return problem(
              C::unknown_field,
              "unknown field '" + std::string(field) + "'; an action has done_by and verified_by",
              member(here, field));
      auto done_by = person(*given, "done_by", here);
      if (!done_by) return tl::make_unexpected(std::move(done_by.error()));
      ScriptedAction scripted{std::move(*done_by), {}};
      if (given->contains("verified_by")) {
        auto verified_by = person(*given, "verified_by", here);
        if (!verified_by) return tl::make_unexpected(std::move(verified_by.error()));
        scripted.verified_by = std::move(*verified_by);
      }
      script.actions[std::string(step)][std::string(item)] = std::move(scripted);
    }
  }
  return {};
}

}  // namespace

const json::object* Script::answers_for(const std::string& step) const {
  const auto* given = answers.if_contains(step);
  return given ? given->if_object() : nullptr;
}

const ScriptedAction* Script::action_for(const std::string& step, const std::string& item) const {
  const auto of_step = actions.find(step);
  if (of_step == actions.end()) return nullptr;
  const auto found = of_step->second.find(item);
  return found == of_step->second.end() ? nullptr : &found->second;
}

std::optional<std::string> Script::next_outcome(const std::string& step) {
  auto it = tasks.find(step);
  if (it == tasks.end() || it->second.empty()) return std::nullopt;
  std::string outcome = std::move(it->second.front());
  it->second.pop_front();
  return outcome;
}

std::optional<ScriptedEvent> Script::next_event() const {
  if (events.empty()) return std::nullopt;
  return events.front();
}

tl::expected<Script, Diagnostic> read_script(const json::value& file) {
  using C = ErrorCode;
  const auto* object = file.if_object();
  if (!object) return problem(C::wrong_type, "an answers file is a JSON object", "");
  Script script;
  for (const auto& [key, value] : *object) {
    const std::string at = member("", key);
    if (key == "actor") {
      if (!value.is_string() || value.get_string().empty())
        return problem(C::wrong_type, "'actor' must be a person's name or id", at);
      script.actor = value.get_string();
    } else if (key == "business_key") {
      if (!value.is_string() || value.get_string().empty())
        return problem(C::wrong_type,
                       "'business_key' must be a non-empty string, such as an invoice number", at);
      script.business_key = value.get_string();
    } else if (key == "input") {
      if (!value.is_object()) return problem(C::wrong_type, "'input' must be an object", at);
      script.input = value;
    } else if (key == "answers") {
      if (!value.is_object())
        return problem(C::wrong_type, "'answers' must map step ids to objects of answers", at);
      for (const auto& [step, given] : value.get_object())
        if (!given.is_object())
          return problem(C::wrong_type,
                         "'answers." + std::string(step) + "' must map item ids to answers",
                         member(at, step));
      script.answers = value.get_object();
    } else if (key == "tasks") {
      if (!value.is_object())
        return problem(C::wrong_type, "'tasks' must map step ids to lists of outcomes", at);
      for (const auto& [step, outcomes] : value.get_object()) {
        auto& queue = script.tasks[std::string(step)];
        if (!outcomes.is_array())
          return problem(C::wrong_type,
                         "'tasks." + std::string(step) + "' must be a list of outcomes",
                         member(at, step));
        std::size_t index = 0;
        for (const auto& o : outcomes.get_array()) {
          if (!o.is_string())
            return problem(C::wrong_type,
                           "'tasks." + std::string(step) + "' holds " + detail::describe(o) +
                               "; an outcome is a string",
                           element(member(at, step), index));
          queue.emplace_back(o.get_string());
          ++index;
        }
      }
    } else if (key == "actions") {
      if (auto ok = read_actions(value, at, script); !ok) return tl::make_unexpected(ok.error());
    } else if (key == "events") {
      if (!value.is_array()) return problem(C::wrong_type, "'events' must be a list", at);
      std::size_t index = 0;
      for (const auto& e : value.get_array()) {
        const std::string here = element(at, index++);
        const auto* event = e.if_object();
        const auto* name = event ? event->if_contains("name") : nullptr;
        if (!name || !name->is_string())
          return problem(C::missing_field, "each event needs a 'name'", here);
        ScriptedEvent scripted{std::chrono::milliseconds(0), std::string(name->get_string()),
                               nullptr, here};
        if (const auto* after = event->if_contains("after")) {
          auto duration = parse_duration(*after);
          if (!duration || duration->is_calendar())
            return problem(C::invalid_duration,
                           "event '" + scripted.name +
                               "': 'after' must be a duration in days, hours, minutes or seconds",
                           member(here, "after"));
          scripted.after = duration->exact();
        }
        if (const auto* payload = event->if_contains("payload")) scripted.payload = *payload;
        script.events.push_back(std::move(scripted));
      }
      std::stable_sort(script.events.begin(), script.events.end(),
                       [](const auto& a, const auto& b) { return a.after < b.after; });
    } else if (key != "$comment") {
      const std::string suggestion = detail::did_you_mean(key, fields);
      return problem(C::unknown_field,
                     "unknown field '" + std::string(key) + "'" +
                         (suggestion.empty() ? "; an answers file has actor, business_key, "
                                               "input, answers, tasks, actions and events"
                                             : suggestion),
                     at);
    }
  }
  return script;
}

namespace {

const ItemDefinition* find_item(const StepDefinition& step, std::string_view id) {
  for (const auto& section : step.checklist->sections)
    for (const auto& item : section.items)
      if (item.id == id) return &item;
  return nullptr;
}

// The ids of the steps `accepts` takes, for suggestions.
template <class Accepts>
std::vector<std::string_view> step_ids(std::span<const Workflow> workflows, Accepts&& accepts) {
  std::vector<std::string_view> ids;
  for (const auto& workflow : workflows)
    for (const auto& step : workflow.definition().steps)
      if (accepts(step)) ids.push_back(step.id);
  return ids;
}

// The step `id` of the workflow run, else of the first workflow it may call that has one.
const StepDefinition* find_step(std::span<const Workflow> workflows, std::string_view id) {
  for (const auto& workflow : workflows)
    if (const auto* step = workflow.find_step(id)) return step;
  return nullptr;
}

// A step the answers file names under `what` ("answers", "tasks"), or why it names none.
const StepDefinition* named_step(std::span<const Workflow> workflows, std::string_view id,
                                 std::string_view type, const std::string& pointer,
                                 Diagnostics& problems) {
  const StepDefinition* step = find_step(workflows, id);
  if (step && step->type == type) return step;
  const auto candidates =
      step_ids(workflows, [&](const StepDefinition& s) { return s.type == type; });
  std::string message = step ? "step '" + std::string(id) + "' is a " + step->type +
                                   " step, not a " + std::string(type) + " step"
                        : workflows.size() == 1
                            ? "the workflow has no step '" + std::string(id) + "'"
                            : "no workflow of the run has a step '" + std::string(id) + "'";
  message += candidates.empty() ? "; it has no " + std::string(type) + " steps"
                                : detail::did_you_mean_or_list(
                                      id, candidates, "its " + std::string(type) + " steps");
  problems.add(Severity::error, ErrorCode::unknown_reference, std::move(message), pointer);
  return nullptr;
}

void check_answers(const Script& script, std::span<const Workflow> workflows,
                   std::string_view language, Diagnostics& problems) {
  const auto& fallback = workflows.front().definition().default_language;
  for (const auto& [step_id, given] : script.answers) {
    const std::string at = member("/answers", step_id);
    const StepDefinition* step = named_step(workflows, step_id, "fill_checklist", at, problems);
    if (!step) continue;
    for (const auto& [item_id, value] : given.as_object()) {
      const std::string here = member(at, item_id);
      const ItemDefinition* item = find_item(*step, item_id);
      if (!item) {
        std::vector<std::string_view> ids;
        for (const auto& section : step->checklist->sections)
          for (const auto& i : section.items) ids.push_back(i.id);
        problems.add(Severity::error, ErrorCode::unknown_reference,
                     "step '" + step->id + "' has no item '" + std::string(item_id) + "'" +
                         detail::did_you_mean_or_list(item_id, ids, "its items"),
                     here);
      } else if (item->kind == ItemKind::signature) {
        if (!value.is_string() || value.get_string().empty())
          problems.add(Severity::error, ErrorCode::wrong_type,
                       "'" + item->id +
                           "' is a signature: give the name of the person who signs, not " +
                           (value.is_string() ? "an empty string" : detail::describe(value)),
                       here);
      } else if (takes_files(item->kind) && !is_not_applicable(value)) {
        const auto base = std::filesystem::path(script.path).parent_path();
        if (auto problem = check_attached(*item, value, base); !problem.empty())
          problems.add(Severity::error, ErrorCode::invalid_value, std::move(problem), here);
      } else if (auto checked = check_answer(*item, value, language, fallback); !checked) {
        problems.add(Severity::error, ErrorCode::invalid_value, std::move(checked.error().message),
                     here);
      }
    }
  }
}

void check_tasks(const Script& script, std::span<const Workflow> workflows, Diagnostics& problems) {
  for (const auto& [step_id, outcomes] : script.tasks) {
    const std::string at = member("/tasks", step_id);
    const StepDefinition* step = named_step(workflows, step_id, "create_task", at, problems);
    if (!step) continue;
    const auto* declared = step->parameters.if_contains("outcomes");
    if (!declared || !declared->is_array()) continue;  // a task without outcomes takes any
    std::vector<std::string_view> allowed;
    for (const auto& o : declared->get_array())
      if (o.is_string()) allowed.push_back(o.get_string());
    for (std::size_t i = 0; i < outcomes.size(); ++i)
      if (std::find(allowed.begin(), allowed.end(), outcomes[i]) == allowed.end())
        problems.add(Severity::error, ErrorCode::invalid_value,
                     "'" + outcomes[i] + "' is not an outcome of task '" + step->id + "'" +
                         detail::did_you_mean_or_list(outcomes[i], allowed, "its outcomes"),
                     element(at, i));
  }
}

void check_actions(const Script& script, std::span<const Workflow> workflows,
                   Diagnostics& problems) {
  for (const auto& [step_id, items] : script.actions) {
    const std::string at = member("/actions", step_id);
    const StepDefinition* step = named_step(workflows, step_id, "fill_checklist", at, problems);
    if (!step) continue;
    // The items that raise actions, and the rules: whether each verifies what it raises.
    std::map<std::string_view, bool> raising;
    for (const auto& section : step->checklist->sections) {
      for (const auto& item : section.items)
        if (item.on_fail || item.on_flag)
          raising[item.id] = (item.on_fail && !item.on_fail->verify_by.empty()) ||
                             (item.on_flag && !item.on_flag->verify_by.empty());
      for (const auto& rule : section.action_rules)
        raising[rule.id] = !rule.action.verify_by.empty();
    }
    std::vector<std::string_view> names;
    for (const auto& [name, _] : raising) names.push_back(name);
    for (const auto& [item_id, action] : items) {
      const std::string here = member(at, item_id);
      const auto found = raising.find(item_id);
      if (found == raising.end()) {
        problems.add(
            Severity::error, ErrorCode::unknown_reference,
            "step '" + step->id + "' has no item or rule '" + item_id +
                "' that raises corrective actions" +
                (names.empty() ? std::string("; none of its items does")
                               : detail::did_you_mean_or_list(item_id, names, "those that do")),
            here);
        continue;
      }
      const bool verified = found->second;
      if (!action.verified_by.empty() && !verified)
        problems.add(Severity::error, ErrorCode::invalid_value,
                     "the actions of item '" + item_id +
                         "' are not verified (they have no verify_by): leave out 'verified_by'",
                     member(here, "verified_by"));
      else if (!action.verified_by.empty() && action.verified_by == action.done_by)
        problems.add(Severity::error, ErrorCode::invalid_value,
                     action.done_by + " does the action of item '" + item_id +
                         "' and cannot also verify it: name a second person",
                     member(here, "verified_by"));
    }
  }
}

void check_events(const Script& script, std::span<const Workflow> workflows,
                  Diagnostics& problems) {
  std::set<std::string_view> waited;
  for (const auto& workflow : workflows)
    for (const auto& step : workflow.definition().steps)
      if (const auto* event = step.parameters.if_contains("event");
          step.type == "wait" && event && event->is_string())
        waited.insert(event->get_string());
  const std::vector<std::string_view> names(waited.begin(), waited.end());
  // Sorted by `after`: report them in the order of the file.
  std::vector<const ScriptedEvent*> events;
  for (const auto& e : script.events) events.push_back(&e);
  std::sort(events.begin(), events.end(), [](const auto* a, const auto* b) {
    return a->pointer.size() != b->pointer.size() ? a->pointer.size() < b->pointer.size()
                                                  : a->pointer < b->pointer;
  });
  for (const auto* event : events)
    if (!waited.count(event->name))
      problems.add(Severity::error, ErrorCode::unknown_reference,
                   "no wait step of the workflow waits for the event '" + event->name + "'" +
                       (names.empty() ? std::string("; it waits for no events")
                                      : detail::did_you_mean_or_list(event->name, names,
                                                                     "the events it waits for")),
                   member(event->pointer, "name"));
}

}  // namespace

Diagnostics check_input(const json::value& input, const Workflow& workflow,
                        std::string_view pointer) {
  Diagnostics problems;
  const auto& declared = workflow.definition().input;
  if (!declared) return problems;
  for (auto& problem : declared->check(input))
    problems.add(Severity::error, problem.code, std::move(problem.message),
                 std::string(pointer) + problem.pointer);
  return problems;
}

Diagnostics check_script(const Script& script, std::span<const Workflow> workflows,
                         std::string_view language) {
  Diagnostics problems;
  if (!script.input.is_null())
    problems.append(check_input(script.input, workflows.front(), "/input"));
  check_answers(script, workflows, language, problems);
  check_tasks(script, workflows, problems);
  check_actions(script, workflows, problems);
  check_events(script, workflows, problems);
  return problems;
}

void locate_answers(const Source& source, Diagnostics& problems) {
  Diagnostics located;
  for (Diagnostic d : problems) {
    // Names that do not exist point at their key; values at fault at the value.
    const bool name = d.code == ErrorCode::unknown_field || d.code == ErrorCode::unknown_reference;
    d.location = source.locate(d.pointer, name ? Anchor::key : Anchor::value);
    located.add(std::move(d));
  }
  problems = std::move(located);
}

}  // namespace ablauf::cli
