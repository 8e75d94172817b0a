// The crash test: instances on a SQLite file, their process killed with SIGKILL at random
// moments, dozens of times, each new process resuming from the store. At the end, from the
// store and from the host adapter's own log: every instance completed, every step completed
// once, one record per save_record, one queued mail per send_email, host effects at least once
// and repeated only under the same idempotency key. Then a damaged database is opened, and must
// give errors, not a crash.
//
// Usage: ablauf_crash_test [INSTANCES [KILLS [SEED]]]   (exit 0: every check held)
#include "crash/synthetic.hpp"

#include <ablauf/ablauf.hpp>

#include <sqlite3.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

// What one process does until it is killed or every instance is done: start the instances it
// does not find (by business key), resume the store, and act as the people and systems the
// instances wait for.
[[noreturn]] void work(const fs::path& db, const fs::path& log, int instances) {
  auto types = ablauf::StepTypeRegistry::builtin();
  (void)types.add({.name = "probe"});
  auto store = ablauf::SqliteStore::open(db.string());
  if (!store) {
    std::cerr << "worker: " << store.error().message << '\n';
    std::_Exit(3);
  }
  ablauf::Engine engine{{.store = store->get(), .on_error = [](auto&&...) {}}};
  engine.register_adapter("probe", std::make_shared<ablauf::test::Probe>(log));
  if (!engine.deploy(ablauf::test::compile(ablauf::test::synthetic, types)) ||
      !engine.deploy(ablauf::test::compile(ablauf::test::child, types)))
    std::_Exit(3);
  if (!engine.resume()) std::_Exit(3);
  for (int n = 0; n < instances; ++n)
    if (!engine.start("synthetic", json::object{{"n", n}}, {.business_key = std::to_string(n)}))
      std::_Exit(3);
  for (;;) {
    const auto open = store->get()->unfinished();
    if (!open) std::_Exit(3);
    if (open->empty()) std::_Exit(0);
    for (const auto& id : *open)
      if (const auto state = engine.get(id)) ablauf::test::act(engine, *state);
    (void)engine.run_due();
    std::this_thread::sleep_for(2ms);
  }
}

using ablauf::test::check;
using ablauf::test::failed_checks;

// The number SQL counts in the database file.
long long count(const fs::path& db, const char* sql) {
  sqlite3* handle = nullptr;
  long long result = -1;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(handle, sql, -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW)
      result = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
  }
  sqlite3_close(handle);
  return result;
}

void verify(const fs::path& db, const fs::path& log, int instances) {
  auto opened = ablauf::SqliteStore::open(db.string());
  check(opened.has_value(), "the store opens after the last kill");
  if (!opened) return;
  auto& store = **opened;
  for (const auto& failure : ablauf::test::history_failures(store, 2 * instances))
    check(false, failure);
  check(count(db, "SELECT count(*) FROM records WHERE collection = 'bookings'") == instances,
        "one record per save_record step");
  check(count(db, "SELECT count(*) FROM records WHERE record LIKE '%\"status\":\"done\"%'") ==
            instances,
        "every record was updated");
  check(count(db, "SELECT count(*) FROM outbox") == (instances + 1) / 2,
        "one queued mail per send_email step");
  check(count(db, "SELECT count(DISTINCT json_extract(mail, '$.key')) FROM outbox") ==
            (instances + 1) / 2,
        "every mail has its own idempotency key");

  check(ablauf::test::host_effects_repeat_only_under_their_key(store, log, 2 * instances),
        "every probe step's effect is in the host's log, repeated only under its key");
}

// Everything the store holds, read through its API, as text; or nothing if a read fails.
std::optional<std::string> read_everything(const fs::path& db) {
  auto store = ablauf::SqliteStore::open(db.string());
  if (!store) return std::nullopt;
  std::ostringstream all;
  const auto ids = (*store)->instance_ids();
  if (!ids) return std::nullopt;
  for (const auto& id : *ids) {
    const auto history = (*store)->load(id);
    if (!history) return std::nullopt;
    for (const auto& event : *history) all << ablauf::to_json_text(ablauf::to_json(event));
    const auto snapshot = (*store)->load_snapshot(id);
    if (!snapshot) return std::nullopt;
    if (*snapshot) all << ablauf::to_json_text((*snapshot)->state);
  }
  const auto outbox = (*store)->outbox(false);
  if (!outbox) return std::nullopt;
  for (const auto& mail : *outbox) all << mail.instance << mail.mail.idempotency_key;
  return all.str();
}

// A damaged database gives errors, never a crash, and never other data than it holds: cut in
// half, or with a page overwritten (which is either in use, and then reported, or free).
void verify_damage(const fs::path& db, const fs::path& dir) {
  const auto intact = read_everything(db);
  check(intact.has_value(), "the intact database reads");
  for (const char* damage : {"truncated", "overwritten"}) {
    const fs::path copy = dir / (std::string(damage) + ".db");
    fs::copy_file(db, copy, fs::copy_options::overwrite_existing);
    const auto size = fs::file_size(copy);
    constexpr std::uintmax_t page = 4096;
    if (std::string(damage) == "truncated") {
      fs::resize_file(copy, size / 2 / page * page + page / 2);
    } else {
      std::fstream file(copy, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(static_cast<std::streamoff>(size / 3 / page * page));
      const std::string junk(page, '\x5a');
      file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    const auto read = read_everything(copy);
    check(!read || read == intact,
          std::string("a ") + damage + " database is reported as an error, or reads as it was");
    if (std::string(damage) == "truncated")
      check(!read, "a truncated database is reported as an error");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int instances = argc > 1 ? std::atoi(argv[1]) : 200;
  const int kills = argc > 2 ? std::atoi(argv[2]) : 40;
  std::mt19937 random(argc > 3 ? static_cast<unsigned>(std::atoi(argv[3]))
                               : std::random_device{}());
  const fs::path dir = fs::temp_directory_path() / ("ablauf-crash-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path db = dir / "crash.db", log = dir / "host.log";

  // Kill the worker at random moments; each new one resumes from the store.
  int killed = 0, finished = 0;
  for (int round = 0; round < kills + 1000 && finished == 0; ++round) {
    const pid_t pid = ::fork();
    if (pid == 0) work(db, log, instances);
    const bool kill_it = killed < kills;
    if (kill_it) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + random() % 120));
      ::kill(pid, SIGKILL);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
      ++killed;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      finished = 1;
    } else {
      std::cerr << "FAIL: a worker ended with status " << status << '\n';
      return 1;
    }
  }
  std::cout << "killed the worker " << killed << " times; " << instances << " instances\n";
  check(finished == 1, "a worker finished every instance");
  verify(db, log, instances);
  verify_damage(db, dir);
  fs::remove_all(dir);
  if (failed_checks == 0) std::cout << "every check held\n";
  return failed_checks == 0 ? 0 : 1;
}
