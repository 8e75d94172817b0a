#include "postgres/pool.hpp"

namespace ablauf::pq {

Pool::Lease::~Lease() {
  if (connection_) pool_->give_back(std::move(connection_));
}

Result<Pool::Lease> Pool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  while (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    if (connection->usable()) return Lease(*this, std::move(connection));
    --open_;  // the server went away while it was idle (a restart): a fresh one replaces it
  }
  ++open_;
  lock.unlock();
  auto opened = Connection::open(conninfo_);
  if (!opened) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return tl::make_unexpected(std::move(opened.error()));
  }
  return Lease(*this, std::make_unique<Connection>(std::move(*opened)));
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->broken())
    --open_;  // closed as it goes; the next caller opens a fresh one
  else
    idle_.push_back(std::move(connection));
  returned_.notify_one();
}

}  // namespace ablauf::pq
