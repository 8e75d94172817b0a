// Three months of utility billing on a simulated clock, then its KPIs.
//
// Forty customers are set up and invoiced, one each working day with the seed workflow
// utility_billing. Each pays as customers do: most before the due date, some after one or two
// reminders, some only once collections calls them, a few not at all. Everything goes to a
// SQLite file, from which compute_kpis() reads days sales outstanding, days to pay and the
// payment trend, and which `ablauf kpi` and `ablauf instances show` read too:
//
//   ablauf_example_billing_kpis billing.db
//   ablauf kpi --store billing.db --workflow utility_billing
#include <ablauf/ablauf.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#ifndef ABLAUF_WORKFLOWS_DIR
#define ABLAUF_WORKFLOWS_DIR "workflows"
#endif

namespace {

namespace json = boost::json;
using std::chrono::days;

// How one customer pays: after `days` days by transfer, or, for 0, only when collections calls
// (`outcome` of the escalation task).
struct Behaviour {
  int days = 0;
  const char* outcome = "payment_received";
};

Behaviour behaviour_of(int customer) {
  // A fixed mix, so that every run prints the same figures.
  switch (customer % 10) {
    case 0: return {0, "payment_received"};   // pays when collections calls
    case 1: return {20, ""};                  // after the first reminder
    case 2: return {33, ""};                  // after the second
    case 3: return {0, "collection_agency"};  // never
    default: return {3 + customer % 9, ""};   // on time
  }
}

std::string invoice_number(int customer) {
  char number[32];
  std::snprintf(number, sizeof number, "VA-2026-%04d", customer);
  return number;
}

json::object input_of(int customer, ablauf::Time issued) {
  const double total = 80.0 + 7.5 * (customer % 13);
  return {{"customer",
           {{"id", "K-" + std::to_string(1000 + customer)},
            {"name", "Customer " + std::to_string(customer)},
            {"email", "customer" + std::to_string(customer) + "@example.de"},
            {"phone", "+49 221 555 " + std::to_string(1000 + customer)},
            {"address", "Ringstraße " + std::to_string(customer) + ", 50667 Köln"},
            {"has_debt", false}}},
          {"invoice",
           {{"number", invoice_number(customer)},
            {"period", "November 2026"},
            {"consumption", "312 kWh"},
            {"total", total},
            {"due_date", ablauf::to_rfc3339(issued + days(14)).substr(0, 10)}}},
          {"contract", {{"termination_requested", false}}}};
}

// The three checklists of setting up a customer, as a clerk fills them in.
bool set_up(ablauf::Engine& engine, const std::string& id) {
  const std::map<std::string, json::object> answers{{"account_setup",
                                                     {{"identity_verified", true},
                                                      {"customer_type", "private"},
                                                      {"service_address_captured", true},
                                                      {"meter_number", "1ESY1161229886"},
                                                      {"contract_start_date", "2026-12-01"},
                                                      {"contract_documents_received", true}}},
                                                    {"utility_setup",
                                                     {{"utilities", json::array{"electricity"}},
                                                      {"activation_date", "2026-12-01"},
                                                      {"initial_meter_reading", 18342.7},
                                                      {"smart_meter_connected", true},
                                                      {"services_activated", true}}},
                                                    {"billing_preferences",
                                                     {{"billing_frequency", "monthly"},
                                                      {"payment_method", "bank_transfer"},
                                                      {"payment_terms_days", 14},
                                                      {"tax_rate", "standard"}}}};
  for (const auto* step : {"account_setup", "utility_setup", "billing_preferences"})
    if (auto ok = engine.submit(id, step, answers.at(step), "jonas.weber"); !ok) {
      std::cerr << id << ": " << ok.error().message << '\n';
      return false;
    }
  return true;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string store_path = argc > 1 ? argv[1] : "billing.db";
  const std::filesystem::path file =
      argc > 2 ? argv[2] : std::filesystem::path(ABLAUF_WORKFLOWS_DIR) / "utility_billing.json";
  std::filesystem::remove(store_path);
  auto store = ablauf::SqliteStore::open(store_path);
  if (!store) {
    std::cerr << store.error().message << '\n';
    return 1;
  }
  const std::string text = read_file(file);
  auto definition = ablauf::load_definition(text, file.string());
  if (!definition) {
    std::cerr << definition.error();
    return 1;
  }
  // Kept in the store, so that `ablauf instances show` names steps by their titles.
  if (auto kept = (*store)->keep_definition({definition->id, definition->version, text}); !kept) {
    std::cerr << kept.error().message << '\n';
    return 1;
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition));
  if (!workflow) {
    std::cerr << workflow.error();
    return 1;
  }

  const ablauf::Time first_day = *ablauf::parse_rfc3339("2026-12-01T08:00:00Z");
  ablauf::ManualClock clock(first_day);
  ablauf::Engine engine({.store = store->get(), .clock = &clock});
  if (auto ok = engine.deploy(std::move(*workflow)); !ok) {
    std::cerr << ok.error().message << '\n';
    return 1;
  }

  constexpr int customers = 40;
  std::map<int, std::vector<int>> payments_on;  // day → customers who pay that day
  std::map<int, std::string> instance_of;
  for (int day = 0; day < 88; ++day) {  // the last escalation falls on day 87
    clock.set(first_day + days(day));
    if (auto fired = engine.run_due(); !fired) std::cerr << fired.error().message << '\n';
    const int customer = static_cast<int>(instance_of.size());
    if (day % 7 < 5 && customer < customers) {
      auto id = engine.start("utility_billing", input_of(customer, clock.now()));
      if (!id) {
        std::cerr << id.error().message << '\n';
        return 1;
      }
      if (!set_up(engine, *id)) return 1;
      instance_of[customer] = *id;
      if (const auto pays = behaviour_of(customer).days; pays > 0)
        payments_on[day + pays].push_back(customer);
    }
    for (const int payer : payments_on[day]) {
      const auto total = input_of(payer, clock.now()).at("invoice").at("total");
      const auto paid_at = ablauf::to_rfc3339(clock.now()).substr(0, 10);
      // Sent to the invoice number: the wait step correlates on it.
      auto ok = engine.signal(
          invoice_number(payer), "payment_received",
          json::object{{"amount", total}, {"paid_at", paid_at}, {"method", "bank_transfer"}});
      if (!ok) std::cerr << "payment of customer " << payer << ": " << ok.error().message << '\n';
    }
    // Collections works its open escalation tasks the day they come up.
    for (const auto& [called, id] : instance_of) {
      const auto state = engine.get(id);
      for (const auto& task : state->tasks)
        if (!task.completed && task.step == "escalate_overdue_payment")
          if (auto ok =
                  engine.complete_task(id, task.id, behaviour_of(called).outcome, "collections");
              !ok)
            std::cerr << ok.error().message << '\n';
    }
  }

  // Measured on the simulated clock's last day, so that every run prints the same figures.
  const auto kpis =
      ablauf::compute_kpis(**store, {.workflow = "utility_billing", .at = clock.now()});
  if (!kpis || !kpis->receivables) {
    std::cerr << "no KPIs: " << (kpis ? "no invoices" : kpis.error().message) << '\n';
    return 1;
  }
  const auto& r = *kpis->receivables;
  std::cout << std::fixed << std::setprecision(1) << kpis->started << " customers billed, "
            << kpis->completed << " instances completed; " << r.paid << " of " << r.invoices
            << " invoices paid; days sales outstanding " << *r.days_sales_outstanding
            << ", days to pay " << *r.days_to_pay << ", reminders before payment "
            << *r.reminders_before_payment << '\n'
            << "the full report: ablauf kpi --store " << store_path
            << " --workflow utility_billing\n";
  return 0;
}
