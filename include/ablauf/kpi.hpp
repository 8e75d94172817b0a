/// @file
/// Key figures from what a store recorded: how many instances started, ended and wait, how long
/// instances and steps take, which tasks are overdue, and, from the invoice records workflows
/// keep, how long money stays out (days sales outstanding) and how payment develops month by
/// month. docs/kpi.md gives every formula.
///
/// Thread-safety: compute_kpis only reads the store, so it may run beside the engine.
#pragma once

#include <ablauf/clock.hpp>
#include <ablauf/error.hpp>
#include <ablauf/store.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ablauf {

/// Which instances count, and when the figures are taken.
struct KpiOptions {
  /// Only instances of this workflow; "" counts every workflow.
  std::string workflow;
  /// Only instances started at or after this time.
  std::optional<Time> since;
  /// The moment the figures describe: every figure counts the events up to then only, and
  /// what is open, overdue or outstanding is measured then. None takes the later of the current
  /// time and the last change of any instance counted, so that a run on a simulated clock is
  /// measured where it ended.
  std::optional<Time> at;
  /// The collection of invoice records (see docs/kpi.md for the fields it reads).
  std::string invoices = "invoices";
  /// Where the invoice records are read: null for the store, where the built-in steps write
  /// them; the host's RecordStore where EngineConfig::records names one. Not owned.
  const RecordSource* records = nullptr;
};

/// How long something took, over every time it happened.
struct DurationSummary {
  std::size_t count = 0;               ///< how many times; without any, every duration is 0
  std::chrono::milliseconds median{};  ///< nearest rank: half took this long or less
  std::chrono::milliseconds p95{};     ///< nearest rank: 95 % took this long or less
  std::chrono::milliseconds max{};     ///< the longest
};

/// One step of one workflow.
struct StepKpi {
  std::string workflow;  ///< the workflow's id
  std::string step;      ///< the step's id
  std::size_t runs = 0;  ///< attempts started, plus steps that complete at once
  /// Attempts that failed, a timeout without an `on_timeout` path among them.
  std::size_t failures = 0;
  /// Attempts that timed out into their `on_timeout` path: an escalation the definition plans
  /// for (a reminder, a handover), not a failure.
  std::size_t escalations = 0;
  /// From an attempt's start to its completion or failure, waiting for people included.
  DurationSummary duration;
};

/// The tasks of the counted instances.
struct TaskKpi {
  std::size_t created = 0;           ///< tasks made (task_created events)
  std::size_t completed = 0;         ///< tasks done (task_completed events)
  std::size_t open = 0;              ///< not completed, in instances that have not ended
  std::size_t overdue = 0;           ///< open past their due date
  std::size_t completed_late = 0;    ///< completed after their due date
  std::size_t reminded = 0;          ///< reminders of assignees (task_reminded events)
  std::size_t escalated = 0;         ///< tasks handed on when overdue (task_escalated events)
  DurationSummary time_to_complete;  ///< from creation to completion, over completed tasks
};

/// The payments of one calendar month (UTC), by the date they were paid.
struct PaymentMonth {
  std::string month;              ///< "2026-12"
  std::size_t invoices_paid = 0;  ///< invoices paid that month
  double amount_paid = 0;         ///< what they paid (`amount_paid`, else `total`)
  double days_to_pay = 0;         ///< average from issue to payment, weighted by amount
  std::size_t paid_late = 0;      ///< after their due date
};

/// How a scoring checklist step went (checklist_score.hpp): its scores and flagged answers.
struct ChecklistKpi {
  std::string workflow;    ///< the workflow's id
  std::string step;        ///< the checklist step's id
  std::size_t scored = 0;  ///< completions with a score
  std::size_t passed = 0;  ///< of them, those that passed
  std::size_t failed = 0;  ///< those that did not
  /// The average percentage of those with one; none without any.
  std::optional<double> average_percent;
  /// Flagged answers by item id: how often each item's answer needed attention.
  std::map<std::string, std::size_t> flags;
};

/// What the invoice records of the counted instances say. Amounts are in the invoices'
/// currency; mixed currencies are not converted.
struct ReceivablesKpi {
  /// The invoice records counted: those the counted instances wrote that have a total and were
  /// not issued after `at`.
  std::size_t invoices = 0;
  std::size_t paid = 0;         ///< paid by `at`
  std::size_t open = 0;         ///< not paid by `at`
  std::size_t overdue = 0;      ///< open past their due date
  double invoiced = 0;          ///< the sum of their totals
  double collected = 0;         ///< what the paid ones paid
  double outstanding = 0;       ///< the totals of open invoices, and what paid ones fell short
  std::size_t period_days = 0;  ///< from the first invoice (or `since`) to `at`
  /// outstanding / invoiced × period_days; none without anything invoiced.
  std::optional<double> days_sales_outstanding;
  /// Average days from issue to payment over paid invoices, weighted by amount.
  std::optional<double> days_to_pay;
  /// Average reminders sent before an invoice was paid, and how many invoices needed how many.
  std::optional<double> reminders_before_payment;
  std::map<long, std::size_t> reminders;  ///< reminders sent → invoices paid after that many
  /// One entry per month in which invoices were paid, oldest first.
  std::vector<PaymentMonth> trend;
};

/// Corrective actions (CorrectiveAction): raised by failing and flagged answers, and how far
/// each has come. They count among the tasks too.
struct ActionKpi {
  std::size_t raised = 0;  ///< actions raised
  /// Not closed, in instances that have not ended: not done, or done and not yet verified.
  std::size_t open = 0;
  std::size_t overdue = 0;                ///< open past their due date
  std::size_t awaiting_verification = 0;  ///< of the open ones, done and waiting for a verifier
  std::size_t verified = 0;               ///< verified by a second person
  std::size_t closed = 0;                 ///< done (and verified where they are to be)
  /// Actions raised by item, as "workflow/step/item".
  std::map<std::string, std::size_t> by_item;
};

/// What compute_kpis() found: instances by status, their durations, steps, tasks and, where
/// the instances wrote invoices, receivables.
struct Kpis {
  Time from{};                ///< `since`, or the first start counted
  Time at{};                  ///< the moment the figures describe
  std::size_t started = 0;    ///< instances counted, whatever their status
  std::size_t completed = 0;  ///< of them, those that ran to their end
  std::size_t failed = 0;     ///< those stopped by an error
  std::size_t cancelled = 0;  ///< those stopped on request
  std::size_t running = 0;    ///< those with work to do now
  std::size_t waiting = 0;    ///< those whose every token waits
  /// Waiting instances of which at least one token waits for a checklist or a task.
  std::size_t waiting_on_people = 0;
  /// From start to end, of the instances that completed.
  DurationSummary instance_duration;
  /// In the order they first ran.
  std::vector<StepKpi> steps;
  TaskKpi tasks;      ///< the tasks of the counted instances
  ActionKpi actions;  ///< of those tasks, the corrective actions
  /// The checklist steps that scored, in the order they first completed.
  std::vector<ChecklistKpi> checklists;
  /// When the counted instances wrote invoice records.
  std::optional<ReceivablesKpi> receivables;
};

/// Reads every instance of the store that the options count, and the invoice records they
/// wrote. Fails only if the store cannot be read.
tl::expected<Kpis, Error> compute_kpis(const Store& store, const KpiOptions& options = {});

/// The figures as JSON: durations in seconds, times in RFC 3339.
boost::json::value to_json(const Kpis& kpis);

}  // namespace ablauf
