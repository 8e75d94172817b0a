// The server goes away under running workers: two engines share instances of the synthetic
// workflow (tests/crash/synthetic.hpp) on a PostgreSQL server of this test's own, which it
// stops as a crash would (every session cut, mid-transaction or not) and starts again, several
// times at random moments, while instances are started, advanced and answered. A transaction
// cut off commits nothing, so at the end: every instance completed, no step completed twice in
// any history, one record per save_record, one queued mail per send_email, and the workers
// carried on by themselves once the server was back.
//
// Usage: ablauf_postgres_restart_test [INSTANCES [RESTARTS [SEED]]]
#include "crash/synthetic.hpp"
#include "postgres/server.hpp"

#include <ablauf/ablauf.hpp>

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

using ablauf::test::check;
using ablauf::test::failed_checks;

// A host process: its own store (a pool of connections) and engine, running as a worker.
struct Worker {
  std::unique_ptr<ablauf::PostgresStore> store;
  std::unique_ptr<ablauf::Engine> engine;
  std::atomic<int> errors{0};  // what the engine reported while the server was away
  std::jthread thread;

  Worker(const std::string& conninfo, const std::string& name, const fs::path& log) {
    auto opened = ablauf::PostgresStore::open(conninfo);
    if (!opened) {
      std::cerr << opened.error().message << '\n';
      std::exit(2);
    }
    store = std::move(*opened);
    auto types = ablauf::StepTypeRegistry::builtin();
    (void)types.add({.name = "probe"});
    engine = std::make_unique<ablauf::Engine>(ablauf::EngineConfig{
        .store = store.get(),
        .on_error = [this](auto&&...) { ++errors; },
        .worker = {.name = name, .lease = 1s, .batch = 8, .poll_interval = 10ms}});
    engine->register_adapter("probe", std::make_shared<ablauf::test::Probe>(log));
    if (!engine->deploy(ablauf::test::compile(ablauf::test::synthetic, types)) ||
        !engine->deploy(ablauf::test::compile(ablauf::test::child, types)))
      std::exit(2);
    thread = std::jthread([this](std::stop_token stop) { engine->run_worker(stop); });
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int instances = argc > 1 ? std::atoi(argv[1]) : 400;
  const int restarts = argc > 2 ? std::atoi(argv[2]) : 6;
  const auto seed = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : std::random_device{}();
  std::mt19937 random(seed);

  char name[] = "/tmp/ablauf-pg-restart-XXXXXX";
  if (!::mkdtemp(name)) return 2;
  const ablauf::test::PostgresServer server{name};
  if (const auto problem = server.start(); !problem.empty()) {
    std::cerr << "error: " << problem << '\n';
    return 2;
  }
  if (const auto why = server.create_database("restart"); !why.empty()) {
    std::cerr << "error: " << why << '\n';
    return 2;
  }
  const std::string conninfo = server.conninfo("restart");
  const fs::path log = server.directory / "host.log";

  int completed_before_last_restart = 0;
  {
    Worker a(conninfo, "a", log), b(conninfo, "b", log);
    // The people: start the instances (by business key, so that a start whose answer was lost
    // with the connection is not started twice) and answer what they wait for.
    std::atomic<int> started{0};
    std::jthread people([&](std::stop_token stop) {
      while (!stop.stop_requested()) {
        for (int n = started; n < instances && n < started + 20; ++n)
          if (a.engine->start("synthetic", json::object{{"n", n}},
                              {.business_key = std::to_string(n)}))
            started = n + 1;
          else
            break;
        const auto open = b.store->unfinished();
        for (const auto& id : open ? *open : std::vector<std::string>{})
          if (const auto state = b.engine->get(id)) ablauf::test::act(*b.engine, *state);
        std::this_thread::sleep_for(5ms);
      }
    });

    for (int r = 0; r < restarts; ++r) {
      std::this_thread::sleep_for(std::chrono::milliseconds(150 + random() % 350));
      server.crash();
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 400));
      if (const auto problem = server.start(); !problem.empty()) {
        std::cerr << "error: the server did not start again: " << problem << '\n';
        return 2;
      }
      if (r + 1 == restarts) {
        const auto open = b.store->unfinished();
        const auto all = b.store->instance_ids();
        if (open && all) completed_before_last_restart = int(all->size() - open->size());
      }
    }
    // Once the server is back for good, the workers finish on their own.
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    for (;;) {
      const auto open = b.store->unfinished();
      const auto all = b.store->instance_ids();
      if (open && open->empty() && all && all->size() == 2u * instances) break;
      if (std::chrono::steady_clock::now() > deadline) {
        check(false, "the workers finished every instance within two minutes of the last restart");
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    people.request_stop();
    check(a.errors + b.errors > 0, "the workers saw the server go away");
    std::cout << "seed " << seed << ": " << instances << " instances, " << restarts
              << " server crashes; " << completed_before_last_restart
              << " instances had ended before the last one\n"
              << "errors reported while the server was away: worker a " << a.errors << ", b "
              << b.errors << "; claims: a " << a.engine->worker_stats().claimed << ", b "
              << b.engine->worker_stats().claimed << '\n';
  }

  {
    auto opened = ablauf::PostgresStore::open(conninfo);
    check(opened.has_value(), "the store opens after the last restart");
    if (opened) {
      auto& store = **opened;
      for (const auto& failure : ablauf::test::history_failures(store, 2 * instances))
        check(false, failure);
      int updated = 0;
      for (int n = 0; n < instances; ++n) {
        const auto record = store.find_record("bookings", "b-" + std::to_string(n));
        const auto* status = record && *record ? (*record)->if_contains("status") : nullptr;
        updated += status && *status == "done";
      }
      check(updated == instances, "one booking per instance, each updated");
      const auto outbox = store.outbox(false);
      std::set<std::string> keys;
      for (const auto& mail : outbox ? *outbox : std::vector<ablauf::OutboxMail>{})
        keys.insert(mail.mail.idempotency_key);
      const auto mails = static_cast<std::size_t>((instances + 1) / 2);
      check(outbox && outbox->size() == mails && keys.size() == mails,
            "one queued mail per send_email step, each under a key of its own");
      check(ablauf::test::host_effects_repeat_only_under_their_key(store, log, 2 * instances),
            "every probe step's effect is in the host's log, repeated only under its key");
    }
  }
  server.stop();
  std::error_code ignored;
  fs::remove_all(server.directory, ignored);
  if (failed_checks == 0) std::cout << "every check held\n";
  return failed_checks == 0 ? 0 : 1;
}
