#include "ablauf/postgres_store.hpp"

#include "ablauf/history.hpp"
#include "failure.hpp"
#include "postgres/listener.hpp"
#include "postgres/pool.hpp"
#include "postgres/postgres_files.hpp"
#include "store_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace ablauf {
namespace json = boost::json;
using detail::error;
namespace {

// Each entry moves the schema one version on; entries are only ever added. JSON is kept as
// `json` (the text as written, checked by the server), not `jsonb`: it keeps every string a
// step may hold, and reading it back gives the same document.
constexpr const char* migrations[] = {
    // 1: instances with their summary and lease, their events, snapshots, the records and mail
    // of built-in steps, and the definitions tools keep.
    R"sql(
    CREATE TABLE ablauf_instances (
      id            text PRIMARY KEY,
      created       bigserial,           -- the order instances were started in
      last_sequence bigint NOT NULL,
      workflow      text NOT NULL,
      version       integer NOT NULL,
      business_key  text,
      status        text NOT NULL,
      next_due      bigint,              -- ms since 1970, the earliest timer
      owner         text,                -- the worker holding the lease, if any
      lease_until   bigint,              -- ms since 1970
      fence         bigint NOT NULL DEFAULT 0,  -- grows with every claim
      awaiting      text[]               -- sub-workflows its call steps wait for
    );
    CREATE UNIQUE INDEX ablauf_instances_by_key ON ablauf_instances (workflow, business_key)
      WHERE business_key IS NOT NULL;
    CREATE INDEX ablauf_instances_by_due ON ablauf_instances (next_due)
      WHERE next_due IS NOT NULL;
    CREATE INDEX ablauf_instances_unfinished ON ablauf_instances (created)
      WHERE status IN ('running', 'waiting');
    CREATE INDEX ablauf_instances_runnable ON ablauf_instances (created)
      WHERE status = 'running';
    CREATE INDEX ablauf_instances_awaiting ON ablauf_instances (created)
      WHERE awaiting IS NOT NULL;
    CREATE TABLE ablauf_events (
      instance text NOT NULL,
      sequence bigint NOT NULL,
      event    json NOT NULL,            -- ablauf::to_json(Event)
      PRIMARY KEY (instance, sequence)
    );
    CREATE TABLE ablauf_snapshots (
      instance text PRIMARY KEY,
      sequence bigint NOT NULL,          -- the last event the state includes
      state    json NOT NULL             -- ablauf::to_json(InstanceState)
    );
    CREATE TABLE ablauf_records (
      collection text NOT NULL,
      key        text NOT NULL,
      record     json NOT NULL,
      PRIMARY KEY (collection, key)
    );
    CREATE TABLE ablauf_outbox (
      id         bigserial PRIMARY KEY,
      instance   text NOT NULL,
      mail       json NOT NULL,          -- to, cc, bcc, reply_to, subject, body, html, key
      message_id text,                   -- set once handed to the Mailer
      claimed_by    text,                -- the worker delivering it, until claimed_until
      claimed_until bigint               -- ms since 1970, by the server's clock
    );
    CREATE INDEX ablauf_outbox_unsent ON ablauf_outbox (id) WHERE message_id IS NULL;
    CREATE TABLE ablauf_definitions (
      workflow text NOT NULL,
      version  integer NOT NULL,
      source   text NOT NULL,
      PRIMARY KEY (workflow, version)
    );
    )sql",
    // 2: claims by index alone. A lease is 0 when free, and an instance whose sub-workflow
    // ended is due at once (next_due 0), set by the sub-workflow's last write, instead of being
    // searched for among every caller.
    R"sql(
    UPDATE ablauf_instances SET lease_until = 0 WHERE lease_until IS NULL;
    ALTER TABLE ablauf_instances ALTER COLUMN lease_until SET DEFAULT 0,
                                 ALTER COLUMN lease_until SET NOT NULL;
    DROP INDEX ablauf_instances_awaiting;
    UPDATE ablauf_instances p SET next_due = 0
      WHERE p.awaiting IS NOT NULL AND EXISTS (SELECT 1 FROM ablauf_instances c
        WHERE c.id = ANY(p.awaiting) AND c.status IN ('completed', 'failed', 'cancelled'));
    )sql",
    // 3: each event's link in its instance's hash chain (history.hpp). The events stored
    // before are chained as the migration runs (see chain_events).
    R"sql(
    ALTER TABLE ablauf_events ADD COLUMN hash text;  -- event_hash() of it and the one before
    )sql",
    // 4: the idempotency keys of the calls that changed instances (RequestKey).
    R"sql(
    CREATE TABLE ablauf_requests (
      key         text PRIMARY KEY,
      instance    text NOT NULL,
      fingerprint text NOT NULL,
      time        bigint NOT NULL        -- ms since 1970
    );
    CREATE INDEX ablauf_requests_by_time ON ablauf_requests (time);
    )sql",
    // 5: the content of files and photos answered on checklists, under its SHA-256 (BlobStore).
    R"sql(
    CREATE TABLE ablauf_files (
      sha256  text PRIMARY KEY,
      content bytea NOT NULL,
      size    bigint NOT NULL,
      kept_at bigint NOT NULL        -- ms since 1970, by the server's clock
    );
    )sql",
    // 6: the counters of document numbers (Store::next_number).
    R"sql(
    CREATE TABLE ablauf_sequences (
      name text PRIMARY KEY,
      last bigint NOT NULL           -- the last number given out
    );
    )sql",
    // 7: where each schedule stands (Store::schedule_mark).
    R"sql(
    CREATE TABLE ablauf_schedules (
      workflow   text NOT NULL,
      schedule   text NOT NULL,
      occurrence bigint NOT NULL,    -- ms since 1970, the last occurrence dealt with
      instance   text NOT NULL,      -- the instance it started last, or ''
      PRIMARY KEY (workflow, schedule)
    );
    )sql",
};
static_assert(std::size(migrations) == PostgresStore::schema_version);
// The migration that adds ablauf_events.hash: after it, the events already stored get their
// hashes.
constexpr int chained_version = 3;

// Any number that fits in the key space of pg_advisory_xact_lock, the same for every ablauf.
constexpr const char* migration_lock = "SELECT pg_advisory_xact_lock(7235813849137)";

// Leases run by the server's clock, in ms since 1970, so that workers' clocks need not agree.
// The statement's start, not clock_timestamp(): a stable value may bound an index scan.
#define ABLAUF_PG_NOW "(extract(epoch FROM statement_timestamp()) * 1000)::bigint"
// A text[] from parameter N, a JSON array of strings (NULL stays NULL).
#define AWAITING(N)                             \
  "CASE WHEN $" #N                              \
  "::json IS NULL THEN NULL ELSE ARRAY(SELECT " \
  "json_array_elements_text($" #N "::json)) END"

tl::unexpected<Error> failed(const pq::Failure& failure) {
  return error(ErrorCode::store_error, "PostgreSQL: " + failure.message);
}

std::string number(std::int64_t value) {
  return std::to_string(value);
}

pq::Param millis(const std::optional<Time>& time) {
  if (!time) return std::nullopt;
  return number(time->time_since_epoch().count());
}

// Rows of (id, instance, mail, message_id) as outbox entries.
tl::expected<std::vector<OutboxMail>, Error> mails_of(const pq::Rows& rows) {
  std::vector<OutboxMail> out;
  for (int row = 0; row < rows.size(); ++row) {
    auto mail = detail::mail_from_text(rows.text(row, 2));
    if (!mail)
      return error(ErrorCode::invalid_event, "mail " + std::string(rows.text(row, 0)) +
                                                 " in the PostgreSQL outbox is not a mail");
    OutboxMail entry{rows.integer(row, 0), std::string(rows.text(row, 1)), std::move(*mail), {}};
    if (!rows.is_null(row, 3)) entry.message_id = std::string(rows.text(row, 3));
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

struct PostgresStore::Impl {
  explicit Impl(const std::string& conninfo, std::size_t connections)
      : pool(conninfo, connections), listener(conninfo), files(pool) {}
  mutable pq::Pool pool;
  pq::Listener listener;
  detail::PostgresFiles files;

  tl::expected<void, Error> migrate();
  // Gives every event its hash, one instance at a time, for a database from before hashes.
  static tl::expected<void, Error> chain_events(pq::Connection& db);
  tl::expected<void, Error> write(pq::Connection& db, std::string_view instance,
                                  std::uint64_t expected_last, const Commit& commit);
  tl::expected<void, Error> wake_callers(pq::Connection& db, const std::string& id,
                                         const InstanceSummary& summary);
  static tl::expected<void, Error> notify_workers(pq::Connection& db);
  tl::expected<std::optional<json::object>, Error> read_record(pq::Connection& db,
                                                               std::string_view collection,
                                                               std::string_view key,
                                                               bool for_update) const;
  tl::expected<std::vector<std::string>, Error> ids(const char* name, const char* sql,
                                                    const std::vector<pq::Param>& params) const;
};

tl::expected<void, Error> PostgresStore::Impl::migrate() {
  auto db = pool.acquire();
  if (!db) return failed(db.error());
  auto transaction = pq::Transaction::begin(**db);
  if (!transaction) return failed(transaction.error());
  // Several processes may open the store at once: one migrates, the others wait and find the
  // schema up to date.
  if (auto ok = (*db)->execute(migration_lock); !ok) return failed(ok.error());
  if (auto ok =
          (*db)->execute("CREATE TABLE IF NOT EXISTS ablauf_schema (version integer NOT NULL)");
      !ok)
    return failed(ok.error());
  // Migrations record the versions 1, 2, … in turn. One below 1 was not written by ablauf, and
  // one past this build's is a newer ablauf's: neither may pick the migration to run next.
  auto current = (*db)->execute(
      "SELECT coalesce(max(version), 0), min(version), current_database() FROM ablauf_schema");
  if (!current) return failed(current.error());
  const auto version = current->integer(0, 0);
  const std::string database = "the PostgreSQL database '" + std::string(current->text(0, 2)) + "'";
  if (!current->is_null(0, 1) && current->integer(0, 1) < 1)
    return error(ErrorCode::store_error,
                 database + " is corrupt: its ablauf_schema table holds the version " +
                     std::to_string(current->integer(0, 1)) +
                     ", which no ablauf writes (schema versions count from 1)");
  if (version > schema_version)
    return error(ErrorCode::store_error,
                 database + " has ablauf schema version " + std::to_string(version) +
                     ", written by a newer ablauf; this one knows up to version " +
                     std::to_string(schema_version));
  for (auto next = version; next < schema_version; ++next) {
    if (auto ok = (*db)->execute(migrations[next]); !ok) return failed(ok.error());
    if (auto ok = (*db)->run("record_schema", "INSERT INTO ablauf_schema (version) VALUES ($1)",
                             {number(next + 1)});
        !ok)
      return failed(ok.error());
    if (next + 1 == chained_version)
      if (auto ok = chain_events(**db); !ok) return ok;
  }
  if (auto ok = transaction->commit(); !ok) return failed(ok.error());
  return {};
}

tl::expected<void, Error> PostgresStore::Impl::chain_events(pq::Connection& db) {
  auto ids = db.execute("SELECT DISTINCT instance FROM ablauf_events ORDER BY instance");
  if (!ids) return failed(ids.error());
  for (int i = 0; i < ids->size(); ++i) {
    const std::string id(ids->text(i, 0));
    auto rows = db.run("chain_select",
                       "SELECT sequence, event FROM ablauf_events WHERE instance = $1 "
                       "ORDER BY sequence",
                       {id});
    if (!rows) return failed(rows.error());
    std::string previous = history_origin(id);
    std::string sequences = "{", hashes = "{";
    for (int row = 0; row < rows->size(); ++row) {
      boost::system::error_code parse_error;
      const auto value = json::parse(rows->text(row, 1), parse_error);
      auto event =
          parse_error ? tl::expected<Event, Error>(tl::unexpect, Error{}) : event_from_json(value);
      // An event that cannot be read keeps no hash, nor do those after it: verifying the
      // instance names it.
      if (!event) break;
      previous = event_hash(previous, *event);
      if (row > 0) sequences += ',', hashes += ',';
      sequences += rows->text(row, 0);
      hashes += previous;
    }
    if (auto ok = db.run("chain_update",
                         "UPDATE ablauf_events e SET hash = h.hash "
                         "FROM unnest($2::bigint[], $3::text[]) AS h(sequence, hash) "
                         "WHERE e.instance = $1 AND e.sequence = h.sequence",
                         {id, sequences + "}", hashes + "}"});
        !ok)
      return failed(ok.error());
  }
  return {};
}

PostgresStore::PostgresStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PostgresStore::~PostgresStore() = default;

tl::expected<std::unique_ptr<PostgresStore>, Error> PostgresStore::open(
    const std::string& conninfo, const PostgresOptions& options) {
  auto impl = std::make_unique<Impl>(conninfo, std::max<std::size_t>(options.connections, 1));
  if (auto ok = impl->migrate(); !ok) return tl::make_unexpected(std::move(ok.error()));
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(impl)));
}

tl::expected<void, Error> PostgresStore::append(std::string_view instance,
                                                std::uint64_t expected_last, Commit commit) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto transaction = pq::Transaction::begin(**db);
  if (!transaction) return failed(transaction.error());
  if (auto ok = impl_->write(**db, instance, expected_last, commit); !ok) return ok;
  if (auto ok = transaction->commit(); !ok) return failed(ok.error());
  return {};
}

// A call step's instance has work once its sub-workflow ended; claims find it as due at once
// (next_due 0) instead of searching every caller. The sub-workflow's last write says so to its
// caller, and a caller that starts to wait for a sub-workflow that already ended says so to
// itself. Both writes lock the caller's row (the first even where the caller does not wait for
// it yet), so whichever comes second sees what the other committed.
tl::expected<void, Error> PostgresStore::Impl::wake_callers(pq::Connection& db,
                                                            const std::string& id,
                                                            const InstanceSummary& summary) {
  const bool ended = summary.status == InstanceStatus::completed ||
                     summary.status == InstanceStatus::failed ||
                     summary.status == InstanceStatus::cancelled;
  if (ended && !summary.parent.empty()) {
    auto woken = db.run("wake_caller",
                        "UPDATE ablauf_instances "
                        "SET next_due = CASE WHEN $2 = ANY(awaiting) THEN 0 ELSE next_due END "
                        "WHERE id = $1 RETURNING next_due = 0",
                        {summary.parent, id});
    if (!woken) return failed(woken.error());
    if (!woken->empty() && woken->text(0, 0) == "t")
      if (auto ok = notify_workers(db); !ok) return ok;
  }
  if (!summary.awaiting.empty())
    if (auto ok = db.run("wake_self",
                         "UPDATE ablauf_instances p SET next_due = 0 WHERE p.id = $1 AND EXISTS "
                         "(SELECT 1 FROM ablauf_instances c WHERE c.id = ANY(p.awaiting) "
                         "AND c.status IN ('completed', 'failed', 'cancelled'))",
                         {id});
        !ok)
      return failed(ok.error());
  return {};
}

// Wakes the workers waiting in wait_for_work() once the transaction commits (PostgreSQL sends
// a notification at commit, and one for many alike).
tl::expected<void, Error> PostgresStore::Impl::notify_workers(pq::Connection& db) {
  if (auto ok = db.run("notify", "SELECT pg_notify($1, '')", {pq::Listener::channel}); !ok)
    return failed(ok.error());
  return {};
}

tl::expected<void, Error> PostgresStore::Impl::write(pq::Connection& db, std::string_view instance,
                                                     std::uint64_t expected_last,
                                                     const Commit& commit) {
  const auto& [events, summary, snapshot, records, mails, fence, request] = commit;
  const std::string id(instance);
  // The row lock makes a second writer of the same instance wait here, then see the new last.
  auto found =
      db.run("last_sequence",
             "SELECT last_sequence, fence, (SELECT hash FROM ablauf_events e WHERE e.instance = "
             "i.id AND e.sequence = i.last_sequence) FROM ablauf_instances i WHERE id = $1 "
             "FOR UPDATE",
             {id});
  if (!found) return failed(found.error());
  const std::uint64_t last = found->empty() ? 0 : static_cast<std::uint64_t>(found->integer(0, 0));
  // A writer whose claim was taken over writes nothing: the new owner carries on.
  if (fence && !found->empty() && static_cast<std::uint64_t>(found->integer(0, 1)) != *fence)
    return error(ErrorCode::lease_lost, "instance '" + id + "' was claimed by another worker " +
                                            "(fence " + std::string(found->text(0, 1)) +
                                            ", this write holds " + std::to_string(*fence) +
                                            "); the write is refused");
  const auto conflict = [&](std::uint64_t at) {
    return error(ErrorCode::sequence_conflict,
                 "instance '" + id + "' is at event " + std::to_string(at) + ", not " +
                     std::to_string(expected_last) + "; load it again and retry");
  };
  if (last != expected_last) return conflict(last);
  if (events.empty()) return {};

  const auto new_last = static_cast<std::int64_t>(expected_last + events.size());
  const std::string status(to_string(summary.status));
  const pq::Param awaiting =
      summary.awaiting.empty()
          ? pq::Param()
          : json::serialize(json::array(summary.awaiting.begin(), summary.awaiting.end()));
  auto written =
      found->empty()
          ? db.run("insert_instance",
                   "INSERT INTO ablauf_instances (id, last_sequence, workflow, version, "
                   "business_key, status, next_due, awaiting) VALUES ($1, $2, $3, $4, $5, $6, "
                   "$7, " AWAITING(8) ")",
                   {id, number(new_last), summary.workflow, number(summary.version),
                    summary.business_key.empty() ? pq::Param() : summary.business_key, status,
                    millis(summary.next_due), awaiting})
          : db.run("update_instance",
                   "UPDATE ablauf_instances SET last_sequence = $2, status = $3, next_due = $4, "
                   "awaiting = " AWAITING(5) " WHERE id = $1",
                   {id, number(new_last), status, millis(summary.next_due), awaiting});
  if (!written) {
    const auto& problem = written.error();
    if (problem.unique_violation() && problem.constraint == "ablauf_instances_pkey")
      return conflict(1);  // another writer created it first
    if (problem.unique_violation())
      return error(ErrorCode::duplicate_key, "an instance of workflow '" + summary.workflow +
                                                 "' has the business key '" + summary.business_key +
                                                 "'");
    return failed(problem);
  }
  if (auto ok = wake_callers(db, id, summary); !ok) return ok;
  // Work left to workers: a commit under no claim that leaves the instance running (a new
  // instance, or a change recorded while another worker holds it).
  if (!fence && summary.status == InstanceStatus::running)
    if (auto ok = notify_workers(db); !ok) return ok;
  // All events in one statement: one round trip however many a step made.
  // Each chained to the one before (history.hpp); the first of an instance to its origin.
  std::string list = "[", hashes = "{";
  std::string previous = found->empty()         ? history_origin(id)
                         : found->is_null(0, 2) ? std::string()
                                                : std::string(found->text(0, 2));
  auto sequence = expected_last;
  for (const auto& event : events) {
    Event stored = event;
    stored.sequence = ++sequence;
    const auto text = json::serialize(to_json(stored));
    previous = detail::stored_event_hash(previous, stored, text);
    if (sequence > expected_last + 1) list += ',', hashes += ',';
    list += text;
    hashes += previous;
  }
  if (auto ok =
          db.run("insert_events",
                 "INSERT INTO ablauf_events (instance, sequence, event, hash) "
                 "SELECT $1, $2::bigint + e.n, e.value, h.hash "
                 "FROM json_array_elements($3::json) WITH ORDINALITY AS e(value, n) "
                 "JOIN unnest($4::text[]) WITH ORDINALITY AS h(hash, n) ON h.n = e.n",
                 {id, number(static_cast<std::int64_t>(expected_last)), list + "]", hashes + "}"});
      !ok)
    return failed(ok.error());
  if (snapshot)
    if (auto ok = db.run("upsert_snapshot",
                         "INSERT INTO ablauf_snapshots (instance, sequence, state) "
                         "VALUES ($1, $2, $3) ON CONFLICT (instance) DO UPDATE "
                         "SET sequence = EXCLUDED.sequence, state = EXCLUDED.state",
                         {id, number(new_last), json::serialize(*snapshot)});
        !ok)
      return failed(ok.error());
  for (const auto& change : records) {
    json::object record;
    if (change.merge) {
      auto existing = read_record(db, change.collection, change.key, true);
      if (!existing) return tl::make_unexpected(std::move(existing.error()));
      if (*existing) record = std::move(**existing);
    }
    for (const auto& [name, value] : change.fields) record[name] = value;
    // A new record under a key that another instance took meanwhile fails the commit: the step
    // runs again, and then finds the record there.
    auto ok = change.merge ? db.run("replace_record",
                                    "INSERT INTO ablauf_records (collection, key, record) "
                                    "VALUES ($1, $2, $3) ON CONFLICT (collection, key) "
                                    "DO UPDATE SET record = EXCLUDED.record",
                                    {change.collection, change.key, json::serialize(record)})
                           : db.run("insert_record",
                                    "INSERT INTO ablauf_records (collection, key, record) "
                                    "VALUES ($1, $2, $3)",
                                    {change.collection, change.key, json::serialize(record)});
    if (!ok && ok.error().unique_violation())
      return error(ErrorCode::duplicate_key, "collection '" + change.collection +
                                                 "' has a record '" + change.key + "' already");
    if (!ok) return failed(ok.error());
  }
  for (const auto& mail : mails)
    if (auto ok =
            db.run("insert_mail", "INSERT INTO ablauf_outbox (instance, mail) VALUES ($1, $2)",
                   {id, detail::mail_to_text(mail)});
        !ok)
      return failed(ok.error());
  if (request) {
    auto ok = db.run("insert_request",
                     "INSERT INTO ablauf_requests (key, instance, fingerprint, time) "
                     "VALUES ($1, $2, $3, $4)",
                     {request->key, id, request->fingerprint, millis(request->time)});
    if (!ok && ok.error().unique_violation()) return detail::duplicate_request(request->key);
    if (!ok) return failed(ok.error());
  }
  return {};
}

tl::expected<std::vector<Event>, Error> PostgresStore::load(std::string_view instance,
                                                            std::uint64_t after) const {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  const std::string id(instance);
  auto rows = (*db)->run("select_events",
                         "SELECT event, hash FROM ablauf_events WHERE instance = $1 AND "
                         "sequence > $2 ORDER BY sequence",
                         {id, number(static_cast<std::int64_t>(after))});
  if (!rows) return failed(rows.error());
  std::vector<Event> events;
  events.reserve(static_cast<std::size_t>(rows->size()));
  for (int row = 0; row < rows->size(); ++row) {
    boost::system::error_code parse_error;
    const auto value = json::parse(rows->text(row, 0), parse_error);
    auto event = parse_error ? tl::expected<Event, Error>(
                                   tl::unexpect,
                                   Error{ErrorCode::invalid_event, parse_error.message(), {}, {}})
                             : event_from_json(value);
    if (!event) {
      auto problem = std::move(event.error());
      problem.message = "instance '" + id + "', event " +
                        std::to_string(after + events.size() + 1) +
                        " in PostgreSQL: " + problem.message;
      return tl::make_unexpected(std::move(problem));
    }
    if (!rows->is_null(row, 1)) event->hash = rows->text(row, 1);
    events.push_back(std::move(*event));
  }
  if (events.empty()) {
    auto found =
        (*db)->run("instance_exists", "SELECT 1 FROM ablauf_instances WHERE id = $1", {id});
    if (!found) return failed(found.error());
    if (found->empty()) return error(ErrorCode::not_found, "there is no instance '" + id + "'");
  }
  return events;
}

tl::expected<std::optional<Snapshot>, Error> PostgresStore::load_snapshot(
    std::string_view instance) const {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("select_snapshot",
                         "SELECT sequence, state FROM ablauf_snapshots WHERE instance = $1",
                         {std::string(instance)});
  if (!rows) return failed(rows.error());
  if (rows->empty()) return std::optional<Snapshot>();
  boost::system::error_code parse_error;
  auto state = json::parse(rows->text(0, 1), parse_error);
  if (parse_error)
    return error(ErrorCode::invalid_event,
                 "the snapshot of instance '" + std::string(instance) +
                     "' in PostgreSQL is not JSON: " + parse_error.message());
  return Snapshot{static_cast<std::uint64_t>(rows->integer(0, 0)), std::move(state)};
}

tl::expected<std::optional<json::object>, Error> PostgresStore::Impl::read_record(
    pq::Connection& db, std::string_view collection, std::string_view key, bool for_update) const {
  const std::vector<pq::Param> params{std::string(collection), std::string(key)};
  auto rows = for_update ? db.run("select_record_for_update",
                                  "SELECT record FROM ablauf_records "
                                  "WHERE collection = $1 AND key = $2 FOR UPDATE",
                                  params)
                         : db.run("select_record",
                                  "SELECT record FROM ablauf_records "
                                  "WHERE collection = $1 AND key = $2",
                                  params);
  if (!rows) return failed(rows.error());
  if (rows->empty()) return std::optional<json::object>();
  auto record =
      detail::object_from_text(rows->text(0, 0), "record '" + std::string(key) + "' in '" +
                                                     std::string(collection) + "' in PostgreSQL");
  if (!record) return tl::make_unexpected(std::move(record.error()));
  return std::optional<json::object>(std::move(*record));
}

tl::expected<std::optional<json::object>, Error> PostgresStore::find_record(
    std::string_view collection, std::string_view key) const {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  return impl_->read_record(**db, collection, key, false);
}

tl::expected<std::vector<StoredRecord>, Error> PostgresStore::records(
    std::string_view collection) const {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("select_records",
                         "SELECT key, record FROM ablauf_records WHERE collection = $1 "
                         "ORDER BY key COLLATE \"C\"",
                         {std::string(collection)});
  if (!rows) return failed(rows.error());
  std::vector<StoredRecord> out;
  for (int row = 0; row < rows->size(); ++row) {
    std::string key(rows->text(row, 0));
    auto record = detail::object_from_text(
        rows->text(row, 1),
        "record '" + key + "' in '" + std::string(collection) + "' in PostgreSQL");
    if (!record) return tl::make_unexpected(std::move(record.error()));
    out.push_back({std::move(key), std::move(*record)});
  }
  return out;
}

tl::expected<std::vector<OutboxMail>, Error> PostgresStore::outbox(bool unsent_only) const {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = unsent_only ? (*db)->run("select_unsent",
                                       "SELECT id, instance, mail, message_id FROM ablauf_outbox "
                                       "WHERE message_id IS NULL ORDER BY id",
                                       {})
                          : (*db)->run("select_outbox",
                                       "SELECT id, instance, mail, message_id FROM ablauf_outbox "
                                       "ORDER BY id",
                                       {});
  if (!rows) return failed(rows.error());
  return mails_of(*rows);
}

tl::expected<void, Error> PostgresStore::mark_sent(std::int64_t mail, std::string_view message_id) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  if (auto ok = (*db)->run("update_sent", "UPDATE ablauf_outbox SET message_id = $2 WHERE id = $1",
                           {number(mail), std::string(message_id)});
      !ok)
    return failed(ok.error());
  return {};
}

tl::expected<std::vector<std::string>, Error> PostgresStore::Impl::ids(
    const char* name, const char* sql, const std::vector<pq::Param>& params) const {
  auto db = pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run(name, sql, params);
  if (!rows) return failed(rows.error());
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(rows->size()));
  for (int row = 0; row < rows->size(); ++row) out.emplace_back(rows->text(row, 0));
  return out;
}

tl::expected<std::vector<std::string>, Error> PostgresStore::instance_ids() const {
  return impl_->ids("select_instances", "SELECT id FROM ablauf_instances ORDER BY created", {});
}

tl::expected<std::optional<std::string>, Error> PostgresStore::find_by_key(
    std::string_view workflow, std::string_view business_key) const {
  auto found = impl_->ids(
      "select_by_key", "SELECT id FROM ablauf_instances WHERE workflow = $1 AND business_key = $2",
      {std::string(workflow), std::string(business_key)});
  if (!found) return tl::make_unexpected(std::move(found.error()));
  if (found->empty()) return std::optional<std::string>();
  return std::move(found->front());
}

tl::expected<std::optional<RequestRecord>, Error> PostgresStore::find_request(
    std::string_view key) const {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("select_request",
                         "SELECT instance, fingerprint, time FROM ablauf_requests WHERE key = $1",
                         {std::string(key)});
  if (!rows) return failed(rows.error());
  if (rows->size() == 0) return std::nullopt;
  return RequestRecord{std::string(rows->text(0, 0)), std::string(rows->text(0, 1)),
                       Time(std::chrono::milliseconds(rows->integer(0, 2)))};
}

tl::expected<std::size_t, Error> PostgresStore::forget_requests(Time before) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("delete_requests",
                         "WITH gone AS (DELETE FROM ablauf_requests WHERE time < $1 RETURNING 1) "
                         "SELECT count(*) FROM gone",
                         {millis(before)});
  if (!rows) return failed(rows.error());
  return static_cast<std::size_t>(rows->integer(0, 0));
}

tl::expected<std::uint64_t, Error> PostgresStore::next_number(std::string_view name) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  // One statement, its own transaction: processes counting at once wait on the row's lock and
  // each gets a number of its own.
  auto rows = (*db)->run("next_number",
                         "INSERT INTO ablauf_sequences (name, last) VALUES ($1, 1) "
                         "ON CONFLICT (name) DO UPDATE SET last = ablauf_sequences.last + 1 "
                         "RETURNING last",
                         {std::string(name)});
  if (!rows) return failed(rows.error());
  return static_cast<std::uint64_t>(rows->integer(0, 0));
}

tl::expected<std::optional<ScheduleMark>, Error> PostgresStore::schedule_mark(
    std::string_view workflow, std::string_view schedule) const {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("schedule_mark",
                         "SELECT occurrence, instance FROM ablauf_schedules "
                         "WHERE workflow = $1 AND schedule = $2",
                         {std::string(workflow), std::string(schedule)});
  if (!rows) return failed(rows.error());
  if (rows->size() == 0) return std::nullopt;
  return ScheduleMark{Time(std::chrono::milliseconds(rows->integer(0, 0))),
                      std::string(rows->text(0, 1))};
}

tl::expected<bool, Error> PostgresStore::move_schedule_mark(std::string_view workflow,
                                                            std::string_view schedule,
                                                            std::optional<Time> expected,
                                                            const ScheduleMark& mark) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  // One statement each: of processes moving the same mark at once, the row's lock lets one
  // through and the others find it moved (or, for the first, the row there).
  auto rows = expected ? (*db)->run("move_schedule_mark",
                                    "UPDATE ablauf_schedules SET occurrence = $1, instance = $2 "
                                    "WHERE workflow = $3 AND schedule = $4 AND occurrence = $5",
                                    {millis(mark.occurrence), mark.instance, std::string(workflow),
                                     std::string(schedule), millis(*expected)})
                       : (*db)->run("insert_schedule_mark",
                                    "INSERT INTO ablauf_schedules (workflow, schedule, occurrence, "
                                    "instance) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                                    {std::string(workflow), std::string(schedule),
                                     millis(mark.occurrence), mark.instance});
  if (!rows) return failed(rows.error());
  return rows->changed() == 1;
}

tl::expected<std::vector<std::string>, Error> PostgresStore::due(Time now) const {
  return impl_->ids("select_due",
                    "SELECT id FROM ablauf_instances WHERE next_due <= $1 ORDER BY next_due",
                    {millis(now)});
}

tl::expected<std::vector<std::string>, Error> PostgresStore::unfinished() const {
  return impl_->ids("select_unfinished",
                    "SELECT id FROM ablauf_instances WHERE status IN ('running', 'waiting') "
                    "ORDER BY created",
                    {});
}

BlobStore* PostgresStore::blob_store() noexcept {
  return &impl_->files;
}

tl::expected<void, Error> PostgresStore::keep_definition(const StoredDefinition& definition) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  if (auto ok = (*db)->run("insert_definition",
                           "INSERT INTO ablauf_definitions (workflow, version, source) "
                           "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                           {definition.workflow, number(definition.version), definition.source});
      !ok)
    return failed(ok.error());
  return {};
}

tl::expected<std::vector<StoredDefinition>, Error> PostgresStore::definitions() const {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("select_definitions",
                         "SELECT workflow, version, source FROM ablauf_definitions "
                         "ORDER BY workflow, version",
                         {});
  if (!rows) return failed(rows.error());
  std::vector<StoredDefinition> out;
  for (int row = 0; row < rows->size(); ++row)
    out.push_back({std::string(rows->text(row, 0)),
                   static_cast<std::uint32_t>(rows->integer(row, 1)),
                   std::string(rows->text(row, 2))});
  return out;
}

tl::expected<std::vector<Claim>, Error> PostgresStore::claim(std::string_view worker, Time now,
                                                             std::chrono::milliseconds lease,
                                                             std::size_t most) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  // Two index scans: running instances (by created; the leased ones among them are those being
  // worked on, at most workers × batch) and those due (by next_due). Nothing else is read, so
  // instances that wait for people or have ended cost a claim nothing. SKIP LOCKED: workers
  // claiming at once each take other rows instead of queueing on them.
  auto rows = (*db)->run(
      "claim",
      "WITH runnable AS ("
      "  SELECT id FROM ablauf_instances WHERE status = 'running' AND lease_until < " ABLAUF_PG_NOW
      "  ORDER BY created LIMIT $3 FOR UPDATE SKIP LOCKED), "
      "due AS ("
      "  SELECT id FROM ablauf_instances WHERE next_due <= $2 AND lease_until < " ABLAUF_PG_NOW
      "  ORDER BY next_due LIMIT $3 FOR UPDATE SKIP LOCKED), "
      "picked AS (SELECT id FROM runnable UNION SELECT id FROM due LIMIT $3) "
      "UPDATE ablauf_instances i SET owner = $1, fence = i.fence + 1, "
      "  lease_until = " ABLAUF_PG_NOW
      " + $4 "
      "FROM picked WHERE i.id = picked.id RETURNING i.id, i.fence",
      {std::string(worker), millis(now), number(static_cast<std::int64_t>(most)),
       number(lease.count())});
  if (!rows) return failed(rows.error());
  std::vector<Claim> claims;
  for (int row = 0; row < rows->size(); ++row)
    claims.push_back(
        {std::string(rows->text(row, 0)), static_cast<std::uint64_t>(rows->integer(row, 1))});
  return claims;
}

tl::expected<std::optional<Claim>, Error> PostgresStore::claim_instance(
    std::string_view instance, std::string_view worker, std::chrono::milliseconds lease) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("claim_instance",
                         "UPDATE ablauf_instances SET owner = $2, fence = fence + 1, "
                         "  lease_until = " ABLAUF_PG_NOW
                         " + $3 "
                         "WHERE id = $1 AND lease_until < " ABLAUF_PG_NOW " RETURNING fence",
                         {std::string(instance), std::string(worker), number(lease.count())});
  if (!rows) return failed(rows.error());
  if (rows->empty()) return std::optional<Claim>();
  return Claim{std::string(instance), static_cast<std::uint64_t>(rows->integer(0, 0))};
}

tl::expected<std::vector<std::string>, Error> PostgresStore::renew(
    std::span<const Claim> claims, std::chrono::milliseconds lease) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  std::vector<std::string> lost;
  for (const auto& held : claims) {
    auto rows = (*db)->run(
        "renew",
        "UPDATE ablauf_instances SET lease_until = " ABLAUF_PG_NOW
        " + $3 "
        "WHERE id = $1 AND fence = $2",
        {held.instance, number(static_cast<std::int64_t>(held.fence)), number(lease.count())});
    if (!rows) return failed(rows.error());
    if (rows->changed() == 0) lost.push_back(held.instance);
  }
  return lost;
}

tl::expected<void, Error> PostgresStore::release(const Claim& claim) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto released = (*db)->run("release",
                             "UPDATE ablauf_instances SET owner = NULL, lease_until = 0 "
                             "WHERE id = $1 AND fence = $2 RETURNING status",
                             {claim.instance, number(static_cast<std::int64_t>(claim.fence))});
  if (!released) return failed(released.error());
  // Let go with work left (a pass cut short, or changed meanwhile): another worker may take it.
  if (!released->empty() && released->text(0, 0) == "running") return Impl::notify_workers(**db);
  return {};
}

void PostgresStore::wait_for_work(std::stop_token stop, std::chrono::milliseconds at_most) {
  if (!impl_->listener.wait(stop, at_most)) WorkQueue::wait_for_work(stop, at_most);
}

tl::expected<std::vector<OutboxMail>, Error> PostgresStore::claim_mail(
    std::string_view worker, std::chrono::milliseconds lease) {
  auto db = impl_->pool.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run(
      "claim_mail",
      "WITH picked AS ("
      "  SELECT id FROM ablauf_outbox WHERE message_id IS NULL"
      "    AND (claimed_until IS NULL OR claimed_until < " ABLAUF_PG_NOW
      ")"
      "  ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED) "
      "UPDATE ablauf_outbox o SET claimed_by = $1, claimed_until = " ABLAUF_PG_NOW
      " + $2 "
      "FROM picked WHERE o.id = picked.id RETURNING o.id, o.instance, o.mail, o.message_id",
      {std::string(worker), number(lease.count())});
  if (!rows) return failed(rows.error());
  auto mails = mails_of(*rows);
  if (mails)
    std::sort(mails->begin(), mails->end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  return mails;
}

}  // namespace ablauf
