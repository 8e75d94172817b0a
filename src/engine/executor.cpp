#include "ablauf/executor.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <deque>

namespace ablauf {

namespace {
// The work queued on this thread by InlineExecutor::post while other work of it ran. Per thread,
// because each thread that calls the engine runs its own work.
thread_local std::deque<std::function<void()>> queued;
thread_local bool draining = false;
}  // namespace

void InlineExecutor::post(std::function<void()> work) {
  queued.push_back(std::move(work));
  if (draining) return;  // the post() further up this thread's stack runs it
  draining = true;
  while (!queued.empty()) {
    auto next = std::move(queued.front());
    queued.pop_front();
    next();  // does not throw (Executor::post)
  }
  draining = false;
}

struct ThreadPool::Impl {
  explicit Impl(std::size_t threads) : pool(std::max<std::size_t>(threads, 1)) {}
  boost::asio::thread_pool pool;
};

ThreadPool::ThreadPool(std::size_t threads) : impl_(std::make_unique<Impl>(threads)) {}

ThreadPool::~ThreadPool() {
  impl_->pool.join();
}

void ThreadPool::post(std::function<void()> work) {
  boost::asio::post(impl_->pool, std::move(work));
}

}  // namespace ablauf
