// One suite, every store: MemoryStore, SqliteStore on a real file and PostgresStore on a real
// server (tests/postgres/server.hpp) keep the Store contract alike, so that a host switches
// stores by configuration and nothing else. Each part of a store (store.hpp) has its tag:
// [event_log], [records], [mail_queue], [definition_archive]; the WorkQueue, which only
// PostgresStore has, is tested in postgres_claims_test.cpp.
#include "engine_support.hpp"
#include "postgres/server.hpp"

#include <ablauf/history.hpp>
#include <ablauf/postgres_store.hpp>
#include <ablauf/sqlite_store.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <numeric>
#include <random>
#include <thread>

namespace ablauf {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::monday;

// Each maker opens its kind of store; open() again closes it and opens what it kept.
struct MemoryMaker {
  static constexpr bool durable = false;
  static constexpr bool shares_work = false;
  static constexpr bool keeps_definitions = false;
  std::unique_ptr<MemoryStore> store = std::make_unique<MemoryStore>();
  Store& open() { return *store; }
};

struct SqliteMaker {
  static constexpr bool durable = true;
  static constexpr bool shares_work = false;
  static constexpr bool keeps_definitions = true;
  fs::path dir =
      fs::temp_directory_path() / ("ablauf-conformance-" + std::to_string(std::random_device{}()));
  std::unique_ptr<SqliteStore> store;
  SqliteMaker() { fs::create_directories(dir); }
  ~SqliteMaker() {
    store.reset();
    fs::remove_all(dir);
  }
  Store& open() {
    store.reset();
    auto opened = SqliteStore::open((dir / "ablauf.db").string());
    if (!opened) FAIL(opened.error().message);
    store = std::move(*opened);
    return *store;
  }
};

struct PostgresMaker {
  static constexpr bool durable = true;
  static constexpr bool shares_work = true;
  static constexpr bool keeps_definitions = true;
  std::string conninfo = test::fresh_postgres_database();
  std::unique_ptr<PostgresStore> store;
  Store& open() {
    store.reset();
    store = test::open_postgres_store(conninfo);
    return *store;
  }
};

Event event(std::uint64_t sequence, EventType type, const char* data, std::string step = {}) {
  return test::stored_event(sequence, type, step, data, monday + std::chrono::seconds(sequence));
}

const std::vector<Event> history = {
    event(1, EventType::instance_started,
          R"({"workflow": "w", "version": 2, "start": "a", "input": {"n": "Müller \u0000"}})"),
    event(2, EventType::step_waiting, R"({"token": 1, "for": "timer"})", "a"),
    event(3, EventType::timer_set, R"({"timer": "t1", "token": 1, "due": "2026-11-24T09:00:00Z",
                                       "purpose": "wait"})",
          "a"),
};

InstanceSummary summary_of(std::span<const Event> events) {
  auto state = fold("i", events);
  REQUIRE(state);
  return summarize(*state);
}

Commit commit_of(std::span<const Event> events, std::span<const Event> all) {
  return {test::slice(events), summary_of(all)};
}

TEMPLATE_TEST_CASE("a store has the parts of its kind, and no others", "[store][conformance]",
                   MemoryMaker, SqliteMaker, PostgresMaker) {
  TestType maker;
  Store& store = maker.open();
  CHECK(store.durable() == TestType::durable);
  CHECK((store.work_queue() != nullptr) == TestType::shares_work);
  CHECK((store.definition_archive() != nullptr) == TestType::keeps_definitions);
  CHECK(store.blob_store() != nullptr);  // every store ablauf ships keeps files
}

TEMPLATE_TEST_CASE("a blob store keeps content under its SHA-256, once, across a reopening",
                   "[store][conformance][blob_store]", MemoryMaker, SqliteMaker, PostgresMaker) {
  TestType maker;
  // Every byte value, a NUL among them: content is bytes, not text.
  std::string photo;
  for (int byte = 0; byte < 256; ++byte) photo += static_cast<char>(byte);
  const std::string contract = "%PDF-1.7 Vertrag Müller";
  std::string photo_hash;
  {
    BlobStore& files = *maker.open().blob_store();
    auto kept = files.put(photo);
    REQUIRE(kept);
    photo_hash = *kept;
    CHECK(photo_hash == "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880");
    REQUIRE(files.put(contract));
    REQUIRE(files.put(photo) == photo_hash);  // kept once
    auto listed = files.list();
    REQUIRE(listed);
    CHECK(listed->size() == 2);
  }
  BlobStore& files = *maker.open().blob_store();  // a MemoryStore is the same one again
  {
    auto read = files.get(photo_hash);
    REQUIRE(read);
    REQUIRE(read->has_value());
    CHECK(**read == photo);
    CHECK(files.size(photo_hash).value() == std::optional<std::uint64_t>(256));
    const std::string absent(64, 'a');
    CHECK(files.get(absent).value() == std::optional<std::string>());
    CHECK(files.size(absent).value() == std::optional<std::uint64_t>());
    CHECK(files.remove(photo_hash) == true);
    CHECK(files.remove(photo_hash) == false);
    CHECK(files.get(photo_hash).value() == std::optional<std::string>());
    CHECK(files.list()->size() == 1);
  }
  // A name that is no hash reaches no path and no query.
  const auto refused = files.get("../../etc/passwd");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_value);
}

TEMPLATE_TEST_CASE("a schedule's mark moves only from where it is, once, across a reopening",
                   "[store][conformance][schedule]", MemoryMaker, SqliteMaker, PostgresMaker) {
  TestType maker;
  const Time first(std::chrono::milliseconds(1'764'565'200'000));
  const Time second = first + std::chrono::hours(24 * 31);
  {
    Store& store = maker.open();
    CHECK(store.schedule_mark("billing", "monthly").value() == std::nullopt);
    CHECK(store.move_schedule_mark("billing", "monthly", std::nullopt, {first, ""}) == true);
    // Set once: a second "first sight" finds it there.
    CHECK(store.move_schedule_mark("billing", "monthly", std::nullopt, {second, "x"}) == false);
    CHECK(store.move_schedule_mark("billing", "monthly", first, {second, "i-1"}) == true);
    CHECK(store.move_schedule_mark("billing", "monthly", first, {second, "i-2"}) == false);
    CHECK(store.schedule_mark("billing", "weekly").value() == std::nullopt);  // another one
  }
  Store& store = maker.open();
  CHECK(store.schedule_mark("billing", "monthly").value() ==
        std::optional<ScheduleMark>(ScheduleMark{second, "i-1"}));
  // Moved from several threads at once, from the same mark: exactly one moves it.
  std::atomic<int> moved = 0, failures = 0;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        auto ok = store.move_schedule_mark("billing", "monthly", second,
                                           {second + std::chrono::hours(1), std::to_string(t)});
        if (!ok)
          ++failures;
        else if (*ok)
          ++moved;
      });
  }
  CHECK(failures == 0);
  CHECK(moved == 1);
}

TEMPLATE_TEST_CASE("a sequence counts from 1, each its own, across a reopening and threads",
                   "[store][conformance][sequences]", MemoryMaker, SqliteMaker, PostgresMaker) {
  TestType maker;
  {
    Store& store = maker.open();
    CHECK(store.next_number("audit/ACC-2026-") == 1u);
    CHECK(store.next_number("audit/ACC-2026-") == 2u);
    CHECK(store.next_number("audit/ACC-2027-") == 1u);  // another sequence
    CHECK(store.next_number("walk/") == 1u);
  }
  Store& store = maker.open();  // durable stores keep counting; a MemoryStore is the same one
  CHECK(store.next_number("audit/ACC-2026-") == 3u);
  // Counted from several threads at once, every number comes once.
  std::vector<std::uint64_t> taken(64);
  std::atomic<int> failures = 0;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 16; ++i) {
          auto n = store.next_number("race/");
          if (n)
            taken[static_cast<std::size_t>(t * 16 + i)] = *n;
          else
            ++failures;
        }
      });
  }
  CHECK(failures == 0);
  std::sort(taken.begin(), taken.end());
  std::vector<std::uint64_t> expected(64);
  std::iota(expected.begin(), expected.end(), 1u);
  CHECK(taken == expected);
}

TEMPLATE_TEST_CASE("a definition archive keeps the first text of each version",
                   "[store][conformance][definition_archive]", SqliteMaker, PostgresMaker) {
  TestType maker;
  {
    DefinitionArchive& archive = *maker.open().definition_archive();
    REQUIRE(archive.keep_definition({"w", 1, R"({"id": "w"})"}));
    REQUIRE(archive.keep_definition({"w", 1, R"({"id": "w", "changed": true})"}));  // kept first
    REQUIRE(archive.keep_definition({"w", 2, R"({"id": "w", "version": 2})"}));
    REQUIRE(archive.keep_definition({"a", 7, R"({"id": "a", "version": 7})"}));
  }
  const auto kept = maker.open().definition_archive()->definitions();  // after reopening
  REQUIRE(kept);
  REQUIRE(kept->size() == 3);
  CHECK((*kept)[0].workflow == "a");  // by workflow, then version
  CHECK((*kept)[1].source == R"({"id": "w"})");
  CHECK((*kept)[2].version == 2);
  CHECK((*kept)[2].source == R"({"id": "w", "version": 2})");
}

TEMPLATE_TEST_CASE("a store keeps events and summaries, and finds instances by them",
                   "[store][conformance][event_log]", MemoryMaker, SqliteMaker, PostgresMaker) {
  TestType maker;
  {
    Store& store = maker.open();
    const auto first = std::span(history).first(2);
    REQUIRE(store.append("i-1", 0, commit_of(first, first)));
    REQUIRE(store.append("i-1", 2, commit_of(std::span(history).subspan(2), history)));
    auto finished = summary_of(history);
    finished.status = InstanceStatus::completed;
    finished.next_due.reset();
    REQUIRE(store.append("i-0", 0, {test::slice(std::span(history).first(1)), finished}));
  }
  Store& store = maker.open();  // a durable store reads it all back after reopening
  auto loaded = store.load("i-1");
  REQUIRE(loaded);
  CHECK(*loaded == history);  // every field, umlauts and NUL included
  CHECK(store.load("i-1", 2)->size() == 1);
  CHECK(store.load("i-1", 3)->empty());
  CHECK(store.load("nope").error().code == ErrorCode::not_found);
  CHECK(*store.instance_ids() == std::vector<std::string>{"i-1", "i-0"});  // as created
  CHECK(*store.unfinished() == std::vector<std::string>{"i-1"});
  CHECK(store.due(monday)->empty());
  CHECK(*store.due(monday + 24h) == std::vector<std::string>{"i-1"});
}

TEMPLATE_TEST_CASE("a store chains each instance's events by their hashes, across appends",
                   "[store][conformance][event_log][history]", MemoryMaker, SqliteMaker,
                   PostgresMaker) {
  TestType maker;
  {
    Store& store = maker.open();
    const auto first = std::span(history).first(2);
    REQUIRE(store.append("i-1", 0, commit_of(first, first)));
    REQUIRE(store.append("i-1", 2, commit_of(std::span(history).subspan(2), history)));
    REQUIRE(store.append("i-2", 0, commit_of(first, first)));
    // Numbers that Boost.JSON 1.81 reads back a unit in the last place off: the hash is of the
    // event as it is read back, or it would not verify.
    Event numbers = event(3, EventType::vars_assigned, R"({"vars": {}})", "a");
    numbers.data["vars"].as_object()["x"] = -97570.19231092371;
    numbers.data["vars"].as_object()["y"] = 6.689921856898562E-217;
    std::vector<Event> more{numbers};
    REQUIRE(store.append("i-2", 2, {std::move(more), summary_of(first)}));
  }
  Store& store = maker.open();
  const auto loaded = store.load("i-1");
  REQUIRE(loaded);
  REQUIRE(loaded->size() == 3);
  // The chain as history.hpp defines it, the first event tied to its instance's id.
  CHECK((*loaded)[0].hash == event_hash(history_origin("i-1"), history[0]));
  CHECK((*loaded)[1].hash == event_hash((*loaded)[0].hash, history[1]));
  CHECK((*loaded)[2].hash == event_hash((*loaded)[1].hash, history[2]));
  CHECK_FALSE(verify_history("i-1", *loaded));
  // The same events in another instance chain to other hashes.
  const auto other = store.load("i-2");
  REQUIRE(other);
  CHECK((*other)[0].hash != (*loaded)[0].hash);
  REQUIRE(other->size() == 3);
  CHECK_FALSE(verify_history("i-2", *other));
  // Read from the middle, each event keeps its hash, and the first read anchors the rest.
  const auto tail = store.load("i-1", 1);
  REQUIRE(tail);
  REQUIRE(tail->size() == 2);
  CHECK(tail->front().hash == (*loaded)[1].hash);
  CHECK_FALSE(verify_history("i-1", *tail));
  // Read as another instance's, the history does not match from its first event.
  const auto moved = verify_history("i-2", *loaded);
  REQUIRE(moved);
  CHECK(moved->sequence == 1);
}

TEST_CASE("a PostgreSQL database from before hashes gets its events chained when opened",
          "[store][postgres][history]") {
  PostgresMaker maker;
  REQUIRE(maker.open().append("i-1", 0, commit_of(history, history)));
  maker.store.reset();
  {
    // Back to schema version 2, as an older ablauf left it.
    std::unique_ptr<PGconn, decltype(&PQfinish)> db(PQconnectdb(maker.conninfo.c_str()), &PQfinish);
    REQUIRE(PQstatus(db.get()) == CONNECTION_OK);
    std::unique_ptr<PGresult, decltype(&PQclear)> done(
        PQexec(db.get(),
               "ALTER TABLE ablauf_events DROP COLUMN hash; DROP TABLE ablauf_requests; "
               "DROP TABLE ablauf_files; DROP TABLE ablauf_sequences; DROP TABLE ablauf_schedules; "
               "DELETE FROM ablauf_schema WHERE version >= 3"),
        &PQclear);
    INFO(PQerrorMessage(db.get()));
    REQUIRE(PQresultStatus(done.get()) == PGRES_COMMAND_OK);
  }
  Store& store = maker.open();
  const auto loaded = store.load("i-1");
  REQUIRE(loaded);
  REQUIRE(loaded->size() == 3);
  CHECK(loaded->back().hash ==
        event_hash(event_hash(event_hash(history_origin("i-1"), history[0]), history[1]),
                   history[2]));
  CHECK_FALSE(verify_history("i-1", *loaded));
  const auto more = std::vector{event(4, EventType::timer_fired, R"({"timer": "t1"})", "a")};
  REQUIRE(store.append("i-1", 3, {more, summary_of(history)}));
  CHECK_FALSE(verify_history("i-1", *store.load("i-1")));
}

TEMPLATE_TEST_CASE("a store refuses a stale writer and a second business key, keeping nothing",
                   "[store][conformance][event_log]", MemoryMaker, SqliteMaker, PostgresMaker) {
  TestType maker;
  Store& store = maker.open();
  const auto first = std::span(history).first(1);
  auto keyed = summary_of(first);
  keyed.business_key = "R-17";
  REQUIRE(store.append("i-1", 0, {test::slice(first), keyed}));
  auto stale = store.append("i-1", 0, {test::slice(first), keyed});
  REQUIRE_FALSE(stale);
  CHECK(stale.error().code == ErrorCode::sequence_conflict);
  auto behind = store.append("i-1", 3, commit_of(std::span(history).subspan(1), history));
  REQUIRE_FALSE(behind);
  CHECK(behind.error().code == ErrorCode::sequence_conflict);
  auto again = store.append("i-2", 0, {test::slice(first), keyed});
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::duplicate_key);
  CHECK(**store.find_by_key("w", "R-17") == "i-1");
  CHECK_FALSE(*store.find_by_key("w", "R-18"));
  CHECK(*store.instance_ids() == std::vector<std::string>{"i-1"});  // nothing of i-2 was kept
  CHECK(store.load("i-1")->size() == 1);
}

TEMPLATE_TEST_CASE("appends from many threads are each kept or refused on their own terms",
                   "[store][conformance][event_log][threads]", MemoryMaker, SqliteMaker,
                   PostgresMaker) {
  TestType maker;
  Store& store = maker.open();
  constexpr int threads = 8, appends = 30;
  std::atomic<int> wrong{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t)
    writers.emplace_back([&, t] {
      const std::string id = "i-" + std::to_string(t);
      const auto first = std::span(history).first(1);
      if (!store.append(id, 0, commit_of(first, first))) ++wrong;
      for (int n = 1; n < appends; ++n) {
        const auto next = std::vector{
            event(static_cast<std::uint64_t>(n + 1), EventType::timer_fired, R"({"timer": "x"})")};
        if (!store.append(id, static_cast<std::uint64_t>(n), {next, summary_of(first)})) ++wrong;
        // A stale writer among them is refused alone.
        if (n % 10 == 0 && store.append(id, 1, {next, summary_of(first)})) ++wrong;
      }
    });
  for (auto& w : writers) w.join();
  CHECK(wrong == 0);
  for (int t = 0; t < threads; ++t) {
    const auto events = store.load("i-" + std::to_string(t));
    REQUIRE(events);
    CHECK(events->size() == appends);
    CHECK(events->back().sequence == appends);
  }
}

TEMPLATE_TEST_CASE("two writers racing to start one instance: one wins, the other conflicts",
                   "[store][conformance][event_log][threads]", MemoryMaker, SqliteMaker,
                   PostgresMaker) {
  TestType maker;
  Store& store = maker.open();
  const auto first = std::span(history).first(1);
  for (int round = 0; round < 20; ++round) {
    const std::string id = "i-" + std::to_string(round);
    std::atomic<int> won{0}, conflicts{0};
    std::vector<std::thread> racers;
    for (int r = 0; r < 4; ++r)
      racers.emplace_back([&] {
        auto result = store.append(id, 0, commit_of(first, first));
        if (result)
          ++won;
        else if (result.error().code == ErrorCode::sequence_conflict)
          ++conflicts;
      });
    for (auto& racer : racers) racer.join();
    CHECK(won == 1);
    CHECK(conflicts == 3);
  }
}

TEMPLATE_TEST_CASE("a store keeps the latest snapshot", "[store][conformance][event_log]",
                   MemoryMaker, SqliteMaker, PostgresMaker) {
  TestType maker;
  {
    Store& store = maker.open();
    const auto first = std::span(history).first(2);
    Commit one = commit_of(first, first);
    one.snapshot = boost::json::object{{"at", 2}};
    REQUIRE(store.append("i-1", 0, std::move(one)));
    CHECK(store.load_snapshot("i-1")->value().sequence == 2);
    Commit two = commit_of(std::span(history).subspan(2), history);
    two.snapshot = boost::json::object{{"at", 3}, {"name", "Müller"}};
    REQUIRE(store.append("i-1", 2, std::move(two)));
  }
  Store& store = maker.open();
  const auto snapshot = store.load_snapshot("i-1");
  REQUIRE(snapshot);
  REQUIRE(*snapshot);
  CHECK((*snapshot)->sequence == 3);
  CHECK((*snapshot)->state == boost::json::value{{"at", 3}, {"name", "Müller"}});
  CHECK_FALSE(*store.load_snapshot("i-2"));
}

TEMPLATE_TEST_CASE("a request key commits once, with its change, until it is forgotten",
                   "[store][conformance][event_log][requests]", MemoryMaker, SqliteMaker,
                   PostgresMaker) {
  TestType maker;
  Store& store = maker.open();
  REQUIRE(store.keeps_requests());
  const auto first = std::span(history).first(1);
  Commit started = commit_of(first, first);
  started.request = RequestKey{"api:start-1", "sha-a", monday};
  REQUIRE(store.append("i-1", 0, std::move(started)));

  // The same key on another change, of another instance or this one, is refused whole.
  Commit again = commit_of(first, first);
  again.request = RequestKey{"api:start-1", "sha-b", monday + 1h};
  again.records = {{"invoices", "R-1", {{"total", 1}}, false}};
  const auto refused = store.append("i-2", 0, std::move(again));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::duplicate_request);
  CHECK(store.load("i-2").error().code == ErrorCode::not_found);
  CHECK_FALSE(*store.find_record("invoices", "R-1"));
  Commit later = commit_of(std::span(history).subspan(1, 1), std::span(history).first(2));
  later.request = RequestKey{"api:start-1", "sha-a", monday + 1h};
  CHECK(store.append("i-1", 1, std::move(later)).error().code == ErrorCode::duplicate_request);
  CHECK(store.load("i-1")->size() == 1);

  Commit answered = commit_of(std::span(history).subspan(1, 1), std::span(history).first(2));
  answered.request = RequestKey{"api:answer-1", "sha-c", monday + 2h};
  REQUIRE(store.append("i-1", 1, std::move(answered)));

  // Found again after a restart, with what it was committed with.
  Store& reopened = maker.open();
  const auto found = reopened.find_request("api:start-1");
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->instance == "i-1");
  CHECK((*found)->fingerprint == "sha-a");
  CHECK((*found)->time == monday);
  CHECK_FALSE(*reopened.find_request("api:nope"));

  // Forgetting takes the keys committed before the time, not at it.
  CHECK(reopened.forget_requests(monday + 2h) == 1u);
  CHECK_FALSE(*reopened.find_request("api:start-1"));
  CHECK(*reopened.find_request("api:answer-1"));
  CHECK(reopened.forget_requests(monday + 2h) == 0u);
  Commit reused = commit_of(std::span(history).subspan(2, 1), history);
  reused.request = RequestKey{"api:start-1", "sha-d", monday + 3h};
  CHECK(reopened.append("i-1", 2, std::move(reused)));  // a forgotten key is a new key
}

TEMPLATE_TEST_CASE("records and mail commit with their events, or not at all",
                   "[store][conformance][records][mail_queue]", MemoryMaker, SqliteMaker,
                   PostgresMaker) {
  TestType maker;
  Store& store = maker.open();
  const auto first = std::span(history).first(1);
  Commit saved = commit_of(first, first);
  saved.records = {{"invoices", "R-17", {{"total", 1190}, {"status", "open"}}, false}};
  saved.mails = {Mail{.to = {"erika@example.de"}, .subject = "Rechnung R-17", .body = "Hallo"}};
  REQUIRE(store.append("i-1", 0, std::move(saved)));
  CHECK(**store.find_record("invoices", "R-17") ==
        boost::json::object{{"total", 1190}, {"status", "open"}});
  CHECK_FALSE(*store.find_record("invoices", "R-18"));

  // update_record merges its fields into the record.
  Commit updated = commit_of(std::span(history).subspan(1, 1), std::span(history).first(2));
  updated.records = {{"invoices", "R-17", {{"status", "paid"}}, true}};
  updated.mails = {Mail{.to = {"office@example.de"}, .subject = "Bezahlt", .body = "R-17"}};
  REQUIRE(store.append("i-1", 1, std::move(updated)));
  CHECK(**store.find_record("invoices", "R-17") ==
        boost::json::object{{"total", 1190}, {"status", "paid"}});

  // save_record under a key another instance took fails the whole commit.
  Commit clash = commit_of(first, first);
  clash.records = {{"invoices", "R-17", {{"total", 1}}, false}};
  clash.mails = {Mail{.to = {"x@example.de"}, .subject = "never", .body = "sent"}};
  const auto clashed = store.append("i-2", 0, std::move(clash));
  REQUIRE_FALSE(clashed);
  CHECK(clashed.error().code == ErrorCode::duplicate_key);
  CHECK_THAT(clashed.error().message, Catch::Contains("'invoices' has a record 'R-17'"));
  CHECK(store.load("i-2").error().code == ErrorCode::not_found);
  CHECK(store.find_record("invoices", "R-17")->value().at("total") == 1190);

  // Listing a collection: every record by key, and nothing of other collections.
  Commit more = commit_of(std::span(history).subspan(2, 1), std::span(history).first(3));
  more.records = {{"invoices", "R-09", {{"total", 5}}, false},
                  {"customers", "K-1", {{"name", "Erika"}}, false}};
  REQUIRE(store.append("i-1", 2, std::move(more)));
  const auto invoices = store.records("invoices");
  REQUIRE(invoices);
  const std::vector<StoredRecord> listed{{"R-09", {{"total", 5}}},
                                         {"R-17", {{"total", 1190}, {"status", "paid"}}}};
  CHECK(*invoices == listed);
  CHECK(store.records("customers")->size() == 1);
  CHECK(store.records("nothing")->empty());

  auto mails = store.outbox(false);
  REQUIRE(mails);
  REQUIRE(mails->size() == 2);
  CHECK((*mails)[0].mail.subject == "Rechnung R-17");
  CHECK((*mails)[0].instance == "i-1");
  CHECK((*mails)[1].mail.to == std::vector<std::string>{"office@example.de"});
  CHECK((*mails)[0].id < (*mails)[1].id);
  REQUIRE(store.mark_sent((*mails)[0].id, "<1@example.de>"));
  const auto unsent = store.outbox(true);
  REQUIRE(unsent->size() == 1);
  CHECK(unsent->front().mail.subject == "Bezahlt");
  CHECK(store.outbox(false)->front().message_id == "<1@example.de>");
}

TEMPLATE_TEST_CASE("an engine runs a seed workflow on the store and carries it on after a restart",
                   "[store][conformance][engine]", MemoryMaker, SqliteMaker, PostgresMaker) {
  TestType maker;
  ManualClock clock(monday);
  MemoryMailer outbox;
  const auto workflow = test::compile_file(test::workflows_dir() / "invoicing_and_payments.json");
  const boost::json::value input = boost::json::parse(R"({
    "customer": {"id": "K-4711", "name": "Erika Müller", "email": "erika@example.de"},
    "invoice": {"number": "R-2026-17", "issue_date": "2026-11-23", "discount": 0, "currency": "EUR",
                "description": "Wartung", "payment_terms": "14 Tage"}})");
  std::string id;
  {
    Engine engine({.store = &maker.open(), .clock = &clock, .mailer = &outbox});
    REQUIRE(engine.deploy(workflow));
    auto started = engine.start("invoicing_and_payments", input, {.business_key = "R-2026-17"});
    REQUIRE(started);
    id = *started;
    REQUIRE(engine.submit(id, "check_customer_data",
                          {{"name_checked", true},
                           {"address_checked", true},
                           {"contact_details_checked", true},
                           {"identification_numbers_checked", true},
                           {"external_sources_matched", true},
                           {"data_check_result", "correct"}},
                          "erika"));
    REQUIRE(engine.submit(id, "invoice_lines", {{"lines", test::Fixture::one_invoice_line()}},
                          "erika"));
  }
  // A new engine on the store it left: the instance waits at its follow-up task.
  Engine engine({.store = &maker.open(), .clock = &clock, .mailer = &outbox});
  REQUIRE(engine.deploy(workflow));
  REQUIRE(engine.resume());
  const auto state = engine.get(id);
  REQUIRE(state);
  CHECK(state->status == InstanceStatus::waiting);
  REQUIRE(state->tasks.size() == 1);
  REQUIRE(engine.complete_task(id, state->tasks[0].id, "paid", "jonas"));
  REQUIRE(engine.signal(id, "payment_received", boost::json::object{{"amount", 1190}}));
  CHECK(engine.get(id)->tokens.at(0).step == "analyze_payment_flows");
  CHECK(engine.record("invoices", "R-2026-17")->value().at("total") == 1190);
  CHECK(**maker.store->find_by_key("invoicing_and_payments", "R-2026-17") == id);
  CHECK(outbox.mails().size() == 1);  // the invoice, sent once across the restart
}

}  // namespace
}  // namespace ablauf
