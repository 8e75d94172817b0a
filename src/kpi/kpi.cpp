// Key figures from a store: one pass over the history of each counted instance, then the
// invoice records those instances wrote.
#include "ablauf/kpi.hpp"

#include "ablauf/instance.hpp"
#include "kpi/receivables.hpp"
#include "value_text.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <span>

namespace ablauf {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

// Nearest rank: the smallest sample that `percent` % of the samples do not exceed.
DurationSummary summarize(std::vector<milliseconds> samples) {
  DurationSummary out;
  out.count = samples.size();
  if (samples.empty()) return out;
  std::sort(samples.begin(), samples.end());
  const auto rank = [&](double percent) {
    const auto n =
        static_cast<std::size_t>(std::ceil(percent / 100.0 * static_cast<double>(samples.size())));
    return samples[std::max<std::size_t>(n, 1) - 1];
  };
  out.median = rank(50);
  out.p95 = rank(95);
  out.max = samples.back();
  return out;
}

// What the walk over the histories gathers before it is summarized.
struct Gathered {
  std::vector<milliseconds> instance_durations;
  std::vector<std::pair<std::string, std::string>> step_order;  // (workflow, step), first run
  std::map<std::pair<std::string, std::string>, StepKpi> steps;
  std::map<std::pair<std::string, std::string>, std::vector<milliseconds>> step_durations;
  std::vector<milliseconds> task_durations;
  std::set<std::string, std::less<>> record_keys;   // keys the instances' steps wrote
  std::vector<std::optional<Time>> open_task_dues;  // of tasks still open, in unfinished instances
  std::vector<std::optional<Time>> open_action_dues;  // the same, of corrective actions
  std::vector<std::pair<std::string, std::string>> checklist_order;  // (workflow, step)
  std::map<std::pair<std::string, std::string>, ChecklistKpi> checklists;
  std::map<std::pair<std::string, std::string>, std::pair<double, std::size_t>> percents;
};

// A scoring checklist's completion: its score counted, its flags by item.
void count_score(Gathered& g, const std::string& workflow, const std::string& step,
                 const json::object& score) {
  const auto key = std::pair{workflow, step};
  auto [it, added] = g.checklists.try_emplace(key);
  if (added) {
    it->second.workflow = workflow;
    it->second.step = step;
    g.checklist_order.push_back(key);
  }
  auto& counted = it->second;
  ++counted.scored;
  const auto* passed = score.if_contains("passed");
  if (passed && passed->is_bool() && passed->get_bool())
    ++counted.passed;
  else
    ++counted.failed;
  if (const auto* percent = score.if_contains("percent"); percent && percent->is_number()) {
    auto& [sum, count] = g.percents[key];
    sum += percent->to_number<double>();
    ++count;
  }
  if (const auto* flags = score.if_contains("flags"); flags && flags->is_array())
    for (const auto& flag : flags->get_array())
      if (flag.is_object())
        if (auto item = detail::string_at(flag.get_object(), "item"); !item.empty())
          ++counted.flags[item];
}

// The corrective actions of an instance, as they stand.
void count_actions(const InstanceState& state, ActionKpi& actions, Gathered& g) {
  for (const auto& task : state.tasks) {
    if (!task.is_action()) continue;
    ++actions.raised;
    ++actions.by_item[state.workflow_id + "/" + task.step + "/" + task.item];
    if (!task.verified_by.empty()) ++actions.verified;
    if (task.closed()) {
      ++actions.closed;
    } else if (!state.finished()) {
      g.open_action_dues.push_back(task.due);
      if (task.completed) ++actions.awaiting_verification;
    }
  }
}

// Whether a step_failed event is a timeout that went on to its on_timeout path. Histories from
// before "timed_out" was written say so in their error.
bool escalated(const Event& event) {
  if (!event.next || event.next->empty()) return false;
  if (const auto* flag = event.data.if_contains("timed_out"); flag && flag->is_bool())
    return flag->get_bool();
  const auto* error = event.data.if_contains("error");
  return error && error->is_string() && error->get_string().starts_with("timed out after ");
}

StepKpi& step_of(Gathered& g, const std::string& workflow, const std::string& step) {
  const auto key = std::pair{workflow, step};
  auto [it, added] = g.steps.try_emplace(key);
  if (added) {
    it->second.workflow = workflow;
    it->second.step = step;
    g.step_order.push_back(key);
  }
  return it->second;
}

void walk(const InstanceState& state, std::span<const Event> history, Kpis& kpis, Gathered& g) {
  struct Attempt {
    std::string step;
    Time started{};
  };
  std::map<std::uint32_t, Attempt> running;  // token → its step's current attempt
  struct Created {
    Time at{};
    std::optional<Time> due;
  };
  std::map<std::string, Created> tasks;
  const auto& workflow = state.workflow_id;
  for (const auto& event : history) {
    switch (event.type) {
      case EventType::step_started:
        ++step_of(g, workflow, event.step).runs;
        running[event.token] = {event.step, event.time};
        break;
      case EventType::step_completed:
      case EventType::step_failed: {
        auto& step = step_of(g, workflow, event.step);
        if (event.type == EventType::step_failed)
          ++(escalated(event) ? step.escalations : step.failures);
        const auto found = running.find(event.token);
        milliseconds took{0};
        if (found != running.end() && found->second.step == event.step) {
          took = event.time - found->second.started;
          running.erase(found);
        } else {
          ++step.runs;  // a step that completes at once, such as a decision
        }
        g.step_durations[{workflow, event.step}].push_back(took);
        if (const auto* score = event.data.if_contains("score"); score && score->is_object())
          count_score(g, workflow, event.step, score->get_object());
        if (const auto* output = event.data.if_contains("output"); output && output->is_object())
          if (auto key = detail::string_at(output->get_object(), "key"); !key.empty())
            g.record_keys.insert(std::move(key));
        break;
      }
      case EventType::task_created:
        ++kpis.tasks.created;
        tasks[detail::string_at(event.data, "task")] = {event.time, event.due};
        break;
      case EventType::task_reminded: ++kpis.tasks.reminded; break;
      case EventType::task_escalated: ++kpis.tasks.escalated; break;
      case EventType::task_completed: {
        ++kpis.tasks.completed;
        const auto found = tasks.find(detail::string_at(event.data, "task"));
        if (found == tasks.end()) break;
        g.task_durations.push_back(event.time - found->second.at);
        if (found->second.due && event.time > *found->second.due) ++kpis.tasks.completed_late;
        tasks.erase(found);
        break;
      }
      default: break;
    }
  }
  // Tasks of an instance that ended are nobody's work any more.
  if (!state.finished())
    for (const auto& task : state.tasks)
      if (!task.completed) g.open_task_dues.push_back(task.due);
  count_actions(state, kpis.actions, g);
}

}  // namespace

tl::expected<Kpis, Error> compute_kpis(const Store& store, const KpiOptions& options) {
  const auto ids = store.instance_ids();
  if (!ids) return tl::make_unexpected(ids.error());
  Kpis kpis;
  Gathered g;
  std::optional<Time> first_start, last_change;
  for (const auto& id : *ids) {
    auto loaded = store.load(id);
    if (!loaded) return tl::make_unexpected(std::move(loaded.error()));
    // Measured at a moment past, the instance is as its events up to then made it.
    std::span<const Event> history = *loaded;
    if (options.at)
      history = history.first(static_cast<std::size_t>(
          std::find_if(history.begin(), history.end(),
                       [&](const Event& event) { return event.time > *options.at; }) -
          history.begin()));
    if (history.empty()) continue;
    auto state = fold(id, history);
    if (!state) return tl::make_unexpected(std::move(state.error()));
    if (!options.workflow.empty() && state->workflow_id != options.workflow) continue;
    if (options.since && state->started_at < *options.since) continue;
    ++kpis.started;
    first_start = std::min(first_start.value_or(state->started_at), state->started_at);
    last_change = std::max(last_change.value_or(state->updated_at), state->updated_at);
    switch (state->status) {
      case InstanceStatus::running: ++kpis.running; break;
      case InstanceStatus::waiting: {
        ++kpis.waiting;
        const bool on_people =
            state->tokens.empty() ||  // at its end, for its corrective actions
            std::any_of(state->tokens.begin(), state->tokens.end(), [](const Token& token) {
              return token.waiting_for == WaitingFor::checklist ||
                     token.waiting_for == WaitingFor::task;
            });
        if (on_people) ++kpis.waiting_on_people;
        break;
      }
      case InstanceStatus::completed:
        ++kpis.completed;
        g.instance_durations.push_back(state->updated_at - state->started_at);
        break;
      case InstanceStatus::failed: ++kpis.failed; break;
      case InstanceStatus::cancelled: ++kpis.cancelled; break;
    }
    walk(*state, history, kpis, g);
  }

  const Time now = SystemClock().now();
  kpis.at = options.at ? *options.at : std::max(now, last_change.value_or(now));
  kpis.from = options.since ? *options.since : first_start.value_or(kpis.at);
  kpis.instance_duration = summarize(std::move(g.instance_durations));
  for (const auto& key : g.step_order) {
    auto step = std::move(g.steps[key]);
    step.duration = summarize(std::move(g.step_durations[key]));
    kpis.steps.push_back(std::move(step));
  }
  kpis.tasks.open = g.open_task_dues.size();
  kpis.tasks.overdue = static_cast<std::size_t>(
      std::count_if(g.open_task_dues.begin(), g.open_task_dues.end(),
                    [&](const std::optional<Time>& due) { return due && *due < kpis.at; }));
  kpis.tasks.time_to_complete = summarize(std::move(g.task_durations));
  kpis.actions.open = g.open_action_dues.size();
  kpis.actions.overdue = static_cast<std::size_t>(
      std::count_if(g.open_action_dues.begin(), g.open_action_dues.end(),
                    [&](const std::optional<Time>& due) { return due && *due < kpis.at; }));
  for (const auto& key : g.checklist_order) {
    auto checklist = std::move(g.checklists[key]);
    if (const auto& [sum, count] = g.percents[key]; count > 0)
      checklist.average_percent = std::round(sum / static_cast<double>(count) * 100.0) / 100.0;
    kpis.checklists.push_back(std::move(checklist));
  }

  if (!g.record_keys.empty()) {
    const RecordSource& records = options.records ? *options.records : store;
    const auto invoices = records.records(options.invoices);
    if (!invoices) return tl::make_unexpected(invoices.error());
    kpis.receivables = detail::receivables(*invoices, g.record_keys, options.since, kpis.at);
  }
  return kpis;
}

}  // namespace ablauf
