/// @file
/// The host-facing services behind the built-in actions: mail, tasks and records.
///
/// send_email hands its mail to a Mailer, create_task its task to a TaskSink, save_record and
/// update_record write through a RecordStore. Each has a default (an outbox a host can read,
/// tasks kept in the instance, a map of records), so a host replaces one of them without
/// writing a step type. The durable stores provide their
/// own, committed with the step's outcome.
///
/// Thread-safety: implementations must allow calls from several threads; the defaults do.
#pragma once

#include <ablauf/instance.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

struct Mail {
  std::vector<std::string> to, cc, bcc;
  std::string reply_to;
  std::string subject;
  std::string body;
  bool html = false;
  std::string idempotency_key;  ///< the same for a re-sent mail
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  /// Accepts the mail for delivery and returns a message id, or says why it cannot.
  virtual tl::expected<std::string, std::string> send(const Mail& mail) = 0;
};

/// Keeps every mail it is given, once per idempotency key.
class Outbox final : public Mailer {
 public:
  tl::expected<std::string, std::string> send(const Mail& mail) override;
  std::vector<Mail> mails() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Mail> mails_;
};

/// Hands the tasks create_task makes to the host's own task list, ticket system or inbox. The
/// engine keeps every task in its instance as well (listable, and completed through
/// Engine::complete_task), so a host without a sink has nothing to do.
class TaskSink {
 public:
  virtual ~TaskSink() = default;
  /// A task was made for `instance`. Its id stays the same if the step runs again after a
  /// crash, so a sink that sees an id twice keeps one task. An error fails the step, which is
  /// retried as it declares.
  virtual tl::expected<void, std::string> open(std::string_view instance, const Task& task) = 0;
};

class RecordStore {
 public:
  virtual ~RecordStore() = default;
  /// Writes a new record; returns its key (`key` if given, else a generated one). Writing the
  /// same idempotency key again returns the first key and writes nothing.
  virtual tl::expected<std::string, std::string> save(const std::string& collection,
                                                      const std::string& key,
                                                      const boost::json::object& record,
                                                      const std::string& idempotency_key) = 0;
  /// Sets fields of an existing record; an unknown key is an error unless `create` is set, in
  /// which case the record is made with these fields.
  virtual tl::expected<void, std::string> update(const std::string& collection,
                                                 const std::string& key,
                                                 const boost::json::object& fields,
                                                 bool create = false) = 0;
  virtual std::optional<boost::json::object> find(const std::string& collection,
                                                  const std::string& key) const = 0;
};

class MemoryRecordStore final : public RecordStore {
 public:
  tl::expected<std::string, std::string> save(const std::string& collection, const std::string& key,
                                              const boost::json::object& record,
                                              const std::string& idempotency_key) override;
  tl::expected<void, std::string> update(const std::string& collection, const std::string& key,
                                         const boost::json::object& fields,
                                         bool create = false) override;
  std::optional<boost::json::object> find(const std::string& collection,
                                          const std::string& key) const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, boost::json::object>> collections_;
  std::map<std::string, std::string> saved_;  ///< idempotency key → record key
  std::size_t generated_ = 0;
};

}  // namespace ablauf
