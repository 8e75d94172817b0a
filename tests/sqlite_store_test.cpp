// The SQLite store on real files: what it keeps survives closing and opening again, it refuses
// what the store contract refuses, and one process at a time holds a database.
#include "engine_support.hpp"

#include <ablauf/sqlite_store.hpp>

#include <sqlite3.h>
#include <boost/json/parse.hpp>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

namespace ablauf {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::monday;

// A directory of its own for each test, removed afterwards.
struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("ablauf-test-" + std::to_string(std::random_device{}()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const char* name) const { return (path / name).string(); }
};

std::unique_ptr<SqliteStore> open(const std::string& path) {
  auto store = SqliteStore::open(path);
  if (!store) FAIL(store.error().message);
  return std::move(*store);
}

Event event(std::uint64_t sequence, EventType type, const char* data, std::string step = {}) {
  return test::stored_event(sequence, type, step, data, monday + std::chrono::seconds(sequence));
}

const std::vector<Event> history = {
    event(1, EventType::instance_started,
          R"({"workflow": "w", "version": 2, "start": "a", "input": {"n": "Müller"}})"),
    event(2, EventType::step_waiting, R"({"token": 1, "for": "timer"})", "a"),
    event(3, EventType::timer_set, R"({"timer": "t1", "token": 1, "due": "2026-11-24T09:00:00Z",
                                       "purpose": "wait"})",
          "a"),
};

// A copy of some events, for a commit to take.
std::vector<Event> slice(std::span<const Event> events) {
  return {events.begin(), events.end()};
}

InstanceSummary summary_of(std::span<const Event> events) {
  auto state = fold("i", events);
  REQUIRE(state);
  return summarize(*state);
}

TEST_CASE("the SQLite store keeps events and summaries across reopening", "[store][sqlite]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  {
    auto store = open(path);
    const auto first = std::span(history).first(2);
    REQUIRE(store->append("i-1", 0, {slice(first), summary_of(first)}));
    REQUIRE(store->append("i-1", 2, {slice(std::span(history).subspan(2)), summary_of(history)}));
    auto finished = summary_of(history);
    finished.status = InstanceStatus::completed;
    finished.next_due.reset();
    REQUIRE(store->append("i-0", 0, {slice(std::span(history).first(1)), finished}));
  }
  auto store = open(path);
  auto loaded = store->load("i-1");
  REQUIRE(loaded);
  CHECK(*loaded == history);  // every field, umlauts included
  CHECK(store->load("i-1", 2)->size() == 1);
  CHECK(store->load("i-1", 3)->empty());
  CHECK(store->load("nope").error().code == ErrorCode::not_found);
  CHECK(*store->instance_ids() == std::vector<std::string>{"i-1", "i-0"});  // as created
  CHECK(*store->unfinished() == std::vector<std::string>{"i-1"});
  CHECK(store->due(monday)->empty());
  CHECK(*store->due(monday + 24h) == std::vector<std::string>{"i-1"});
}

TEST_CASE("the SQLite store refuses a stale writer and a second business key", "[store][sqlite]") {
  TempDir dir;
  auto store = open(dir.file("ablauf.db"));
  auto keyed = summary_of(std::span(history).first(1));
  keyed.business_key = "R-17";
  REQUIRE(store->append("i-1", 0, {slice(std::span(history).first(1)), keyed}));
  auto stale = store->append("i-1", 0, {slice(std::span(history).first(1)), keyed});
  REQUIRE_FALSE(stale);
  CHECK(stale.error().code == ErrorCode::sequence_conflict);
  auto again = store->append("i-2", 0, {slice(std::span(history).first(1)), keyed});
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::duplicate_key);
  CHECK(**store->find_by_key("w", "R-17") == "i-1");
  CHECK_FALSE(*store->find_by_key("w", "R-18"));
  CHECK(*store->instance_ids() == std::vector<std::string>{"i-1"});  // nothing of i-2 was kept
  CHECK(store->load("i-1")->size() == 1);
}

TEST_CASE("appends from many threads are written together, each on its own terms",
          "[store][sqlite][threads]") {
  TempDir dir;
  auto store = open(dir.file("ablauf.db"));
  constexpr int threads = 8, appends = 40;
  std::atomic<int> refused{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t)
    writers.emplace_back([&, t] {
      const std::string id = "i-" + std::to_string(t);
      const auto first = std::span(history).first(1);
      if (!store->append(id, 0, {slice(first), summary_of(first)})) ++refused;
      for (int n = 1; n < appends; ++n) {
        const auto next = std::vector{
            event(static_cast<std::uint64_t>(n + 1), EventType::timer_fired, R"({"timer": "x"})")};
        if (!store->append(id, static_cast<std::uint64_t>(n), {next, summary_of(first)})) ++refused;
        // A stale writer among them is refused alone.
        if (n % 10 == 0 && store->append(id, 1, {next, summary_of(first)})) ++refused;
      }
    });
  for (auto& w : writers) w.join();
  CHECK(refused == 0);
  for (int t = 0; t < threads; ++t) {
    const auto events = store->load("i-" + std::to_string(t));
    REQUIRE(events);
    CHECK(events->size() == appends);
    CHECK(events->back().sequence == appends);
  }
}

TEST_CASE("one process at a time opens a SQLite store", "[store][sqlite]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  {
    auto first = open(path);
    auto second = SqliteStore::open(path);
    REQUIRE_FALSE(second);
    CHECK(second.error().code == ErrorCode::store_error);
    CHECK_THAT(second.error().message, Catch::Contains("in use by another process"));

    // A reader beside the writer sees what it stores, and cannot write.
    REQUIRE(first->append("i-1", 0, {slice(std::span(history).first(1)), summary_of(history)}));
    auto reader = SqliteStore::open(path, {.read_only = true});
    REQUIRE(reader);
    CHECK(*(*reader)->instance_ids() == std::vector<std::string>{"i-1"});
    CHECK((*reader)->load("i-1")->size() == 1);
    CHECK_FALSE(
        (*reader)->append("i-2", 0, {slice(std::span(history).first(1)), summary_of(history)}));
  }
  CHECK(SqliteStore::open(path));  // free again once the first is closed
  CHECK(SqliteStore::open(":memory:"));
  CHECK(SqliteStore::open(dir.file("no/such/dir.db")).error().code == ErrorCode::io_error);
}

TEST_CASE("a reader leaves no write-ahead log behind, and changes nothing",
          "[store][sqlite][issue20]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  {
    auto writer = open(path);
    REQUIRE(writer->append("i-1", 0, {history, summary_of(history)}));
  }
  REQUIRE_FALSE(std::filesystem::exists(path + "-wal"));  // the writer's last close removed it
  {
    auto reader = SqliteStore::open(path, {.read_only = true});
    REQUIRE(reader);
    CHECK((*reader)->load("i-1")->size() == history.size());
    CHECK_FALSE(
        (*reader)->append("i-2", 0, {slice(std::span(history).first(1)), summary_of(history)}));
  }
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK_FALSE(std::filesystem::exists(path + "-shm"));
  // A file the reader may not write is still read.
  std::filesystem::permissions(path, std::filesystem::perms::owner_read,
                               std::filesystem::perm_options::replace);
  {
    auto reader = SqliteStore::open(path, {.read_only = true});
    REQUIRE(reader);
    CHECK(*(*reader)->instance_ids() == std::vector<std::string>{"i-1"});
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  auto again = open(path);
  CHECK(again->load("i-1")->size() == history.size());
  CHECK(*again->instance_ids() == std::vector<std::string>{"i-1"});
}

// Runs SQL on a database file behind the store's back.
void tamper(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const int code = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(code == SQLITE_OK);
}

TEST_CASE("a SQLite store names what it cannot read", "[store][sqlite]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  {
    auto store = open(path);
    REQUIRE(store->append("i-1", 0, {history, summary_of(history)}));
  }
  tamper(path,
         "UPDATE events SET event = '{\"seq\": 2, \"type\": \"nonsense\"}' WHERE sequence = 2");
  {
    auto store = open(path);
    auto loaded = store->load("i-1");
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == ErrorCode::invalid_event);
    CHECK_THAT(loaded.error().message, Catch::Contains("instance 'i-1', event 2"));
  }
  tamper(path, "INSERT INTO ablauf_schema (version) VALUES (99)");
  auto newer = SqliteStore::open(path);
  REQUIRE_FALSE(newer);
  CHECK_THAT(newer.error().message, Catch::Contains("schema version 99"));
}

TEST_CASE("a schema version no ablauf writes is refused as corrupt, naming the file",
          "[store][sqlite][regression]") {
  // A negative version picked migrations[-1]: garbage run as SQL, or a crash.
  const auto [version, shown] =
      GENERATE(table<const char*, const char*>({{"-1", "-1"},
                                                {"-9223372036854775808", "-9223372036854775808"},
                                                {"0", "0"},
                                                {"'zwei'", "'zwei'"},
                                                {"1.5", "1.5"}}));
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  // Only the row at fault, as if every row of the table had been overwritten.
  tamper(path, (std::string("CREATE TABLE ablauf_schema (version INTEGER NOT NULL);"
                            "INSERT INTO ablauf_schema (version) VALUES (") +
                version + ")")
                   .c_str());
  INFO("version " << version);
  for (const bool read_only : {false, true}) {
    auto store = SqliteStore::open(path, {.read_only = read_only});
    REQUIRE_FALSE(store);
    CHECK(store.error().code == ErrorCode::store_error);
    CHECK(store.error().message ==
          "'" + path + "' is corrupt: its ablauf_schema table holds the version " + shown +
              ", which no ablauf writes (schema versions count "
              "from 1)");
  }
}

TEST_CASE("a schema version past this build's is refused as a newer ablauf's",
          "[store][sqlite][regression]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  open(path);
  const auto newer = std::to_string(SqliteStore::schema_version + 1);
  tamper(path, ("INSERT INTO ablauf_schema (version) VALUES (" + newer + ")").c_str());
  for (const bool read_only : {false, true}) {
    auto store = SqliteStore::open(path, {.read_only = read_only});
    REQUIRE_FALSE(store);
    CHECK(store.error().message ==
          "'" + path + "' has schema version " + newer +
              ", written by a newer ablauf; this one knows up to version " +
              std::to_string(SqliteStore::schema_version));
  }
}

TEST_CASE("an older database is migrated forward when opened", "[store][sqlite]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  {
    auto store = open(path);
    REQUIRE(store->append("i-1", 0, {history, summary_of(history)}));
  }
  // What version 1 of the schema had: no snapshots, records, outbox, event hashes, request
  // keys or sequences yet.
  tamper(path,
         "DROP TABLE snapshots; DROP TABLE records; DROP TABLE outbox; DROP TABLE requests;"
         "DROP TABLE sequences; DROP TABLE schedules;"
         "ALTER TABLE events DROP COLUMN hash; DELETE FROM ablauf_schema WHERE version >= 2");
  auto store = open(path);
  CHECK(store->load("i-1")->size() == 3);  // the data of version 1 is still there
  const auto more = std::vector{event(4, EventType::timer_fired, R"({"timer": "t1"})", "a")};
  REQUIRE(store->append("i-1", 3, {more, summary_of(history), json::object{{"kept", true}}}));
  const auto snapshot = store->load_snapshot("i-1");
  REQUIRE(snapshot);
  REQUIRE(*snapshot);
  CHECK((*snapshot)->sequence == 4);
  CHECK((*snapshot)->state.at("kept") == true);
}

TEST_CASE("an engine loads a long history from its latest snapshot", "[store][sqlite][engine]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  const auto workflow = test::compile_text(R"({"id": "loop", "version": 1, "kind": "workflow",
    "title": "L", "steps": [
      {"id": "tick", "type": "wait", "duration": "P1D",
       "assign": {"ticks": "coalesce(vars.ticks, 0) + 1"},
       "next": [{"when": "vars.ticks >= 30", "to": "check"}, {"to": "tick"}]},
      {"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "label": "OK"}],
       "next": "done"},
      {"id": "done", "type": "end"}]})");
  ManualClock clock{monday};
  std::string id;
  InstanceState before;
  {
    auto store = open(path);
    Engine engine{{.store = store.get(), .clock = &clock, .snapshot_every = 10}};
    REQUIRE(engine.deploy(workflow));
    id = *engine.start("loop", json::object());
    for (int day = 0; day < 30; ++day) {
      clock.advance(24h);
      REQUIRE(engine.run_due() == 1u);
    }
    before = *engine.get(id);
    REQUIRE(before.last_sequence > 100);
  }
  auto store = open(path);
  const auto snapshot = store->load_snapshot(id);
  REQUIRE(snapshot);
  REQUIRE(*snapshot);
  CHECK((*snapshot)->sequence > before.last_sequence - 10);  // the latest, not the first
  Engine engine{{.store = store.get(), .clock = &clock}};
  REQUIRE(engine.deploy(workflow));
  const auto after = engine.get(id);  // snapshot + the events since
  REQUIRE(after);
  CHECK(to_json(*after) == to_json(before));
  CHECK(to_json(*fold(id, *store->load(id))) == to_json(before));  // the same as every event
  REQUIRE(engine.answer(id, "check", "ok", true, "erika"));
  CHECK(engine.get(id)->status == InstanceStatus::completed);
}

TEST_CASE("an engine on a SQLite file carries on in a new process", "[store][sqlite][engine]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  const auto workflow = test::compile_text(R"({"id": "remind", "version": 1, "kind": "workflow",
    "title": "R", "steps": [
      {"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "label": "OK"}],
       "next": "wait"},
      {"id": "wait", "type": "wait", "duration": "P14D", "next": "done"},
      {"id": "done", "type": "end"}]})");
  ManualClock clock{monday};
  std::string id;
  {
    auto store = open(path);
    Engine engine{{.store = store.get(), .clock = &clock}};
    REQUIRE(engine.deploy(workflow));
    id = *engine.start("remind", json::object{{"customer", "Müller"}});
    REQUIRE(engine.answer(id, "check", "ok", true, "erika"));
  }
  clock.advance(std::chrono::days(15));  // the timer fell due while nothing ran
  auto store = open(path);
  Engine engine{{.store = store.get(), .clock = &clock}};
  REQUIRE(engine.deploy(workflow));
  CHECK(engine.resume() == 1u);
  const auto state = engine.get(id);
  REQUIRE(state);
  CHECK(state->status == InstanceStatus::completed);
  CHECK(state->data.at("steps").at("check").at("answers").at("ok") == true);
  const auto events = engine.history(id);
  REQUIRE(events);
  CHECK(std::count_if(events->begin(), events->end(), [](const Event& e) {
          return e.type == EventType::answer_recorded && e.actor == "erika";
        }) == 1);
}

}  // namespace
}  // namespace ablauf
