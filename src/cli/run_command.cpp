// `ablauf run`: runs one instance of a definition, from the terminal or a script of answers.
#include "commands.hpp"
#include "load.hpp"
#include "run_outbox.hpp"
#include "run_prompt.hpp"
#include "run_script.hpp"

#include <ablauf/engine.hpp>

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <thread>

namespace ablauf::cli {
namespace {

namespace json = boost::json;

struct RunFlags {
  std::string file;
  std::string input_file;
  std::string answers_file;
  std::string clock = "real";
  std::string language;
  std::string outbox = "outbox";
  bool json = false;
  LimitFlags limits;
};

// Prints one line per thing a person would want to see happen.
class Progress {
 public:
  Progress(const Workflow& workflow, const Clock& clock, std::string language, std::ostream& out)
      : workflow_(workflow),
        clock_(clock),
        language_(std::move(language)),
        out_(out),
        started_(clock.now()) {}

  void operator()(const Event& e) {
    const auto title = [&] {
      const auto* step = workflow_.find_step(e.step);
      if (!step || step->title.empty()) return std::string();
      return " — " +
             std::string(step->title.get(language_, workflow_.definition().default_language));
    };
    switch (e.type) {
      case EventType::step_completed:
        if (e.data.contains("merged")) return;
        ++completed_;
        line() << "done     " << e.step << title() << "  (step " << completed_ << ")\n";
        if (const auto* output = e.data.if_contains("output"); output && output->is_object())
          if (const auto* mail = output->as_object().if_contains("message_id"))
            out_ << "    mail -> " << std::string_view(mail->as_string()) << '\n';
        return;
      case EventType::step_failed:
        line() << "failed   " << e.step << title() << ": "
               << std::string_view(e.data.at("error").as_string()) << '\n';
        return;
      case EventType::step_waiting: {
        const auto& why = std::string_view(e.data.at("for").as_string());
        if (why == "join") return;
        line() << "waits    " << e.step << title() << " for " << why << '\n';
        return;
      }
      case EventType::task_created:
        line() << "task     " << std::string_view(e.data.at("title").as_string()) << " (for "
               << (e.data.contains("assignee") ? std::string_view(e.data.at("assignee").as_string())
                                               : "anyone")
               << ")\n";
        return;
      case EventType::timer_set:
        line() << "timer    " << e.step << " until "
               << std::string_view(e.data.at("due").as_string()) << " ("
               << std::string_view(e.data.at("purpose").as_string()) << ")\n";
        return;
      case EventType::signal_received:
        line() << "signal   " << std::string_view(e.data.at("name").as_string()) << '\n';
        return;
      case EventType::instance_completed: line() << "completed\n"; return;
      case EventType::instance_failed:
        line() << "FAILED   " << std::string_view(e.data.at("error").as_string()) << '\n';
        return;
      default: return;
    }
  }

 private:
  std::ostream& line() {
    const auto elapsed = clock_.now() - started_;
    const auto days = std::chrono::floor<std::chrono::days>(elapsed);
    const auto hours = std::chrono::floor<std::chrono::hours>(elapsed - days);
    return out_ << "  [day " << days.count() << " +" << hours.count() << "h] ";
  }

  const Workflow& workflow_;
  const Clock& clock_;
  std::string language_;
  std::ostream& out_;
  Time started_;
  std::size_t completed_ = 0;
};

// What the instance waits for that the script or the terminal can give.
class Driver {
 public:
  Driver(Engine& engine, const Workflow& workflow, Script& script, std::string id,
         std::string language, std::ostream& out)
      : engine_(engine),
        workflow_(workflow),
        script_(script),
        id_(std::move(id)),
        language_(std::move(language)),
        out_(out) {}

  enum class Outcome { progressed, stuck, error };

  // Answers the checklist a token waits at: the script's answers are submitted together, as
  // one form (so optional items are kept), then signed; what is still missing is asked for on
  // the terminal.
  Outcome fill(const std::string& step_id) {
    const StepDefinition& step = *workflow_.find_step(step_id);
    if (const json::object* given = script_.answers_for(step_id)) {
      for (;;) {  // answers may reveal further items (visible_if), so submit in passes
        auto state = engine_.get(id_);
        if (!state || !waits_at(*state, step_id, "checklist")) return Outcome::progressed;
        json::object batch;
        std::vector<std::pair<std::string, std::string>> signatures;  // item, signer
        for (const auto& section : step.checklist->sections)
          for (const auto& item : section.items) {
            const json::value* value = given->if_contains(item.id);
            if (!value || answered(*state, step_id, item.id) || !visible(item, *state)) continue;
            if (item.kind == ItemKind::signature)
              signatures.emplace_back(
                  item.id, value->is_string() ? std::string(value->get_string()) : script_.actor);
            else
              batch[item.id] = *value;
          }
        if (batch.empty() && signatures.empty()) break;
        if (!batch.empty())
          if (auto ok = engine_.submit(id_, step_id, batch, script_.actor); !ok) {
            std::cerr << "error: the answers to step '" << step_id
                      << "' were refused: " << ok.error().message << '\n';
            return Outcome::error;
          }
        for (const auto& [item, signer] : signatures)
          if (auto ok = engine_.sign(id_, step_id, item, signer); !ok) {
            std::cerr << "error: '" << item << "' of step '" << step_id
                      << "' could not be signed: " << ok.error().message << '\n';
            return Outcome::error;
          }
      }
    }
    for (const auto& section : step.checklist->sections) {
      for (const auto& item : section.items) {
        auto state = engine_.get(id_);
        if (!state || !waits_at(*state, step_id, "checklist")) return Outcome::progressed;
        if (answered(*state, step_id, item.id) || !visible(item, *state)) continue;
        if (interactive()) {
          if (!ask(engine_, id_, step, item, script_.actor, language_, out_)) return Outcome::error;
          continue;
        }
        if (!item.required) continue;
        missing_ = "step '" + step_id + "', item '" + item.id + "'";
        return Outcome::stuck;
      }
    }
    auto state = engine_.get(id_);
    if (state && waits_at(*state, step_id, "checklist")) {
      missing_ = "step '" + step_id + "'";
      return Outcome::stuck;
    }
    return Outcome::progressed;
  }

  // Completes the open task of a step with the script's next outcome.
  Outcome complete_task(const InstanceState& state, const std::string& step_id) {
    for (const auto& task : state.tasks) {
      if (task.step != step_id || task.completed) continue;
      auto outcome = script_.next_outcome(step_id);
      if (!outcome) {
        missing_ = "the task of step '" + step_id + "'";
        return Outcome::stuck;
      }
      out_ << "    task completed by " << script_.actor << ": " << *outcome << '\n';
      if (auto ok = engine_.complete_task(id_, task.id, *outcome, script_.actor); !ok) {
        std::cerr << "error: " << ok.error().message << '\n';
        return Outcome::error;
      }
      return Outcome::progressed;
    }
    return Outcome::progressed;
  }

  const std::string& missing() const noexcept { return missing_; }

 private:
  static bool waits_at(const InstanceState& state, const std::string& step, std::string_view why) {
    return std::any_of(state.tokens.begin(), state.tokens.end(), [&](const Token& t) {
      return t.step == step && t.state == Token::State::waiting && t.waiting_for == why;
    });
  }
  static bool answered(const InstanceState& state, const std::string& step,
                       const std::string& item) {
    const auto* entry = state.data.at("steps").as_object().if_contains(step);
    const auto* answers = entry ? entry->as_object().if_contains("answers") : nullptr;
    return answers && answers->as_object().contains(item);
  }
  static bool visible(const ItemDefinition& item, const InstanceState& state) {
    if (!item.visible_if) return true;
    auto shown = evaluate_condition(*item.visible_if, state.data);
    return shown && *shown;
  }
  static bool interactive() { return isatty(STDIN_FILENO) != 0; }

  Engine& engine_;
  const Workflow& workflow_;
  Script& script_;
  std::string id_;
  std::string language_;
  std::ostream& out_;
  std::string missing_;
};

int run_instance(const RunFlags& flags) {
  std::size_t warnings = 0;
  auto workflow = load_workflow(flags.file, flags.limits.options, warnings);
  if (!workflow) return exit_invalid;
  Script script;
  if (!flags.answers_file.empty()) {
    auto read = read_json_file(flags.answers_file);
    if (!read) return exit_usage;
    auto parsed = read_script(*read);
    if (!parsed) {
      std::cerr << flags.answers_file << ": error: " << parsed.error() << '\n';
      return exit_usage;
    }
    script = std::move(*parsed);
  }
  json::value input = script.input.is_null() ? json::value(json::object()) : script.input;
  if (!flags.input_file.empty()) {
    auto read = read_json_file(flags.input_file);
    if (!read) return exit_usage;
    input = std::move(*read);
  }

  const bool simulated = flags.clock == "simulated";
  ManualClock manual(std::chrono::floor<std::chrono::minutes>(SystemClock().now()));
  SystemClock system;
  Clock& clock = simulated ? static_cast<Clock&>(manual) : system;
  std::ostream& out = flags.json ? std::cerr : std::cout;
  FileOutbox outbox(flags.outbox);
  const std::string language =
      flags.language.empty() ? workflow->definition().default_language : flags.language;
  const Workflow shown = *workflow;  // shares the compiled form with the deployed one
  Progress progress(shown, clock, language, out);
  Engine engine({.clock = &clock,
                 .mailer = &outbox,
                 .observer = [&](const std::string&, const Event& e) { progress(e); },
                 .language = language});
  if (auto ok = engine.deploy(std::move(*workflow)); !ok) {
    std::cerr << "error: " << ok.error().message << '\n';
    return exit_invalid;
  }
  const auto& definition = shown.definition();
  out << "run " << definition.id << " version " << definition.version << ": "
      << definition.title.get(language, definition.default_language) << '\n';
  auto id = engine.start(definition.id, std::move(input), {.actor = script.actor});
  if (!id) {
    std::cerr << "error: " << id.error().message << '\n';
    return exit_invalid;
  }
  const Time started = clock.now();
  Driver driver(engine, shown, script, *id, language, out);

  int status = exit_ok;
  for (;;) {
    auto state = engine.get(*id);
    if (!state) {
      std::cerr << "error: " << state.error().message << '\n';
      return exit_invalid;
    }
    if (state->finished()) {
      status = state->status == InstanceStatus::completed ? exit_ok : exit_invalid;
      break;
    }
    Driver::Outcome outcome = Driver::Outcome::stuck;
    for (const auto& token : state->tokens) {
      if (token.state != Token::State::waiting) continue;
      if (token.waiting_for == "checklist")
        outcome = driver.fill(token.step);
      else if (token.waiting_for == "task")
        outcome = driver.complete_task(*state, token.step);
      else
        continue;
      if (outcome != Driver::Outcome::stuck) break;
    }
    if (outcome == Driver::Outcome::error) return exit_invalid;
    if (outcome == Driver::Outcome::progressed) continue;

    // Nothing a person can do now: deliver the next scripted event or let time pass.
    auto event = script.next_event();
    const auto timer =
        std::min_element(state->timers.begin(), state->timers.end(),
                         [](const Timer& a, const Timer& b) { return a.due < b.due; });
    std::optional<Time> next_time;
    if (timer != state->timers.end()) next_time = timer->due;
    const std::optional<Time> event_time =
        event ? std::optional<Time>(started + event->after) : std::nullopt;
    if (event && (!next_time || *event_time <= *next_time)) {
      if (*event_time > clock.now() && simulated) {
        manual.set(*event_time);
        continue;
      }
      if (*event_time > clock.now()) {  // a real clock does not wait days for a script
        status = exit_waiting;
        out << "instance " << *id << " waits for the event '" << event->name << "', due "
            << to_rfc3339(*event_time) << ".\n  Let time pass with --clock simulated.\n";
        break;
      }
      script.delivered();
      if (auto ok = engine.signal(*id, event->name, event->payload); !ok)
        out << "    (event " << event->name << " not awaited: " << ok.error().message << ")\n";
      continue;
    }
    if (next_time && simulated) {
      manual.set(std::max(*next_time, clock.now()));
      if (auto fired = engine.run_due(); !fired) {
        std::cerr << "error: " << fired.error().message << '\n';
        return exit_invalid;
      }
      continue;
    }
    if (next_time && *next_time - clock.now() < std::chrono::seconds(10)) {
      std::this_thread::sleep_until(std::chrono::system_clock::time_point(*next_time));
      (void)engine.run_due();
      continue;
    }
    status = exit_waiting;
    out << "instance " << *id << " waits"
        << (driver.missing().empty() ? std::string(next_time ? " for its timers" : " for a signal")
                                     : " for " + driver.missing())
        << ".\n  Give the answers with --answers FILE (see docs/cli.md)"
        << (next_time ? ", or let time pass with --clock simulated" : "") << ".\n";
    break;
  }

  auto final_state = engine.get(*id);
  if (flags.json && final_state) {
    const auto events = engine.history(*id);  // kept: a loop over *temporary would dangle
    json::array history;
    for (const auto& e : *events) history.push_back(to_json(e));
    json::object out_json{{"id", *id},
                          {"workflow", definition.id},
                          {"version", definition.version},
                          {"status", to_string(final_state->status)},
                          {"data", final_state->data},
                          {"history", std::move(history)}};
    if (!final_state->error.empty()) out_json["error"] = final_state->error;
    std::cout << to_json_text(out_json) << '\n';
  }
  if (outbox.count() > 0) out << outbox.count() << " mail(s) in " << flags.outbox << '\n';
  return status;
}

}  // namespace

void add_run_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<RunFlags>();
  auto* command = app.add_subcommand(
      "run",
      "Run one instance of a definition: ask for checklist answers on the terminal or take them "
      "from --answers, show each step as it happens, put mail into --outbox. Exits 0 when the "
      "instance completed, 1 when it failed, 3 when it waits for input it was not given.");
  command->add_option("file", flags->file, "Definition file (.json)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("-i,--input", flags->input_file, "JSON file with the instance's input")
      ->check(CLI::ExistingFile);
  command
      ->add_option("-a,--answers", flags->answers_file,
                   "JSON file with answers, task outcomes and events (docs/cli.md)")
      ->check(CLI::ExistingFile);
  command->add_option("--clock", flags->clock, "real, or simulated: timers pass at once")
      ->check(CLI::IsMember({"real", "simulated"}))
      ->capture_default_str();
  command->add_option("--lang", flags->language, "Language of titles and texts (de, en, …)");
  command->add_option("--outbox", flags->outbox, "Folder for sent mail (.eml files)")
      ->capture_default_str();
  command->add_flag("--json", flags->json,
                    "Print the final instance (status, data, history) as JSON on stdout");
  flags->limits.add_to(*command);
  command->callback([flags, &run] { run = [flags] { return run_instance(*flags); }; });
}

}  // namespace ablauf::cli
