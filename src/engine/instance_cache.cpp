#include "instance_cache.hpp"

#include <functional>

namespace ablauf::detail {

std::mutex& InstanceCache::lock_for(std::string_view instance) const {
  return locks_[std::hash<std::string_view>{}(instance) % locks_.size()];
}

std::optional<InstanceState> InstanceCache::take(std::string_view instance) {
  std::lock_guard lock(mutex_);
  const auto cached = states_.find(instance);
  if (cached == states_.end()) return std::nullopt;
  const auto where = cached->second;
  states_.erase(cached);  // before its key, which views the state's id, goes
  std::optional<InstanceState> state(std::move(*where));
  recent_.erase(where);
  return state;
}

void InstanceCache::put(InstanceState state) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (const auto stale = states_.find(state.id); stale != states_.end()) {
    const auto where = stale->second;
    states_.erase(stale);
    recent_.erase(where);
  }
  recent_.push_front(std::move(state));
  states_.emplace(recent_.front().id, recent_.begin());
  while (recent_.size() > capacity_) {
    states_.erase(recent_.back().id);
    recent_.pop_back();
  }
}

}  // namespace ablauf::detail
