/// @file
/// SqliteStore: the embedded durable store, one SQLite database file.
///
/// Events are appended in transactions (WAL journal), each instance's summary beside them, so
/// that a restarted engine finds every unfinished instance and every due timer (see
/// Engine::resume). One process at a time may open a database file: the store locks the file,
/// and a second process gets a clear error instead of a corrupted history. Processes that share
/// work use the PostgreSQL store.
///
///   auto store = ablauf::SqliteStore::open("ablauf.db");
///   if (!store) { std::cerr << store.error().message; return 1; }
///   ablauf::Engine engine{{.store = store->get()}};
///
/// Thread-safety: every member may be called from several threads at once.
#pragma once

#include <ablauf/store.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ablauf {

/// How SqliteStore::open() opens a database.
struct SqliteOptions {
  /// How hard SQLite works to keep a committed transaction through a power cut (PRAGMA
  /// synchronous). full: every commit is on disk when append() returns. normal: in WAL mode,
  /// commits survive a crash of the process, and the last ones may be lost if the machine loses
  /// power; faster.
  enum class Synchronous {
    normal,  ///< faster; a power cut may lose the last commits
    full     ///< every commit is on disk when append() returns
  };
  Synchronous synchronous = Synchronous::full;  ///< full by default: no commit lost to a power cut
  /// How long a statement waits for a lock held by a reader (such as the sqlite3 tool).
  std::chrono::milliseconds busy_timeout{5000};
  /// Only reads, beside the process that runs the instances (which it does not lock out):
  /// for listing and showing instances while a host runs. Appending fails.
  bool read_only = false;
  /// The name of the SQLite VFS to open the file through (sqlite3_vfs_find); "" for SQLite's
  /// default. For a host's own (an encrypting one, say), and for tests that make the disk fail.
  std::string vfs;
};

/// The embedded durable store: one SQLite database file, written by one process at a time. Made
/// by open(); keeps definitions, and shares no work.
class SqliteStore final : public Store, public DefinitionArchive {
 public:
  /// Opens (creating if need be) the database at `path`, or an in-memory one for ":memory:",
  /// and brings its schema up to date. Fails if another process has it open (unless read_only),
  /// if it was written by a newer ablauf, or if the schema version it records is one no ablauf
  /// writes (below 1, or not a whole number): a corrupt file, never migrated from.
  static tl::expected<std::unique_ptr<SqliteStore>, Error> open(const std::string& path,
                                                                const SqliteOptions& options = {});
  /// Closes the database and lets go of the file's lock.
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;             ///< Not copyable.
  SqliteStore& operator=(const SqliteStore&) = delete;  ///< Not copyable.

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

  /// Keeps the text of the definitions it ran, for the command line.
  DefinitionArchive* definition_archive() noexcept override { return this; }
  using Store::definition_archive;
  tl::expected<void, Error> keep_definition(const StoredDefinition& definition) override;
  tl::expected<std::vector<StoredDefinition>, Error> definitions() const override;

  /// Keeps the files and photos answered on checklists in a folder beside the database,
  /// `<path>.files` (a DirectoryBlobStore), made when the first is kept; in memory for
  /// ":memory:". Back the folder up with the database: an answer names its content by hash.
  BlobStore* blob_store() noexcept override;
  using Store::blob_store;

  /// The schema version this ablauf writes: open() migrates a database to it (read-only, it
  /// requires it).
  static constexpr int schema_version = 7;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ablauf
