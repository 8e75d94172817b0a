// Hears of work that other processes leave to workers (internal): a connection of its own,
// outside the pool, that LISTENs on the channel commits NOTIFY on, and an eventfd that a
// stop request writes to, so that a waiting worker stops at once.
#pragma once

#include "postgres/pq.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

namespace ablauf::pq {

class Listener {
 public:
  // The channel: a commit that leaves work to workers sends NOTIFY on it.
  static constexpr const char* channel = "ablauf_work";

  explicit Listener(std::string conninfo);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Waits until a notification comes, `at_most` passes, or `stop` is requested. False, without
  // waiting, where it cannot listen: the server is away, or another thread is waiting.
  bool wait(std::stop_token stop, std::chrono::milliseconds at_most);

 private:
  const std::string conninfo_;
  std::mutex mutex_;
  std::optional<Connection> connection_;
  int interrupt_;  // an eventfd
};

}  // namespace ablauf::pq
