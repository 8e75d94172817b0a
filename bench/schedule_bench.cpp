// Schedules: finding a recurrence's next occurrence (libical on the zone's wall clock), and an
// engine's tick over a schedule that is not due, which every worker poll pays. Each case checks
// what it found, so a broken recurrence cannot look fast.
#include <ablauf/ablauf.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

namespace {

using namespace std::chrono;
const ablauf::Time december = *ablauf::parse_rfc3339("2026-12-07T10:00:00Z");

void recurrence_next_monthly(benchmark::State& state) {
  auto monthly =
      ablauf::Recurrence::rule("FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0", "Europe/Berlin");
  const auto expected = *ablauf::parse_rfc3339("2027-01-01T05:00:00Z");
  if (!monthly) return state.SkipWithError("the rule did not load");
  for (auto _ : state) {
    const auto next = monthly->next_after(december);
    if (!next || *next != expected) return state.SkipWithError("not 1 January 06:00 Berlin");
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(recurrence_next_monthly);

void recurrence_next_cron_weekdays(benchmark::State& state) {
  auto weekdays = ablauf::Recurrence::cron("*/15 8-17 * * MON-FRI", "Europe/Berlin");
  const auto expected = *ablauf::parse_rfc3339("2026-12-07T10:15:00Z");
  if (!weekdays) return state.SkipWithError("the cron line did not load");
  for (auto _ : state) {
    const auto next = weekdays->next_after(december);
    if (!next || *next != expected) return state.SkipWithError("not 11:15 Berlin");
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(recurrence_next_cron_weekdays);

// What run_schedules() costs when nothing is due: the engine remembers when each schedule next
// falls and asks the store nothing.
void schedules_tick_not_due(benchmark::State& state) {
  ablauf::ManualClock clock(december);
  ablauf::Engine engine({.clock = &clock});
  auto loaded = ablauf::load_definition(R"({"id": "billing", "version": 1, "kind": "workflow",
    "title": "B", "time_zone": "Europe/Berlin",
    "schedules": [{"id": "monthly", "rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0"},
                  {"id": "weekly", "cron": "0 8 * * MON"}],
    "steps": [{"id": "done", "type": "end"}]})",
                                        "bench.json");
  if (!loaded) return state.SkipWithError("the definition did not load");
  auto workflow = ablauf::Workflow::compile(std::move(*loaded));
  if (!workflow || !engine.deploy(std::move(*workflow)) || engine.run_schedules() != 0u)
    return state.SkipWithError("the schedules did not start");
  for (auto _ : state) {
    clock.advance(milliseconds(1));
    if (engine.run_schedules() != 0u) return state.SkipWithError("something started");
  }
  if (!engine.instance_ids()->empty()) state.SkipWithError("an instance was started");
}
BENCHMARK(schedules_tick_not_due);

}  // namespace
