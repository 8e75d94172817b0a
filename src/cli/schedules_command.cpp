// `ablauf schedules`: the schedules of definitions (files, or those a store keeps) and their
// next occurrences; with a store, where each stands.
#include "commands.hpp"
#include "load.hpp"
#include "store.hpp"

#include <ablauf/expression.hpp>
#include <ablauf/printable.hpp>
#include <ablauf/schedule.hpp>

#include <iostream>
#include <memory>

namespace ablauf::cli {
namespace {

struct SchedulesFlags {
  std::vector<std::string> files;
  StoreFlag store;
  LimitFlags limits;
  std::uint64_t count = 3;
  std::string at;
  bool json = false;
};

// "2027-01-01T06:00:00 Europe/Berlin (2027-01-01T05:00:00Z)": as its people read it, and the
// instant.
std::string shown(Time time, const std::string& zone) {
  const auto data = occurrence_data("", time, zone);
  const auto& local = data.at("occurrence").at("local").as_string();
  return std::string(local) + " " + (zone.empty() ? "UTC" : zone) + " (" + to_rfc3339(time) + ")";
}

int run_schedules(const SchedulesFlags& flags) {
  std::unique_ptr<Store> opened;
  MemoryStore memory;
  Store* store = &memory;
  if (flags.files.empty()) {
    opened = open_store(flags.store.path, /*read_only=*/true);
    if (!opened) return exit_usage;
    store = opened.get();
  }
  std::optional<ManualClock> clock;
  if (!flags.at.empty()) {
    const auto at = parse_rfc3339(flags.at);
    if (!at) {
      std::cerr << "error: --at '" << flags.at << "': " << at.error() << '\n';
      return exit_usage;
    }
    clock.emplace(*at);
  }
  // The renderer is there for deploy(), which refuses a form to attach without one.
  Engine engine(EngineConfig{.store = store,
                             .clock = clock ? &*clock : nullptr,
                             .render_attachment = pdf_attachments({}, store->blob_store())});
  if (flags.files.empty()) {
    if (!deploy_kept(engine, *store, flags.limits.options)) return exit_invalid;
  } else {
    std::size_t warnings = 0;
    for (const auto& file : flags.files) {
      auto workflow = load_workflow(file, flags.limits.options, warnings);
      if (!workflow) return exit_invalid;
      if (auto deployed = engine.deploy(std::move(*workflow)); !deployed) {
        std::cerr << file << ": error: " << deployed.error().message << '\n';
        return exit_invalid;
      }
    }
  }
  auto schedules = engine.schedules(static_cast<std::size_t>(flags.count));
  if (!schedules) {
    std::cerr << "error: " << schedules.error().message << '\n';
    return exit_stopped;
  }
  if (flags.json) {
    boost::json::array all;
    for (const auto& status : *schedules) all.emplace_back(to_json(status));
    std::cout << to_json_text(all) << '\n';
    return std::cout.flush() ? exit_ok : exit_usage;
  }
  if (schedules->empty()) std::cout << "no schedules\n";
  for (const auto& status : *schedules) {
    const auto& schedule = status.schedule;
    std::cout << status.workflow << '/' << schedule.id << " (version " << status.version
              << "): " << (schedule.cron ? "cron " : "") << schedule.recurrence << ", catch up "
              << to_string(schedule.catch_up) << ", overlap " << to_string(schedule.overlap)
              << '\n';
    if (status.mark) {
      std::cout << "  last: " << shown(status.mark->occurrence, status.time_zone);
      if (!status.mark->instance.empty()) std::cout << ", started " << status.mark->instance;
      std::cout << '\n';
    } else if (flags.files.empty()) {
      std::cout << "  not run yet: its occurrences start from the first tick on\n";
    }
    if (status.next.empty()) std::cout << "  ended: no occurrence follows\n";
    for (auto time : status.next) std::cout << "  next: " << shown(time, status.time_zone) << '\n';
  }
  return std::cout.flush() ? exit_ok : exit_usage;
}

}  // namespace

void add_schedules_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<SchedulesFlags>();
  auto* command = app.add_subcommand(
      "schedules",
      "The schedules of definitions and their next occurrences: of the FILES given, or of the "
      "definitions a store keeps, with the last occurrence each has dealt with (docs/format.md, "
      "\"Schedules\")");
  command->add_option("files", flags->files, "Definition files; none: those the store keeps");
  flags->store.add_to(*command);
  flags->limits.add_to(*command);
  command->add_option("-n,--count", flags->count, "How many next occurrences to list")
      ->check(whole_number(1, 1000))
      ->capture_default_str();
  command->add_option("--at", flags->at,
                      "The moment to list from (RFC 3339, 2027-01-01T00:00:00Z); default: now");
  command->add_flag("--json", flags->json, "Print them as JSON");
  command->callback([flags, &run] { run = [flags] { return run_schedules(*flags); }; });
}

}  // namespace ablauf::cli
