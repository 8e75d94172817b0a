// create_task: work for a person. The task is opened in the host's task list (if it has one)
// and recorded; the token waits until someone completes it (Engine::complete_task), unless the
// step says "wait": false.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"
#include "steps/task_follow_ups.hpp"

#include "ablauf/duration.hpp"
#include "value_text.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

class CreateTask final : public StepBehavior {
 public:
  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    Run& run = call.run;
    const StepDefinition& step = call.step;
    const auto& parameters = call.parameters;
    const auto failed = [&](std::string why, bool retryable = false) {
      return engine.fail(run, call.token, step, call.attempt, std::move(why), retryable);
    };
    Task task{call.key, step.id};
    if (const auto* title = parameters.if_contains("title"))
      task.title =
          text_in(*title, engine.config.language, run.workflow->definition().default_language);
    if (const auto* assignee = parameters.if_contains("assignee"))
      task.assignee = to_text(*assignee);
    if (const auto* due = parameters.if_contains("due")) {
      auto duration = parse_duration(*due);
      if (!duration) return failed("'due': " + duration.error().message);
      task.due = add_duration(call.now, *duration, run.workflow->definition());
      if (auto ok = engine.limits.check_horizon(*task.due, call.now, "the task's due date"); !ok)
        return failed(std::move(ok.error().message));
    }
    // The reminders and the escalation, worked out before anything is recorded: a follow-up
    // that cannot be set fails the step as a bad due date does.
    auto follow_ups = follow_ups_of(engine, call, task.due);
    if (!follow_ups) return failed(std::move(follow_ups.error()));
    if (engine.config.tasks) {
      if (auto ok = engine.store_attempt(run); !ok) return ok;
      if (auto opened = engine.config.tasks->open(run.state.id, task); !opened)
        return failed("the task list refused it: " + opened.error(), true);
    }
    json::object data{{"task", task.id}};
    if (!task.title.empty()) data["title"] = task.title;
    if (!task.assignee.empty()) data["assignee"] = task.assignee;
    Event created{
        .type = EventType::task_created, .step = step.id, .due = task.due, .data = std::move(data)};
    if (auto ok = run.emit(std::move(created), call.now); !ok) return ok;
    // As rendered: "wait" may be computed.
    if (const auto* wait = parameters.if_contains("wait");
        wait && wait->is_bool() && !wait->get_bool())
      return engine.complete(run, call.token, step, json::object{{"task", task.id}});
    if (auto ok =
            engine.wait(run, call.token, step,
                        {.what = WaitingFor::task, .details = {{"task", std::move(task.id)}}});
        !ok)
      return ok;
    for (const auto& [at, purpose] : *follow_ups)
      if (auto ok = engine.set_timer(run, call.token, step, at, purpose); !ok) return ok;
    return {};
  }

  // When the task's assignee is reminded and when the task is escalated, as the step's
  // "remind" and "escalate" say; those that would already lie in the past are left out.
  static tl::expected<std::vector<std::pair<Time, TimerPurpose>>, std::string> follow_ups_of(
      EngineParts& engine, const StepCall& call, std::optional<Time> due) {
    const auto& definition = call.run.workflow->definition();
    std::vector<std::pair<Time, TimerPurpose>> out;
    const auto add = [&](Time at, TimerPurpose purpose) -> tl::expected<void, std::string> {
      if (at <= call.now) return {};
      if (auto ok = engine.limits.check_horizon(at, call.now, "the task's follow-up"); !ok)
        return tl::make_unexpected(std::move(ok.error().message));
      out.emplace_back(at, purpose);
      return {};
    };
    if (const auto* remind = call.parameters.if_contains("remind"); remind && remind->is_array())
      for (const auto& entry : remind->get_array()) {
        auto reminder = parse_reminder(entry.is_string() ? std::string_view(entry.get_string())
                                                         : std::string_view());
        if (!reminder) return tl::make_unexpected("'remind': " + reminder.error());
        if (reminder->from != Reminder::From::made && !due)
          return tl::make_unexpected(
              "'remind': a reminder before or after the due date needs the task's 'due'");
        Time at = call.now;
        if (reminder->from == Reminder::From::made)
          at = add_duration(call.now, reminder->offset, definition);
        else if (reminder->from == Reminder::From::after_due)
          at = add_duration(*due, reminder->offset, definition);
        else
          at = *due - reminder->offset.exact();
        if (auto ok = add(at, TimerPurpose::remind); !ok) return tl::make_unexpected(ok.error());
      }
    if (const auto* escalate = call.step.parameters.if_contains("escalate")) {
      auto escalation = parse_escalation(*escalate);
      if (!escalation) return tl::make_unexpected("'escalate': " + escalation.error());
      const Time at = add_duration(due.value_or(call.now), escalation->after, definition);
      if (auto ok = add(at, TimerPurpose::escalate); !ok) return tl::make_unexpected(ok.error());
    }
    return out;
  }

  // As the definition is written: a "wait" computed at run time is taken to wait.
  static bool waits(const StepDefinition& step) {
    const auto* wait = step.parameters.if_contains("wait");
    return !(wait && wait->is_bool() && !wait->get_bool());
  }
};

}  // namespace

tl::expected<void, Error> EngineParts::follow_up_task(Run& run, const Timer& timer) {
  // The task its step made that is still open: a task done or a step moved on needs none.
  auto& tasks = run.state.tasks;
  const auto open = std::find_if(tasks.rbegin(), tasks.rend(), [&](const Task& task) {
    return task.step == timer.step && !task.completed && !task.is_action();
  });
  if (open == tasks.rend()) return {};
  const Time now = clock.now();
  const std::string task_id = open->id;
  const bool remind = timer.purpose == TimerPurpose::remind;
  json::object data{{"task", task_id}};
  if (remind) {
    data["assignee"] = open->assignee;
  } else {
    const StepDefinition& step = *run.workflow->definition().find_step(timer.step);
    auto escalation = parse_escalation(step.parameters.at("escalate"));
    if (!escalation) return {};  // checked when the definition was loaded and the task made
    data["from"] = open->assignee;
    data["to"] = escalation->to;
  }
  if (auto ok = run.emit(remind ? EventType::task_reminded : EventType::task_escalated, timer.step,
                         std::move(data), now);
      !ok)
    return ok;
  // The host's task list hears of it under a key of its own, the same if a crash makes the
  // timer fire again. It is told, not asked: a refusal is reported, and the task stays as
  // recorded, reminded or handed on, in the engine and its inbox.
  if (config.tasks) {
    const auto& task =
        *std::find_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.id == task_id; });
    const std::string key = run.state.id + "/" + timer.id;
    auto told = remind ? config.tasks->remind(run.state.id, task, key)
                       : config.tasks->escalate(run.state.id, task, key);
    if (!told)
      report(run.state.id,
             Error{ErrorCode::adapter_failed, "the task list refused the " +
                                                  std::string(remind ? "reminder" : "escalation") +
                                                  " of task '" + task_id + "': " + told.error()});
  }
  return {};
}

StepTypeSpec create_task_step() {
  using T = ParameterType;
  static const CreateTask behavior;
  return {.name = "create_task",
          // The task's title and description are the step's own.
          .parameters = {param("assignee", T::string), param("due", T::duration),
                         param("outcomes", T::strings), param("wait", T::boolean),
                         // When its assignee is reminded, and to whom an overdue task goes
                         // (task_follow_ups.hpp); with "wait": false, neither.
                         param("remind", T::strings), param("escalate", T::object)},
          .waits = CreateTask::waits,
          // Waiting, the step completes with the task's outcome; else at once, with the task's
          // id. Expressions test the outcome at steps.<id>.outcome, typed by "outcomes".
          .output = declared_output(R"({
            "type": "object",
            "properties": {"task": {"type": "string"}, "outcome": {"type": "string"},
                           "data": {"type": "object"}},
            "additionalProperties": false
          })"),
          .behavior = &behavior};
}

}  // namespace ablauf::detail
