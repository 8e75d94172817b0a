/// @file
/// PostgresStore: the store several host processes share, one PostgreSQL database.
///
/// The same Store as SqliteStore, with the same transactional rules: a commit's events, the
/// instance's summary, its snapshot, and the records and mail of built-in steps are written in
/// one transaction, or not at all. Its tables are named ablauf_*, so that they can live in the
/// host's own database; the store creates and migrates them itself, under an advisory lock, so
/// several processes may open it at once.
///
///   auto store = ablauf::PostgresStore::open("postgresql://ablauf@db/orders");
///   if (!store) { std::cerr << store.error().message; return 1; }
///   ablauf::Engine engine{{.store = store->get()}};
///
/// Connections come from a small pool; every statement is prepared, with its values passed
/// apart from the SQL. A connection the server dropped is replaced on its next use, and the
/// append it was in reports a store_error with nothing half-written.
///
/// Thread-safety: every member may be called from several threads at once.
#pragma once

#include <ablauf/store.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace ablauf {

/// How PostgresStore::open() connects.
struct PostgresOptions {
  /// Most connections open at once; callers beyond them wait for one. 0 counts as 1.
  std::size_t connections = 4;
};

/// The durable store that several host processes share: one PostgreSQL database, with claims
/// and leases so that each instance advances in one process at a time. Made by open().
class PostgresStore final : public Store, public WorkQueue, public DefinitionArchive {
 public:
  /// Connects to the database `conninfo` names ("postgresql://user@host/db" or "host=… dbname=…")
  /// and brings its tables up to date. Fails if the server cannot be reached, the schema was
  /// written by a newer ablauf, or ablauf_schema records a version no ablauf writes (below 1).
  static tl::expected<std::unique_ptr<PostgresStore>, Error> open(
      const std::string& conninfo, const PostgresOptions& options = {});
  /// Closes its connections.
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;             ///< Not copyable.
  PostgresStore& operator=(const PostgresStore&) = delete;  ///< Not copyable.

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
  tl::expected<std::vector<std::string>, Error> instance_ids() const override;
  tl::expected<std::optional<std::string>, Error> find_by_key(
      std::string_view workflow, std::string_view business_key) const override;
  tl::expected<std::vector<std::string>, Error> due(Time now) const override;
  tl::expected<std::vector<std::string>, Error> unfinished() const override;
  bool keeps_requests() const noexcept override { return true; }
  tl::expected<std::optional<RequestRecord>, Error> find_request(
      std::string_view key) const override;
  tl::expected<std::size_t, Error> forget_requests(Time before) override;
  tl::expected<std::uint64_t, Error> next_number(std::string_view name) override;
  tl::expected<std::optional<ScheduleMark>, Error> schedule_mark(
      std::string_view workflow, std::string_view schedule) const override;
  tl::expected<bool, Error> move_schedule_mark(std::string_view workflow,
                                               std::string_view schedule,
                                               std::optional<Time> expected,
                                               const ScheduleMark& mark) override;

  /// Work shared between processes: claims with leases by the server's clock, fenced writes.
  WorkQueue* work_queue() noexcept override { return this; }
  using Store::work_queue;
  tl::expected<std::vector<Claim>, Error> claim(std::string_view worker, Time now,
                                                std::chrono::milliseconds lease,
                                                std::size_t most) override;
  tl::expected<std::optional<Claim>, Error> claim_instance(
      std::string_view instance, std::string_view worker, std::chrono::milliseconds lease) override;
  tl::expected<std::vector<std::string>, Error> renew(std::span<const Claim> claims,
                                                      std::chrono::milliseconds lease) override;
  tl::expected<void, Error> release(const Claim& claim) override;
  tl::expected<std::vector<OutboxMail>, Error> claim_mail(std::string_view worker,
                                                          std::chrono::milliseconds lease) override;
  /// LISTENs (on a connection of its own, opened at the first wait) for the notification that a
  /// commit sends when it leaves work to workers; polls as other stores do where it cannot.
  void wait_for_work(std::stop_token stop, std::chrono::milliseconds at_most) override;

  /// Keeps the text of the definitions it ran, for the command line.
  DefinitionArchive* definition_archive() noexcept override { return this; }
  using Store::definition_archive;
  tl::expected<void, Error> keep_definition(const StoredDefinition& definition) override;
  tl::expected<std::vector<StoredDefinition>, Error> definitions() const override;

  /// Keeps the files and photos answered on checklists in the database (table ablauf_files,
  /// bytea), where every process sharing it finds them and its backups hold them.
  BlobStore* blob_store() noexcept override;
  using Store::blob_store;

  /// The schema version this ablauf writes.
  static constexpr int schema_version = 7;

 private:
  struct Impl;
  explicit PostgresStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ablauf
