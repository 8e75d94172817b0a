#include "scheduler.hpp"

namespace ablauf::detail {

void Batch::add() {
  std::lock_guard lock(mutex_);
  ++pending_;
}

void Batch::done(const Advanced& advanced) {
  std::lock_guard lock(mutex_);
  fired_ += advanced.fired;
  if (advanced.error && !error_) error_ = advanced.error;
  if (--pending_ == 0) finished_.notify_all();
}

tl::expected<std::size_t, Error> Batch::wait() {
  std::unique_lock lock(mutex_);
  finished_.wait(lock, [&] { return pending_ == 0; });
  if (error_) return tl::make_unexpected(*error_);
  return fired_;
}

Scheduler::Scheduler(Executor& executor, Advance advance)
    : executor_(executor), advance_(std::move(advance)) {}

void Scheduler::schedule(std::string instance, std::shared_ptr<Batch> batch) {
  {
    std::lock_guard lock(mutex_);
    auto [slot, fresh] = slots_.try_emplace(instance);
    if (batch) {
      batch->add();
      slot->second.waiting.push_back(std::move(batch));
    }
    if (!fresh) {
      slot->second.again = true;  // its work is under way: one more pass takes this along
      return;
    }
  }
  executor_.post([this, id = std::move(instance)] { work_loop(id); });
}

tl::expected<std::size_t, Error> Scheduler::advance_all(std::vector<std::string> instances) {
  auto batch = std::make_shared<Batch>();
  batch->add();  // held until every instance is scheduled
  for (auto& id : instances) schedule(std::move(id), batch);
  batch->done({});
  return batch->wait();
}

void Scheduler::work_loop(const std::string& instance) {
  for (;;) {
    std::vector<std::shared_ptr<Batch>> waiting;
    {
      std::lock_guard lock(mutex_);
      auto& slot = slots_.at(instance);
      slot.again = false;
      waiting.swap(slot.waiting);
    }
    const Advanced advanced = advance_(instance);
    for (auto& batch : waiting) batch->done(advanced);
    std::lock_guard lock(mutex_);
    if (!slots_.at(instance).again) {
      slots_.erase(instance);
      if (slots_.empty()) idle_.notify_all();
      return;
    }
  }
}

void Scheduler::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return slots_.empty(); });
}

}  // namespace ablauf::detail
