// `ablauf instances`: the instances in a store — list them, show one's history, resume them,
// verify their histories' hash chains.
#include "commands.hpp"
#include "load.hpp"
#include "output.hpp"
#include "run_definitions.hpp"
#include "run_drive.hpp"
#include "run_outbox.hpp"
#include "store.hpp"

#include <ablauf/file_answers.hpp>
#include <ablauf/history.hpp>
#include <ablauf/printable.hpp>
#include <ablauf/timeline.hpp>

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <vector>

namespace ablauf::cli {
namespace {

namespace json = boost::json;

struct InstancesFlags {
  StoreFlag store;
  std::string workflow;
  std::string status;
  std::string id;
  std::string answers_file;
  std::string clock = "real";
  std::string language;
  std::string outbox = "outbox";
  bool json = false;
  bool html = false;
  std::string output;
  DefinitionsFlag definitions;
  LimitFlags limits;
};

// "wait_for_payment (event), check (checklist)".
std::string waiting_at(const InstanceState& state) {
  std::string out;
  for (const auto& token : state.tokens) {
    if (!out.empty()) out += ", ";
    out += token.step;
    if (token.state == Token::State::waiting)
      out += " (" + std::string(to_string(token.waiting_for)) + ")";
  }
  return out;
}

int list_instances(const InstancesFlags& flags) {
  auto store = open_store(flags.store.path, true);
  if (!store) return exit_usage;
  const auto ids = store->instance_ids();
  if (!ids) {
    std::cerr << "error: " << ids.error().message << '\n';
    return exit_invalid;
  }
  json::array listed;
  struct Row {
    std::string id, workflow, status, updated, at;
  };
  std::vector<Row> rows;
  for (const auto& id : *ids) {
    auto instance = read_instance(*store, id);
    if (!instance) {
      std::cerr << "error: " << instance.error().message << '\n';
      return exit_invalid;
    }
    const auto& s = instance->state;
    const std::string status(to_string(s.status));
    if (!flags.workflow.empty() && s.workflow_id != flags.workflow) continue;
    if (!flags.status.empty() && status != flags.status) continue;
    if (flags.json) {
      json::object row{
          {"id", id},         {"workflow", s.workflow_id},           {"version", s.version},
          {"status", status}, {"updated", to_rfc3339(s.updated_at)}, {"at", waiting_at(s)}};
      if (!s.business_key.empty()) row["business_key"] = s.business_key;
      listed.push_back(std::move(row));
      continue;
    }
    rows.push_back({id, s.workflow_id + " v" + std::to_string(s.version), status,
                    to_rfc3339(s.updated_at), waiting_at(s)});
  }
  if (flags.json) {
    std::cout << to_json_text(listed) << '\n';
    return exit_ok;
  }
  // Each column as wide as its widest entry and two spaces, so that none runs into the next:
  // ids of 0.1 have 18 characters, UUIDv7 ones 38, and workflow ids up to 64.
  Row widths{"ID", "WORKFLOW", "STATUS", "UPDATED", "AT"};
  const auto width = [&](auto field) {
    std::size_t widest = (widths.*field).size();
    for (const auto& row : rows) widest = std::max(widest, (row.*field).size());
    return static_cast<int>(widest + 2);
  };
  const int id_column = width(&Row::id), workflow_column = width(&Row::workflow),
            status_column = width(&Row::status), updated_column = width(&Row::updated);
  const auto print = [&](const Row& row) {
    std::cout << std::left << std::setw(id_column) << row.id << std::setw(workflow_column)
              << row.workflow << std::setw(status_column) << row.status << std::setw(updated_column)
              << row.updated << row.at << '\n';
  };
  print(widths);
  for (const auto& row : rows) print(row);
  return exit_ok;
}

// The definition the instance runs, as the store keeps it; without one, an empty definition
// stands in and the timeline names steps and items by their ids.
WorkflowDefinition definition_of(const Store& store, const InstanceState& state,
                                 const LoadOptions& options) {
  if (auto kept = kept_definition(store, state.workflow_id, state.version, options, "warning"))
    return std::move(*kept);
  std::cerr << "warning: steps and items are named by their ids\n";
  return {};
}

int show_instance(const InstancesFlags& flags) {
  auto store = open_store(flags.store.path, true);
  if (!store) return exit_usage;
  auto instance = read_instance(*store, flags.id);
  if (!instance) {
    std::cerr << "error: " << instance.error().message << '\n';
    return instance.error().code == ErrorCode::not_found ? exit_usage : exit_invalid;
  }
  const auto& s = instance->state;
  const auto definition = definition_of(*store, s, flags.limits.options);
  const std::string language = !flags.language.empty()                ? flags.language
                               : !definition.default_language.empty() ? definition.default_language
                                                                      : "en";
  const auto timeline = read_timeline(definition, instance->history, {.language = language});
  std::string title(definition.title.get(language, definition.default_language));
  if (title.empty()) title = s.workflow_id;

  std::ofstream file;
  auto* opened = open_output(flags.output, file);
  if (!opened) return exit_usage;
  std::ostream& out = *opened;
  if (flags.json) {
    auto shown = instance_json(s, instance->history);
    json::array entries;
    for (const auto& entry : timeline) entries.push_back(to_json(entry));
    shown["title"] = title;
    shown["timeline"] = std::move(entries);
    out << to_json_text(shown) << '\n';
  } else if (flags.html) {
    write_html_timeline(out, title + " — " + s.id + " (" + std::string(to_string(s.status)) + ")",
                        timeline, language);
  } else {
    out << s.id << ": " << s.workflow_id << " version " << s.version << ", " << to_string(s.status);
    if (!s.business_key.empty()) out << ", key " << s.business_key;
    if (!s.parent.empty()) out << ", called by " << s.parent;
    out << "\n  " << title << "\n  started " << to_rfc3339(s.started_at) << ", last change "
        << to_rfc3339(s.updated_at) << '\n';
    if (!s.error.empty()) out << "  error: " << s.error << '\n';
    if (!s.tokens.empty()) out << "  at: " << waiting_at(s) << '\n';
    for (const auto& task : s.tasks)
      if (!task.completed)
        out << "  open task: " << task.title << " (" << task.id << ", for "
            << (task.assignee.empty() ? "anyone" : task.assignee) << ")\n";
    out << '\n';
    write_text_timeline(out, timeline);
  }
  return out.flush() ? exit_ok : exit_usage;
}

// Checks the hash chain of one instance's history, or of every instance's, from its first
// event: each line says the instance, its events and its head, or the event that breaks.
int verify_instances(const InstancesFlags& flags) {
  auto store = open_store(flags.store.path, true);
  if (!store) return exit_usage;
  std::vector<std::string> ids{flags.id};
  if (flags.id.empty()) {
    auto all = store->instance_ids();
    if (!all) {
      std::cerr << "error: " << all.error().message << '\n';
      return exit_invalid;
    }
    ids = std::move(*all);
  }
  std::size_t broken = 0;
  json::array results;
  for (const auto& id : ids) {
    auto events = store->load(id);
    if (!events && events.error().code == ErrorCode::not_found) {
      std::cerr << "error: " << events.error().message << '\n';
      return exit_usage;
    }
    json::object result{{"id", id}};
    std::string problem;
    if (!events) {
      problem = events.error().message;  // an event that cannot be read names itself
      result["error"] = problem;
    } else {
      result["events"] = events->size();
      if (const auto found = verify_history(id, *events)) {
        problem = found->describe();
        result["break"] = json::object{{"sequence", found->sequence},
                                       {"expected", found->expected},
                                       {"found", found->found},
                                       {"reason", found->reason}};
      } else if (!events->empty()) {
        result["head"] = events->back().hash;
      }
      // The files its answers refer to: each still kept, and still what was answered.
      if (problem.empty())
        if (const BlobStore* files = store->blob_store()) {
          json::array file_problems;
          for (auto& found : verify_files(*events, *files)) {
            if (problem.empty()) problem = found;
            file_problems.emplace_back(std::move(found));
          }
          if (!file_problems.empty()) result["files"] = std::move(file_problems);
        }
    }
    result["intact"] = problem.empty();
    if (!problem.empty()) ++broken;
    if (flags.json) {
      results.push_back(std::move(result));
    } else if (problem.empty()) {
      std::cout << id << "  intact  " << events->size() << " events, head "
                << (events->empty() ? std::string("-") : events->back().hash) << '\n';
    } else {
      std::cout << id << "  BROKEN  " << problem << '\n';
    }
  }
  if (flags.json) std::cout << to_json_text(results) << '\n';
  if (broken > 0) {
    std::cerr << "error: " << broken << " of " << ids.size()
              << " instance histories do not verify\n";
    return exit_invalid;
  }
  return exit_ok;
}

int resume_instances(const InstancesFlags& flags) {
  if (!flags.answers_file.empty() && flags.id.empty()) {
    std::cerr << "error: --answers needs the ID of the instance they are for\n";
    return exit_usage;
  }
  auto loaded = load_script(flags.answers_file);
  if (!loaded) return exit_usage;
  Script& script = *loaded;
  std::size_t warnings = 0;
  const auto given = load_definitions(flags.definitions.paths, flags.limits.options, warnings);
  if (!given) return exit_invalid;
  auto store = open_store(flags.store.path);
  if (!store) return exit_usage;
  std::optional<StoredInstance> one;
  if (!flags.id.empty()) {
    auto found = read_instance(*store, flags.id);
    if (!found) {
      std::cerr << "error: " << found.error().message << '\n';
      return exit_usage;
    }
    one = std::move(*found);
  }

  // A simulated clock carries on from where the instance's own time stood.
  const bool simulated = flags.clock == "simulated";
  const Time now = std::chrono::floor<std::chrono::minutes>(SystemClock().now());
  ManualClock manual(one ? std::max(now, one->state.updated_at) : now);
  SystemClock system;
  Clock& clock = simulated ? static_cast<Clock&>(manual) : system;
  std::ostream& out = flags.json ? std::cerr : std::cout;
  FileOutbox outbox(flags.outbox);
  std::unique_ptr<Progress> progress;
  EngineErrors errors;
  Engine engine({.store = store.get(),
                 .clock = &clock,
                 .mailer = &outbox,
                 .observer =
                     [&](const std::string& instance, const Event& e) {
                       if (progress) (*progress)(instance, e);
                     },
                 .on_error = std::ref(errors),
                 .language = flags.language,
                 .render_attachment = pdf_attachments({}, store->blob_store()),
                 // Simulated time is the instance's fiction: schedules fall on real time only.
                 .tick_schedules = !simulated,
                 .limits = flags.limits.engine});
  auto deployed = deploy_kept(engine, *store, flags.limits.options);
  if (!deployed) return exit_invalid;
  if (!callees_given(*given, *deployed)) return exit_usage;
  if (const int kept = deploy_and_keep(engine, *store, *given, *deployed); kept != exit_ok)
    return kept;
  for (const auto& d : *given)
    if (std::none_of(deployed->begin(), deployed->end(), [&](const Workflow& w) {
          return w.definition().id == d.workflow.definition().id &&
                 w.definition().version == d.workflow.definition().version;
        }))
      deployed->push_back(d.workflow);

  if (!one) {
    // resume() delivers the mail earlier runs left queued, also that of finished instances.
    const auto resumed = engine.resume();
    if (!resumed) {
      std::cerr << "error: " << resumed.error().message << '\n';
      return exit_stopped;
    }
    out << "resumed " << *resumed << " unfinished instance(s)\n";
    if (const auto ids = store->unfinished())
      for (const auto& id : *ids)
        if (const auto state = engine.get(id))
          out << "  " << id << "  " << to_string(state->status) << "  " << waiting_at(*state)
              << '\n';
    return exit_ok;
  }

  const auto workflow = std::find_if(deployed->begin(), deployed->end(), [&](const Workflow& w) {
    return w.definition().id == one->state.workflow_id &&
           w.definition().version == one->state.version;
  });
  if (workflow == deployed->end()) {
    std::cerr << "error: the store does not keep version " << one->state.version << " of '"
              << one->state.workflow_id << "'; instances started by a host resume in the host\n";
    return exit_invalid;
  }
  const auto& definition = workflow->definition();
  const std::string language =
      flags.language.empty() ? definition.default_language : flags.language;
  // The instance's workflow first: the answers file answers its steps before those of callees.
  std::vector<Workflow> workflows{*workflow};
  for (const auto& w : *deployed)
    if (&w != &*workflow) workflows.push_back(w);
  if (!script_fits(script, workflows, language)) return exit_usage;
  progress = std::make_unique<Progress>(*workflow, workflows, clock, language, out, one->state);
  out << "resume " << flags.id << " (" << definition.id << " version " << definition.version
      << ")\n";
  if (auto resumed = engine.resume(flags.id); !resumed) {
    std::cerr << "error: " << resumed.error().message << '\n';
    return exit_stopped;
  }
  int status = drive({engine, errors, workflows.front(), workflows, script,
                      simulated ? &manual : nullptr, one->state.started_at, language, out},
                     flags.id);
  if (status != exit_stopped) status = deliver_queued_mail(engine, status);
  const auto state = engine.get(flags.id);
  if (state && state->finished())
    out << "instance " << flags.id << " " << to_string(state->status) << '\n';
  if (flags.json) print_instance_json(engine, flags.id);
  if (outbox.count() > 0) out << outbox.count() << " mail(s) in " << flags.outbox << '\n';
  return status;
}

}  // namespace

void add_instances_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<InstancesFlags>();
  auto* command = app.add_subcommand(
      "instances",
      "The instances in a store: list them (the default), show one's history, resume them, "
      "verify their histories.");
  command->require_subcommand(0, 1);
  flags->store.add_to(*command);
  command->add_option("--workflow", flags->workflow, "Only instances of this workflow");
  command->add_option("--status", flags->status, "Only instances with this status")
      ->check(CLI::IsMember({"running", "waiting", "completed", "failed", "cancelled"}));
  command->add_flag("--json", flags->json, "Print them as JSON");
  command->callback([flags, &run, command] {
    if (command->get_subcommands().empty()) run = [flags] { return list_instances(*flags); };
  });

  auto* show = command->add_subcommand(
      "show",
      "Print an instance's history as a timeline: each event with its time, who caused it "
      "and what changed, named by the titles and labels of its definition");
  show->add_option("id", flags->id, "Instance id")->required();
  flags->store.add_to(*show);
  show->add_option("--lang", flags->language,
                   "Language of the timeline (de, en); default: the definition's");
  auto* json_flag = show->add_flag("--json", flags->json,
                                   "Print the instance (status, data, history, timeline) as JSON");
  show->add_flag("--html", flags->html, "Write the timeline as one HTML page")->excludes(json_flag);
  show->add_option("-o,--output", flags->output, "Write to this file instead of stdout");
  flags->limits.add_to(*show);
  show->callback([flags, &run] {
    run = [flags] {
      return flags->limits.load_step_types() ? show_instance(*flags) : exit_invalid;
    };
  });

  auto* resume = command->add_subcommand(
      "resume",
      "Carry on after a crash or once answers are there: re-run cut-off steps, fire due timers; "
      "with an ID, drive that instance on like `run` does (--answers, --clock simulated)");
  resume->add_option("id", flags->id, "Instance id; without it, every unfinished instance");
  flags->store.add_to(*resume);
  resume
      ->add_option("-a,--answers", flags->answers_file,
                   "JSON file with answers, task outcomes and events (docs/cli.md)")
      ->check(CLI::ExistingFile);
  resume->add_option("--clock", flags->clock, "real, or simulated: timers pass at once")
      ->check(CLI::IsMember({"real", "simulated"}))
      ->capture_default_str();
  resume->add_option("--lang", flags->language, "Language of titles and texts (de, en, …)");
  resume->add_option("--outbox", flags->outbox, "Folder for sent mail (.eml files)")
      ->capture_default_str();
  resume->add_flag("--json", flags->json, "Print the instance as JSON when done");
  flags->definitions.add_to(*resume);
  flags->limits.add_to(*resume, true);
  resume->callback([flags, &run] {
    run = [flags] {
      return flags->limits.load_step_types() ? resume_instances(*flags) : exit_invalid;
    };
  });

  auto* verify = command->add_subcommand(
      "verify",
      "Check the hash chain of an instance's history, or of every instance's, from its first "
      "event; exit 1 naming the event that breaks (instance, sequence, hashes)");
  verify->add_option("id", flags->id, "Instance id; without it, every instance");
  flags->store.add_to(*verify);
  verify->add_flag("--json", flags->json,
                   "Print [{id, intact, events, head | break: {sequence, expected, found, "
                   "reason} | error}]");
  verify->callback([flags, &run] { run = [flags] { return verify_instances(*flags); }; });
}

}  // namespace ablauf::cli
