// The states of instances an engine has loaded, and the locks that let one thread at a time
// change an instance (internal).
//
// A call takes an instance's state out of the cache under its lock, brings it up to date with
// the events stored since, changes it and puts it back: a call costs what changed, not the
// whole history. The cache keeps the most recently used states, up to a capacity.
#pragma once

#include "ablauf/instance.hpp"

#include <array>
#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>

namespace ablauf::detail {

class InstanceCache {
 public:
  // Keeps up to `capacity` states; 0 keeps none.
  explicit InstanceCache(std::size_t capacity) : capacity_(capacity) {}

  // The lock of an instance. Locks are striped (an instance shares its lock with others), so
  // no code may hold two: work on another instance is scheduled, never done in place.
  std::mutex& lock_for(std::string_view instance) const;

  // Takes the instance's state out of the cache, if it is there: the caller, holding the
  // instance's lock, changes it and puts it back.
  std::optional<InstanceState> take(std::string_view instance);
  // Puts a state back, as the most recently used; the least recently used beyond the capacity
  // leave. Were it kept twice, the newer state wins.
  void put(InstanceState state);

 private:
  const std::size_t capacity_;
  mutable std::array<std::mutex, 64> locks_;
  std::mutex mutex_;
  // Most recently used first, and where each is, by its id (a view of the state's own).
  std::list<InstanceState> recent_;
  std::map<std::string_view, std::list<InstanceState>::iterator> states_;
};

}  // namespace ablauf::detail
