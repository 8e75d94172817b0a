// The hash chain over an instance's history: how a hash is made, how a break is found and named,
// and that an event edited in a SQLite file is caught on load and by verify_history().
#include <ablauf/history.hpp>

#include "engine_support.hpp"
#include "small_stack.hpp"

#include <ablauf/sqlite_store.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <random>

namespace ablauf {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::monday;

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("ablauf-history-" + std::to_string(std::random_device{}()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const char* name) const { return (path / name).string(); }
};

// Changes a SQLite file behind the store's back, as someone with the file and the sqlite3 tool
// would.
void tamper(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int code = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  const std::string why = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  INFO(why);
  REQUIRE(code == SQLITE_OK);
}

std::unique_ptr<SqliteStore> open(const std::string& path) {
  auto store = SqliteStore::open(path);
  if (!store) FAIL(store.error().message);
  return std::move(*store);
}

Event event(std::uint64_t sequence, EventType type, const char* data, std::string step = {}) {
  return test::stored_event(sequence, type, step, data, monday + std::chrono::seconds(sequence));
}

// A history chained as a store chains it.
std::vector<Event> chained(std::string_view instance, std::vector<Event> events) {
  std::string previous = history_origin(instance);
  for (auto& e : events) previous = e.hash = event_hash(previous, e);
  return events;
}

const std::vector<Event> history = chained(
    "i-1", {event(1, EventType::instance_started,
                  R"({"workflow": "w", "version": 2, "start": "a", "input": {"n": "Müller"}})"),
            event(2, EventType::step_waiting, R"({"token": 1, "for": "timer"})", "a"),
            event(3, EventType::timer_fired, R"({"timer": "t1"})", "a"),
            event(4, EventType::vars_assigned, R"({"vars": {"x": 1}})", "a")});

TEST_CASE("canonical JSON sorts keys at every level and escapes only what it must", "[history]") {
  const auto value = json::parse(R"({"b": [3, {"z": null, "a": true}], "a": "ä\n\"\u0001",
                                     "c": -2, "d": 1.5, "e": 18446744073709551615})");
  CHECK(canonical_json(value) ==
        R"({"a":"ä\n\"\u0001","b":[3,{"a":true,"z":null}],"c":-2,"d":1.5E0,)"
        R"("e":18446744073709551615})");
  // Built in another order, the same value writes the same text.
  json::object reordered{{"e", 18446744073709551615ull}, {"d", 1.5}, {"c", -2}};
  reordered["b"] = json::array{3, json::object{{"a", true}, {"z", nullptr}}};
  reordered["a"] = "ä\n\"\x01";
  CHECK(canonical_json(reordered) == canonical_json(value));
  // Empty containers, and containers in containers, each closed where it ends.
  CHECK(canonical_json(json::parse(R"({"c": [[], {}, [{"y": [], "x": {}}]], "b": {}, "a": []})")) ==
        R"({"a":[],"b":{},"c":[[],{},[{"x":{},"y":[]}]]})");
}

TEST_CASE("canonical JSON of a value nested 10,000 deep needs no deep stack", "[history]") {
  // 10,000 is the reader's ceiling for max_depth; written by recursion, this overflowed 256 KiB.
  constexpr std::size_t depth = 10'000;
  std::string text =
      std::string(depth - 1, '[') + R"({"b": 1, "a": 2})" + std::string(depth - 1, ']');
  json::parse_options options;
  options.max_depth = depth + 1;
  const auto value = json::parse(text, {}, options);
  std::string canonical;
  test::run_with_stack(256 * 1024, [&] { canonical = canonical_json(value); });
  CHECK(canonical ==
        std::string(depth - 1, '[') + R"({"a":2,"b":1})" + std::string(depth - 1, ']'));
}

TEST_CASE("an event's hash is the SHA-256 of the hash before it and its canonical JSON",
          "[history]") {
  Event e = event(1, EventType::instance_started, R"({"workflow": "w", "version": 2})");
  e.actor = "erika";
  CHECK(canonical_json(to_json(e)) ==
        R"({"actor":"erika","data":{"version":2,"workflow":"w"},"seq":1,)"
        R"("time":"2026-11-23T09:00:01Z","type":"instance_started"})");
  // sha256("i-1"), and sha256 of it, "\n" and the text above (computed apart, with sha256sum).
  CHECK(history_origin("i-1") ==
        "f105b11df43d5d321f5c773ef904af979024887b4d2b0fab699387f59e2ff01e");
  const char* expected = "618fdba9f3eb640c79cf554cfc5364d331820a56df5179b9a7232b9522771651";
  CHECK(event_hash(history_origin("i-1"), e) == expected);
  e.hash = "anything";  // not part of what is hashed
  CHECK(event_hash(history_origin("i-1"), e) == expected);
}

TEST_CASE("verify_history finds a changed event and names it", "[history]") {
  CHECK_FALSE(verify_history("i-1", history));
  CHECK_FALSE(verify_history("i-1", std::span<const Event>()));

  auto edited = history;
  edited[2].data["timer"] = "t2";
  auto broken = verify_history("i-1", edited);
  REQUIRE(broken);
  CHECK(broken->sequence == 3);
  CHECK(broken->found == history[2].hash);
  CHECK(broken->expected == event_hash(history[1].hash, edited[2]));
  CHECK_THAT(broken->describe(),
             Catch::Contains("instance 'i-1', event 3: stored hash " + history[2].hash));

  // Its hash recomputed too: the next event no longer follows it.
  edited[2].hash = event_hash(history[1].hash, edited[2]);
  broken = verify_history("i-1", edited);
  REQUIRE(broken);
  CHECK(broken->sequence == 4);

  // A hash that went missing.
  auto unhashed = history;
  unhashed[1].hash.clear();
  broken = verify_history("i-1", unhashed);
  REQUIRE(broken);
  CHECK(broken->sequence == 2);
  CHECK_THAT(broken->describe(), Catch::Contains("no hash is stored"));
}

TEST_CASE("verify_history finds a removed event and a history under another id", "[history]") {
  auto gap = history;
  gap.erase(gap.begin() + 1);
  auto broken = verify_history("i-1", gap);
  REQUIRE(broken);
  CHECK(broken->sequence == 3);
  CHECK_THAT(broken->reason, Catch::Contains("event 2 is missing"));

  broken = verify_history("i-2", history);
  REQUIRE(broken);
  CHECK(broken->sequence == 1);

  // From the middle, the first event read is the anchor the rest must follow.
  CHECK_FALSE(verify_history("i-1", std::span(history).subspan(1)));
  auto tail = std::vector(history.begin() + 1, history.end());
  tail[1].actor = "mallory";
  broken = verify_history("i-1", tail);
  REQUIRE(broken);
  CHECK(broken->sequence == 3);
}

// A signer for the test: the "signature" is the text signed, reversed. A host uses a key.
class ReversingSigner final : public HistorySigner {
 public:
  tl::expected<std::string, Error> sign(const ChainHead& head) override {
    auto text = head.signing_text();
    return std::string(text.rbegin(), text.rend());
  }
  tl::expected<bool, Error> verify(const ChainHead& head,
                                   std::string_view signature) const override {
    const auto text = head.signing_text();
    return signature == std::string(text.rbegin(), text.rend());
  }
};

TEST_CASE("a history signer vouches for the head, and so for the whole chain", "[history]") {
  ReversingSigner signer;
  const ChainHead head{"i-1", 4, history.back().hash};
  CHECK(head.signing_text() == "ablauf-chain-head\ni-1\n4\n" + history.back().hash);
  const auto signature = signer.sign(head);
  REQUIRE(signature);
  const auto verified = verify_signed_history("i-1", history, signer, *signature);
  REQUIRE(verified);
  CHECK(verified->sequence == 4);

  // A history rewritten with every hash recomputed still chains, but its head is not signed.
  auto rewritten = history;
  rewritten[1].actor = "mallory";
  rewritten = chained("i-1", rewritten);
  CHECK_FALSE(verify_history("i-1", rewritten));
  const auto refused = verify_signed_history("i-1", rewritten, signer, *signature);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_event);
  CHECK_THAT(refused.error().message, Catch::Contains("does not sign event 4"));

  // Cut short, the head is another event: the signature no longer matches either.
  CHECK_FALSE(verify_signed_history("i-1", std::span(history).first(3), signer, *signature));
  // And a broken chain is named before any signature is checked.
  auto edited = history;
  edited[0].data["version"] = 3;
  const auto broken = verify_signed_history("i-1", edited, signer, *signature);
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.error().message, Catch::Contains("event 1"));
}

const char* checklist = R"({"id": "c", "version": 1, "kind": "workflow", "title": "C",
  "steps": [{"id": "check", "type": "fill_checklist", "items": [
              {"id": "a", "label": "A", "kind": "text"}, {"id": "b", "label": "B", "kind": "text"},
              {"id": "c", "label": "C", "kind": "text"}, {"id": "d", "label": "D"}],
             "next": "done"},
            {"id": "done", "type": "end"}]})";

TEST_CASE("an event edited in a SQLite file is refused on load, naming it", "[history][sqlite]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  const auto workflow = test::compile_text(checklist);
  ManualClock clock{monday};
  std::string id;
  {
    auto store = open(path);
    Engine engine{{.store = store.get(), .clock = &clock}};
    REQUIRE(engine.deploy(workflow));
    id = *engine.start("c", json::object{{"customer", "K-4711"}});
    REQUIRE(engine.answer(id, "check", "a", "first", "erika"));
  }
  const auto events = open(path)->load(id);
  REQUIRE(events);
  const auto answered = std::find_if(events->begin(), events->end(), [](const Event& e) {
    return e.type == EventType::answer_recorded;
  });
  REQUIRE(answered != events->end());
  const auto sequence = answered->sequence;

  const std::string sql =
      "UPDATE events SET event = replace(event, '\"first\"', '\"forged\"') "
      "WHERE sequence = " +
      std::to_string(sequence);
  tamper(path, sql.c_str());

  auto store = open(path);
  const auto edited = store->load(id);  // the store reads it back: it is still an event
  REQUIRE(edited);
  CHECK((*edited)[sequence - 1].data.at("value") == "forged");
  const auto broken = verify_history(id, *edited);
  REQUIRE(broken);
  CHECK(broken->sequence == sequence);
  CHECK(broken->found == answered->hash);

  // An engine checks the chain as it reads the instance, and acts on nothing it read.
  Engine engine{{.store = store.get(), .clock = &clock}};
  REQUIRE(engine.deploy(workflow));
  const auto loaded = engine.get(id);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().code == ErrorCode::invalid_event);
  CHECK_THAT(loaded.error().message,
             Catch::Contains("instance '" + id + "', event " + std::to_string(sequence)));
  CHECK_FALSE(engine.answer(id, "check", "b", "second", "erika"));

  // Told not to check, it reads what the store holds.
  Engine trusting{{.store = store.get(), .clock = &clock, .verify_history = false}};
  REQUIRE(trusting.deploy(workflow));
  const auto read = trusting.get(id);
  REQUIRE(read);
  CHECK(read->data.at("steps").at("check").at("answers").at("a") == "forged");
}

TEST_CASE("the chain holds across snapshots and restarts, and a load checks what it reads",
          "[history][sqlite]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  const auto workflow = test::compile_text(checklist);
  ManualClock clock{monday};
  std::string id;
  const auto restart = [&](std::uint32_t snapshot_every, auto&& then) {
    auto store = open(path);
    Engine engine{{.store = store.get(), .clock = &clock, .snapshot_every = snapshot_every}};
    REQUIRE(engine.deploy(workflow));
    then(engine, *store);
  };
  restart(2, [&](Engine& engine, Store&) {
    id = *engine.start("c", json::object());
    REQUIRE(engine.answer(id, "check", "a", "1", "erika"));
  });
  restart(2,
          [&](Engine& engine, Store&) { REQUIRE(engine.answer(id, "check", "b", "2", "erika")); });
  std::uint64_t snapshot_at = 0, last = 0;
  restart(0, [&](Engine& engine, Store& store) {
    REQUIRE(engine.answer(id, "check", "c", "3", "erika"));
    const auto events = store.load(id);
    REQUIRE(events);
    CHECK_FALSE(verify_history(id, *events));
    const auto snapshot = store.load_snapshot(id);
    REQUIRE(snapshot);
    REQUIRE(*snapshot);
    snapshot_at = (*snapshot)->sequence;
    last = events->size();
  });
  REQUIRE(snapshot_at > 1);
  REQUIRE(snapshot_at < last);

  // An event the snapshot holds is not read on load (the snapshot is); the full check finds it.
  tamper(path,
         ("UPDATE events SET event = json_set(event, '$.actor', 'mallory') WHERE sequence = " +
          std::to_string(snapshot_at - 1))
             .c_str());
  restart(2, [&](Engine& engine, Store& store) {
    CHECK(engine.get(id));
    const auto broken = verify_history(id, *store.load(id));
    REQUIRE(broken);
    CHECK(broken->sequence == snapshot_at - 1);
  });
  // One after the snapshot is read on load, and checked.
  tamper(path,
         ("UPDATE events SET event = json_set(event, '$.actor', 'mallory') WHERE sequence = " +
          std::to_string(last))
             .c_str());
  restart(2, [&](Engine& engine, Store&) {
    const auto loaded = engine.get(id);
    REQUIRE_FALSE(loaded);
    CHECK_THAT(loaded.error().message,
               Catch::Contains("instance '" + id + "', event " + std::to_string(last) + ":"));
  });
}

TEST_CASE("a database from before hashes gets its events chained when opened",
          "[history][sqlite]") {
  TempDir dir;
  const auto path = dir.file("ablauf.db");
  {
    auto store = open(path);
    REQUIRE(store->append("i-1", 0, {test::slice(std::span(history).first(3)), {}}));
  }
  tamper(path,
         "ALTER TABLE events DROP COLUMN hash; DROP TABLE requests; DROP TABLE sequences; "
         "DROP TABLE schedules; "
         "DELETE FROM ablauf_schema WHERE version >= 4");
  auto store = open(path);
  auto loaded = store->load("i-1");
  REQUIRE(loaded);
  REQUIRE(loaded->size() == 3);
  CHECK((*loaded)[2].hash == history[2].hash);
  CHECK_FALSE(verify_history("i-1", *loaded));
  // And the chain goes on from there.
  REQUIRE(store->append("i-1", 3, {test::slice(std::span(history).subspan(3)), {}}));
  loaded = store->load("i-1");
  REQUIRE(loaded);
  CHECK(loaded->back().hash == history.back().hash);
  CHECK_FALSE(verify_history("i-1", *loaded));
}

}  // namespace
}  // namespace ablauf
