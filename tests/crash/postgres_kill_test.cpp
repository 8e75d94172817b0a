// The multi-process kill test: four worker processes share instances of the seed workflow
// utility_billing and of the synthetic workflow (every step type; tests/crash/synthetic.hpp),
// half each, in one database of a real PostgreSQL server, while a driver SIGKILLs them (and
// starts them again) and SIGSTOPs them past their leases, at random moments, dozens of times.
// At the end: every instance completed, no step completed twice in any history, one record per
// save_record and one queued mail per send_email, and the writes of stalled workers were
// refused (counted from the workers that lived to tell).
//
// Usage: ablauf_postgres_kill_test SERVER_DIRECTORY [INSTANCES [DISRUPTIONS [SEED]]]
#include "crash/synthetic.hpp"
#include "postgres/server.hpp"

#include <ablauf/ablauf.hpp>

#include <boost/json/parse.hpp>

#include <libpq-fe.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr int workers = 4;
constexpr auto lease = 600ms;
const fs::path seed_file = fs::path(ABLAUF_WORKFLOWS_DIR) / "utility_billing.json";

// How many instances of each workflow the test starts.
struct Mix {
  int synthetic = 0;
  int seed = 0;
  explicit Mix(int instances) : synthetic((instances + 1) / 2), seed(instances / 2) {}
  // In the store at the end: every synthetic instance has a sub-workflow.
  int stored() const { return 2 * synthetic + seed; }
};

json::object read_json_object(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = json::parse(text.str());
  return std::move(parsed.as_object());
}

// The seed's answers file (workflows/answers/) for the clerks; the customer pays on time.
ablauf::test::People seed_people() {
  auto answers = read_json_object(fs::path(ABLAUF_WORKFLOWS_DIR) / "answers/utility_billing.json");
  ablauf::test::People people;
  people.forms = std::move(answers["answers"].as_object());
  people.outcomes.insert(
      {{"create_payment_plan", "agreed"}, {"escalate_overdue_payment", "payment_received"}});
  people.signals.insert(
      {"wait_for_payment",
       {"payment_received", json::object{{"amount", 246.80}, {"paid_at", "2026-12-05"}}}});
  return people;
}

// The n-th seed instance's input: the answers file's customer under an id of its own, owing
// money for every fourth one (a payment plan task).
json::object seed_input(int n) {
  auto input =
      read_json_object(fs::path(ABLAUF_WORKFLOWS_DIR) / "answers/utility_billing.json")["input"]
          .as_object();
  auto& customer = input["customer"].as_object();
  customer["id"] = "K-" + std::to_string(n);
  customer["email"] = "k" + std::to_string(n) + "@example.de";
  customer["has_debt"] = n % 4 == 1;
  input["invoice"].as_object()["number"] = "VA-" + std::to_string(n);
  return input;
}

// A new database on the server, as a connection string; exits if it cannot.
std::string create_database(const ablauf::test::PostgresServer& server) {
  const std::string name = "kill_" + std::to_string(::getpid());
  if (const auto why = server.create_database(name); !why.empty()) {
    std::cerr << why << '\n';
    std::exit(2);
  }
  return server.conninfo(name);
}

// One worker process: a worker thread claims and advances instances; this thread plays the
// people and systems the instances wait for. Worker 0 starts the instances (by business key,
// so a restarted one starts none twice). Exits 0 once every instance is finished, writing what
// its worker did to `stats`.
[[noreturn]] void work(int number, const std::string& conninfo, const fs::path& log,
                       const fs::path& stats, Mix mix) {
  auto types = ablauf::StepTypeRegistry::builtin();
  (void)types.add({.name = "probe"});
  auto store = ablauf::PostgresStore::open(conninfo);
  if (!store) {
    std::cerr << "worker: " << store.error().message << '\n';
    std::_Exit(3);
  }
  const std::string name = "w" + std::to_string(number) + "-" + std::to_string(::getpid());
  ablauf::Engine engine{
      {.store = store->get(),
       .on_error = [](auto&&...) {},
       .worker = {.name = name, .lease = lease, .batch = 8, .poll_interval = 5ms}}};
  engine.register_adapter("probe", std::make_shared<ablauf::test::Probe>(log));
  auto seed = ablauf::load_definition_file(seed_file);
  if (!seed || !engine.deploy(ablauf::test::compile(ablauf::test::synthetic, types)) ||
      !engine.deploy(ablauf::test::compile(ablauf::test::child, types)) ||
      !engine.deploy(*ablauf::Workflow::compile(std::move(*seed))))
    std::_Exit(3);
  const auto people = seed_people();
  std::jthread worker([&](std::stop_token stop) { engine.run_worker(stop); });
  if (number == 0)
    for (int n = 0; n < std::max(mix.synthetic, mix.seed); ++n) {
      const auto key = std::to_string(n);
      if (n < mix.synthetic)
        (void)engine.start("synthetic", json::object{{"n", n}}, {.business_key = key});
      if (n < mix.seed) (void)engine.start("utility_billing", seed_input(n), {.business_key = key});
    }
  for (;;) {
    const auto open = (*store)->unfinished();
    const auto stored = (*store)->instance_ids();
    if (open && open->empty() && stored && stored->size() >= std::size_t(mix.stored())) break;
    for (const auto& id : open ? *open : std::vector<std::string>{}) {
      const auto state = engine.get(id);
      if (state) ablauf::test::act(engine, *state, people);
    }
    std::this_thread::sleep_for(5ms);
  }
  worker.request_stop();
  worker.join();
  const auto done = engine.worker_stats();
  std::ofstream(stats, std::ios::app)
      << name << " " << done.claimed << " " << done.fenced << " " << done.lost << "\n";
  std::_Exit(0);
}

using ablauf::test::check;
using ablauf::test::failed_checks;

// The number of records in each collection, read with SQL: the store has no query for it.
std::map<std::string, int> records_per_collection(const std::string& conninfo) {
  std::map<std::string, int> counts;
  PGconn* db = PQconnectdb(conninfo.c_str());
  PGresult* rows = PQexec(db, "SELECT collection, count(*) FROM ablauf_records GROUP BY 1");
  for (int row = 0; row < PQntuples(rows); ++row)
    counts[PQgetvalue(rows, row, 0)] = std::atoi(PQgetvalue(rows, row, 1));
  PQclear(rows);
  PQfinish(db);
  return counts;
}

void verify(const std::string& conninfo, const fs::path& log, Mix mix) {
  auto opened = ablauf::PostgresStore::open(conninfo);
  check(opened.has_value(), "the store opens after the last disruption");
  if (!opened) return;
  auto& store = **opened;
  for (const auto& failure : ablauf::test::history_failures(store, mix.stored()))
    check(false, failure);
  int bookings_updated = 0, customers_updated = 0;
  for (int n = 0; n < mix.synthetic; ++n) {
    const auto record = store.find_record("bookings", "b-" + std::to_string(n));
    const auto* status = record && *record ? (*record)->if_contains("status") : nullptr;
    bookings_updated += status && *status == "done";
  }
  check(bookings_updated == mix.synthetic, "every booking was updated");
  for (int n = 0; n < mix.seed; ++n) {
    const auto record = store.find_record("customers", "K-" + std::to_string(n));
    const auto* invoice =
        record && *record ? (*record)->if_contains("last_invoice_number") : nullptr;
    customers_updated += invoice && *invoice == json::value("VA-" + std::to_string(n));
  }
  check(customers_updated == mix.seed, "every seed customer was updated");
  const auto records = records_per_collection(conninfo);
  const std::map<std::string, int> expected{{"bookings", mix.synthetic},
                                            {"customer_audit_log", mix.seed},
                                            {"customers", mix.seed},
                                            {"invoices", mix.seed},
                                            {"payment_history", mix.seed}};
  check(records == expected, "one record per save_record step");
  for (const auto& [collection, count] : records)
    std::cout << "  " << collection << ": " << count << " records\n";
  // One mail for every other synthetic instance; one invoice per seed instance, paid on time.
  const auto mails = static_cast<std::size_t>((mix.synthetic + 1) / 2 + mix.seed);
  const auto outbox = store.outbox(false);
  std::set<std::string> keys;
  for (const auto& mail : outbox ? *outbox : std::vector<ablauf::OutboxMail>{})
    keys.insert(mail.mail.idempotency_key);
  check(outbox && outbox->size() == mails, "one queued mail per send_email step");
  check(keys.size() == mails, "every mail has its own idempotency key");
  check(ablauf::test::host_effects_repeat_only_under_their_key(store, log, 2 * mix.synthetic),
        "every probe step's effect is in the host's log, repeated only under its key");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ablauf_postgres_kill_test SERVER_DIRECTORY [INSTANCES [DISRUPTIONS "
                 "[SEED]]]\n";
    return 2;
  }
  const ablauf::test::PostgresServer server{argv[1]};
  const int instances = argc > 2 ? std::atoi(argv[2]) : 500;
  const Mix mix(instances);
  const int disruptions = argc > 3 ? std::atoi(argv[3]) : 40;
  const auto seed = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : std::random_device{}();
  std::mt19937 random(seed);
  if (const auto problem = server.start(); !problem.empty()) {
    std::cerr << "error: " << problem << '\n';
    return 2;
  }
  const std::string conninfo = create_database(server);
  const fs::path dir = fs::temp_directory_path() / ("ablauf-kill-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path log = dir / "host.log", stats = dir / "stats";
  // The schema is made once, before workers race to make it.
  if (!ablauf::PostgresStore::open(conninfo)) return 2;

  const auto spawn = [&](int number) {
    const pid_t pid = ::fork();
    if (pid == 0) work(number, conninfo, log, stats, mix);
    return pid;
  };
  std::array<pid_t, workers> pids{};
  for (int w = 0; w < workers; ++w) pids[static_cast<std::size_t>(w)] = spawn(w);

  int killed = 0, stopped = 0;
  for (int d = 0; d < disruptions; ++d) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + random() % 250));
    const auto w = static_cast<int>(random() % workers);
    auto& pid = pids[static_cast<std::size_t>(w)];
    if (random() % 3 == 0) {
      // Stalled past its lease: its claims are taken over, and its late writes must be refused.
      ::kill(pid, SIGSTOP);
      std::this_thread::sleep_for(lease + std::chrono::milliseconds(200 + random() % 600));
      ::kill(pid, SIGCONT);
      ++stopped;
    } else {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      pid = spawn(w);
      ++killed;
    }
  }
  // A stuck instance keeps the workers waiting for it: after two minutes they are stopped, and
  // the check below names what did not finish.
  bool finished = true;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  for (const auto pid : pids) {
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cerr << "FAIL: a worker ended with status " << status << '\n';
      finished = false;
    }
  }
  check(finished, "the workers finished every instance within two minutes");
  std::uint64_t claimed = 0, fenced = 0, lost = 0;
  std::ifstream in(stats);
  std::string name;
  for (std::uint64_t c = 0, f = 0, l = 0; in >> name >> c >> f >> l;) {
    claimed += c;
    fenced += f;
    lost += l;
  }
  std::cout << "seed " << seed << ": " << mix.seed << " instances of utility_billing and "
            << mix.synthetic << " of synthetic, " << workers << " workers, " << killed
            << " killed, " << stopped << " stopped past their lease\n"
            << "the workers that lived to the end: " << claimed << " claims, " << fenced
            << " writes fenced off, " << lost << " leases found lost\n";
  verify(conninfo, log, mix);
  fs::remove_all(dir);
  if (failed_checks == 0) std::cout << "every check held\n";
  return failed_checks == 0 ? 0 : 1;
}
