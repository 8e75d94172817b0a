// create_task: work for a person. The task is opened in the host's task list (if it has one)
// and recorded; the token waits until someone completes it (Engine::complete_task), unless the
// step says "wait": false.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"

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
    return engine.wait(run, call.token, step,
                       {.what = WaitingFor::task, .details = {{"task", std::move(task.id)}}});
  }

  // As the definition is written: a "wait" computed at run time is taken to wait.
  static bool waits(const StepDefinition& step) {
    const auto* wait = step.parameters.if_contains("wait");
    return !(wait && wait->is_bool() && !wait->get_bool());
  }
};

}  // namespace

StepTypeSpec create_task_step() {
  using T = ParameterType;
  static const CreateTask behavior;
  return {.name = "create_task",
          // The task's title and description are the step's own.
          .parameters = {param("assignee", T::string), param("due", T::duration),
                         param("outcomes", T::strings), param("wait", T::boolean)},
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
