// A small pool of libpq connections (internal). A caller takes one for a transaction and gives
// it back by letting the lease go; a connection the server dropped is closed instead of kept,
// and the next caller opens a fresh one.
#pragma once

#include "postgres/pq.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ablauf::pq {

class Pool {
 public:
  Pool(std::string conninfo, std::size_t size) : conninfo_(std::move(conninfo)), size_(size) {}

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // An idle connection, or a new one while fewer than `size` are open; else waits for one.
  Result<Lease> acquire();

 private:
  void give_back(std::unique_ptr<Connection> connection);

  const std::string conninfo_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace ablauf::pq
