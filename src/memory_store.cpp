#include "ablauf/store.hpp"

#include "ablauf/history.hpp"

#include "failure.hpp"

#include <algorithm>
#include <iterator>

namespace ablauf {
using detail::duplicate_request;
using detail::error;

tl::expected<void, Error> MemoryStore::append(std::string_view instance,
                                              std::uint64_t expected_last, Commit commit) {
  auto& [events, summary, snapshot, records, mails, fence, request] = commit;
  std::lock_guard lock(mutex_);
  auto it = events_.find(instance);
  const std::uint64_t last = it == events_.end() ? 0 : it->second.size();
  if (last != expected_last)
    return error(ErrorCode::sequence_conflict,
                 "instance '" + std::string(instance) + "' is at event " + std::to_string(last) +
                     ", not " + std::to_string(expected_last) + "; load it again and retry");
  if (events.empty()) return {};
  if (request && requests_.contains(request->key)) return duplicate_request(request->key);
  // All or nothing: a new record under a key that is taken refuses the whole commit.
  for (const auto& write : records)
    if (!write.merge && records_.contains({write.collection, write.key}))
      return error(ErrorCode::duplicate_key, "collection '" + write.collection +
                                                 "' has a record '" + write.key + "' already");
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
  auto& stored = it->second;
  const auto first = stored.size();
  // A new instance gets room for its first events and no more, as most then wait; later
  // appends grow the vector as usual.
  if (first == 0) stored.reserve(events.size());
  stored.insert(stored.end(), std::make_move_iterator(events.begin()),
                std::make_move_iterator(events.end()));
  for (auto i = first; i < stored.size(); ++i) {
    stored[i].sequence = i + 1;
    stored[i].hash.clear();  // made on first load
  }
  auto& kept = summaries_[it->first];
  if (kept.next_due) timers_.erase({*kept.next_due, it->first});
  if (summary.next_due) timers_.emplace(*summary.next_due, it->first);
  kept = std::move(summary);
  if (snapshot) snapshots_[it->first] = {it->second.size(), std::move(*snapshot)};
  for (auto& write : records) {
    auto& record = records_[{write.collection, write.key}];
    if (!write.merge) record.clear();
    for (auto& [name, value] : write.fields) record[name] = std::move(value);
  }
  for (auto& mail : mails)
    outbox_.push_back(
        {static_cast<std::int64_t>(outbox_.size() + 1), it->first, std::move(mail), {}});
  if (request)
    requests_.emplace(std::move(request->key),
                      RequestRecord{it->first, std::move(request->fingerprint), request->time});
  return {};
}

tl::expected<std::optional<RequestRecord>, Error> MemoryStore::find_request(
    std::string_view key) const {
  std::lock_guard lock(mutex_);
  const auto found = requests_.find(key);
  if (found == requests_.end()) return std::nullopt;
  return found->second;
}

tl::expected<std::size_t, Error> MemoryStore::forget_requests(Time before) {
  std::lock_guard lock(mutex_);
  return std::erase_if(requests_, [&](const auto& entry) { return entry.second.time < before; });
}

tl::expected<std::uint64_t, Error> MemoryStore::next_number(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = sequences_.find(name);
  if (it == sequences_.end()) it = sequences_.emplace(std::string(name), 0).first;
  return ++it->second;
}

tl::expected<std::optional<ScheduleMark>, Error> MemoryStore::schedule_mark(
    std::string_view workflow, std::string_view schedule) const {
  std::lock_guard lock(mutex_);
  const auto it = schedules_.find(std::pair(std::string(workflow), std::string(schedule)));
  if (it == schedules_.end()) return std::nullopt;
  return it->second;
}

tl::expected<bool, Error> MemoryStore::move_schedule_mark(std::string_view workflow,
                                                          std::string_view schedule,
                                                          std::optional<Time> expected,
                                                          const ScheduleMark& mark) {
  std::lock_guard lock(mutex_);
  const auto key = std::pair(std::string(workflow), std::string(schedule));
  const auto it = schedules_.find(key);
  const std::optional<Time> now =
      it == schedules_.end() ? std::nullopt : std::optional(it->second.occurrence);
  if (now != expected) return false;
  schedules_.insert_or_assign(key, mark);
  return true;
}

tl::expected<std::vector<Event>, Error> MemoryStore::load(std::string_view instance,
                                                          std::uint64_t after) const {
  std::lock_guard lock(mutex_);
  const auto it = events_.find(instance);
  if (it == events_.end())
    return error(ErrorCode::not_found, "there is no instance '" + std::string(instance) + "'");
  auto& all = it->second;
  if (after >= all.size()) return std::vector<Event>{};
  // Chain the events not loaded before, from the last one that has its hash.
  auto unhashed = all.size();
  while (unhashed > 0 && all[unhashed - 1].hash.empty()) --unhashed;
  for (auto i = unhashed; i < all.size(); ++i)
    all[i].hash = event_hash(i == 0 ? history_origin(instance) : all[i - 1].hash, all[i]);
  return std::vector<Event>(all.begin() + static_cast<std::ptrdiff_t>(after), all.end());
}

tl::expected<std::optional<Snapshot>, Error> MemoryStore::load_snapshot(
    std::string_view instance) const {
  std::lock_guard lock(mutex_);
  const auto it = snapshots_.find(instance);
  if (it == snapshots_.end()) return std::optional<Snapshot>();
  return it->second;
}

tl::expected<std::optional<boost::json::object>, Error> MemoryStore::find_record(
    std::string_view collection, std::string_view key) const {
  std::lock_guard lock(mutex_);
  const auto it = records_.find(std::pair{std::string(collection), std::string(key)});
  if (it == records_.end()) return std::optional<boost::json::object>();
  return it->second;
}

tl::expected<std::vector<StoredRecord>, Error> MemoryStore::records(
    std::string_view collection) const {
  std::lock_guard lock(mutex_);
  std::vector<StoredRecord> out;
  for (auto it = records_.lower_bound(std::pair{std::string(collection), std::string()});
       it != records_.end() && it->first.first == collection; ++it)
    out.push_back({it->first.second, it->second});
  return out;
}

tl::expected<std::vector<OutboxMail>, Error> MemoryStore::outbox(bool unsent_only) const {
  std::lock_guard lock(mutex_);
  std::vector<OutboxMail> out;
  for (const auto& mail : outbox_)
    if (!unsent_only || !mail.message_id) out.push_back(mail);
  return out;
}

tl::expected<void, Error> MemoryStore::mark_sent(std::int64_t mail, std::string_view message_id) {
  std::lock_guard lock(mutex_);
  if (mail < 1 || mail > static_cast<std::int64_t>(outbox_.size()))
    return error(ErrorCode::not_found, "there is no mail " + std::to_string(mail));
  outbox_[static_cast<std::size_t>(mail - 1)].message_id = std::string(message_id);
  return {};
}

tl::expected<std::vector<std::string>, Error> MemoryStore::instance_ids() const {
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
