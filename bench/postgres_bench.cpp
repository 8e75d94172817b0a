// Several processes sharing one PostgreSQL database: durable steps per second with 1, 2 and 4
// worker processes, the latency of a claim, and how long a killed worker's instance waits
// before another worker takes it over.
//
// The benchmark starts a server of its own (tests/postgres), with fsync on, so that every
// commit is durable as in production; ABLAUF_BENCH_POSTGRES=<conninfo> uses another server
// instead (each case makes a database of its own there). Each case checks that the work it
// timed was done: every instance it started completed.
#include "chain.hpp"
#include "postgres/server.hpp"

#include <ablauf/ablauf.hpp>
#include <ablauf/postgres_store.hpp>

#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr int chain_steps = 20;

// The benchmarks' server, started on first use and stopped when the process ends.
class Server {
 public:
  static Server& get() {
    static Server server;
    return server;
  }
  const std::string& problem() const { return problem_; }

  // A new, empty database, as a connection string (empty if it cannot be made).
  std::string fresh_database() {
    const std::string name = "bench_" + std::to_string(::getpid()) + "_" + std::to_string(count_++);
    PGconn* admin = PQconnectdb(admin_.c_str());
    PGresult* created = PQexec(admin, ("CREATE DATABASE " + name).c_str());
    const bool ok = PQresultStatus(created) == PGRES_COMMAND_OK;
    if (!ok) problem_ = PQerrorMessage(admin);
    PQclear(created);
    PQfinish(admin);
    if (!ok) return {};
    return given_ ? admin_ + " dbname=" + name : server_.conninfo(name);
  }

  // What the server's processes have used of the CPU so far, if it runs on this machine.
  static std::chrono::microseconds server_cpu() {
    std::int64_t ticks = 0;
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::ifstream comm(entry.path() / "comm");
      std::string name;
      if (!(comm >> name) || name != "postgres") continue;
      std::ifstream stat(entry.path() / "stat");
      std::string field;
      // Fields 14 and 15 of /proc/PID/stat: user and system time, in clock ticks. The command
      // name (field 2) holds no space here.
      for (int i = 1; i <= 15 && stat >> field; ++i)
        if (i >= 14) ticks += std::atoll(field.c_str());
    }
    return std::chrono::microseconds(ticks * 1'000'000 / ::sysconf(_SC_CLK_TCK));
  }

 private:
  Server() {
    if (const char* conninfo = std::getenv("ABLAUF_BENCH_POSTGRES")) {
      given_ = true;
      admin_ = conninfo;
      return;
    }
    char name[] = "/tmp/ablauf-pg-bench-XXXXXX";
    if (!::mkdtemp(name)) {
      problem_ = "cannot make a directory for the server";
      return;
    }
    server_.directory = name;
    server_.fsync = true;
    problem_ = server_.start();
    admin_ = server_.conninfo();
  }
  ~Server() {
    if (given_ || server_.directory.empty()) return;
    server_.stop();
    std::error_code ignored;
    fs::remove_all(server_.directory, ignored);
  }

  ablauf::test::PostgresServer server_;
  bool given_ = false;
  std::string admin_;
  std::string problem_;
  int count_ = 0;
};

// The CPU time of this process's children that ended and were waited for.
std::chrono::microseconds children_cpu() {
  rusage used{};
  ::getrusage(RUSAGE_CHILDREN, &used);
  return std::chrono::seconds(used.ru_utime.tv_sec + used.ru_stime.tv_sec) +
         std::chrono::microseconds(used.ru_utime.tv_usec + used.ru_stime.tv_usec);
}

// Each case's database, with the chain and a workflow that waits for an event deployed on an
// engine over it, from which the driver starts instances and checks them.
struct Setup {
  std::string conninfo;
  std::unique_ptr<ablauf::PostgresStore> store;
  std::unique_ptr<ablauf::Engine> engine;
  std::string error;

  explicit Setup(int steps) {
    auto& server = Server::get();
    if (!server.problem().empty()) {
      error = server.problem();
      return;
    }
    conninfo = server.fresh_database();
    if (conninfo.empty()) {
      error = server.problem();
      return;
    }
    auto opened = ablauf::PostgresStore::open(conninfo);
    if (!opened) {
      error = opened.error().message;
      return;
    }
    store = std::move(*opened);
    engine = std::make_unique<ablauf::Engine>(
        ablauf::EngineConfig{.store = store.get(), .worker = {.name = "driver"}});
    engine->register_adapter("noop", std::make_shared<ablauf::bench::Noop>());
    auto workflow = ablauf::bench::chain(steps);
    auto waits = ablauf::load_definition(
        R"({"id": "waits", "version": 1, "kind": "workflow", "title": "W",
            "steps": [{"id": "wait", "type": "wait", "event": "never", "next": "done"},
                      {"id": "done", "type": "end"}]})",
        "waits.json");
    if (!workflow) {
      error = workflow.error();
    } else if (auto deployed = engine->deploy(std::move(*workflow)); !deployed) {
      error = deployed.error().message;
    } else if (!waits || !engine->deploy(*ablauf::Workflow::compile(std::move(*waits)))) {
      error = "the waiting workflow did not deploy";
    }
  }

  std::vector<std::string> enqueue(int instances) {
    std::vector<std::string> ids;
    for (int i = 0; i < instances; ++i)
      if (auto id = engine->start("chain", json::object(), {.enqueue = true}))
        ids.push_back(std::move(*id));
      else
        error = id.error().message;
    return ids;
  }

  // Whether every instance ran its chain to the end; says which did not in `error`.
  bool all_completed(const std::vector<std::string>& ids) {
    for (const auto& id : ids)
      if (auto done = engine->get(id); !done || done->status != ablauf::InstanceStatus::completed) {
        error = "instance " + id + " did not run its chain to the end";
        return false;
      }
    return true;
  }

  bool none_unfinished() const {
    const auto open = store->unfinished();
    return open && open->empty();
  }
};

// A host process that only works: claims and advances instances of the chain until SIGTERM.
// With `hang`, its step announces itself on `announce` and never returns (a worker to kill).
[[noreturn]] void worker_process(const std::string& conninfo, const std::string& name,
                                 std::chrono::milliseconds lease, int announce = -1) {
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, nullptr);
  struct Hang final : ablauf::Adapter {
    int fd;
    explicit Hang(int out) : fd(out) {}
    ablauf::StepResult execute(const ablauf::StepContext&) override {
      (void)::write(fd, "!", 1);
      for (;;) ::pause();
    }
  };
  auto store = ablauf::PostgresStore::open(conninfo, {.connections = 2});
  if (!store) std::_Exit(3);
  ablauf::Engine engine{
      {.store = store->get(), .worker = {.name = name, .lease = lease, .poll_interval = 20ms}}};
  if (announce >= 0)
    engine.register_adapter("noop", std::make_shared<Hang>(announce));
  else
    engine.register_adapter("noop", std::make_shared<ablauf::bench::Noop>());
  auto workflow = ablauf::bench::chain(chain_steps);
  if (!workflow || !engine.deploy(std::move(*workflow))) std::_Exit(3);
  {
    std::jthread worker([&](std::stop_token stop) { engine.run_worker(stop); });
    int signal = 0;
    sigwait(&term, &signal);
  }  // stops the worker, which lets its claims go
  std::_Exit(0);
}

// `instances` chains of 20 steps, enqueued while the workers are stopped (SIGSTOP), then run
// by `processes` worker processes; the time from waking them until every instance completed.
// Each step is a host step: its attempt and its outcome are two commits.
void postgres_worker_steps(benchmark::State& state) {
  const auto processes = static_cast<int>(state.range(0));
  constexpr int instances = 300;
  Setup setup(chain_steps);
  if (!setup.error.empty()) return state.SkipWithError(setup.error.c_str());
  const auto workers_cpu_before = children_cpu();
  std::vector<pid_t> workers;
  for (int w = 0; w < processes; ++w) {
    const pid_t pid = ::fork();
    if (pid == 0) worker_process(setup.conninfo, "w" + std::to_string(w), 30s);
    workers.push_back(pid);
  }
  std::chrono::microseconds server_cpu{0};
  for (auto _ : state) {
    for (const auto pid : workers) ::kill(pid, SIGSTOP);
    const auto ids = setup.enqueue(instances);
    const auto cpu_before = Server::server_cpu();
    const auto start = Clock::now();
    for (const auto pid : workers) ::kill(pid, SIGCONT);
    while (!setup.none_unfinished()) std::this_thread::sleep_for(5ms);
    const auto elapsed = std::chrono::duration<double>(Clock::now() - start);
    state.SetIterationTime(elapsed.count());
    server_cpu +=
        std::chrono::duration_cast<std::chrono::microseconds>(Server::server_cpu() - cpu_before);
    if (!setup.error.empty() || !setup.all_completed(ids)) break;
  }
  for (const auto pid : workers) ::kill(pid, SIGTERM);
  for (const auto pid : workers) ::waitpid(pid, nullptr, 0);
  if (!setup.error.empty()) return state.SkipWithError(setup.error.c_str());
  const auto worker_cpu = children_cpu() - workers_cpu_before;
  const double steps = static_cast<double>(state.iterations()) * instances * chain_steps;
  state.counters["steps_per_s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  // CPU per step, of the server and of the workers (including their start): with two cores,
  // their sum times the rate shows how busy the machine was.
  state.counters["server_cpu_us_per_step"] = static_cast<double>(server_cpu.count()) / steps;
  state.counters["worker_cpu_us_per_step"] = static_cast<double>(worker_cpu.count()) / steps;
}
BENCHMARK(postgres_worker_steps)
    ->ArgName("processes")
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// One claim of `batch` instances (SELECT … FOR UPDATE SKIP LOCKED, the lease and the fence set
// in the same statement) among 2,000 runnable ones; the claims are let go untimed.
void postgres_claim(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  Setup setup(1);
  if (!setup.error.empty()) return state.SkipWithError(setup.error.c_str());
  const auto ids = setup.enqueue(2'000);
  ablauf::SystemClock clock;
  for (auto _ : state) {
    auto claims = setup.store->claim("bench", clock.now(), 30s, batch);
    state.PauseTiming();
    if (!claims || claims->size() != batch) {
      state.SkipWithError("a claim did not take a full batch");
      break;
    }
    for (const auto& claim : *claims) (void)setup.store->release(claim);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
}
BENCHMARK(postgres_claim)->ArgName("batch")->Arg(1)->Arg(16)->Unit(benchmark::kMicrosecond);

// What an idle worker's poll costs: a claim that finds nothing, among 2,000 instances that
// wait for an event and 64 that other workers are running (4 workers with a batch of 16).
void postgres_claim_nothing(benchmark::State& state) {
  Setup setup(1);
  if (!setup.error.empty()) return state.SkipWithError(setup.error.c_str());
  for (int i = 0; i < 2'000; ++i) {
    auto id = setup.engine->start("waits", json::object());
    if (!id || setup.engine->get(*id)->status != ablauf::InstanceStatus::waiting)
      return state.SkipWithError("an instance did not wait");
  }
  const auto running = setup.enqueue(64);
  ablauf::SystemClock clock;
  const auto held = setup.store->claim("other", clock.now(), 1h, running.size());
  if (!held || held->size() != running.size())
    return state.SkipWithError("the other workers' claim failed");
  for (auto _ : state) {
    auto claims = setup.store->claim("bench", clock.now(), 30s, 16);
    if (!claims || !claims->empty()) {
      state.SkipWithError("a claim took an instance that waits or that another worker holds");
      break;
    }
  }
}
BENCHMARK(postgres_claim_nothing)->Unit(benchmark::kMicrosecond);

// A worker is killed (SIGKILL) while its step runs, just after it claimed the instance; the
// time until another worker (polling every 20 ms) has run the instance to its end. Expected:
// about one lease.
void postgres_takeover(benchmark::State& state) {
  const auto lease = std::chrono::milliseconds(state.range(0));
  Setup setup(chain_steps);
  if (!setup.error.empty()) return state.SkipWithError(setup.error.c_str());
  for (auto _ : state) {
    int pipe_ends[2];
    if (::pipe(pipe_ends) != 0) return state.SkipWithError("no pipe");
    const pid_t doomed = ::fork();
    if (doomed == 0) worker_process(setup.conninfo, "doomed", lease, pipe_ends[1]);
    const auto ids = setup.enqueue(1);
    char announced = 0;
    const bool started = ::read(pipe_ends[0], &announced, 1) == 1;
    ::close(pipe_ends[0]);
    ::close(pipe_ends[1]);
    // The survivor is up before the kill, polling as an idle worker does.
    const pid_t survivor = ::fork();
    if (survivor == 0) worker_process(setup.conninfo, "survivor", lease);
    std::this_thread::sleep_for(100ms);
    const auto start = Clock::now();
    ::kill(doomed, SIGKILL);
    ::waitpid(doomed, nullptr, 0);
    while (!setup.none_unfinished()) std::this_thread::sleep_for(2ms);
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
    ::kill(survivor, SIGTERM);
    ::waitpid(survivor, nullptr, 0);
    if (!started) setup.error = "the doomed worker never ran its step";
    if (!setup.error.empty() || !setup.all_completed(ids)) break;
  }
  if (!setup.error.empty()) return state.SkipWithError(setup.error.c_str());
  state.counters["lease_ms"] = static_cast<double>(lease.count());
}
BENCHMARK(postgres_takeover)
    ->ArgName("lease_ms")
    ->Arg(1'000)
    ->Arg(3'000)
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
