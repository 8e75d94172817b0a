// What the crash tests that kill workers share: forking workers and SIGKILLing them at random
// until the work is done, telling whether every instance of a workflow completed, and counting
// the checks that did not hold.
#pragma once

#include <ablauf/ablauf.hpp>
#include <ablauf/sqlite_store.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ablauf::test {

// Whether the instances "<key_prefix>0" … of `workflow` in the SQLite store at `db` all completed.
inline bool completed_all(const std::filesystem::path& db, const std::string& workflow,
                          const std::string& key_prefix, int instances) {
  if (!std::filesystem::exists(db)) return false;
  auto store = SqliteStore::open(db.string(), {.read_only = true});
  if (!store) return false;
  for (int n = 0; n < instances; ++n) {
    auto id = (*store)->find_by_key(workflow, key_prefix + std::to_string(n));
    if (!id || !*id) return false;
    auto events = (*store)->load(**id);
    if (!events) return false;
    auto state = fold(**id, *events);
    if (!state || state->status != InstanceStatus::completed) return false;
  }
  return true;
}

struct KillRuns {
  int runs = 0;
  int killed = 0;
};

// Forks a worker that runs `work` (which must end the process: exit 0 when it is done) until
// `done()` holds, SIGKILLing each of the first `kills` workers 0.2 to 8.2 ms in, where most
// fall while the work is being written. None, having said why, when a worker exited with an
// error or the work did not complete in far more runs than the kills explain.
inline std::optional<KillRuns> kill_until_done(const std::function<bool()>& done,
                                               const std::function<void(std::uint64_t)>& work,
                                               int kills, std::mt19937_64& random) {
  KillRuns counted;
  while (!done()) {
    if (++counted.runs > kills * 20 + 100) {
      std::cerr << "FAIL: the work did not complete in " << counted.runs << " runs\n";
      return std::nullopt;
    }
    const std::uint64_t seed = random();
    const pid_t worker = ::fork();
    if (worker == 0) {
      work(seed);
      std::_Exit(0);
    }
    if (counted.killed < kills) {
      std::this_thread::sleep_for(std::chrono::microseconds(200 + random() % 8'000));
      if (::kill(worker, SIGKILL) == 0) ++counted.killed;
    }
    int status = 0;
    ::waitpid(worker, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      std::cerr << "FAIL: a worker stopped with status " << WEXITSTATUS(status) << '\n';
      return std::nullopt;
    }
  }
  return counted;
}

// The checks of a test's end: each that does not hold is said and counted.
class Checks {
 public:
  void operator()(bool held, const std::string& what) {
    if (held) return;
    std::cerr << "FAIL: " << what << '\n';
    ++failures_;
  }
  bool all_held() const noexcept { return failures_ == 0; }

 private:
  int failures_ = 0;
};

}  // namespace ablauf::test
