#include "ablauf/executor.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>

namespace ablauf {

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
