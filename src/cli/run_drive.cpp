#include "run_drive.hpp"

#include "attached_files.hpp"
#include "commands.hpp"
#include "run_prompt.hpp"

#include <ablauf/answer.hpp>
#include <ablauf/expression.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

namespace ablauf::cli {
namespace json = boost::json;
namespace {

const SystemClock system_clock;

// A checklist step's form as it is filled in: what it will record when submitted, and the
// instance data as visible_if sees it with the form's answers in it.
class PendingForm {
 public:
  PendingForm(const InstanceState& state, const StepDefinition& step) : data_(state.data) {
    auto& entry = data_.as_object()["steps"].as_object()[step.id];
    if (!entry.is_object()) entry = json::object();
    auto& answers = entry.as_object()["answers"];
    if (!answers.is_object()) answers = json::object();
    answers_ = &answers.as_object();
  }
  PendingForm(const PendingForm&) = delete;  // answers_ points into data_
  PendingForm& operator=(const PendingForm&) = delete;

  void answer(const ItemDefinition& item, json::value value) {
    form_.answers[item.id] = value;
    auto canonical = check_answer(item, value);  // as the engine will record it
    (*answers_)[item.id] = canonical ? std::move(*canonical) : std::move(value);
  }
  void sign(const ItemDefinition& item, std::string signer) {
    (*answers_)[item.id] = json::object{{"signed_by", signer}};
    form_.signatures.push_back({item.id, std::move(signer)});
  }

  // Whether the form holds an answer to, or a sign-off of, the item.
  bool has(const ItemDefinition& item) const {
    return form_.answers.contains(item.id) ||
           std::any_of(form_.signatures.begin(), form_.signatures.end(),
                       [&](const FormSignature& s) { return s.item == item.id; });
  }
  bool empty() const { return form_.answers.empty() && form_.signatures.empty(); }
  const json::value& data() const { return data_; }
  const Form& form() const { return form_; }

 private:
  json::value data_;
  json::object* answers_;  // in data_: steps.<id>.answers
  Form form_;
};

// An instance the drive looks after: the one run, or a sub-workflow it waits for.
struct Driven {
  std::string id;
  const Workflow* workflow;  // null for one whose definition the run was not given
  std::string named;         // "" for the instance run, " of sub-workflow 'x' (instance ID)"
  InstanceState state;
};

// The instance run and the sub-workflows it waits for, and theirs, breadth first: their forms,
// tasks and timers are the drive's too.
tl::expected<std::vector<Driven>, Error> family(const Engine& engine, InstanceState run,
                                                const Workflow& workflow,
                                                std::span<const Workflow> workflows) {
  std::vector<Driven> members;
  members.push_back({run.id, &workflow, "", std::move(run)});
  for (std::size_t next = 0; next < members.size(); ++next)
    for (const auto& token : members[next].state.tokens) {
      if (token.state != Token::State::waiting || token.waiting_for != WaitingFor::call) continue;
      auto child = engine.get(token.waiting_on);
      // One not started yet (a call cut off by a crash, run again by resume) has nothing to do.
      if (!child && child.error().code == ErrorCode::not_found) continue;
      if (!child) return tl::make_unexpected(std::move(child.error()));
      const auto callee = std::find_if(workflows.begin(), workflows.end(), [&](const Workflow& w) {
        return w.definition().id == child->workflow_id && w.definition().version == child->version;
      });
      std::string named =
          " of sub-workflow '" + child->workflow_id + "' (instance " + token.waiting_on + ")";
      members.push_back({token.waiting_on, callee == workflows.end() ? nullptr : &*callee,
                         std::move(named), std::move(*child)});
    }
  return members;
}

// What the instances of a drive wait for that the script or the terminal can give.
class Driver {
 public:
  Driver(Engine& engine, Script& script, std::string id, std::string language, std::ostream& out)
      : engine_(engine),
        script_(script),
        id_(std::move(id)),
        language_(std::move(language)),
        out_(out) {}

  enum class Outcome { progressed, stuck, error, stopped };

  // Answers the checklist a token waits at, as one form submitted whole (Engine::submit):
  // the script's answers to the step, then, at a terminal, what a person gives for the items
  // still open. Nothing is recorded until the form is complete; a form the engine refuses, or
  // input that ends half-way, records nothing.
  Outcome fill(const Driven& driven, const std::string& step_id) {
    const StepDefinition& step = *driven.workflow->find_step(step_id);
    const std::string& fallback = driven.workflow->definition().default_language;
    const std::string named = "step '" + step_id + "'" + driven.named;
    auto state = engine_.get(driven.id);
    if (!state || !waits_at(*state, step_id, WaitingFor::checklist)) return Outcome::progressed;
    PendingForm pending(*state, step);
    if (const json::object* given = script_.answers_for(step_id))
      if (auto ok = take_script(step, *given, *state, pending); !ok) {
        std::cerr << "error: " << ok.error() << '\n';
        return Outcome::error;
      }
    if (interactive())
      if (auto ended = ask_open_items(step, fallback, *state, pending)) {
        std::cerr << "error: the input ended at " << *ended << " of " << named
                  << "; nothing of the step's form was recorded. `ablauf instances resume " << id_
                  << "` asks again.\n";
        return Outcome::error;
      }
    if (!pending.empty())
      if (auto ok = engine_.submit(driven.id, step_id, pending.form(), script_.actor); !ok)
        return report("recording the answers to " + named,
                      "the answers to " + named + " were refused", ok.error());
    state = engine_.get(driven.id);
    if (!state || !waits_at(*state, step_id, WaitingFor::checklist)) return Outcome::progressed;
    missing_ = named;
    for (const auto& section : step.checklist->sections)
      for (const auto& item : section.items)
        if (item.required && !answered(*state, step_id, item) && visible(item, state->data)) {
          missing_ = "step '" + step_id + "', item '" + item.id + "'" + driven.named;
          return Outcome::stuck;
        }
    return Outcome::stuck;
  }

  // Completes the open task of a step with the script's next outcome.
  Outcome complete_task(const Driven& driven, const std::string& step_id) {
    const std::string named = "step '" + step_id + "'" + driven.named;
    for (const auto& task : driven.state.tasks) {
      if (task.step != step_id || task.completed) continue;
      auto outcome = script_.next_outcome(step_id);
      if (!outcome) {
        missing_ = "the task of " + named;
        return Outcome::stuck;
      }
      out_ << "    task completed by " << script_.actor << ": " << *outcome << '\n';
      if (auto ok = engine_.complete_task(driven.id, task.id, *outcome, script_.actor); !ok)
        return report("completing the task of " + named,
                      "the outcome '" + *outcome + "' of " + named + " was refused", ok.error());
      return Outcome::progressed;
    }
    return Outcome::progressed;
  }

  // Closes the next corrective action still open, as the script says: done by one person,
  // then verified by another where it is to be. Stuck where the script names no one.
  Outcome close_action(const Driven& driven) {
    for (const auto& task : driven.state.tasks) {
      if (!task.is_action() || task.closed()) continue;
      const std::string named = "the corrective action \"" + task.title + "\" (item '" + task.item +
                                "' of step '" + task.step + "'" + driven.named + ")";
      const ScriptedAction* scripted = script_.action_for(task.step, task.item);
      if (!task.completed) {
        if (!scripted) {
          if (missing_.empty()) missing_ = named;  // a form's missing answer is said first
          return Outcome::stuck;
        }
        out_ << "    corrective action done by " << scripted->done_by << ": " << task.title << '\n';
        if (auto ok = engine_.complete_task(driven.id, task.id, "", scripted->done_by); !ok)
          return report("completing " + named, named + " could not be done", ok.error());
        return Outcome::progressed;
      }
      if (!scripted || scripted->verified_by.empty()) {
        if (missing_.empty()) missing_ = "the verification of " + named + " by " + task.verify_by;
        return Outcome::stuck;
      }
      out_ << "    corrective action verified by " << scripted->verified_by << ": " << task.title
           << '\n';
      if (auto ok = engine_.verify_task(driven.id, task.id, scripted->verified_by); !ok)
        return report("verifying " + named, named + " could not be verified", ok.error());
      return Outcome::progressed;
    }
    return Outcome::stuck;
  }

  // What the instances wait for, as the last round found it.
  const std::string& missing() const noexcept { return missing_; }
  void begin_round() { missing_.clear(); }

 private:
  static bool waits_at(const InstanceState& state, const std::string& step, WaitingFor why) {
    return std::any_of(state.tokens.begin(), state.tokens.end(), [&](const Token& t) {
      return t.step == step && t.state == Token::State::waiting && t.waiting_for == why;
    });
  }
  // Whether the item has an answer that counts towards completing its step: a required
  // checkbox answered false (as instances recorded before such answers were refused) is asked
  // for again, never skipped as answered.
  static bool answered(const InstanceState& state, const std::string& step,
                       const ItemDefinition& item) {
    const json::value* answer = answer_in(state.data, step, item.id);
    if (!answer || answer->is_null()) return false;
    return item.kind != ItemKind::checkbox || !item.required || *answer == true;
  }
  static const json::value* answer_in(const json::value& data, const std::string& step,
                                      const std::string& item) {
    const auto* entry = data.at("steps").as_object().if_contains(step);
    const auto* answers = entry ? entry->as_object().if_contains("answers") : nullptr;
    return answers ? answers->as_object().if_contains(item) : nullptr;
  }
  static bool visible(const ItemDefinition& item, const json::value& data) {
    if (!item.visible_if) return true;
    auto shown = evaluate_condition(*item.visible_if, data);
    return shown && *shown;
  }

  // Puts the script's answers to a step into the form: those to items not yet answered that
  // are visible once the form's other answers are filled in (an answer may reveal an item
  // through its visible_if). Answers to items that stay hidden are left out.
  tl::expected<void, std::string> take_script(const StepDefinition& step, const json::object& given,
                                              const InstanceState& state,
                                              PendingForm& pending) const {
    for (bool more = true; more;) {
      more = false;
      for (const auto& section : step.checklist->sections)
        for (const auto& item : section.items) {
          const json::value* value = given.if_contains(item.id);
          if (!value || pending.has(item) || answered(state, step.id, item) ||
              !visible(item, pending.data()))
            continue;
          more = true;
          if (takes_files(item.kind) && !is_not_applicable(*value)) {
            auto kept = keep_attached(engine_, state.id, step.id, item, *value,
                                      std::filesystem::path(script_.path).parent_path());
            if (!kept) return tl::make_unexpected(script_.path + ": " + kept.error());
            pending.answer(item, std::move(*kept));
            continue;
          }
          if (item.kind != ItemKind::signature) {
            pending.answer(item, *value);
            continue;
          }
          // check_script() refuses anything but a name before the run starts.
          if (!value->is_string() || value->get_string().empty())
            return tl::make_unexpected(script_.path + ": '" + item.id + "' of step '" + step.id +
                                       "' is a signature: give the signer's name");
          pending.sign(item, std::string(value->get_string()));
        }
    }
    return {};
  }

  // Asks at the terminal for every item still open and visible, in the form's order, again
  // after an answer reveals more. Returns the item at which the input ended, if it did.
  std::optional<std::string> ask_open_items(const StepDefinition& step, const std::string& fallback,
                                            const InstanceState& state, PendingForm& pending) {
    std::vector<const ItemDefinition*> skipped;
    for (bool more = true; more;) {
      more = false;
      for (const auto& section : step.checklist->sections)
        for (const auto& item : section.items) {
          if (pending.has(item) || answered(state, step.id, item) ||
              std::find(skipped.begin(), skipped.end(), &item) != skipped.end() ||
              !visible(item, pending.data()))
            continue;
          more = true;
          auto asked = ask(item, script_.actor, language_, fallback, std::cin, out_);
          switch (asked.what) {
            case Asked::What::answer: pending.answer(item, std::move(asked.value)); break;
            case Asked::What::files: {
              // Kept now, so that a file the engine refuses is asked for again.
              auto kept = keep_attached(engine_, state.id, step.id, item, asked.value, ".");
              if (kept)
                pending.answer(item, std::move(*kept));
              else
                out_ << "    " << kept.error() << '\n';
              break;
            }
            case Asked::What::signature:
              pending.sign(item, std::string(asked.value.as_string()));
              break;
            case Asked::What::skipped: skipped.push_back(&item); break;
            case Asked::What::ended: return "item '" + item.id + "'";
          }
        }
    }
    return std::nullopt;
  }

  // Says why what the script gave (`what`) was not recorded: the store failed while `doing`
  // it (the drive stops, resumable), or the engine refused it. Nothing of it is recorded either
  // way.
  static Outcome report(const std::string& doing, const std::string& refused, const Error& error) {
    const bool store_failed =
        kind_of(error.code) == ErrorKind::io || error.code == ErrorCode::store_error ||
        error.code == ErrorCode::sequence_conflict || error.code == ErrorCode::invalid_event ||
        error.code == ErrorCode::lease_lost;
    if (!store_failed) {
      std::cerr << "error: " << refused << ": " << error.message << '\n';
      return Outcome::error;
    }
    std::cerr << "error: the store failed while " << doing << " (" << to_string(error.code)
              << "): " << error.message << "\n  Nothing of it was recorded; run again once the "
              << "store is back.\n";
    return Outcome::stopped;
  }
  static bool interactive() { return isatty(STDIN_FILENO) != 0; }

  Engine& engine_;
  Script& script_;
  std::string id_;  // of the instance run, which `instances resume` carries on
  std::string language_;
  std::ostream& out_;
  std::string missing_;
};

}  // namespace

void Progress::operator()(const std::string& instance, const Event& e) {
  if (follow_scheduled_ && e.type == EventType::instance_started && !e.data.contains("parent")) {
    InstanceState state;
    state.id = instance;
    sub_workflows_.emplace(
        instance, Shown{run_.workflow, "cycle " + std::to_string(++cycles_) + " › ", state});
  }
  if (run_.state.id.empty() && !follow_scheduled_) run_.state.id = instance;
  if (instance == run_.state.id) return show(run_, e);
  if (e.type == EventType::instance_started) adopt(instance, e);
  if (const auto found = sub_workflows_.find(instance); found != sub_workflows_.end())
    show(found->second, e);
}

void Progress::adopt(const std::string& instance, const Event& started) {
  const auto* parent = started.data.if_contains("parent");
  const auto* workflow = started.data.if_contains("workflow");
  const auto* version = started.data.if_contains("version");
  if (!parent || !parent->is_object() || !workflow || !workflow->is_string() || !version ||
      !version->is_number())
    return;
  const auto* caller = parent->as_object().if_contains("instance");
  if (!caller || !caller->is_string() ||
      (caller->get_string() != run_.state.id && !sub_workflows_.contains(caller->get_string())))
    return;
  const auto definition = std::find_if(callees_.begin(), callees_.end(), [&](const Workflow& w) {
    return w.definition().id == workflow->get_string() &&
           w.definition().version == version->to_number<std::uint32_t>();
  });
  if (definition == callees_.end()) return;
  InstanceState state;
  state.id = instance;
  sub_workflows_.emplace(instance,
                         Shown{&*definition, std::string(workflow->get_string()) + " › ", state});
}

std::ostream& Progress::line(const Shown& shown) {
  const auto elapsed = clock_.now() - started_;
  const auto days = std::chrono::floor<std::chrono::days>(elapsed);
  const auto hours = std::chrono::floor<std::chrono::hours>(elapsed - days);
  return out_ << "  [day " << days.count() << " +" << hours.count() << "h] " << shown.mark;
}

void Progress::show(Shown& shown, const Event& e) {
  // The instance's data as of this event fill in titles written as templates.
  if (!shown.state.apply(e)) shown.state.last_sequence = 0;
  const auto title = [&] {
    const auto* step = shown.workflow->find_step(e.step);
    if (!step || step->title.empty()) return std::string();
    const auto& definition = shown.workflow->definition();
    const auto& fallback = definition.default_language;
    return " — " + (shown.state.last_sequence > 0
                        ? detail::rendered_text(step->title, language_, fallback, shown.state.data,
                                                definition.time_zone)
                        : std::string(step->title.get(language_, fallback)));
  };
  switch (e.type) {
    case EventType::step_completed:
      if (e.data.contains("merged")) return;
      ++shown.completed;
      line(shown) << "done     " << e.step << title() << "  (step " << shown.completed << ")\n";
      if (const auto* output = e.data.if_contains("output"); output && output->is_object())
        if (const auto* subject = output->as_object().if_contains("subject")) {
          out_ << "    mail to";
          for (const auto& to : output->as_object().at("to").as_array())
            out_ << ' ' << std::string_view(to.as_string());
          out_ << ": " << std::string_view(subject->as_string()) << '\n';
        }
      return;
    case EventType::step_failed:
      // A timeout with somewhere to go (on_timeout) is an escalation, not a failure.
      if (const auto* timed_out = e.data.if_contains("timed_out");
          timed_out && timed_out->is_bool() && timed_out->get_bool()) {
        line(shown) << "timeout  " << e.step << title() << ": "
                    << std::string_view(e.data.at("error").as_string()) << '\n';
        return;
      }
      line(shown) << "failed   " << e.step << title() << ": "
                  << std::string_view(e.data.at("error").as_string()) << '\n';
      return;
    case EventType::step_waiting: {
      const auto& why = std::string_view(e.data.at("for").as_string());
      if (why == "join") return;
      line(shown) << "waits    " << e.step << title() << " for " << why << '\n';
      return;
    }
    case EventType::task_created: {
      // A task of a step without a title has none: it is named by its step.
      const auto* task_title = e.data.if_contains("title");
      line(shown) << "task     "
                  << (task_title && task_title->is_string()
                          ? std::string_view(task_title->get_string())
                          : std::string_view(e.step))
                  << " (for "
                  << (e.data.contains("assignee")
                          ? std::string_view(e.data.at("assignee").as_string())
                          : "anyone")
                  << ")\n";
      return;
    }
    case EventType::timer_set:
      line(shown) << "timer    " << e.step << " until "
                  << (e.due ? to_rfc3339(*e.due) : std::string()) << " ("
                  << std::string_view(e.data.at("purpose").as_string()) << ")\n";
      return;
    case EventType::signal_received:
      line(shown) << "signal   " << std::string_view(e.data.at("name").as_string()) << '\n';
      return;
    case EventType::instance_completed: line(shown) << "completed\n"; return;
    case EventType::instance_failed:
      line(shown) << "FAILED   " << std::string_view(e.data.at("error").as_string()) << '\n';
      return;
    default: return;
  }
}

void EngineErrors::operator()(const std::string& instance, const Error& error) {
  // A failed attempt is in the progress already, and the instance goes on as its step says.
  if (error.code == ErrorCode::adapter_failed) return;
  ++count_;
  std::cerr << "error: " << (instance.empty() ? std::string() : "instance " + instance + ": ")
            << error.message << '\n';
}

int deliver_queued_mail(Engine& engine, int status) {
  if (auto delivered = engine.deliver_mail(); !delivered) {
    std::cerr << "error: " << delivered.error().message
              << "\n  The mail stays queued in the store; `ablauf instances resume` delivers it.\n";
    return exit_stopped;
  }
  return status;
}

int drive(const Drive& d, const std::string& id) {
  auto& [engine, errors, shown, workflows, script, manual, started, language, out, kept, horizon,
         wake] = d;
  // Work the engine could not record (a full disk, a store gone away) or mail it could not
  // hand over stops the drive: trying again at once would fail the same way.
  const auto stopped = [&, seen = errors.count()] {
    if (errors.count() == seen) return false;
    std::cerr << "error: instance " << id << " stopped at the error above. Nothing recorded "
              << "is lost; once the cause is mended, `ablauf instances resume " << id
              << "` carries it on and delivers the mail still queued.\n";
    return true;
  };
  const bool simulated = manual != nullptr;
  const Clock& clock = simulated ? static_cast<const Clock&>(*manual) : system_clock;
  Driver driver(engine, script, id, language, out);

  int status = exit_ok;
  for (;;) {
    if (stopped()) return exit_stopped;
    auto state = engine.get(id);
    if (!state) {
      std::cerr << "error: " << state.error().message << '\n';
      return exit_invalid;
    }
    if (state->finished()) {
      status = state->status == InstanceStatus::completed ? exit_ok : exit_invalid;
      break;
    }
    auto members = family(engine, std::move(*state), shown, workflows);
    if (!members) {
      std::cerr << "error: " << members.error().message << '\n';
      return exit_invalid;
    }
    Driver::Outcome outcome = Driver::Outcome::stuck;
    driver.begin_round();
    for (const auto& member : *members) {
      if (!member.workflow) continue;  // its forms and tasks are the host's
      for (const auto& token : member.state.tokens) {
        if (token.state != Token::State::waiting) continue;
        if (token.waiting_for == WaitingFor::checklist)
          outcome = driver.fill(member, token.step);
        else if (token.waiting_for == WaitingFor::task)
          outcome = driver.complete_task(member, token.step);
        else
          continue;
        if (outcome != Driver::Outcome::stuck) break;
      }
      if (outcome != Driver::Outcome::stuck) break;
    }
    // Corrective actions once nothing else moves: an instance may wait for them alone.
    if (outcome == Driver::Outcome::stuck)
      for (const auto& member : *members)
        if (member.workflow && (outcome = driver.close_action(member)) != Driver::Outcome::stuck)
          break;
    if (outcome == Driver::Outcome::error) return exit_invalid;
    if (outcome == Driver::Outcome::stopped) return exit_stopped;
    if (outcome == Driver::Outcome::progressed) continue;

    // Nothing a person can do now: deliver the next scripted event or let time pass.
    auto event = script.next_event();
    std::optional<Time> next_time;  // of the earliest timer of the instance or a sub-workflow
    for (const auto& member : *members)
      for (const auto& timer : member.state.timers)
        if (!next_time || timer.due < *next_time) next_time = timer.due;
    const std::optional<Time> event_time =
        event ? std::optional<Time>(started + event->after) : std::nullopt;
    if (const auto next =
            event_time && (!next_time || *event_time < *next_time) ? event_time : next_time;
        horizon && next && *next > *horizon) {
      if (wake) *wake = *next;
      return exit_paused;
    }
    if (event && (!next_time || *event_time <= *next_time)) {
      if (*event_time > clock.now() && simulated) {
        manual->set(*event_time);
        continue;
      }
      if (*event_time > clock.now()) {  // a real clock does not wait days for a script
        status = exit_waiting;
        out << "instance " << id << " waits for the event '" << event->name << "', due "
            << to_rfc3339(*event_time) << ".\n  Let time pass with --clock simulated.\n";
        break;
      }
      script.delivered();
      if (auto ok = engine.signal(id, event->name, event->payload); !ok)
        out << "    (event " << event->name << " not awaited: " << ok.error().message << ")\n";
      continue;
    }
    if (next_time && (simulated || *next_time - clock.now() < std::chrono::seconds(10))) {
      if (simulated)
        manual->set(std::max(*next_time, clock.now()));
      else
        std::this_thread::sleep_until(std::chrono::system_clock::time_point(*next_time));
      // What the store refused was reported to `errors` as it happened; mail the outbox
      // refused is only returned.
      if (auto fired = engine.run_due(); !fired) {
        if (!stopped())
          std::cerr << "error: " << fired.error().message
                    << "\n  The mail stays queued in the store; `ablauf instances resume " << id
                    << "` delivers it.\n";
        return exit_stopped;
      }
      continue;
    }
    status = exit_waiting;
    out << "instance " << id << " waits"
        << (driver.missing().empty() ? std::string(next_time ? " for its timers" : " for a signal")
                                     : " for " + driver.missing());
    if (kept)
      out << ".\n  Go on with `ablauf instances resume " << id
          << " --answers FILE` (see docs/cli.md)"
          << (next_time ? ", or let time pass with --clock simulated" : "") << ".\n";
    else
      out << ".\n  Its store was in memory and is gone with this run: run it again with "
          << (next_time ? "--answers FILE or --clock simulated" : "--answers FILE")
          << ", or with --store FILE to go on later.\n";
    break;
  }
  return status;
}

void print_instance_json(const Engine& engine, const std::string& id) {
  const auto state = engine.get(id);
  const auto history = engine.history(id);
  if (state && history) std::cout << to_json_text(instance_json(*state, *history)) << '\n';
}

json::object instance_json(const InstanceState& state, std::span<const Event> events) {
  json::array history;
  for (const auto& e : events) history.push_back(to_json(e));
  json::object out{{"id", state.id},           {"workflow", state.workflow_id},
                   {"version", state.version}, {"status", to_string(state.status)},
                   {"data", state.data},       {"history", std::move(history)}};
  if (!state.error.empty()) out["error"] = state.error;
  return out;
}

}  // namespace ablauf::cli
