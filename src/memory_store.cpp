#include "ablauf/store.hpp"

#include <algorithm>

namespace ablauf {
namespace {

tl::unexpected<Error> error(ErrorCode code, std::string message) {
  return tl::make_unexpected(Error{code, std::move(message), {}, {}});
}

}  // namespace

tl::expected<void, Error> MemoryStore::append(std::string_view instance,
                                              std::uint64_t expected_last, const Commit& commit) {
  const auto& [events, summary, snapshot] = commit;
  std::lock_guard lock(mutex_);
  auto it = events_.find(instance);
  const std::uint64_t last = it == events_.end() ? 0 : it->second.size();
  if (last != expected_last)
    return error(ErrorCode::sequence_conflict,
                 "instance '" + std::string(instance) + "' is at event " + std::to_string(last) +
                     ", not " + std::to_string(expected_last) + "; load it again and retry");
  if (events.empty()) return {};
  if (it == events_.end()) {
    if (!summary.business_key.empty()) {
      const auto [key, fresh] =
          keys_.emplace(std::pair{summary.workflow, summary.business_key}, std::string(instance));
      if (!fresh)
        return error(ErrorCode::duplicate_key, "instance '" + key->second + "' of workflow '" +
                                                   summary.workflow + "' has the business key '" +
                                                   summary.business_key + "'");
    }
    it = events_.emplace(std::string(instance), std::vector<Event>{}).first;
    order_.emplace_back(instance);
  }
  for (const auto& event : events) {
    Event& stored = it->second.emplace_back(event);
    stored.sequence = it->second.size();
  }
  auto& kept = summaries_[it->first];
  if (kept.next_due) timers_.erase({*kept.next_due, it->first});
  if (summary.next_due) timers_.emplace(*summary.next_due, it->first);
  kept = summary;
  if (snapshot) snapshots_[it->first] = {it->second.size(), *snapshot};
  return {};
}

tl::expected<std::vector<Event>, Error> MemoryStore::load(std::string_view instance,
                                                          std::uint64_t after) const {
  std::lock_guard lock(mutex_);
  const auto it = events_.find(instance);
  if (it == events_.end())
    return error(ErrorCode::not_found, "there is no instance '" + std::string(instance) + "'");
  const auto& all = it->second;
  if (after >= all.size()) return std::vector<Event>{};
  return std::vector<Event>(all.begin() + static_cast<std::ptrdiff_t>(after), all.end());
}

tl::expected<std::optional<Snapshot>, Error> MemoryStore::load_snapshot(
    std::string_view instance) const {
  std::lock_guard lock(mutex_);
  const auto it = snapshots_.find(instance);
  if (it == snapshots_.end()) return std::optional<Snapshot>();
  return it->second;
}

tl::expected<std::vector<std::string>, Error> MemoryStore::instances() const {
  std::lock_guard lock(mutex_);
  return order_;
}

tl::expected<std::optional<std::string>, Error> MemoryStore::find_by_key(
    std::string_view workflow, std::string_view business_key) const {
  std::lock_guard lock(mutex_);
  const auto it = keys_.find({std::string(workflow), std::string(business_key)});
  if (it == keys_.end()) return std::optional<std::string>();
  return it->second;
}

tl::expected<std::vector<std::string>, Error> MemoryStore::unfinished() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& id : order_) {
    const auto status = summaries_.at(id).status;
    if (status != InstanceStatus::completed && status != InstanceStatus::failed &&
        status != InstanceStatus::cancelled)
      out.push_back(id);
  }
  return out;
}

tl::expected<std::vector<std::string>, Error> MemoryStore::due(Time now) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [when, instance] : timers_) {
    if (when > now) break;
    out.push_back(instance);
  }
  return out;
}

}  // namespace ablauf
