// How the engine moves a token through its steps.
#include "engine_impl.hpp"

#include "definition/expression_reader.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"

#include "time/calendar.hpp"
#include "time/time_zone.hpp"
#include "value_text.hpp"

#include "ablauf/answer.hpp"
#include "ablauf/checklist_score.hpp"
#include "ablauf/duration.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

const Token* token_of(const Run& run, std::uint32_t id) {
  return run.state.find_token(id);
}

// Spreads retries of many instances that failed together (say, when a mail server went down)
// over the second half of the interval, so they do not all come back at once. The spread comes
// from the instance, step and attempt, not a random generator, so a test sees the same times
// on every run.
std::chrono::milliseconds jittered(std::chrono::milliseconds delay, std::string_view instance,
                                   std::string_view step, std::uint32_t attempt) {
  const auto half = delay.count() / 2;
  if (half <= 0) return delay;
  std::string seed;
  seed.append(instance).append("/").append(step).append("/").append(std::to_string(attempt));
  const auto spread = std::hash<std::string>{}(seed) % static_cast<std::uint64_t>(half + 1);
  return std::chrono::milliseconds(delay.count() - half + static_cast<std::int64_t>(spread));
}

// Shows what a step completes with (its output at steps.<id>.output, a checklist's score at
// steps.<id>.score) for as long as it lives, and then takes it away again: the step_completed
// event records it, and state changes only by events.
class CompletionShown {
 public:
  CompletionShown(json::value& data, const std::string& step, const json::object& fields) {
    if (fields.empty()) return;
    steps_ = &data.as_object()["steps"].as_object();
    step_ = &step;
    auto [entry, created] = steps_->emplace(step, json::object());
    created_ = created;
    auto& shown = entry->value().as_object();
    for (const auto& [name, value] : fields) {
      if (auto* old = shown.if_contains(name))
        previous_.emplace(name, std::move(*old));
      else
        previous_.emplace(name, nullptr);
      shown[name] = value;
    }
  }
  ~CompletionShown() {
    if (!steps_) return;
    if (created_) {
      steps_->erase(*step_);
      return;
    }
    auto& shown = steps_->at(*step_).as_object();
    for (auto& [name, value] : previous_) {
      if (value.is_null())
        shown.erase(name);
      else
        shown[name] = std::move(value);
    }
  }
  CompletionShown(const CompletionShown&) = delete;
  CompletionShown& operator=(const CompletionShown&) = delete;

 private:
  json::object* steps_ = nullptr;
  const std::string* step_ = nullptr;
  bool created_ = false;
  json::object previous_;  // each field shown → what it held before; null: nothing
};

// An adapter that throws fails its step as one that reports a failure would: the exception
// goes no further, so it neither crosses the engine's API nor ends a worker thread. Retryable,
// because what throws is mostly a passing fault of the service behind (a timeout, a lost
// connection); the step's retry policy decides.
StepResult run_adapter(Adapter& adapter, const StepContext& context) noexcept {
  try {
    return adapter.execute(context);
  } catch (const std::exception& thrown) {
    return StepResult::failed(std::string("the adapter threw: ") + thrown.what());
  } catch (...) {
    return StepResult::failed("the adapter threw something other than a std::exception");
  }
}

}  // namespace

Event token_event(EventType type, const std::string& step, std::uint32_t token, json::object data) {
  Event event;
  event.type = type;
  event.step = step;
  event.token = token;
  event.data = std::move(data);
  return event;
}

Event moving_event(EventType type, const std::string& step, std::uint32_t token,
                   std::vector<std::string> next, json::object data) {
  Event event = token_event(type, step, token, std::move(data));
  event.next = std::move(next);
  return event;
}

Time add_duration(Time from, const Duration& duration, const WorkflowDefinition& definition) {
  if (!duration.is_calendar()) return from + duration.exact();
  // Months and business days count on the wall clock of the definition's time zone: a month or
  // a business day later is the same time of day there, also across a change to summer time.
  const auto wall = detail::wall_time(from, definition.time_zone);
  const auto day = std::chrono::floor<std::chrono::days>(wall);
  Date date{day, std::chrono::milliseconds(wall - day)};
  auto moved = detail::add(date, duration, 1, &definition.calendar);
  if (!moved) return from;
  return detail::instant_of(detail::WallTime(moved->instant().time_since_epoch()),
                            definition.time_zone);
}

tl::expected<void, Error> Run::emit(Event event, Time now) {
  event.sequence = state.last_sequence + 1;
  const bool ends = event.type == EventType::instance_failed ||
                    event.type == EventType::instance_cancelled ||
                    event.type == EventType::instance_completed;
  if (event.sequence > max_history_events && !ends)
    return error(ErrorCode::history_too_long,
                 "instance '" + state.id + "' has " + std::to_string(state.last_sequence) +
                     " events in its history, the limit (max_history_events)");
  event.time = now;
  if (auto ok = state.apply(event); !ok) return ok;
  // Tokens the event moved or made find their step once, here; the engine then goes by index.
  if (auto ok = state.index_steps(*workflow); !ok) return ok;
  // Room for a call's usual events at once; a run that only reads allocates nothing.
  if (events.capacity() == 0) events.reserve(16);
  events.push_back(std::move(event));
  return {};
}

tl::expected<void, Error> Run::emit(EventType type, std::string step, json::object data, Time now,
                                    std::string actor) {
  Event event;
  event.type = type;
  event.actor = std::move(actor);
  event.step = std::move(step);
  event.data = std::move(data);
  return emit(std::move(event), now);
}

std::string attempt_key(const Run& run, std::uint32_t token) {
  const Token* t = run.state.find_token(token);
  const std::string started = std::to_string(t->started);
  std::string key;
  key.reserve(run.state.id.size() + t->step.size() + started.size() + 2);
  key.append(run.state.id).append("/").append(t->step).append("/").append(started);
  return key;
}

tl::expected<std::size_t, Error> EngineParts::work(Run& run) {
  auto fired = work_once(run);
  // An instance whose history is full can do nothing more: it fails, with one last event.
  if (!fired && fired.error().code == ErrorCode::history_too_long && !run.state.finished()) {
    if (auto ok = fail_instance(run, fired.error().message); !ok)
      return tl::make_unexpected(std::move(ok.error()));
    return 0;
  }
  return fired;
}

tl::expected<std::size_t, Error> EngineParts::work_once(Run& run) {
  if (auto ok = return_from_calls(run); !ok) return tl::make_unexpected(std::move(ok.error()));
  // Run what is ready, then fire the timers that are due, earliest first; a timer may make more
  // ready, or set timers that are due already.
  std::size_t fired = 0;
  for (;;) {
    if (auto ok = advance(run); !ok) return tl::make_unexpected(std::move(ok.error()));
    if (run.state.finished()) break;
    const auto& timers = run.state.timers;
    const auto next = std::min_element(
        timers.begin(), timers.end(), [](const Timer& a, const Timer& b) { return a.due < b.due; });
    if (next == timers.end() || next->due > clock.now()) break;
    if (auto ok = fire(run, *next); !ok) return tl::make_unexpected(std::move(ok.error()));
    ++fired;
  }
  return fired;
}

tl::expected<void, Error> EngineParts::advance(Run& run) {
  while (!run.state.finished()) {
    // A running token is one whose attempt a crash cut off: it runs again.
    const auto ready =
        std::find_if(run.state.tokens.begin(), run.state.tokens.end(),
                     [](const Token& t) { return t.state != Token::State::waiting; });
    if (ready == run.state.tokens.end()) return {};
    if (ready->state == Token::State::ready)
      if (auto guard = limits.check_activations(run.state, ready->step); !guard)
        return fail_instance(run, std::move(guard.error().message));
    if (auto ok = execute(run, ready->id); !ok) return ok;
  }
  return {};
}

tl::expected<void, Error> EngineParts::complete_instance(Run& run) {
  // Its corrective actions still open, the instance waits for them (end_once_actions_closed()).
  if (run.state.has_open_actions()) return {};
  if (const auto& output = run.workflow->definition().output) {
    const auto* vars = run.state.data.as_object().if_contains("vars");
    const auto problems = output->check(vars ? *vars : json::value(json::object()));
    if (!problems.empty())
      return fail_instance(run, "its vars do not fit the output its workflow declares: " +
                                    describe_problems(problems));
  }
  return run.emit(EventType::instance_completed, {}, {}, clock.now());
}

tl::expected<void, Error> EngineParts::fail_instance(Run& run, std::string error) {
  return run.emit(EventType::instance_failed, {}, json::object{{"error", std::move(error)}},
                  clock.now());
}

tl::expected<void, Error> EngineParts::complete(Run& run, std::uint32_t token,
                                                const StepDefinition& step, json::value output,
                                                json::object completed_with) {
  // What the step_completed event records beside the output, and later steps read.
  if (!output.is_null()) completed_with.emplace("output", std::move(output));
  if (!step.assign.empty()) {
    // Assignments see the step's output as later steps will, before it is recorded.
    json::value data = run.state.data;
    if (!completed_with.empty()) {
      auto& entry = data.as_object()["steps"].as_object()[step.id];
      if (!entry.is_object()) entry = json::object();
      for (const auto& [name, value] : completed_with) entry.as_object()[name] = value;
    }
    json::object vars;
    for (const auto& [name, expression] : step.assign) {
      auto value = evaluate(expression, data, limits.evaluation(clock.now()));
      if (!value)
        return fail_instance(run, "step '" + step.id + "': assigning vars." + name +
                                      " failed: " + value.error().message);
      if (auto ok = limits.admit(run.state, *value, "vars." + name); !ok)
        return fail_instance(run, "step '" + step.id + "': " + ok.error().message);
      data.as_object()["vars"].as_object()[name] = *value;  // later assignments see it
      vars[name] = std::move(*value);
    }
    if (auto ok = run.emit(EventType::vars_assigned, step.id,
                           json::object{{"vars", std::move(vars)}}, clock.now());
        !ok)
      return ok;
  }
  // The first transition that holds; its conditions read the step's output as later steps will.
  std::vector<std::string> next;
  bool chosen = step.next.empty();
  std::string failure;
  {
    const CompletionShown shown(run.state.data, step.id, completed_with);
    for (const auto& transition : step.next) {
      if (transition.when) {
        auto holds =
            evaluate_condition(*transition.when, run.state.data, limits.evaluation(clock.now()));
        if (!holds) {
          failure = "step '" + step.id + "': the condition '" + transition.when->text() +
                    "' failed: " + holds.error().message;
          break;
        }
        if (!*holds) continue;
      }
      next.emplace_back(transition.to);
      chosen = true;
      break;
    }
  }
  if (!failure.empty()) return fail_instance(run, std::move(failure));
  if (!chosen) return fail_instance(run, "step '" + step.id + "': no transition's condition holds");
  if (auto ok = run.emit(moving_event(EventType::step_completed, step.id, token, std::move(next),
                                      std::move(completed_with)),
                         clock.now());
      !ok)
    return ok;
  if (run.state.tokens.empty() && !run.state.finished()) return complete_instance(run);
  return {};
}

tl::expected<void, Error> EngineParts::fail(Run& run, std::uint32_t token,
                                            const StepDefinition& step, std::uint32_t attempt,
                                            std::string error, bool retryable) {
  Event failed = token_event(EventType::step_failed, step.id, token,
                             json::object{{"error", error}, {"retryable", retryable}});
  failed.attempt = attempt;
  if (retryable && step.retry && attempt < step.retry->max_attempts) {
    // Exponential backoff on a timer, never a sleep: the instance waits like any other.
    const auto& policy = *step.retry;
    const double factor = std::pow(policy.backoff, static_cast<double>(attempt - 1));
    const auto initial = policy.initial_interval.exact();
    auto delay = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::min(static_cast<double>(initial.count()) * factor, 1e15)));
    delay = std::min(delay, policy.max_interval.exact());
    if (policy.jitter) delay = jittered(delay, run.state.id, step.id, attempt);
    if (auto ok = run.emit(std::move(failed), clock.now()); !ok) return ok;
    return wait(run, token, step,
                {.what = WaitingFor::timer,
                 .timer_due = clock.now() + delay,
                 .purpose = TimerPurpose::retry});
  }
  if (!step.on_error.empty()) {
    failed.next = std::vector{step.on_error};
    return run.emit(std::move(failed), clock.now());
  }
  if (auto ok = run.emit(std::move(failed), clock.now()); !ok) return ok;
  return fail_instance(run, "step '" + step.id + "' failed: " + error);
}

// A token waits: at a person, a task, a timer or an event; the event records for what ("for")
// with the details, and a timer its due time and purpose.
tl::expected<void, Error> EngineParts::wait(Run& run, std::uint32_t token,
                                            const StepDefinition& step, Waiting why) {
  const Time now = clock.now();
  json::object data{{"for", to_string(why.what)}};  // first, as events have always had it
  for (auto& [key, value] : why.details) data.emplace(key, std::move(value));
  if (auto ok =
          run.emit(token_event(EventType::step_waiting, step.id, token, std::move(data)), now);
      !ok)
    return ok;
  if (why.timer_due)
    if (auto ok = set_timer(run, token, step, *why.timer_due, why.purpose); !ok) return ok;
  if (step.timeout && why.purpose != TimerPurpose::retry)
    if (auto ok = set_timer(run, token, step,
                            why.timeout_due
                                ? *why.timeout_due
                                : add_duration(now, *step.timeout, run.workflow->definition()),
                            TimerPurpose::timeout);
        !ok)
      return ok;
  return {};
}

tl::expected<void, Error> EngineParts::set_timer(Run& run, std::uint32_t token,
                                                 const StepDefinition& step, Time due,
                                                 TimerPurpose purpose) {
  Event timer = token_event(EventType::timer_set, step.id, token,
                            {{"timer", new_id("tm")}, {"purpose", to_string(purpose)}});
  timer.due = due;
  return run.emit(std::move(timer), clock.now());
}

tl::expected<void, Error> EngineParts::execute(Run& run, std::uint32_t token_id) {
  const Token* token = token_of(run, token_id);
  const StepDefinition& step = run.workflow->step(token->step_index);
  const StepTypeSpec& type = run.workflow->step_type(token->step_index);
  const StepBehavior* behavior = type.behavior;
  const bool again = token->state == Token::State::running;
  StepCall call{run,         token_id, step, again ? token->attempt : token->attempt + 1,
                clock.now(), {},       {}};
  // Control steps move the token on at once.
  if (behavior && !behavior->is_action()) return behavior->run(*this, call);

  if (!again) {
    Event started = token_event(EventType::step_started, step.id, token_id);
    started.attempt = call.attempt;
    if (auto ok = run.emit(std::move(started), call.now); !ok) return ok;
  }
  call.key = attempt_key(run, token_id);
  // The step's rendered parameters: templates filled in, computed values computed; format tags
  // write in the definition's language and time zone.
  const WorkflowDefinition& definition = run.workflow->definition();
  const FormatLocale locale{
      definition.default_language.empty() ? config.language : definition.default_language,
      definition.time_zone};
  for (const auto& [name, value] : step.values) {
    const auto escape = behavior ? behavior->escape(step, name) : Escape::none;
    auto rendering = limits.rendering(call.now, escape);
    rendering.templates.locale = locale;
    auto rendered = value.evaluate(run.state.data, rendering);
    if (!rendered)
      return fail(run, token_id, step, call.attempt,
                  "'" + name + "'" + rendered.error().pointer + ": " + rendered.error().message,
                  false);
    // A value computed now may be of another type than the parameter declares: the step fails
    // here, naming it, rather than in the code that reads it.
    const auto* spec = type.find_parameter(name);
    const auto* written = step.parameters.if_contains(name);
    if (spec && written && is_computed(*written) && !fits(spec->type, *rendered))
      return fail(run, token_id, step, call.attempt,
                  "'" + name + "' must be " + std::string(to_string(spec->type)) +
                      ", but its computed value is " + describe(*rendered),
                  false);
    call.parameters.emplace(name, std::move(*rendered));
  }

  // A host's adapter runs the steps of its own types, and of the built-in effects it keeps
  // itself (records in its own RecordStore, say).
  // The one registered with the engine comes first, then the type's own.
  Adapter* adapter = nullptr;
  if (!behavior || behavior->replaceable()) {
    const auto& adapters = run.registry->adapters;
    const auto registered = adapters.find(type.name);
    adapter = registered != adapters.end() && registered->second ? registered->second.get()
                                                                 : type.adapter.get();
  }
  if (!adapter) {
    if (behavior) return behavior->run(*this, call);
    // Not reached: deploy() refuses a workflow with a step that nothing runs.
    return fail_instance(run, "no adapter is registered for step type '" + type.name + "'");
  }
  const StepContext context{step,     call.parameters, run.state.data, run.state.id,
                            call.key, call.attempt,    call.now};
  if (auto ok = store_attempt(run); !ok) return ok;
  StepResult result = run_adapter(*adapter, context);
  switch (result.kind) {
    case StepResult::Kind::completed:
      if (!result.output.is_null())
        if (auto ok =
                limits.admit(run.state, result.output, "the output of step '" + step.id + "'");
            !ok)
          return fail(run, token_id, step, call.attempt, std::move(ok.error().message), false);
      return complete(run, token_id, step, std::move(result.output));
    case StepResult::Kind::pending: return wait(run, token_id, step, {.what = WaitingFor::adapter});
    case StepResult::Kind::failed:
      // Visible where the host looks, not only in the history: a failing adapter is often the
      // first sign of a system down.
      report(run.state.id,
             Error{ErrorCode::adapter_failed,
                   "step '" + step.id + "' attempt " + std::to_string(call.attempt) +
                       " failed: " + result.error + (result.retryable ? "" : " (not retryable)"),
                   {},
                   {}});
      return fail(run, token_id, step, call.attempt, std::move(result.error), result.retryable);
  }
  return {};
}

tl::expected<void, Error> EngineParts::fire(Run& run, const Timer& timer) {
  const Time now = clock.now();
  const Timer fired = timer;  // the state's copy goes with the event
  if (auto ok =
          run.emit(EventType::timer_fired, fired.step, json::object{{"timer", fired.id}}, now);
      !ok)
    return ok;
  const Token* token = token_of(run, fired.token);
  if (!token || token->step != fired.step) return {};  // the token has moved on
  const StepDefinition& step = run.workflow->step(token->step_index);
  if (fired.purpose == TimerPurpose::retry) return execute(run, fired.token);
  if (fired.purpose == TimerPurpose::remind || fired.purpose == TimerPurpose::escalate)
    return follow_up_task(run, fired);
  if (fired.purpose == TimerPurpose::timeout) {
    // "timed_out" tells an escalation (a timeout that goes on to on_timeout) from a failure.
    Event failed =
        token_event(EventType::step_failed, step.id, fired.token,
                    json::object{{"error", "timed out after " + to_string(*step.timeout)},
                                 {"retryable", false},
                                 {"timed_out", true},
                                 {"after", to_string(*step.timeout)}});
    if (!step.on_timeout.empty()) {
      failed.next = std::vector{step.on_timeout};
      return run.emit(std::move(failed), now);
    }
    if (auto ok = run.emit(std::move(failed), now); !ok) return ok;
    return fail_instance(run, "step '" + step.id + "' timed out");
  }
  return complete(run, fired.token, step, nullptr);
}

tl::expected<void, Error> EngineParts::complete_checklist_if_done(Run& run, std::uint32_t token,
                                                                  const StepDefinition& step) {
  const auto& entry = run.state.data.at("steps").as_object();
  const auto* step_data = entry.if_contains(step.id);
  const json::object* answers = nullptr;
  if (step_data)
    if (const auto* a = step_data->as_object().if_contains("answers")) answers = a->if_object();
  for (const auto& section : step.checklist->sections) {
    for (const auto& item : section.items) {
      if (!item.required) continue;
      if (item.visible_if) {
        auto visible =
            evaluate_condition(*item.visible_if, run.state.data, limits.evaluation(clock.now()));
        if (!visible)
          return fail_instance(run, "item '" + item.id + "': " + visible.error().message);
        if (!*visible) continue;
      }
      const json::value* answer = answers ? answers->if_contains(item.id) : nullptr;
      if (!answer || answer->is_null()) return {};
      if (item.kind == ItemKind::checkbox && *answer != true && !is_not_applicable(*answer))
        return {};
    }
  }
  // A checklist that scores keeps its score with the step, where `when` reads it.
  json::object completed_with;
  if (has_scoring(*step.checklist)) {
    auto score = score_checklist(*step.checklist, answers ? *answers : json::object(),
                                 run.state.data, limits.evaluation(clock.now()));
    if (!score) return fail_instance(run, "step '" + step.id + "': " + score.error().message);
    completed_with.emplace("score", to_json(*score));
  }
  return complete(run, token, step, answers ? json::value(*answers) : json::value(json::object()),
                  std::move(completed_with));
}

}  // namespace ablauf::detail
