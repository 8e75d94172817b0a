/// @file
/// Executors: the threads instances advance on.
///
/// The engine hands each piece of work (advance one instance: run its ready steps, fire its due
/// timers) to an Executor. InlineExecutor runs it at once on the calling thread, so a call such
/// as start() returns with the instance already waiting or finished: deterministic, for tests
/// and simple hosts. ThreadPool runs work on its own threads, so that many instances advance at
/// once and a slow adapter holds up only its own instance; calls then return as soon as what
/// they record is stored, and Engine::wait_idle() waits for the rest.
///
/// Whatever the executor, one instance is never advanced by two threads at once.
///
/// Thread-safety: post() may be called from several threads at once, including from work that
/// is running on the executor.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace ablauf {

/// Where the engine runs its work (EngineConfig::executor). Implement it to run instances on a
/// host's own event loop or thread pool.
class Executor {
 public:
  virtual ~Executor() = default;
  /// Runs `work` now or later, on some thread. `work` does not throw.
  virtual void post(std::function<void()> work) = 0;
};

/// Runs each piece of work at once, on the thread that posts it: the engine's default.
class InlineExecutor final : public Executor {
 public:
  /// Runs `work` before returning.
  void post(std::function<void()> work) override { work(); }
};

/// A fixed number of worker threads (Boost.Asio's thread_pool). Destroying it finishes the work
/// already posted, then joins the threads.
class ThreadPool final : public Executor {
 public:
  /// Starts `threads` worker threads (one if 0).
  explicit ThreadPool(std::size_t threads);
  /// Waits for the work already posted to finish, then joins the threads.
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;             ///< Not copyable.
  ThreadPool& operator=(const ThreadPool&) = delete;  ///< Not copyable.

  /// Queues `work` for the next free thread and returns at once.
  void post(std::function<void()> work) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ablauf
