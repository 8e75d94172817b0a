#include "ablauf/work_queue.hpp"

#include <condition_variable>
#include <mutex>

namespace ablauf {

void WorkQueue::wait_for_work(std::stop_token stop, std::chrono::milliseconds at_most) {
  std::mutex mutex;
  std::condition_variable_any never_notified;
  std::unique_lock lock(mutex);
  never_notified.wait_for(lock, stop, at_most, [] { return false; });
}

}  // namespace ablauf
