/// @file
/// Stores: the parts that together keep instances, and MemoryStore.
///
/// A store is split by duty, so that whoever writes one implements what their store does and
/// each part is tested on its own (tests/store_conformance_test.cpp):
///
/// - EventLog (event_log.hpp): events, summaries and snapshots; finds instances. Every store.
/// - RecordSource (record_source.hpp): reads the records commits wrote. Every store.
/// - MailQueue (mail_queue.hpp): the outbox commits queue mail in. Every store.
/// - WorkQueue (work_queue.hpp): claims, leases and fences, for work shared between
///   processes. PostgresStore only.
/// - DefinitionArchive (definition_archive.hpp): definitions kept for the command line.
///   SqliteStore and PostgresStore.
/// - BlobStore (blob_store.hpp): the content of files and photos answered on checklists. Every
///   store ablauf ships: in memory, in a folder beside the SQLite file, in PostgreSQL.
///
/// The first three are one transaction: a commit appends events, writes records and queues mail
/// at once (Commit), so they are one object. The others are optional and reached through
/// work_queue(), definition_archive() and blob_store(), which are null where a store has no such
/// part. Content is kept apart from the commit that answers with it, before it (blob_store.hpp).
///
/// Thread-safety: every Store may be called from several threads at once.
#pragma once

#include <ablauf/blob_store.hpp>
#include <ablauf/definition_archive.hpp>
#include <ablauf/error.hpp>
#include <ablauf/event.hpp>
#include <ablauf/event_log.hpp>
#include <ablauf/instance.hpp>
#include <ablauf/mail_queue.hpp>
#include <ablauf/record_source.hpp>
#include <ablauf/services.hpp>
#include <ablauf/work_queue.hpp>

#include <tl/expected.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// Where a schedule stands: Store::schedule_mark().
struct ScheduleMark {
  Time occurrence;       ///< the last occurrence dealt with: started, or left out
  std::string instance;  ///< the instance it started last; "" when it has started none
  /// Equal in both fields.
  friend bool operator==(const ScheduleMark&, const ScheduleMark&) = default;
};

/// Where instances live: the interface every store implements. A host may implement its own:
/// the event log, the records and the outbox are required; a store that shares work or keeps
/// definitions also returns its WorkQueue or DefinitionArchive.
class Store : public EventLog, public RecordSource, public MailQueue {
 public:
  /// How it shares work between processes; null for a store that serves one process (the
  /// default), where a commit's fence is not checked.
  virtual WorkQueue* work_queue() noexcept { return nullptr; }
  /// Where it keeps definitions for the command line; null for a store that keeps none (the
  /// default).
  virtual DefinitionArchive* definition_archive() noexcept { return nullptr; }
  /// Where it keeps the content of files and photos; null for a store that keeps none (the
  /// default), where such items can be answered only if the engine is given a BlobStore of its
  /// own (EngineConfig::files).
  virtual BlobStore* blob_store() noexcept { return nullptr; }

  /// Counts on the sequence `name` and returns its next number: 1 for a sequence not counted
  /// before. What definitions' document numbers count with (document_number.hpp). A number
  /// returned is never returned again, across restarts and processes sharing the store; one
  /// whose instance was never stored (the process died between) stays unused, a gap. The
  /// default keeps no sequences: a store_error, which refuses starting instances that need one.
  virtual tl::expected<std::uint64_t, Error> next_number(std::string_view name) {
    return tl::make_unexpected(
        Error{ErrorCode::store_error,
              "this store keeps no sequences, so it cannot number '" + std::string(name) + "'",
              {},
              {}});
  }

  /// Where the schedule `schedule` of `workflow` stands (Engine::run_schedules()): its last
  /// occurrence dealt with, started or left out, and the instance it started last; none for a
  /// schedule not seen before. The default keeps no schedules: a store_error, which stops
  /// schedules from running on the store.
  virtual tl::expected<std::optional<ScheduleMark>, Error> schedule_mark(
      std::string_view workflow, std::string_view schedule) const {
    (void)workflow;
    return no_schedules(schedule);
  }
  /// Moves the mark of a schedule on to `mark`, if it is still at `expected` (none: not set):
  /// true when it was moved, false when it was not there, as another process moved it first.
  /// Of several processes ticking one schedule, exactly one moves it from each mark.
  virtual tl::expected<bool, Error> move_schedule_mark(std::string_view workflow,
                                                       std::string_view schedule,
                                                       std::optional<Time> expected,
                                                       const ScheduleMark& mark) {
    (void)workflow, (void)expected, (void)mark;
    return no_schedules(schedule);
  }

  /// The same parts of a store only read: a store overrides the three above alone.
  const WorkQueue* work_queue() const noexcept { return const_cast<Store*>(this)->work_queue(); }
  /// @copydoc work_queue() const
  const DefinitionArchive* definition_archive() const noexcept {
    return const_cast<Store*>(this)->definition_archive();
  }
  /// @copydoc work_queue() const
  const BlobStore* blob_store() const noexcept { return const_cast<Store*>(this)->blob_store(); }

 private:
  static tl::unexpected<Error> no_schedules(std::string_view schedule) {
    return tl::make_unexpected(
        Error{ErrorCode::store_error,
              "this store keeps no schedules, so it cannot run '" + std::string(schedule) + "'",
              {},
              {}});
  }
};

/// A store in memory: fast, and gone with the process. The engine's default, for tests and for
/// hosts that need no persistence. It keeps no definitions and shares no work. Its events carry
/// their hashes (history.hpp) as every store's do, made when they are first loaded.
class MemoryStore final : public Store {
 public:
  tl::expected<void, Error> append(std::string_view instance, std::uint64_t expected_last,
                                   Commit commit) override;
  tl::expected<std::vector<Event>, Error> load(std::string_view instance,
                                               std::uint64_t after = 0) const override;
  tl::expected<std::optional<Snapshot>, Error> load_snapshot(
      std::string_view instance) const override;
  tl::expected<std::optional<boost::json::object>, Error> find_record(
      std::string_view collection, std::string_view key) const override;
  tl::expected<std::vector<StoredRecord>, Error> records(
      std::string_view collection) const override;
  tl::expected<std::vector<OutboxMail>, Error> outbox(bool unsent_only) const override;
  tl::expected<void, Error> mark_sent(std::int64_t mail, std::string_view message_id) override;
  /// Keeps the snapshots it is given, but asks for none.
  bool wants_snapshots() const noexcept override { return false; }
  /// Gone with the process.
  bool durable() const noexcept override { return false; }
  tl::expected<std::vector<std::string>, Error> instance_ids() const override;
  tl::expected<std::optional<std::string>, Error> find_by_key(
      std::string_view workflow, std::string_view business_key) const override;
  tl::expected<std::vector<std::string>, Error> due(Time now) const override;
  tl::expected<std::vector<std::string>, Error> unfinished() const override;
  bool keeps_requests() const noexcept override { return true; }
  tl::expected<std::optional<RequestRecord>, Error> find_request(
      std::string_view key) const override;
  tl::expected<std::size_t, Error> forget_requests(Time before) override;
  /// Keeps files in memory too.
  BlobStore* blob_store() noexcept override { return &files_; }
  using Store::blob_store;
  tl::expected<std::uint64_t, Error> next_number(std::string_view name) override;
  tl::expected<std::optional<ScheduleMark>, Error> schedule_mark(
      std::string_view workflow, std::string_view schedule) const override;
  tl::expected<bool, Error> move_schedule_mark(std::string_view workflow, std::string_view schedule,
                                               std::optional<Time> expected,
                                               const ScheduleMark& mark) override;

 private:
  MemoryBlobStore files_;
  mutable std::mutex mutex_;
  // Mutable: each event's hash is made when it is first loaded, so that an engine that never
  // reads its history back (it keeps its instances in memory) does not pay for the chain.
  mutable std::map<std::string, std::vector<Event>, std::less<>> events_;
  std::vector<std::string> order_;
  std::map<std::pair<std::string, std::string>, std::string> keys_;
  std::set<std::pair<Time, std::string>> timers_;  ///< (next due, instance)
  std::map<std::string, InstanceSummary, std::less<>> summaries_;
  std::map<std::string, Snapshot, std::less<>> snapshots_;
  std::map<std::pair<std::string, std::string>, boost::json::object, std::less<>> records_;
  std::vector<OutboxMail> outbox_;
  std::map<std::string, RequestRecord, std::less<>> requests_;
  std::map<std::string, std::uint64_t, std::less<>> sequences_;
  std::map<std::pair<std::string, std::string>, ScheduleMark, std::less<>> schedules_;
};

}  // namespace ablauf
