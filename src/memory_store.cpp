#include "ablauf/store.hpp"

namespace ablauf {

tl::expected<void, Error> MemoryStore::append(std::string_view instance,
                                              std::uint64_t expected_last,
                                              std::span<const Event> events) {
  std::lock_guard lock(mutex_);
  auto it = events_.find(instance);
  const std::uint64_t last = it == events_.end() ? 0 : it->second.size();
  if (last != expected_last)
    return tl::make_unexpected(
        Error{ErrorCode::sequence_conflict,
              "instance '" + std::string(instance) + "' is at event " + std::to_string(last) +
                  ", not " + std::to_string(expected_last) + "; load it again and retry",
              {},
              {}});
  if (events.empty()) return {};
  if (it == events_.end()) {
    it = events_.emplace(std::string(instance), std::vector<Event>{}).first;
    order_.emplace_back(instance);
  }
  for (const auto& event : events) {
    Event stored = event;
    stored.sequence = it->second.size() + 1;
    if (stored.type == EventType::instance_started) {
      const auto* workflow = stored.data.if_contains("workflow");
      const auto* key = stored.data.if_contains("business_key");
      if (workflow && workflow->is_string() && key && key->is_string())
        keys_.emplace(
            std::pair{std::string(workflow->get_string()), std::string(key->get_string())},
            std::string(instance));
    }
    it->second.push_back(std::move(stored));
  }
  return {};
}

tl::expected<std::vector<Event>, Error> MemoryStore::load(std::string_view instance,
                                                          std::uint64_t after) const {
  std::lock_guard lock(mutex_);
  const auto it = events_.find(instance);
  if (it == events_.end())
    return tl::make_unexpected(Error{
        ErrorCode::not_found, "there is no instance '" + std::string(instance) + "'", {}, {}});
  const auto& all = it->second;
  if (after >= all.size()) return std::vector<Event>{};
  return std::vector<Event>(all.begin() + static_cast<std::ptrdiff_t>(after), all.end());
}

std::vector<std::string> MemoryStore::instances() const {
  std::lock_guard lock(mutex_);
  return order_;
}

std::optional<std::string> MemoryStore::find_by_key(std::string_view workflow,
                                                    std::string_view business_key) const {
  std::lock_guard lock(mutex_);
  const auto it = keys_.find({std::string(workflow), std::string(business_key)});
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ablauf
