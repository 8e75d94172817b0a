#include "postgres/listener.hpp"

#include <cstdint>

#include <sys/eventfd.h>
#include <unistd.h>

namespace ablauf::pq {

Listener::Listener(std::string conninfo)
    : conninfo_(std::move(conninfo)), interrupt_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

Listener::~Listener() {
  if (interrupt_ >= 0) ::close(interrupt_);
}

bool Listener::wait(std::stop_token stop, std::chrono::milliseconds at_most) {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock || interrupt_ < 0) return false;
  if (!connection_ || connection_->broken()) {
    connection_.reset();
    auto opened = Connection::open(conninfo_);
    if (!opened || !opened->execute((std::string("LISTEN ") + channel).c_str())) return false;
    connection_ = std::move(*opened);
  }
  {
    std::stop_callback on_stop(stop, [this] {
      const std::uint64_t one = 1;
      if (::write(interrupt_, &one, sizeof one) < 0) return;  // it is woken already
    });
    auto heard = connection_->wait_for_notification(interrupt_, at_most);
    if (!heard) {
      connection_.reset();  // the server went away: listen again on the next wait
      return false;
    }
  }
  std::uint64_t stops = 0;
  if (::read(interrupt_, &stops, sizeof stops) < 0) stops = 0;  // none was written
  return true;
}

}  // namespace ablauf::pq
