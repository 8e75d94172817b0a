// Stores: where instances live, as the events that made them.
//
// A store appends events per instance under an expected sequence number (optimistic
// concurrency: two writers cannot both extend the same history) and hands them back in order.
// MemoryStore keeps them in memory, for tests and for hosts that need no persistence; the
// durable stores implement the same interface.
//
// Thread-safety: every Store may be called from several threads at once.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/event.hpp>

#include <tl/expected.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

class Store {
 public:
  virtual ~Store() = default;

  // Appends `events` (numbered last + 1, …) if the instance's last sequence number is
  // `expected_last` (0 for a new instance); else a sequence_conflict error and nothing changes.
  virtual tl::expected<void, Error> append(std::string_view instance, std::uint64_t expected_last,
                                           std::span<const Event> events) = 0;

  // The instance's events after sequence number `after`, in order; not_found for an unknown
  // instance.
  virtual tl::expected<std::vector<Event>, Error> load(std::string_view instance,
                                                       std::uint64_t after = 0) const = 0;

  // Every instance id, in the order they were created.
  virtual std::vector<std::string> instances() const = 0;

  // The instance started for `workflow` with `business_key`, if any.
  virtual std::optional<std::string> find_by_key(std::string_view workflow,
                                                 std::string_view business_key) const = 0;
};

class MemoryStore final : public Store {
 public:
  tl::expected<void, Error> append(std::string_view instance, std::uint64_t expected_last,
                                   std::span<const Event> events) override;
  tl::expected<std::vector<Event>, Error> load(std::string_view instance,
                                               std::uint64_t after = 0) const override;
  std::vector<std::string> instances() const override;
  std::optional<std::string> find_by_key(std::string_view workflow,
                                         std::string_view business_key) const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Event>, std::less<>> events_;
  std::vector<std::string> order_;
  std::map<std::pair<std::string, std::string>, std::string> keys_;
};

}  // namespace ablauf
