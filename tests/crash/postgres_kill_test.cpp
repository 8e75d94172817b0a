// The multi-process kill test: four worker processes share instances of the synthetic workflow
// (every step type; tests/crash/synthetic.hpp) in one database of a real PostgreSQL server,
// while a driver SIGKILLs them (and starts them again) and SIGSTOPs them past their leases, at
// random moments, dozens of times. At the end: every instance completed, no step completed
// twice in any history, one record per save_record and one queued mail per send_email, and
// the writes of stalled workers were refused (counted from the workers that lived to tell).
//
// Usage: ablauf_postgres_kill_test SERVER_DIRECTORY [INSTANCES [DISRUPTIONS [SEED]]]
#include "crash/synthetic.hpp"
#include "postgres/server.hpp"

#include <ablauf/ablauf.hpp>

#include <libpq-fe.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
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

// A new database on the server, as a connection string; exits if it cannot.
std::string create_database(const ablauf::test::PostgresServer& server) {
  const std::string name = "kill_" + std::to_string(::getpid());
  PGconn* admin = PQconnectdb(server.conninfo().c_str());
  PGresult* created = PQexec(admin, ("CREATE DATABASE " + name).c_str());
  const bool ok = PQresultStatus(created) == PGRES_COMMAND_OK;
  if (!ok) std::cerr << "cannot create a database: " << PQerrorMessage(admin) << '\n';
  PQclear(created);
  PQfinish(admin);
  if (!ok) std::exit(2);
  return server.conninfo(name);
}

// One worker process: a worker thread claims and advances instances; this thread plays the
// people and systems the instances wait for. Worker 0 starts the instances (by business key,
// so a restarted one starts none twice). Exits 0 once every instance is finished, writing what
// its worker did to `stats`.
[[noreturn]] void work(int number, const std::string& conninfo, const fs::path& log,
                       const fs::path& stats, int instances) {
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
  if (!engine.deploy(ablauf::test::compile(ablauf::test::synthetic, types)) ||
      !engine.deploy(ablauf::test::compile(ablauf::test::child, types)))
    std::_Exit(3);
  std::jthread worker([&](std::stop_token stop) { engine.run_worker(stop); });
  if (number == 0)
    for (int n = 0; n < instances; ++n)
      (void)engine.start("synthetic", json::object{{"n", n}}, {.business_key = std::to_string(n)});
  for (;;) {
    const auto open = (*store)->unfinished();
    if (open && open->empty() && (*store)->instances()->size() >= 2u * instances) break;
    for (const auto& id : open ? *open : std::vector<std::string>{}) {
      const auto state = engine.get(id);
      if (state) ablauf::test::act(engine, *state);
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

int failures = 0;

void check(bool holds, const std::string& what) {
  if (holds) return;
  ++failures;
  std::cerr << "FAIL: " << what << '\n';
}

void verify(const std::string& conninfo, const fs::path& log, int instances) {
  auto opened = ablauf::PostgresStore::open(conninfo);
  check(opened.has_value(), "the store opens after the last disruption");
  if (!opened) return;
  auto& store = **opened;
  for (const auto& failure : ablauf::test::history_failures(store, 2 * instances))
    check(false, failure);
  int records = 0, updated = 0;
  for (int n = 0; n < instances; ++n) {
    const auto record = store.find_record("bookings", "b-" + std::to_string(n));
    if (record && *record) {
      ++records;
      if (const auto* status = (*record)->if_contains("status"); status && *status == "done")
        ++updated;
    }
  }
  check(records == instances, "one record per save_record step");
  check(updated == instances, "every record was updated");
  const auto outbox = store.outbox(false);
  std::set<std::string> keys;
  for (const auto& mail : outbox ? *outbox : std::vector<ablauf::OutboxMail>{})
    keys.insert(mail.mail.idempotency_key);
  check(outbox && outbox->size() == static_cast<std::size_t>((instances + 1) / 2),
        "one queued mail per send_email step");
  check(keys.size() == static_cast<std::size_t>((instances + 1) / 2),
        "every mail has its own idempotency key");
  check(ablauf::test::host_effects_repeat_only_under_their_key(store, log, 2 * instances),
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
    if (pid == 0) work(number, conninfo, log, stats, instances);
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
  bool finished = true;
  for (const auto pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cerr << "FAIL: a worker ended with status " << status << '\n';
      finished = false;
    }
  }
  check(finished, "the workers finished every instance");
  std::uint64_t claimed = 0, fenced = 0, lost = 0;
  std::ifstream in(stats);
  std::string name;
  for (std::uint64_t c = 0, f = 0, l = 0; in >> name >> c >> f >> l;) {
    claimed += c;
    fenced += f;
    lost += l;
  }
  std::cout << "seed " << seed << ": " << instances << " instances, " << workers << " workers, "
            << killed << " killed, " << stopped << " stopped past their lease\n"
            << "the workers that lived to the end: " << claimed << " claims, " << fenced
            << " writes fenced off, " << lost << " leases found lost\n";
  verify(conninfo, log, instances);
  fs::remove_all(dir);
  if (failures == 0) std::cout << "every check held\n";
  return failures == 0 ? 0 : 1;
}
