// `ablauf run`: runs one instance of a definition, from the terminal or a script of answers.
#include "commands.hpp"
#include "load.hpp"
#include "run_cycles.hpp"
#include "run_definitions.hpp"
#include "run_drive.hpp"
#include "run_outbox.hpp"
#include "run_script.hpp"
#include "store.hpp"

#include <ablauf/engine.hpp>
#include <ablauf/expression.hpp>
#include <ablauf/printable.hpp>

#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

namespace ablauf::cli {
namespace {

namespace json = boost::json;

struct RunFlags {
  std::vector<std::string> files;  // the one to run first, then those it may call
  DefinitionsFlag definitions;
  std::string input_file;
  std::string answers_file;
  std::string clock = "real";
  std::string language;
  std::string outbox = "outbox";
  std::string mail_from;
  std::string business_key;
  std::size_t cycles = 0;  // with schedules: how many occurrences to start; 0 starts one now
  bool json = false;
  StoreFlag store;
  LimitFlags limits;
};

// The exit status of a call that failed with `error`: a store that could not record (a full
// disk) stops the run, resumable; anything else is the definition's or the input's fault.
int status_of(const Error& error) {
  return error.code == ErrorCode::store_error || error.code == ErrorCode::io_error ? exit_stopped
                                                                                   : exit_invalid;
}

// The instances the schedules start, `flags.cycles` occurrences of them, driven side by side.
int run_cycles(const RunFlags& flags, const Drive& drive_as, const FileOutbox& outbox) {
  drive_as.out << "its schedules start " << flags.cycles << " cycle(s) on the simulated clock\n";
  std::vector<std::string> ids;
  int status = drive_cycles(drive_as, flags.cycles, ids);
  if (ids.empty() && status == exit_ok) {
    std::cerr << "error: no cycle started (see above)\n";
    status = exit_invalid;
  }
  if (status != exit_stopped) status = deliver_queued_mail(drive_as.engine, status);
  if (flags.json) {
    json::array instances;
    for (const auto& id : ids) {
      const auto state = drive_as.engine.get(id);
      const auto history = drive_as.engine.history(id);
      if (state && history) instances.push_back(instance_json(*state, *history));
    }
    std::cout << to_json_text(instances) << '\n';
  }
  if (outbox.count() > 0) drive_as.out << outbox.count() << " mail(s) in " << flags.outbox << '\n';
  return status;
}

// `base` with `over` laid on it: objects member by member, anything else replaced.
json::value laid_over(json::value base, const json::value& over) {
  if (!base.is_object() || !over.is_object()) return over;
  auto& merged = base.as_object();
  for (const auto& [key, value] : over.as_object())
    merged[key] = merged.contains(key) ? laid_over(merged[key], value) : value;
  return base;
}

// The input of an instance a schedule starts in `run --cycles`: the one given (the account
// the run is about) with what the schedule renders for the occurrence laid over it.
ScheduleStarts starts_with(std::string workflow, json::value given) {
  return [workflow = std::move(workflow),
          given = std::move(given)](const ScheduleOccurrence& occurrence)
             -> tl::expected<std::vector<ScheduledStart>, Error> {
    if (occurrence.workflow != workflow) return std::vector<ScheduledStart>{{"", occurrence.input}};
    return std::vector<ScheduledStart>{{"", laid_over(given, occurrence.input)}};
  };
}

int run_instance(const RunFlags& flags) {
  std::size_t warnings = 0;
  std::vector<std::string> paths = flags.files;
  paths.insert(paths.end(), flags.definitions.paths.begin(), flags.definitions.paths.end());
  auto definitions = load_definitions(paths, flags.limits.options, warnings);
  if (!definitions) return exit_invalid;
  if (!callees_given(*definitions, {})) return exit_usage;
  std::vector<Workflow> workflows;  // share their compiled forms with the deployed ones
  for (const auto& d : *definitions) workflows.push_back(d.workflow);
  const Workflow* workflow = &workflows.front();
  auto loaded = load_script(flags.answers_file);
  if (!loaded) return exit_usage;
  Script& script = *loaded;
  const std::string language =
      flags.language.empty() ? workflow->definition().default_language : flags.language;
  // With cycles, each occurrence completes the input, checked as each starts; the rest of the
  // script is checked here.
  Script checked = script;
  if (flags.cycles > 0) checked.input = nullptr;
  if (!script_fits(checked, workflows, language)) return exit_usage;
  json::value input = script.input.is_null() ? json::value(json::object()) : script.input;
  if (!flags.input_file.empty()) {
    auto read = read_json_file(flags.input_file);
    if (!read) return exit_usage;
    input = std::move(*read);
    if (!input_fits(flags.input_file, input, *workflow)) return exit_usage;
  } else if (flags.cycles == 0 && script.input.is_null() && !input_fits("", input, *workflow)) {
    std::cerr << "give the input with --input FILE, or as \"input\" in the answers file\n";
    return exit_usage;
  }

  const bool simulated = flags.clock == "simulated";
  if (flags.cycles > 0 && !flags.business_key.empty()) {
    std::cerr << "error: --cycles and --key do not go together: each cycle's business key is "
                 "its occurrence's\n";
    return exit_usage;
  }
  if (flags.cycles > 0 && (!simulated || workflow->definition().schedules.empty())) {
    std::cerr << "error: --cycles lets the schedules of " << flags.files.front()
              << (simulated ? ", which has none," : "") << " start instances on a simulated clock"
              << (simulated ? ""
                            : ": add --clock simulated (on the real clock, `ablauf serve` "
                              "and workers run schedules)")
              << '\n';
    return exit_usage;
  }

  auto store = open_store(flags.store.path);
  if (!store) return exit_usage;

  ManualClock manual(std::chrono::floor<std::chrono::minutes>(SystemClock().now()));
  SystemClock system;
  Clock& clock = simulated ? static_cast<Clock&>(manual) : system;
  std::ostream& out = flags.json ? std::cerr : std::cout;
  FileOutbox outbox(flags.outbox);
  const Workflow& shown = *workflow;
  Progress progress(shown, workflows, clock, language, out);
  EngineErrors errors;
  Engine engine(
      {.store = store.get(),
       .clock = &clock,
       .mailer = &outbox,
       .observer = [&](const std::string& instance, const Event& e) { progress(instance, e); },
       .on_error = std::ref(errors),
       .language = language,
       .render_attachment = pdf_attachments({}, store->blob_store()),
       .mail_from = flags.mail_from,
       .schedule_starts =
           flags.cycles > 0 ? starts_with(shown.definition().id, input) : ScheduleStarts(),
       // A run is about the instance it starts; with cycles, it starts the occurrences itself,
       // as many as it was asked for. Schedules are `serve`'s and the workers' to tick.
       .tick_schedules = false,
       .limits = flags.limits.engine});
  if (flags.cycles > 0) progress.follow_scheduled();
  if (const int kept = deploy_and_keep(engine, *store, *definitions); kept != exit_ok) return kept;
  const auto& definition = shown.definition();
  out << "run " << definition.id << " version " << definition.version << ": "
      << definition.title.get(language, definition.default_language) << '\n';
  const Drive drive_as{engine,      errors,
                       shown,       workflows,
                       script,      simulated ? &manual : nullptr,
                       clock.now(), language,
                       out,         flags.store.path != ":memory:"};
  if (flags.cycles > 0) return run_cycles(flags, drive_as, outbox);
  // With a business key, a second run carries on with the instance the first one started.
  const std::string key = flags.business_key.empty() ? script.business_key : flags.business_key;
  const auto earlier = key.empty() ? tl::expected<std::optional<std::string>, Error>()
                                   : store->find_by_key(definition.id, key);
  auto id =
      engine.start(definition.id, std::move(input), {.business_key = key, .actor = script.actor});
  if (!id) {
    std::cerr << "error: " << id.error().message << '\n';
    return status_of(id.error());
  }
  if (earlier && *earlier) {
    const auto state = engine.get(*id);
    out << "instance " << *id << " has the business key '" << key << "' already ("
        << (state ? to_string(state->status) : "unknown") << "); carrying it on\n";
  }
  int status = drive(drive_as, *id);
  // Mail an earlier run of this instance queued but did not hand over goes out now.
  if (status != exit_stopped) status = deliver_queued_mail(engine, status);
  if (flags.json) print_instance_json(engine, *id);
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
  command
      ->add_option("files", flags->files,
                   "Definition file (.json) to run, then definition files it may call")
      ->required()
      ->check(CLI::ExistingFile);
  flags->definitions.add_to(*command);
  command->add_option("-i,--input", flags->input_file, "JSON file with the instance's input")
      ->check(CLI::ExistingFile);
  command
      ->add_option("-a,--answers", flags->answers_file,
                   "JSON file with answers, task outcomes and events (docs/cli.md)")
      ->check(CLI::ExistingFile);
  command->add_option("--clock", flags->clock, "real, or simulated: timers pass at once")
      ->check(CLI::IsMember({"real", "simulated"}))
      ->capture_default_str();
  command
      ->add_option("--cycles", flags->cycles,
                   "With --clock simulated, let the definition's schedules start this many "
                   "occurrences (the input given, with each occurrence's laid over it) and run "
                   "them side by side, instead of starting one instance now")
      ->check(CLI::Range(1, 120));
  command->add_option("--key", flags->business_key,
                      "Business key (e.g. the invoice number): a second run with the same key "
                      "carries on with the first run's instance");
  command->add_option("--lang", flags->language, "Language of titles and texts (de, en, …)");
  command->add_option("--outbox", flags->outbox, "Folder for sent mail (.eml files)")
      ->capture_default_str();
  command->add_option("--mail-from", flags->mail_from,
                      "The sender of mail whose send_email step names none, such as "
                      "\"Stadtwerke <abrechnung@stadtwerke.example>\"; default: "
                      "ablauf <ablauf@localhost>");
  command->add_flag("--json", flags->json,
                    "Print the final instance (status, data, history) as JSON on stdout");
  flags->store.add_to(*command);
  flags->limits.add_to(*command, true);
  command->callback([flags, &run] {
    run = [flags] { return flags->limits.load_step_types() ? run_instance(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
