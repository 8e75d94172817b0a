#include "run_cycles.hpp"

#include "commands.hpp"

#include <algorithm>
#include <deque>
#include <iostream>
#include <optional>

namespace ablauf::cli {
namespace {

// An instance the schedules started, and what the drive knows of it.
struct Cycle {
  std::string id;
  Script script;  // its own: answers, task outcomes and events are taken from it as used
  Time started;
  std::optional<Time> wake;  // when its next timer or scripted event comes; none: drive now
  int status = exit_paused;  // until its drive ended
};

// How bad an exit status is, for the one the run ends with.
int severity(int status) {
  switch (status) {
    case exit_stopped: return 3;
    case exit_invalid: return 2;
    case exit_waiting: return 1;
    default: return 0;
  }
}

// The next occurrence of the workflow's schedules after now, if any.
tl::expected<std::optional<Time>, Error> next_occurrence(const Engine& engine,
                                                         const std::string& workflow, Time now) {
  auto statuses = engine.schedules(2);
  if (!statuses) return tl::make_unexpected(std::move(statuses.error()));
  std::optional<Time> next;
  for (const auto& status : *statuses) {
    if (status.workflow != workflow) continue;
    for (const auto at : status.next)
      if (at > now && (!next || at < *next)) next = at;
  }
  return next;
}

}  // namespace

int drive_cycles(const Drive& drive, std::size_t count, std::vector<std::string>& ids) {
  Engine& engine = drive.engine;
  ManualClock& clock = *drive.simulated;
  const auto& workflow = drive.workflow.definition().id;
  std::deque<Cycle> cycles;  // stable: a drive holds its cycle's script
  const auto adopt_new = [&]() -> tl::expected<void, Error> {
    auto all = engine.list({.workflow = workflow});
    if (!all) return tl::make_unexpected(std::move(all.error()));
    for (auto& state : *all) {
      const auto& schedules = drive.workflow.definition().schedules;
      const bool scheduled = std::any_of(schedules.begin(), schedules.end(), [&](const auto& s) {
        return state.business_key.starts_with(s.id + "@");
      });
      if (!scheduled || state.finished() ||
          std::any_of(cycles.begin(), cycles.end(),
                      [&](const Cycle& c) { return c.id == state.id; }))
        continue;
      cycles.push_back({state.id, drive.script, state.started_at, std::nullopt});
      ids.push_back(state.id);
    }
    return {};
  };
  const auto failed = [](const Error& error) {
    std::cerr << "error: " << error.message << '\n';
    return error.code == ErrorCode::store_error || error.code == ErrorCode::io_error ? exit_stopped
                                                                                     : exit_invalid;
  };

  // The first tick marks schedules seen for the first time: they start from now on.
  if (auto ticked = engine.run_schedules(); !ticked) return failed(ticked.error());
  if (auto adopted = adopt_new(); !adopted) return failed(adopted.error());
  std::size_t started = 0;
  for (;;) {
    std::optional<Time> occurrence;
    if (started < count) {
      auto next = next_occurrence(engine, workflow, clock.now());
      if (!next) return failed(next.error());
      occurrence = *next;
      if (!occurrence && cycles.empty()) {
        std::cerr << "error: the schedules of '" << workflow << "' have no occurrence after "
                  << to_rfc3339(clock.now()) << "\n";
        return exit_invalid;
      }
    }
    // The running cycle that wakes first; one not driven yet comes before any.
    Cycle* first = nullptr;
    for (auto& cycle : cycles)
      if (cycle.status == exit_paused &&
          (!first || (first->wake && (!cycle.wake || *cycle.wake < *first->wake))))
        first = &cycle;
    if (first && (!occurrence || !first->wake || *first->wake <= *occurrence)) {
      // It may go on until the next occurrence or another cycle's wake, whichever is first.
      std::optional<Time> horizon = occurrence;
      for (const auto& other : cycles)
        if (&other != first && other.status == exit_paused && other.wake &&
            (!horizon || *other.wake < *horizon))
          horizon = other.wake;
      first->status = cli::drive({drive.engine, drive.errors, drive.workflow, drive.workflows,
                                  first->script, drive.simulated, first->started, drive.language,
                                  drive.out, drive.kept, horizon, &first->wake},
                                 first->id);
      if (first->status == exit_stopped) return exit_stopped;
      continue;
    }
    if (!occurrence) break;  // every cycle started has ended or waits for what it was not given
    clock.set(*occurrence);
    if (auto ticked = engine.run_schedules(); !ticked) return failed(ticked.error());
    if (auto adopted = adopt_new(); !adopted) return failed(adopted.error());
    ++started;
  }
  int worst = exit_ok;
  for (const auto& cycle : cycles)
    if (severity(cycle.status) > severity(worst)) worst = cycle.status;
  return worst;
}

}  // namespace ablauf::cli
