#include "ablauf/kpi.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cmath>

namespace ablauf {
namespace {

namespace json = boost::json;

// Figures to the hundredth: what a report shows, without binary noise (41.99999…).
double rounded(double value) {
  return std::round(value * 100) / 100;
}

json::value optional_number(const std::optional<double>& value) {
  return value ? json::value(rounded(*value)) : json::value(nullptr);
}

json::object to_json(const DurationSummary& duration) {
  const auto seconds = [](std::chrono::milliseconds span) {
    return rounded(static_cast<double>(span.count()) / 1000.0);
  };
  return {{"count", duration.count},
          {"median_seconds", seconds(duration.median)},
          {"p95_seconds", seconds(duration.p95)},
          {"max_seconds", seconds(duration.max)}};
}

json::object to_json(const ReceivablesKpi& r) {
  json::object reminders;
  for (const auto& [count, invoices] : r.reminders) reminders[std::to_string(count)] = invoices;
  json::array trend;
  for (const auto& month : r.trend)
    trend.push_back(json::object{{"month", month.month},
                                 {"invoices_paid", month.invoices_paid},
                                 {"amount_paid", rounded(month.amount_paid)},
                                 {"days_to_pay", rounded(month.days_to_pay)},
                                 {"paid_late", month.paid_late}});
  return {{"invoices", r.invoices},
          {"paid", r.paid},
          {"open", r.open},
          {"overdue", r.overdue},
          {"invoiced", rounded(r.invoiced)},
          {"collected", rounded(r.collected)},
          {"outstanding", rounded(r.outstanding)},
          {"period_days", r.period_days},
          {"days_sales_outstanding", optional_number(r.days_sales_outstanding)},
          {"days_to_pay", optional_number(r.days_to_pay)},
          {"reminders_before_payment", optional_number(r.reminders_before_payment)},
          {"reminders", std::move(reminders)},
          {"trend", std::move(trend)}};
}

}  // namespace

json::value to_json(const Kpis& kpis) {
  json::array steps;
  for (const auto& step : kpis.steps)
    steps.push_back(json::object{{"workflow", step.workflow},
                                 {"step", step.step},
                                 {"runs", step.runs},
                                 {"failures", step.failures},
                                 {"escalations", step.escalations},
                                 {"duration", to_json(step.duration)}});
  json::array checklists;
  for (const auto& checklist : kpis.checklists) {
    json::object flags;
    for (const auto& [item, count] : checklist.flags) flags[item] = count;
    json::object entry{{"workflow", checklist.workflow}, {"step", checklist.step},
                       {"scored", checklist.scored},     {"passed", checklist.passed},
                       {"failed", checklist.failed},     {"flags", std::move(flags)}};
    if (checklist.average_percent) entry["average_percent"] = *checklist.average_percent;
    checklists.push_back(std::move(entry));
  }
  const auto& a = kpis.actions;
  json::object actions_by_item;
  for (const auto& [item, count] : a.by_item) actions_by_item[item] = count;
  const auto& t = kpis.tasks;
  return json::object{{"from", to_rfc3339(kpis.from)},
                      {"at", to_rfc3339(kpis.at)},
                      {"instances", json::object{{"started", kpis.started},
                                                 {"completed", kpis.completed},
                                                 {"failed", kpis.failed},
                                                 {"cancelled", kpis.cancelled},
                                                 {"running", kpis.running},
                                                 {"waiting", kpis.waiting},
                                                 {"waiting_on_people", kpis.waiting_on_people},
                                                 {"duration", to_json(kpis.instance_duration)}}},
                      {"steps", std::move(steps)},
                      {"checklists", std::move(checklists)},
                      {"tasks", json::object{{"created", t.created},
                                             {"completed", t.completed},
                                             {"open", t.open},
                                             {"overdue", t.overdue},
                                             {"completed_late", t.completed_late},
                                             {"reminded", t.reminded},
                                             {"escalated", t.escalated},
                                             {"time_to_complete", to_json(t.time_to_complete)}}},
                      {"actions", json::object{{"raised", a.raised},
                                               {"open", a.open},
                                               {"overdue", a.overdue},
                                               {"awaiting_verification", a.awaiting_verification},
                                               {"verified", a.verified},
                                               {"closed", a.closed},
                                               {"by_item", std::move(actions_by_item)}}},
                      {"receivables", kpis.receivables ? json::value(to_json(*kpis.receivables))
                                                       : json::value(nullptr)}};
}

}  // namespace ablauf
