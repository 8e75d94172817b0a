/// @file
/// The host-facing services behind the built-in actions: mail, tasks and records.
///
/// send_email hands its mail to a Mailer, create_task its task to a TaskSink, save_record and
/// update_record write through a RecordStore. Each has a default (an outbox a host can read,
/// tasks kept in the instance, a map of records), so a host replaces one of them without
/// writing a step type. The durable stores provide their own, committed with the step's outcome.
///
/// Thread-safety: implementations must allow calls from several threads; the defaults do.
#pragma once

#include <ablauf/instance.hpp>
#include <ablauf/record_source.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// A file a mail carries (send_email's `attachments`). The outbox keeps the reference; the content
/// is kept in the engine's BlobStore under its SHA-256, before the mail is queued, and read back
/// when the mail is handed to the Mailer.
struct MailAttachment {
  std::string name;        ///< the file's name as the recipient sees it: "Rechnung-2026-12.pdf"
  std::string media_type;  ///< "application/pdf"
  std::string sha256;      ///< of its content, its name in the BlobStore
  std::uint64_t size = 0;  ///< in bytes
  /// The bytes, set when the engine hands the mail to the Mailer; empty in the outbox.
  std::string content;
};

/// A mail send_email composed, its templates rendered, as a Mailer gets it. No header field
/// (recipients, reply_to, subject) holds a line break: send_email refuses such a mail.
struct Mail {
  /// Recipients, as the step gives them: `to` names at least one.
  std::vector<std::string> to, cc, bcc;
  /// @var cc
  /// Recipients in copy; may be empty.
  /// @var bcc
  /// Recipients in blind copy, hidden from the others; may be empty.
  std::string from;  ///< the sender, one address: the step's `from`, else EngineConfig::mail_from
  std::string reply_to;         ///< where answers go; "" for the sender
  std::string subject;          ///< in the engine's language (EngineConfig::language)
  std::string body;             ///< plain text, or HTML if `html` (rendered values escaped)
  bool html = false;            ///< whether `body` is HTML: the step's `format` is "html"
  std::string idempotency_key;  ///< the same for a re-sent mail
  /// When the step queued it, by the engine's clock: the mail's Date, which a simulated run
  /// sets days apart. Before 0.2 the outbox kept none; such mail reads the epoch.
  Time date{};
  /// Files it carries, in the order the step lists them; none for most mail.
  std::vector<MailAttachment> attachments;
};

/// Delivers the mail send_email queues: the host's SMTP client, mail service or queue. The
/// engine calls it from Engine::deliver_mail(); after a crash it may hand over a mail again,
/// with the same idempotency key.
class Mailer {
 public:
  virtual ~Mailer() = default;
  /// Accepts the mail for delivery and returns a message id, or says why it cannot.
  virtual tl::expected<std::string, std::string> send(const Mail& mail) = 0;
};

/// Keeps every mail it is given, once per idempotency key. In memory: a Mailer for tests and
/// for hosts that read the mail themselves. (Not the store's outbox, Store::outbox(), where
/// mail waits until a Mailer took it.)
class MemoryMailer final : public Mailer {
 public:
  /// Keeps the mail, unless one with the same idempotency key is kept already (an empty key is
  /// never the same); returns `outbox-<n>`, n the kept mail's place from 1.
  tl::expected<std::string, std::string> send(const Mail& mail) override;
  /// A copy of the mails kept, in the order they first came.
  std::vector<Mail> mails() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Mail> mails_;
};

/// The name of MemoryMailer in 0.1, easily taken for the store's outbox.
using Outbox [[deprecated("use MemoryMailer")]] = MemoryMailer;

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
  /// The task's assignee is to be reminded of it (its step's `remind`): mail them, or put it
  /// on top of their list. `key` is the same if a crash makes the reminder come again. A
  /// refusal is reported to EngineConfig::on_error; the reminder stays recorded. By default,
  /// nothing more.
  virtual tl::expected<void, std::string> remind(std::string_view instance, const Task& task,
                                                 std::string_view key) {
    (void)instance, (void)task, (void)key;
    return {};
  }
  /// The task is overdue and was handed on (its step's `escalate`): `task.assignee` is whom it
  /// went to, `task.escalated_from` whom it was for. As remind() otherwise.
  virtual tl::expected<void, std::string> escalate(std::string_view instance, const Task& task,
                                                   std::string_view key) {
    (void)instance, (void)task, (void)key;
    return {};
  }
};

/// Where save_record and update_record write when the host keeps the records itself
/// (EngineConfig::records). Without one, the engine's store keeps them with the steps' outcomes.
/// Either way records are read through RecordSource (record_source.hpp), which a RecordStore
/// implements with find().
class RecordStore : public RecordSource {
 public:
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
  /// The record under `key` in `collection`, if there is one.
  virtual std::optional<boost::json::object> find(const std::string& collection,
                                                  const std::string& key) const = 0;

  /// find(), as a RecordSource reads records.
  tl::expected<std::optional<boost::json::object>, Error> find_record(
      std::string_view collection, std::string_view key) const override;
};

/// Records in memory, for tests and hosts that need no durable ones. Saving under a key that
/// exists is an error; a generated key is `<collection>-<n>`, counted over all collections.
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
  /// Every record of the collection, by key.
  tl::expected<std::vector<StoredRecord>, Error> records(
      std::string_view collection) const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, boost::json::object>> collections_;
  std::map<std::string, std::string> saved_;  ///< idempotency key → record key
  std::size_t generated_ = 0;
};

}  // namespace ablauf
