// Which instances advance, on which thread (internal): each instance is advanced by one task on
// the executor at a time, and work scheduled for it meanwhile is taken along by that task.
#pragma once

#include "ablauf/error.hpp"
#include "ablauf/executor.hpp"

#include <tl/expected.hpp>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ablauf::detail {

// What advancing one instance came to: the timers it fired, and the error that stopped it (the
// store failing, say), if one did.
struct Advanced {
  std::size_t fired = 0;
  std::optional<Error> error;
};

// Callers waiting for a set of scheduled instances (run_due()): counts what is left to do, and
// keeps the first error, so that a caller learns that work it asked for was not done.
class Batch {
 public:
  void add();
  void done(const Advanced& advanced);
  // Waits until every instance is done; returns the timers fired, or the first error.
  tl::expected<std::size_t, Error> wait();

 private:
  std::mutex mutex_;
  std::condition_variable finished_;
  std::size_t pending_ = 0;
  std::size_t fired_ = 0;
  std::optional<Error> error_;
};

class Scheduler {
 public:
  // Advances one instance as far as it goes, on the executor's thread.
  using Advance = std::function<Advanced(const std::string& instance)>;

  Scheduler(Executor& executor, Advance advance);

  // Has the executor advance the instance. Work already scheduled for it takes this along.
  void schedule(std::string instance, std::shared_ptr<Batch> batch = nullptr);
  // Schedules every instance given and waits until each is done; returns the timers fired, or
  // the first error that stopped one of them (all of them are advanced as far as they go).
  tl::expected<std::size_t, Error> advance_all(std::vector<std::string> instances);
  // Waits until no instance is scheduled or advancing.
  void wait_idle();

 private:
  void work_loop(const std::string& instance);

  Executor& executor_;
  const Advance advance_;
  struct Slot {
    bool again = false;  // scheduled again while its work ran
    std::vector<std::shared_ptr<Batch>> waiting;
  };
  std::mutex mutex_;
  std::condition_variable idle_;
  std::unordered_map<std::string, Slot> slots_;  // instances scheduled or being advanced
};

}  // namespace ablauf::detail
