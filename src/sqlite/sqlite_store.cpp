#include "ablauf/sqlite_store.hpp"

#include "ablauf/history.hpp"
#include "failure.hpp"
#include "sqlite/sqlite.hpp"
#include "store_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace ablauf {
namespace json = boost::json;
using detail::error;
namespace {

// Each entry moves the schema one version on; entries are only ever added.
constexpr const char* migrations[] = {
    // 1: instances with their summary, their events, and the definitions tools keep.
    R"sql(
    CREATE TABLE instances (
      id            TEXT PRIMARY KEY,
      last_sequence INTEGER NOT NULL,
      workflow      TEXT NOT NULL,
      version       INTEGER NOT NULL,
      business_key  TEXT,
      status        TEXT NOT NULL,
      next_due      INTEGER              -- ms since 1970, the earliest timer
    );
    CREATE UNIQUE INDEX instances_by_key ON instances (workflow, business_key)
      WHERE business_key IS NOT NULL;
    CREATE INDEX instances_by_due ON instances (next_due) WHERE next_due IS NOT NULL;
    CREATE TABLE events (
      instance TEXT NOT NULL,
      sequence INTEGER NOT NULL,
      event    TEXT NOT NULL,            -- the JSON of ablauf::to_json(Event)
      PRIMARY KEY (instance, sequence)
    ) WITHOUT ROWID;
    CREATE TABLE definitions (
      workflow TEXT NOT NULL,
      version  INTEGER NOT NULL,
      source   TEXT NOT NULL,
      PRIMARY KEY (workflow, version)
    );
    )sql",
    // 2: snapshots, so that a long history loads from its latest state.
    R"sql(
    CREATE TABLE snapshots (
      instance TEXT PRIMARY KEY,
      sequence INTEGER NOT NULL,       -- the last event the state includes
      state    TEXT NOT NULL           -- the JSON of ablauf::to_json(InstanceState)
    ) WITHOUT ROWID;
    )sql",
    // 3: the records and the mail of the built-in steps, committed with their outcomes.
    R"sql(
    CREATE TABLE records (
      collection TEXT NOT NULL,
      key        TEXT NOT NULL,
      record     TEXT NOT NULL,          -- a JSON object
      PRIMARY KEY (collection, key)
    ) WITHOUT ROWID;
    CREATE TABLE outbox (
      id         INTEGER PRIMARY KEY AUTOINCREMENT,
      instance   TEXT NOT NULL,
      mail       TEXT NOT NULL,          -- to, cc, bcc, reply_to, subject, body, html, key
      message_id TEXT                    -- set once handed to the Mailer
    );
    CREATE INDEX outbox_unsent ON outbox (id) WHERE message_id IS NULL;
    )sql",
    // 4: each event's link in its instance's hash chain (history.hpp). The events stored
    // before are chained as the migration runs (see chain_events).
    R"sql(
    ALTER TABLE events ADD COLUMN hash TEXT;  -- event_hash() of the event and the one before
    )sql",
    // 5: the idempotency keys of the calls that changed instances (RequestKey).
    R"sql(
    CREATE TABLE requests (
      key         TEXT PRIMARY KEY,
      instance    TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      time        INTEGER NOT NULL       -- ms since 1970
    ) WITHOUT ROWID;
    CREATE INDEX requests_by_time ON requests (time);
    )sql",
    // 6: the counters of document numbers (Store::next_number).
    R"sql(
    CREATE TABLE sequences (
      name TEXT PRIMARY KEY,
      last INTEGER NOT NULL              -- the last number given out
    ) WITHOUT ROWID;
    )sql",
    // 7: where each schedule stands (Store::schedule_mark).
    R"sql(
    CREATE TABLE schedules (
      workflow   TEXT NOT NULL,
      schedule   TEXT NOT NULL,
      occurrence INTEGER NOT NULL,       -- ms since 1970, the last occurrence dealt with
      instance   TEXT NOT NULL,          -- the instance it started last, or ''
      PRIMARY KEY (workflow, schedule)
    ) WITHOUT ROWID;
    )sql",
};
static_assert(std::size(migrations) == SqliteStore::schema_version);
// The migration that adds events.hash: after it, the events already stored get their hashes.
constexpr int chained_version = 4;

// Holds an exclusive flock() on the database file for as long as the store is open. SQLite's
// own locks are per transaction; this one says "this process runs these instances".
class FileLock {
 public:
  FileLock() = default;
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileLock& operator=(FileLock&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }

 private:
  int fd_ = -1;
};

tl::expected<FileLock, Error> lock_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return error(ErrorCode::io_error, "cannot open '" + path + "': " + std::strerror(errno));
  FileLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
    return error(ErrorCode::store_error,
                 "'" + path +
                     "' is in use by another process: a SQLite store serves one process at a "
                     "time (several processes share work through the PostgreSQL store)");
  return lock;
}

std::int64_t millis(Time time) {
  return time.time_since_epoch().count();
}

}  // namespace

struct SqliteStore::Impl {
  std::string path;
  // Files answered on checklists: a folder beside the database, or memory beside ":memory:".
  std::unique_ptr<BlobStore> files;
  FileLock lock;  // released after the connection is closed (members die in reverse order)
  sqlite::Connection db;
  mutable std::mutex mutex;
  // Prepared once, reset and reused.
  mutable sqlite::Statement last_sequence, insert_instance, update_instance, insert_event,
      select_events, select_instances, select_by_key, select_due, select_unfinished,
      insert_definition, select_definitions, upsert_snapshot, select_snapshot, select_record,
      select_records, insert_record, replace_record, insert_mail, select_outbox, select_unsent,
      update_sent, select_hash, insert_request, select_request, delete_requests, next_in_sequence,
      select_schedule, insert_schedule, update_schedule;

  tl::unexpected<Error> failed(const sqlite::Failure& failure) const {
    return error(ErrorCode::store_error, "SQLite (" + path + "): " + failure.message);
  }

  // Appends waiting for the writer (see append).
  struct Pending {
    std::string_view instance;
    std::uint64_t expected_last;
    const Commit* commit;
    tl::expected<void, Error> result;
    bool done;
  };
  std::mutex queue_mutex;
  std::condition_variable appended;  // a batch was written
  std::condition_variable queued;    // an append joined the queue
  std::vector<Pending*> queue;
  bool writing = false;
  void write_batch(const std::vector<Pending*>& batch);
  // One append, inside the writer's transaction.
  tl::expected<void, Error> write(std::string_view instance, std::uint64_t expected_last,
                                  const Commit& commit);

  tl::expected<void, Error> migrate();
  // Gives every event its hash, one instance at a time, for a database from before hashes.
  tl::expected<void, Error> chain_events();
  tl::expected<std::optional<json::object>, Error> read_record(std::string_view collection,
                                                               std::string_view key) const;
  // The schema version the database records; an error for one this ablauf cannot work on.
  tl::expected<std::int64_t, Error> recorded_version();
  // For a reader, which changes nothing: the schema must be the one this ablauf knows.
  tl::expected<void, Error> check_version();
  tl::expected<void, Error> prepare();
  template <class Bind>
  tl::expected<std::vector<std::string>, Error> ids(sqlite::Statement& statement,
                                                    Bind&& bind) const;
};

tl::expected<void, Error> SqliteStore::Impl::migrate() {
  if (auto ok = db.execute("CREATE TABLE IF NOT EXISTS ablauf_schema (version INTEGER NOT NULL)");
      !ok)
    return failed(ok.error());
  auto transaction = sqlite::Transaction::begin(db);
  if (!transaction) return failed(transaction.error());
  auto version = recorded_version();
  if (!version) return tl::make_unexpected(std::move(version.error()));
  for (auto next = *version; next < schema_version; ++next) {
    if (auto ok = db.execute(migrations[next]); !ok) return failed(ok.error());
    auto record = db.prepare("INSERT INTO ablauf_schema (version) VALUES (?)");
    if (!record) return failed(record.error());
    if (auto ok = record->bind(1, next + 1).run(); !ok) return failed(ok.error());
    if (next + 1 == chained_version)
      if (auto ok = chain_events(); !ok) return ok;
  }
  if (auto ok = transaction->commit(); !ok) return failed(ok.error());
  return {};
}

tl::expected<void, Error> SqliteStore::Impl::chain_events() {
  auto instances = db.prepare("SELECT DISTINCT instance FROM events ORDER BY instance");
  if (!instances) return failed(instances.error());
  std::vector<std::string> ids;
  for (;;) {
    auto row = instances->step();
    if (!row) return failed(row.error());
    if (!*row) break;
    ids.emplace_back(instances->text(0));
  }
  *instances = {};
  auto events =
      db.prepare("SELECT sequence, event FROM events WHERE instance = ? ORDER BY sequence");
  if (!events) return failed(events.error());
  auto update = db.prepare("UPDATE events SET hash = ? WHERE instance = ? AND sequence = ?");
  if (!update) return failed(update.error());
  for (const auto& id : ids) {
    std::vector<std::pair<std::int64_t, std::string>> hashes;
    std::string previous = history_origin(id);
    events->reset();
    events->bind(1, id);
    for (;;) {
      auto row = events->step();
      if (!row) return failed(row.error());
      if (!*row) break;
      boost::system::error_code parse_error;
      const auto value = json::parse(events->text(1), parse_error);
      auto event =
          parse_error ? tl::expected<Event, Error>(tl::unexpect, Error{}) : event_from_json(value);
      // An event that cannot be read keeps no hash, nor do those after it: verifying the
      // instance names it.
      if (!event) break;
      previous = event_hash(previous, *event);
      hashes.emplace_back(events->integer(0), previous);
    }
    events->reset();
    for (const auto& [sequence, hash] : hashes) {
      update->reset();
      if (auto ok = update->bind(1, hash).bind(2, id).bind(3, sequence).run(); !ok)
        return failed(ok.error());
    }
  }
  return {};
}

tl::expected<std::int64_t, Error> SqliteStore::Impl::recorded_version() {
  // Migrations record the versions 1, 2, … in turn. A row that is not one of them (negative,
  // zero, not a whole number) was not written by ablauf, and a version past this build's is a
  // newer ablauf's: neither may pick the migration to run next.
  auto current = db.prepare(
      "SELECT coalesce(max(version), 0), "
      "coalesce(sum(typeof(version) <> 'integer' OR version < 1), 0), "
      "(SELECT quote(version) FROM ablauf_schema "
      " WHERE typeof(version) <> 'integer' OR version < 1 LIMIT 1) FROM ablauf_schema");
  if (!current) return failed(current.error());
  auto row = current->step();
  if (!row) return failed(row.error());
  const auto version = current->integer(0);
  if (current->integer(1) > 0)
    return error(ErrorCode::store_error,
                 "'" + path + "' is corrupt: its ablauf_schema table holds the version " +
                     std::string(current->text(2)) +
                     ", which no ablauf writes (schema versions count from 1)");
  if (version > schema_version)
    return error(ErrorCode::store_error, "'" + path + "' has schema version " +
                                             std::to_string(version) + ", written by a newer " +
                                             "ablauf; this one knows up to version " +
                                             std::to_string(schema_version));
  return version;
}

tl::expected<void, Error> SqliteStore::Impl::check_version() {
  auto version = recorded_version();
  if (!version) return tl::make_unexpected(std::move(version.error()));
  if (*version != schema_version)
    return error(ErrorCode::store_error, "'" + path + "' has schema version " +
                                             std::to_string(*version) + "; this ablauf reads " +
                                             std::to_string(schema_version) +
                                             " (open it once for writing to bring it up to date)");
  return {};
}

tl::expected<void, Error> SqliteStore::Impl::prepare() {
  const std::pair<sqlite::Statement*, const char*> statements[] = {
      {&last_sequence, "SELECT last_sequence FROM instances WHERE id = ?"},
      {&insert_instance,
       "INSERT INTO instances (id, last_sequence, workflow, version, business_key, status, "
       "next_due) VALUES (?, ?, ?, ?, ?, ?, ?)"},
      {&update_instance,
       "UPDATE instances SET last_sequence = ?, status = ?, next_due = ? WHERE id = ?"},
      {&insert_event, "INSERT INTO events (instance, sequence, event, hash) VALUES (?, ?, ?, ?)"},
      {&select_events,
       "SELECT event, hash FROM events WHERE instance = ? AND sequence > ? ORDER BY sequence"},
      {&select_hash, "SELECT hash FROM events WHERE instance = ? AND sequence = ?"},
      {&select_instances, "SELECT id FROM instances ORDER BY rowid"},
      {&select_by_key, "SELECT id FROM instances WHERE workflow = ? AND business_key = ?"},
      {&select_due, "SELECT id FROM instances WHERE next_due <= ? ORDER BY next_due"},
      {&select_unfinished,
       "SELECT id FROM instances WHERE status IN ('running', 'waiting') ORDER BY rowid"},
      {&insert_definition,
       "INSERT OR IGNORE INTO definitions (workflow, version, source) VALUES (?, ?, ?)"},
      {&upsert_snapshot,
       "INSERT OR REPLACE INTO snapshots (instance, sequence, state) VALUES (?, ?, ?)"},
      {&select_snapshot, "SELECT sequence, state FROM snapshots WHERE instance = ?"},
      {&select_record, "SELECT record FROM records WHERE collection = ? AND key = ?"},
      {&select_records, "SELECT key, record FROM records WHERE collection = ? ORDER BY key"},
      {&insert_record, "INSERT INTO records (collection, key, record) VALUES (?, ?, ?)"},
      {&replace_record,
       "INSERT OR REPLACE INTO records (collection, key, record) VALUES (?, ?, ?)"},
      {&insert_mail, "INSERT INTO outbox (instance, mail) VALUES (?, ?)"},
      {&select_outbox, "SELECT id, instance, mail, message_id FROM outbox ORDER BY id"},
      {&select_unsent,
       "SELECT id, instance, mail, message_id FROM outbox WHERE message_id IS NULL ORDER BY id"},
      {&update_sent, "UPDATE outbox SET message_id = ? WHERE id = ?"},
      {&insert_request,
       "INSERT INTO requests (key, instance, fingerprint, time) VALUES (?, ?, ?, ?)"},
      {&select_request, "SELECT instance, fingerprint, time FROM requests WHERE key = ?"},
      {&delete_requests, "DELETE FROM requests WHERE time < ?"},
      {&next_in_sequence,
       "INSERT INTO sequences (name, last) VALUES (?, 1) "
       "ON CONFLICT (name) DO UPDATE SET last = last + 1 RETURNING last"},
      {&select_definitions,
       "SELECT workflow, version, source FROM definitions ORDER BY workflow, version"},
      {&select_schedule,
       "SELECT occurrence, instance FROM schedules WHERE workflow = ? AND schedule = ?"},
      {&insert_schedule,
       "INSERT INTO schedules (workflow, schedule, occurrence, instance) VALUES (?, ?, ?, ?) "
       "ON CONFLICT DO NOTHING"},
      {&update_schedule,
       "UPDATE schedules SET occurrence = ?, instance = ? "
       "WHERE workflow = ? AND schedule = ? AND occurrence = ?"},
  };
  for (const auto& [statement, sql] : statements) {
    auto prepared = db.prepare(sql);
    if (!prepared) return failed(prepared.error());
    *statement = std::move(*prepared);
  }
  return {};
}

namespace {

// A reader opens the file for writing where it may, and refuses writes itself (query_only): a
// connection that can write checkpoints the write-ahead log and removes it and its -shm file
// when it is the last to close, where a read-only one would leave both behind beside the
// database (and create them if they were not there). A file it may not write is read as such.
sqlite::Result<sqlite::Connection> open_for_reading(const std::string& path,
                                                    const std::string& vfs) {
  if (path != ":memory:")
    if (auto db = sqlite::Connection::open(path, sqlite::Access::write, vfs)) return db;
  return sqlite::Connection::open(path, sqlite::Access::read_only, vfs);
}

}  // namespace

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

BlobStore* SqliteStore::blob_store() noexcept {
  return impl_->files.get();
}

tl::expected<std::unique_ptr<SqliteStore>, Error> SqliteStore::open(const std::string& path,
                                                                    const SqliteOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  if (path == ":memory:")
    impl->files = std::make_unique<MemoryBlobStore>();
  else
    impl->files = std::make_unique<DirectoryBlobStore>(path + ".files");
  if (path != ":memory:" && !options.read_only) {
    auto lock = lock_file(path);
    if (!lock) return tl::make_unexpected(std::move(lock.error()));
    impl->lock = std::move(*lock);
  }
  auto db = options.read_only ? open_for_reading(path, options.vfs)
                              : sqlite::Connection::open(path, sqlite::Access::create, options.vfs);
  if (!db) return impl->failed(db.error());
  impl->db = std::move(*db);
  const std::string pragmas =
      std::string(options.read_only ? "PRAGMA query_only = ON; " : "PRAGMA journal_mode = WAL; ") +
      "PRAGMA synchronous = " +
      (options.synchronous == SqliteOptions::Synchronous::full ? "FULL" : "NORMAL") +
      "; PRAGMA busy_timeout = " + std::to_string(options.busy_timeout.count()) + ";";
  if (auto ok = impl->db.execute(pragmas.c_str()); !ok) return impl->failed(ok.error());
  if (options.read_only) {
    if (auto ok = impl->check_version(); !ok) return tl::make_unexpected(std::move(ok.error()));
  } else if (auto ok = impl->migrate(); !ok) {
    return tl::make_unexpected(std::move(ok.error()));
  }
  if (auto ok = impl->prepare(); !ok) return tl::make_unexpected(std::move(ok.error()));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

tl::expected<void, Error> SqliteStore::append(std::string_view instance,
                                              std::uint64_t expected_last, Commit commit) {
  // Group commit: whoever finds no writer at work writes every append queued until the queue
  // is empty, many in one transaction; the others wait for their result. Under load, one
  // fsync serves many step outcomes.
  auto& s = *impl_;
  Impl::Pending mine{instance, expected_last, &commit, {}, false};
  std::unique_lock lock(s.queue_mutex);
  s.queue.push_back(&mine);
  if (s.writing) s.queued.notify_one();
  s.appended.wait(lock, [&] { return mine.done || !s.writing; });
  if (mine.done) return std::move(mine.result);
  s.writing = true;
  std::size_t others = 0;  // appends of other threads in the batch written before
  while (!s.queue.empty()) {
    // Those threads are on their way back with their next appends; a moment's wait lets one
    // fsync serve them all again, rather than a few now and the rest after. Alone, a thread
    // never waits.
    if (s.queue.size() < others)
      s.queued.wait_for(lock, std::chrono::microseconds(200),
                        [&] { return s.queue.size() >= others; });
    std::vector<Impl::Pending*> batch;
    batch.swap(s.queue);
    lock.unlock();
    s.write_batch(batch);
    others = batch.size() - static_cast<std::size_t>(std::count(batch.begin(), batch.end(), &mine));
    lock.lock();
    for (auto* pending : batch) pending->done = true;
    s.appended.notify_all();
  }
  s.writing = false;
  return std::move(mine.result);
}

void SqliteStore::Impl::write_batch(const std::vector<Pending*>& batch) {
  std::lock_guard connection(mutex);
  const auto fail_all = [&](const Error& problem) {
    for (auto* pending : batch) pending->result = tl::make_unexpected(problem);
  };
  auto transaction = sqlite::Transaction::begin(db);
  if (!transaction) return fail_all(failed(transaction.error()).value());
  // Each append in a savepoint of its own: one that is refused leaves the others.
  for (auto* pending : batch) {
    if (auto ok = db.run_kept("SAVEPOINT one_append"); !ok)
      return fail_all(failed(ok.error()).value());
    pending->result = write(pending->instance, pending->expected_last, *pending->commit);
    if (!pending->result) (void)db.run_kept("ROLLBACK TO one_append");
    (void)db.run_kept("RELEASE one_append");
  }
  if (auto ok = transaction->commit(); !ok) {
    const auto problem = failed(ok.error()).value();
    for (auto* pending : batch)
      if (pending->result) pending->result = tl::make_unexpected(problem);
  }
}

tl::expected<void, Error> SqliteStore::Impl::write(std::string_view instance,
                                                   std::uint64_t expected_last,
                                                   const Commit& commit) {
  const auto& [events, summary, snapshot, records, mails, fence, request] = commit;
  auto& s = *this;
  s.last_sequence.reset();
  auto found = s.last_sequence.bind(1, instance).step();
  if (!found) return s.failed(found.error());
  const std::uint64_t last = *found ? static_cast<std::uint64_t>(s.last_sequence.integer(0)) : 0;
  s.last_sequence.reset();
  if (last != expected_last)
    return error(ErrorCode::sequence_conflict,
                 "instance '" + std::string(instance) + "' is at event " + std::to_string(last) +
                     ", not " + std::to_string(expected_last) + "; load it again and retry");
  if (events.empty()) return {};

  const auto new_last = static_cast<std::int64_t>(expected_last + events.size());
  const auto status = to_string(summary.status);
  auto& write = *found ? s.update_instance : s.insert_instance;
  write.reset();
  if (*found) {
    write.bind(1, new_last).bind(2, status).bind(4, instance);
    if (summary.next_due) write.bind(3, millis(*summary.next_due));
  } else {
    write.bind(1, instance).bind(2, new_last).bind(3, summary.workflow);
    write.bind(4, static_cast<std::int64_t>(summary.version)).bind(6, status);
    if (!summary.business_key.empty()) write.bind(5, summary.business_key);
    if (summary.next_due) write.bind(7, millis(*summary.next_due));
  }
  if (auto ok = write.run(); !ok) {
    if (ok.error().code == SQLITE_CONSTRAINT_UNIQUE)
      return error(ErrorCode::duplicate_key, "an instance of workflow '" + summary.workflow +
                                                 "' has the business key '" + summary.business_key +
                                                 "'");
    return s.failed(ok.error());
  }
  std::string previous;
  if (expected_last == 0) {
    previous = history_origin(instance);
  } else {
    s.select_hash.reset();
    auto row =
        s.select_hash.bind(1, instance).bind(2, static_cast<std::int64_t>(expected_last)).step();
    if (!row) return s.failed(row.error());
    if (*row && !s.select_hash.is_null(0)) previous = s.select_hash.text(0);
    s.select_hash.reset();
  }
  auto sequence = static_cast<std::int64_t>(expected_last);
  for (const auto& event : events) {
    Event stored = event;
    stored.sequence = static_cast<std::uint64_t>(++sequence);
    auto text = json::serialize(to_json(stored));
    previous = detail::stored_event_hash(previous, stored, text);
    s.insert_event.reset();
    s.insert_event.bind(1, instance).bind(2, sequence).bind(3, text).bind(4, previous);
    if (auto ok = s.insert_event.run(); !ok) return s.failed(ok.error());
  }
  if (snapshot) {
    s.upsert_snapshot.reset();
    s.upsert_snapshot.bind(1, instance).bind(2, sequence).bind(3, json::serialize(*snapshot));
    if (auto ok = s.upsert_snapshot.run(); !ok) return s.failed(ok.error());
  }
  for (const auto& written : records) {
    json::object record;
    if (written.merge) {
      auto existing = s.read_record(written.collection, written.key);
      if (!existing) return tl::make_unexpected(std::move(existing.error()));
      if (*existing) record = std::move(**existing);
    }
    for (const auto& [name, value] : written.fields) record[name] = value;
    // A new record under a key that another instance took meanwhile fails the commit: the step
    // runs again after a restart, and then finds the record there.
    auto& statement = written.merge ? s.replace_record : s.insert_record;
    statement.reset();
    statement.bind(1, written.collection).bind(2, written.key).bind(3, json::serialize(record));
    if (auto ok = statement.run(); !ok) {
      if (ok.error().code == SQLITE_CONSTRAINT_PRIMARYKEY ||
          ok.error().code == SQLITE_CONSTRAINT_UNIQUE)
        return error(ErrorCode::duplicate_key, "collection '" + written.collection +
                                                   "' has a record '" + written.key + "' already");
      return s.failed(ok.error());
    }
  }
  for (const auto& mail : mails) {
    s.insert_mail.reset();
    s.insert_mail.bind(1, instance).bind(2, detail::mail_to_text(mail));
    if (auto ok = s.insert_mail.run(); !ok) return s.failed(ok.error());
  }
  if (request) {
    s.insert_request.reset();
    s.insert_request.bind(1, request->key).bind(2, instance).bind(3, request->fingerprint);
    s.insert_request.bind(4, millis(request->time));
    if (auto ok = s.insert_request.run(); !ok) {
      if (ok.error().code == SQLITE_CONSTRAINT_PRIMARYKEY ||
          ok.error().code == SQLITE_CONSTRAINT_UNIQUE)
        return detail::duplicate_request(request->key);
      return s.failed(ok.error());
    }
  }
  return {};
}

tl::expected<std::optional<RequestRecord>, Error> SqliteStore::find_request(
    std::string_view key) const {
  auto& s = *impl_;
  std::lock_guard connection(s.mutex);
  s.select_request.reset();
  auto row = s.select_request.bind(1, key).step();
  if (!row) return s.failed(row.error());
  std::optional<RequestRecord> found;
  if (*row)
    found =
        RequestRecord{std::string(s.select_request.text(0)), std::string(s.select_request.text(1)),
                      Time(std::chrono::milliseconds(s.select_request.integer(2)))};
  s.select_request.reset();
  return found;
}

tl::expected<std::size_t, Error> SqliteStore::forget_requests(Time before) {
  auto& s = *impl_;
  std::lock_guard connection(s.mutex);
  s.delete_requests.reset();
  s.delete_requests.bind(1, millis(before));
  if (auto ok = s.delete_requests.run(); !ok) return s.failed(ok.error());
  return static_cast<std::size_t>(s.db.changes());
}

tl::expected<std::uint64_t, Error> SqliteStore::next_number(std::string_view name) {
  auto& s = *impl_;
  std::lock_guard connection(s.mutex);
  s.next_in_sequence.reset();
  auto row = s.next_in_sequence.bind(1, name).step();
  if (!row) return s.failed(row.error());
  if (!*row)
    return error(ErrorCode::store_error, "SQLite (" + s.path + "): the sequence '" +
                                             std::string(name) + "' gave no number");
  const auto last = s.next_in_sequence.integer(0);
  // Stepped to its end, the statement's own transaction commits: the number is durable.
  if (auto done = s.next_in_sequence.step(); !done) return s.failed(done.error());
  s.next_in_sequence.reset();
  return static_cast<std::uint64_t>(last);
}

tl::expected<std::optional<ScheduleMark>, Error> SqliteStore::schedule_mark(
    std::string_view workflow, std::string_view schedule) const {
  auto& s = *impl_;
  std::lock_guard connection(s.mutex);
  s.select_schedule.reset();
  auto row = s.select_schedule.bind(1, workflow).bind(2, schedule).step();
  if (!row) return s.failed(row.error());
  if (!*row) return std::nullopt;
  ScheduleMark mark{Time(std::chrono::milliseconds(s.select_schedule.integer(0))),
                    std::string(s.select_schedule.text(1))};
  s.select_schedule.reset();
  return mark;
}

tl::expected<bool, Error> SqliteStore::move_schedule_mark(std::string_view workflow,
                                                          std::string_view schedule,
                                                          std::optional<Time> expected,
                                                          const ScheduleMark& mark) {
  auto& s = *impl_;
  std::lock_guard connection(s.mutex);
  const auto at = mark.occurrence.time_since_epoch().count();
  auto& statement = expected ? s.update_schedule : s.insert_schedule;
  statement.reset();
  if (expected)
    statement.bind(1, at)
        .bind(2, mark.instance)
        .bind(3, workflow)
        .bind(4, schedule)
        .bind(5, std::int64_t{expected->time_since_epoch().count()});
  else
    statement.bind(1, workflow).bind(2, schedule).bind(3, at).bind(4, mark.instance);
  auto done = statement.step();
  statement.reset();
  if (!done) return s.failed(done.error());
  return s.db.changes() == 1;
}

tl::expected<std::optional<json::object>, Error> SqliteStore::Impl::read_record(
    std::string_view collection, std::string_view key) const {
  select_record.reset();
  auto row = select_record.bind(1, collection).bind(2, key).step();
  if (!row) return failed(row.error());
  if (!*row) return std::optional<json::object>();
  auto record = detail::object_from_text(
      select_record.text(0),
      "record '" + std::string(key) + "' in '" + std::string(collection) + "' of '" + path + "'");
  select_record.reset();
  if (!record) return tl::make_unexpected(std::move(record.error()));
  return std::optional<json::object>(std::move(*record));
}

tl::expected<std::optional<json::object>, Error> SqliteStore::find_record(
    std::string_view collection, std::string_view key) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->read_record(collection, key);
}

tl::expected<std::vector<StoredRecord>, Error> SqliteStore::records(
    std::string_view collection) const {
  auto& s = *impl_;
  std::lock_guard lock(s.mutex);
  s.select_records.reset();
  s.select_records.bind(1, collection);
  std::vector<StoredRecord> out;
  for (;;) {
    auto row = s.select_records.step();
    if (!row) return s.failed(row.error());
    if (!*row) break;
    std::string key(s.select_records.text(0));
    auto record = detail::object_from_text(
        s.select_records.text(1),
        "record '" + key + "' in '" + std::string(collection) + "' of '" + s.path + "'");
    if (!record) return tl::make_unexpected(std::move(record.error()));
    out.push_back({std::move(key), std::move(*record)});
  }
  s.select_records.reset();
  return out;
}

tl::expected<std::vector<OutboxMail>, Error> SqliteStore::outbox(bool unsent_only) const {
  auto& s = *impl_;
  std::lock_guard lock(s.mutex);
  auto& statement = unsent_only ? s.select_unsent : s.select_outbox;
  statement.reset();
  std::vector<OutboxMail> out;
  for (;;) {
    auto row = statement.step();
    if (!row) return s.failed(row.error());
    if (!*row) break;
    auto mail = detail::mail_from_text(statement.text(2));
    if (!mail)
      return error(ErrorCode::invalid_event, "mail " + std::to_string(statement.integer(0)) +
                                                 " in the outbox of '" + s.path +
                                                 "' is not a mail");
    OutboxMail entry{statement.integer(0), std::string(statement.text(1)), std::move(*mail), {}};
    if (!statement.is_null(3)) entry.message_id = std::string(statement.text(3));
    out.push_back(std::move(entry));
  }
  statement.reset();
  return out;
}

tl::expected<void, Error> SqliteStore::mark_sent(std::int64_t mail, std::string_view message_id) {
  auto& s = *impl_;
  std::lock_guard lock(s.mutex);
  s.update_sent.reset();
  s.update_sent.bind(1, message_id).bind(2, mail);
  if (auto ok = s.update_sent.run(); !ok) return s.failed(ok.error());
  return {};
}

tl::expected<std::vector<Event>, Error> SqliteStore::load(std::string_view instance,
                                                          std::uint64_t after) const {
  auto& s = *impl_;
  std::lock_guard lock(s.mutex);
  std::vector<Event> events;
  s.select_events.reset();
  s.select_events.bind(1, instance).bind(2, static_cast<std::int64_t>(after));
  for (;;) {
    auto row = s.select_events.step();
    if (!row) return s.failed(row.error());
    if (!*row) break;
    boost::system::error_code parse_error;
    const auto value = json::parse(s.select_events.text(0), parse_error);
    auto event = parse_error ? tl::expected<Event, Error>(
                                   tl::unexpect,
                                   Error{ErrorCode::invalid_event, parse_error.message(), {}, {}})
                             : event_from_json(value);
    if (!event) {
      auto problem = std::move(event.error());
      problem.message = "instance '" + std::string(instance) + "', event " +
                        std::to_string(after + events.size() + 1) + " in '" + s.path +
                        "': " + problem.message;
      return tl::make_unexpected(std::move(problem));
    }
    if (!s.select_events.is_null(1)) event->hash = s.select_events.text(1);
    events.push_back(std::move(*event));
  }
  s.select_events.reset();
  if (events.empty()) {
    s.last_sequence.reset();
    auto found = s.last_sequence.bind(1, instance).step();
    s.last_sequence.reset();
    if (!found) return s.failed(found.error());
    if (!*found)
      return error(ErrorCode::not_found, "there is no instance '" + std::string(instance) + "'");
  }
  return events;
}

tl::expected<std::optional<Snapshot>, Error> SqliteStore::load_snapshot(
    std::string_view instance) const {
  auto& s = *impl_;
  std::lock_guard lock(s.mutex);
  s.select_snapshot.reset();
  auto row = s.select_snapshot.bind(1, instance).step();
  if (!row) return s.failed(row.error());
  if (!*row) return std::optional<Snapshot>();
  boost::system::error_code parse_error;
  auto state = json::parse(s.select_snapshot.text(1), parse_error);
  const auto sequence = static_cast<std::uint64_t>(s.select_snapshot.integer(0));
  s.select_snapshot.reset();
  if (parse_error)
    return error(ErrorCode::invalid_event, "the snapshot of instance '" + std::string(instance) +
                                               "' in '" + s.path +
                                               "' is not JSON: " + parse_error.message());
  return Snapshot{sequence, std::move(state)};
}

template <class Bind>
tl::expected<std::vector<std::string>, Error> SqliteStore::Impl::ids(sqlite::Statement& statement,
                                                                     Bind&& bind) const {
  std::vector<std::string> out;
  statement.reset();
  bind(statement);
  for (;;) {
    auto row = statement.step();
    if (!row) return failed(row.error());
    if (!*row) break;
    out.emplace_back(statement.text(0));
  }
  statement.reset();
  return out;
}

tl::expected<std::vector<std::string>, Error> SqliteStore::instance_ids() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->ids(impl_->select_instances, [](auto&) {});
}

tl::expected<std::optional<std::string>, Error> SqliteStore::find_by_key(
    std::string_view workflow, std::string_view business_key) const {
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->ids(impl_->select_by_key, [&](sqlite::Statement& statement) {
    statement.bind(1, workflow).bind(2, business_key);
  });
  if (!found) return tl::make_unexpected(std::move(found.error()));
  if (found->empty()) return std::optional<std::string>();
  return std::move(found->front());
}

tl::expected<std::vector<std::string>, Error> SqliteStore::due(Time now) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->ids(impl_->select_due,
                    [&](sqlite::Statement& statement) { statement.bind(1, millis(now)); });
}

tl::expected<std::vector<std::string>, Error> SqliteStore::unfinished() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->ids(impl_->select_unfinished, [](auto&) {});
}

tl::expected<void, Error> SqliteStore::keep_definition(const StoredDefinition& definition) {
  auto& s = *impl_;
  std::lock_guard lock(s.mutex);
  s.insert_definition.reset();
  s.insert_definition.bind(1, definition.workflow)
      .bind(2, static_cast<std::int64_t>(definition.version))
      .bind(3, definition.source);
  if (auto ok = s.insert_definition.run(); !ok) return s.failed(ok.error());
  return {};
}

tl::expected<std::vector<StoredDefinition>, Error> SqliteStore::definitions() const {
  auto& s = *impl_;
  std::lock_guard lock(s.mutex);
  std::vector<StoredDefinition> out;
  s.select_definitions.reset();
  for (;;) {
    auto row = s.select_definitions.step();
    if (!row) return s.failed(row.error());
    if (!*row) break;
    out.push_back({std::string(s.select_definitions.text(0)),
                   static_cast<std::uint32_t>(s.select_definitions.integer(1)),
                   std::string(s.select_definitions.text(2))});
  }
  s.select_definitions.reset();
  return out;
}

}  // namespace ablauf
