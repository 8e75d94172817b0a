// `ablauf kpi`: key figures of the instances in a store, as a report or as JSON.
#include "commands.hpp"
#include "message_text.hpp"
#include "store.hpp"
#include "suggest.hpp"

#include <ablauf/expression.hpp>
#include <ablauf/kpi.hpp>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string_view>
#include <vector>

namespace ablauf::cli {
namespace {

struct KpiFlags {
  StoreFlag store;
  std::string workflow;
  std::string since;
  std::string at;
  std::string invoices = "invoices";
  bool json = false;
};

// "42d 3h", "3h 12m", "12m 5s", "5.2s": two units are enough to compare steps at a glance.
std::string human(std::chrono::milliseconds span) {
  using namespace std::chrono;
  const auto ms = span.count();
  char text[48];
  if (ms < 60'000) {
    std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else if (ms < 3'600'000) {
    std::snprintf(text, sizeof text, "%lldm %llds", static_cast<long long>(ms / 60'000),
                  static_cast<long long>(ms % 60'000 / 1000));
  } else if (ms < 86'400'000) {
    std::snprintf(text, sizeof text, "%lldh %lldm", static_cast<long long>(ms / 3'600'000),
                  static_cast<long long>(ms % 3'600'000 / 60'000));
  } else {
    std::snprintf(text, sizeof text, "%lldd %lldh", static_cast<long long>(ms / 86'400'000),
                  static_cast<long long>(ms % 86'400'000 / 3'600'000));
  }
  return text;
}

std::string fixed(double value, int decimals = 2) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string durations(const DurationSummary& d) {
  if (d.count == 0) return "none yet";
  return "median " + human(d.median) + ", p95 " + human(d.p95) + ", longest " + human(d.max);
}

void print_receivables(std::ostream& out, const ReceivablesKpi& r, const std::string& collection) {
  out << "\nReceivables (records in '" << collection << "')\n"
      << "  invoices " << r.invoices << ": paid " << r.paid << ", open " << r.open << ", overdue "
      << r.overdue << '\n'
      << "  invoiced " << fixed(r.invoiced) << ", collected " << fixed(r.collected)
      << ", outstanding " << fixed(r.outstanding) << '\n';
  out << "  days sales outstanding    ";
  if (r.days_sales_outstanding)
    out << fixed(*r.days_sales_outstanding, 1) << " days (outstanding / invoiced × "
        << r.period_days << " days)\n";
  else
    out << "n/a\n";
  out << "  days to pay               "
      << (r.days_to_pay ? fixed(*r.days_to_pay, 1) + " days on average, weighted by amount"
                        : std::string("n/a (nothing paid)"))
      << '\n';
  out << "  reminders before payment  ";
  if (r.reminders_before_payment) {
    out << fixed(*r.reminders_before_payment, 1) << " on average (";
    bool first = true;
    for (const auto& [count, invoices] : r.reminders) {
      out << (first ? "" : ", ") << invoices << " invoice(s) after " << count;
      first = false;
    }
    out << ")\n";
  } else {
    out << "n/a\n";
  }
  if (r.trend.empty()) return;
  out << "  payment trend, by month paid:\n"
      << "    MONTH    PAID  AMOUNT        DAYS TO PAY  LATE\n";
  for (const auto& month : r.trend)
    out << "    " << std::left << std::setw(9) << month.month << std::right << std::setw(4)
        << month.invoices_paid << "  " << std::left << std::setw(14) << fixed(month.amount_paid)
        << std::setw(13) << fixed(month.days_to_pay, 1) << month.paid_late << '\n';
}

void print_report(std::ostream& out, const Kpis& k, const KpiFlags& flags) {
  out << "KPIs of " << (flags.workflow.empty() ? "every workflow" : flags.workflow) << ", from "
      << to_rfc3339(k.from) << " to " << to_rfc3339(k.at) << "\n\n"
      << "Instances: started " << k.started << ", completed " << k.completed << ", failed "
      << k.failed << ", cancelled " << k.cancelled << ", running " << k.running << ", waiting "
      << k.waiting << " (on people " << k.waiting_on_people << ")\n"
      << "  duration of completed: " << durations(k.instance_duration) << '\n';
  const auto& t = k.tasks;
  out << "Tasks: created " << t.created << ", completed " << t.completed << ", open " << t.open
      << ", overdue " << t.overdue << ", completed late " << t.completed_late << ", reminders "
      << t.reminded << ", escalated " << t.escalated << '\n'
      << "  time to complete: " << durations(t.time_to_complete) << '\n';
  if (const auto& a = k.actions; a.raised > 0) {
    out << "Corrective actions: raised " << a.raised << ", open " << a.open << " (done, awaiting "
        << "verification " << a.awaiting_verification << "), overdue " << a.overdue << ", verified "
        << a.verified << ", closed " << a.closed << '\n';
    for (const auto& [item, count] : a.by_item)
      out << "  raised by " << item << ": " << count << '\n';
  }
  if (!k.steps.empty()) {
    // Across workflows, a step is named by its workflow too.
    const auto name_of = [&](const StepKpi& step) {
      return flags.workflow.empty() ? step.workflow + "/" + step.step : step.step;
    };
    std::size_t width = 4;
    for (const auto& step : k.steps) width = std::max(width, name_of(step).size());
    const int column = static_cast<int>(width) + 2;
    out << "\nSteps\n  " << std::left << std::setw(column) << "STEP"
        << "  RUNS  FAILED  ESCALATED  MEDIAN     P95\n";
    for (const auto& step : k.steps)
      out << "  " << std::left << std::setw(column) << name_of(step) << std::right << std::setw(6)
          << step.runs << std::setw(8) << step.failures << std::setw(11) << step.escalations << "  "
          << std::left << std::setw(11) << human(step.duration.median) << human(step.duration.p95)
          << '\n';
  }
  if (!k.checklists.empty()) {
    out << "\nChecklists that score\n";
    for (const auto& checklist : k.checklists) {
      out << "  " << (flags.workflow.empty() ? checklist.workflow + "/" : "") << checklist.step
          << ": scored " << checklist.scored << ", passed " << checklist.passed << ", failed "
          << checklist.failed << ", average "
          << (checklist.average_percent
                  ? ablauf::detail::number_text(*checklist.average_percent) + " %"
                  : std::string("-"))
          << '\n';
      for (const auto& [item, count] : checklist.flags)
        out << "    flagged " << item << ": " << count << '\n';
    }
  }
  if (k.receivables) print_receivables(out, *k.receivables, flags.invoices);
}

tl::expected<std::optional<Time>, std::string> time_flag(const std::string& text,
                                                         const char* flag) {
  if (text.empty()) return std::optional<Time>();
  auto time = parse_rfc3339(text);
  if (!time)
    return tl::make_unexpected(std::string(flag) + ": " + time.error() +
                               " (a date such as 2026-11-01, or an RFC 3339 date-time)");
  return std::optional<Time>(*time);
}

// Whether `workflow` is one the store keeps a definition of; says why not, with a suggestion,
// rather than report the key figures of nothing. A store that keeps no definitions (a host's)
// cannot tell, and passes.
bool known_workflow(const Store& store, const std::string& workflow) {
  const auto* archive = store.definition_archive();
  if (!archive) return true;
  const auto kept = archive->definitions();
  if (!kept || kept->empty()) return true;
  std::vector<std::string_view> ids;
  for (const auto& definition : *kept) {
    if (definition.workflow == workflow) return true;
    if (std::find(ids.begin(), ids.end(), definition.workflow) == ids.end())
      ids.push_back(definition.workflow);
  }
  std::cerr << "error: the store keeps no workflow '" << workflow << "'"
            << detail::did_you_mean_or_list(workflow, ids, "the workflows it keeps") << '\n';
  return false;
}

int run_kpi(const KpiFlags& flags) {
  const auto since = time_flag(flags.since, "--since");
  const auto at = time_flag(flags.at, "--at");
  for (const auto* parsed : {&since, &at})
    if (!*parsed) {
      std::cerr << "error: " << parsed->error() << '\n';
      return exit_usage;
    }
  auto store = open_store(flags.store.path, true);
  if (!store) return exit_usage;
  if (!flags.workflow.empty() && !known_workflow(*store, flags.workflow)) return exit_usage;
  const auto kpis = compute_kpis(
      *store, {.workflow = flags.workflow, .since = *since, .at = *at, .invoices = flags.invoices});
  if (!kpis) {
    std::cerr << "error: " << kpis.error().message << '\n';
    return exit_invalid;
  }
  if (flags.json)
    std::cout << to_json_text(to_json(*kpis)) << '\n';
  else
    print_report(std::cout, *kpis, flags);
  return std::cout.flush() ? exit_ok : exit_usage;
}

}  // namespace

void add_kpi_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<KpiFlags>();
  auto* command = app.add_subcommand(
      "kpi",
      "Key figures of the instances in a store: how many started, ended and wait; how long "
      "instances, steps and tasks take; overdue tasks; and, from the invoice records, days sales "
      "outstanding, reminders before payment and the payment trend (docs/kpi.md)");
  flags->store.add_to(*command);
  command->add_option("--workflow", flags->workflow, "Only instances of this workflow");
  command->add_option("--since", flags->since,
                      "Only instances started at or after this date (2026-11-01) or time");
  command->add_option("--at", flags->at,
                      "The moment measured (what is open or overdue then); default: now, or the "
                      "last change recorded if that is later (a simulated run)");
  command
      ->add_option("--invoices", flags->invoices,
                   "The collection of invoice records that receivables are read from")
      ->capture_default_str();
  command->add_flag("--json", flags->json, "Print the figures as JSON");
  command->callback([flags, &run] { run = [flags] { return run_kpi(*flags); }; });
}

}  // namespace ablauf::cli
