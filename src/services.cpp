#include "ablauf/services.hpp"

#include <algorithm>

namespace ablauf {

tl::expected<std::string, std::string> MemoryMailer::send(const Mail& mail) {
  std::lock_guard lock(mutex_);
  const auto same = [&](const Mail& m) {
    return !mail.idempotency_key.empty() && m.idempotency_key == mail.idempotency_key;
  };
  auto it = std::find_if(mails_.begin(), mails_.end(), same);
  if (it == mails_.end()) {
    mails_.push_back(mail);
    it = mails_.end() - 1;
  }
  return "outbox-" + std::to_string(it - mails_.begin() + 1);
}

std::vector<Mail> MemoryMailer::mails() const {
  std::lock_guard lock(mutex_);
  return mails_;
}

tl::expected<std::string, std::string> MemoryRecordStore::save(const std::string& collection,
                                                               const std::string& key,
                                                               const boost::json::object& record,
                                                               const std::string& idempotency_key) {
  std::lock_guard lock(mutex_);
  if (!idempotency_key.empty())
    if (auto done = saved_.find(idempotency_key); done != saved_.end()) return done->second;
  auto& records = collections_[collection];
  const std::string id = key.empty() ? collection + "-" + std::to_string(++generated_) : key;
  if (records.count(id))
    return tl::make_unexpected("a record '" + id + "' already exists in '" + collection + "'");
  records.emplace(id, record);
  if (!idempotency_key.empty()) saved_.emplace(idempotency_key, id);
  return id;
}

tl::expected<void, std::string> MemoryRecordStore::update(const std::string& collection,
                                                          const std::string& key,
                                                          const boost::json::object& fields,
                                                          bool create) {
  std::lock_guard lock(mutex_);
  if (create) collections_[collection].try_emplace(key);
  const auto missing = [&] {
    return tl::make_unexpected("there is no record '" + key + "' in '" + collection + "'");
  };
  auto c = collections_.find(collection);
  if (c == collections_.end()) return missing();
  auto r = c->second.find(key);
  if (r == c->second.end()) return missing();
  for (const auto& [name, value] : fields) r->second[name] = value;
  return {};
}

std::optional<boost::json::object> MemoryRecordStore::find(const std::string& collection,
                                                           const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto c = collections_.find(collection);
  if (c == collections_.end()) return std::nullopt;
  auto r = c->second.find(key);
  if (r == c->second.end()) return std::nullopt;
  return r->second;
}

tl::expected<std::vector<StoredRecord>, Error> MemoryRecordStore::records(
    std::string_view collection) const {
  std::lock_guard lock(mutex_);
  std::vector<StoredRecord> listed;
  if (const auto c = collections_.find(std::string(collection)); c != collections_.end())
    for (const auto& [key, record] : c->second) listed.push_back({key, record});
  return listed;
}

}  // namespace ablauf
