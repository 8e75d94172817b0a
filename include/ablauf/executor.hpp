/// @file
/// Executors: the threads instances advance on.
///
/// The engine hands each piece of work (advance one instance: run its ready steps, fire its due
/// timers) to an Executor. InlineExecutor runs it on the calling thread before the call returns,
/// so a call such as start() returns with the instance already waiting or finished:
/// deterministic, for tests and simple hosts. ThreadPool runs work on its own threads, so that many instances advance at
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

/// Runs each piece of work on the thread that posts it, before the outermost post() returns: the
/// engine's default. Work posted by work it is running (a sub-workflow started by its caller's
/// step) is queued and run once that work returns, in the order posted, so the stack stays the
/// same depth however deep sub-workflows nest.
class InlineExecutor final : public Executor {
 public:
  /// Runs `work`, and the work it posts, before returning; or, called from work this executor
  /// is running on this thread, queues it to run once that work returns.
  void post(std::function<void()> work) override;
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
