// Corrective actions: the tasks a checklist's failing or flagged answers, and its rules over the
// answers, raise (CorrectiveAction, ActionRule). An action is raised with the answer, in the same
// transaction, once per visit of its step: its task id is the step's attempt key with the item
// (or rule) and what raised it, so answering again (or a crash before the answer was stored)
// never raises a second one. It is closed when done, or once verified if it names a verifier;
// until then it may hold back the step's signatures, and it keeps the instance from ending.
#include "engine/corrective_actions.hpp"

#include "engine/checklist_items.hpp"
#include "engine/engine_impl.hpp"
#include "time/calendar.hpp"
#include "time/time_zone.hpp"

#include "ablauf/checklist_score.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

// The answer recorded for an item of `step`, or null.
const json::value* recorded_answer(const InstanceState& state, const StepDefinition& step,
                                   std::string_view item) {
  const auto* entry = state.data.at("steps").as_object().if_contains(step.id);
  if (!entry || !entry->is_object()) return nullptr;
  const auto* answers = entry->as_object().if_contains("answers");
  if (!answers || !answers->is_object()) return nullptr;
  return answers->as_object().if_contains(item);
}

// When an action raised now is due: none without `due`, nor while its `due_item` is unanswered.
tl::expected<std::optional<Time>, Error> due_of(const CorrectiveAction& action,
                                                const InstanceState& state,
                                                const StepDefinition& step,
                                                const WorkflowDefinition& definition, Time now) {
  if (!action.due) return std::optional<Time>();
  if (action.due_item.empty())
    return std::optional<Time>(add_duration(now, *action.due, definition));
  const auto* answer = recorded_answer(state, step, action.due_item);
  if (!answer || !answer->is_string()) return std::optional<Time>();
  auto date = parse_date(answer->get_string());
  if (!date) return std::optional<Time>();
  auto due = add(*date, *action.due, 1, &definition.calendar);
  if (!due)
    return error(ErrorCode::invalid_value, "the corrective action's due date, " +
                                               std::string(answer->get_string()) + " plus " +
                                               to_string(*action.due) + ", " + due.error().message);
  // A full-date plus whole days stays a date: due from its midnight in the definition's zone.
  return std::optional<Time>(
      due->time ? due->instant()
                : detail::instant_of(detail::WallTime(due->day), definition.time_zone));
}

// Raises `action` for `item`'s `answer` (a rule's id, and null), unless this visit of the step
// raised it already.
tl::expected<void, Error> raise(EngineParts& parts, Run& run, std::uint32_t token,
                                const StepDefinition& step, const std::string& item,
                                const CorrectiveAction& action, std::string_view raised_by,
                                const json::value& answer) {
  Task task{attempt_key(run, token) + "/" + item + "/" + std::string(raised_by), step.id};
  if (run.state.find_task(task.id)) return {};
  const Time now = parts.clock.now();
  task.title = std::string(
      action.title.get(parts.config.language, run.workflow->definition().default_language));
  task.assignee = action.assignee;
  auto due = due_of(action, run.state, step, run.workflow->definition(), now);
  if (!due) return tl::make_unexpected(std::move(due.error()));
  task.due = *due;
  if (task.due)
    if (auto ok = parts.limits.check_horizon(*task.due, now, "the corrective action's due date");
        !ok)
      return ok;
  task.item = item;
  task.raised_by = std::string(raised_by);
  task.answer = answer;
  task.priority = action.priority;
  task.verify_by = action.verify_by;
  task.sign_while_open = action.sign_while_open;
  // The host's task list hears of it before the answer is stored: were the store to fail, the
  // answer given again raises the same task id, which a task list keeps once.
  if (parts.config.tasks)
    if (auto opened = parts.config.tasks->open(run.state.id, task); !opened)
      return error(ErrorCode::io_error, "the task list refused the corrective action for '" + item +
                                            "': " + opened.error());
  json::object data{{"task", task.id},
                    {"title", task.title},
                    {"assignee", task.assignee},
                    {"item", task.item},
                    {"raised_by", task.raised_by},
                    {"answer", answer},
                    {"priority", to_string(task.priority)},
                    {"sign_while_open", task.sign_while_open}};
  if (!task.verify_by.empty()) data["verify_by"] = task.verify_by;
  Event created{
      .type = EventType::task_created, .step = step.id, .due = task.due, .data = std::move(data)};
  return run.emit(std::move(created), now);
}

}  // namespace

tl::expected<void, Error> raise_corrective_actions(EngineParts& parts, Run& run,
                                                   std::uint32_t token, const StepDefinition& step,
                                                   std::span<const std::string> answered) {
  const auto options = parts.limits.evaluation(parts.clock.now());
  for (const auto& id : answered) {
    const ItemDefinition* item = find_item(step, id);
    if (!item || (!item->on_fail && !item->on_flag)) continue;
    const auto* answer = recorded_answer(run.state, step, id);
    if (!answer) continue;
    if (item->visible_if) {
      auto visible = evaluate_condition(*item->visible_if, run.state.data, options);
      if (!visible || !*visible) continue;
    }
    auto verdict = judge_answer(*item, *answer, options);
    if (!verdict) return tl::make_unexpected(std::move(verdict.error()));
    if (item->on_fail && verdict->failed)
      if (auto ok = raise(parts, run, token, step, item->id, *item->on_fail, "fail", *answer); !ok)
        return ok;
    if (item->on_flag && verdict->flagged)
      if (auto ok = raise(parts, run, token, step, item->id, *item->on_flag, "flag", *answer); !ok)
        return ok;
  }
  // Rules over the answers: each raises its action once the answers make its condition hold.
  for (const auto& section : step.checklist->sections)
    for (const auto& rule : section.action_rules) {
      auto holds = evaluate_condition(rule.when, run.state.data, options);
      if (!holds)  // refused with the answers, which lose nothing: the author's to fix
        return error(ErrorCode::invalid_value, "step '" + step.id +
                                                   "': the condition of the corrective action '" +
                                                   rule.id + "' failed: " + holds.error().message);
      if (*holds)
        if (auto ok = raise(parts, run, token, step, rule.id, rule.action, "rule", nullptr); !ok)
          return ok;
    }
  return {};
}

std::optional<Error> signing_held_back(const InstanceState& state, const StepDefinition& step) {
  for (const auto& task : state.tasks)
    if (task.is_action() && task.step == step.id && !task.sign_while_open && !task.closed())
      return Error{ErrorCode::invalid_value,
                   "step '" + step.id + "' cannot be signed while the corrective action '" +
                       task.title + "' (task '" + task.id + "', raised by " +
                       (task.raised_by == "rule" ? "rule '" : "item '") + task.item +
                       "') is open: it must be " + (task.completed ? "verified" : "done") +
                       " first",
                   {},
                   {}};
  return std::nullopt;
}

tl::expected<void, Error> end_once_actions_closed(EngineParts& parts, Run& run) {
  if (run.state.tokens.empty() && !run.state.finished() && !run.state.has_open_actions())
    return parts.complete_instance(run);
  return {};
}

}  // namespace ablauf::detail
