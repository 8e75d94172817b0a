// Idempotency keys: a call repeated with its key changes nothing twice, on every call that takes
// one, also when the first call's answer was lost with its process.
#include "engine_support.hpp"

#include <ablauf/sqlite_store.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

namespace ablauf {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::Fixture;

// A form, a task with outcomes, then a wait for a payment that may come more than once (a
// loop), and a mail per payment: the effects a repeated call must not repeat.
const char* const dunning = R"({"id": "dunning", "version": 1, "kind": "workflow",
  "title": "Dunning",
  "steps": [
    {"id": "check", "type": "fill_checklist", "title": "Check",
     "sections": [{"id": "s", "title": "S", "items": [
       {"id": "ok", "kind": "checkbox", "label": "OK"}]}], "next": "review"},
    {"id": "review", "type": "create_task", "title": "Review", "assignee": "collections",
     "outcomes": ["approve", "reject"], "next": "payment"},
    {"id": "payment", "type": "wait", "event": "paid", "correlation": "input.invoice",
     "timeout": "P60D", "on_timeout": "done", "next": "thank"},
    {"id": "thank", "type": "send_email", "to": "erika@example.de", "subject": "Danke",
     "body": "Zahlung erhalten", "next": "payment"},
    {"id": "done", "type": "end"}]})";

RequestKey key(std::string name) {
  return {std::move(name), "fingerprint", {}};
}

std::size_t events_of(Engine& engine, const std::string& id) {
  return engine.history(id)->size();
}

}  // namespace

TEST_CASE("each call that changes an instance does so once per idempotency key",
          "[engine][requests]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(dunning)));
  auto id = f.engine.start("dunning", json::object{{"invoice", "R-1"}},
                           {.actor = "erika", .request = key("start-1")});
  REQUIRE(id);
  auto again = f.engine.start("dunning", json::object{{"invoice", "R-1"}},
                              {.actor = "erika", .request = key("start-1")});
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::duplicate_request);
  CHECK_THAT(again.error().message, Catch::Contains(*id));
  CHECK(f.engine.instance_ids()->size() == 1);
  const auto found = f.engine.find_request("start-1");
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->instance == *id);
  CHECK((*found)->fingerprint == "fingerprint");
  CHECK((*found)->time == test::monday);

  const Form form{{{"ok", true}}, {}};
  REQUIRE(f.engine.submit(*id, "check", form, "erika", key("form-1")));
  const auto after_form = events_of(f.engine, *id);
  CHECK(f.engine.submit(*id, "check", form, "erika", key("form-1")).error().code ==
        ErrorCode::duplicate_request);
  CHECK(events_of(f.engine, *id) == after_form);

  const auto task = f.state(*id).tasks.at(0).id;
  REQUIRE(f.engine.complete_task(*id, task, "approve", "jonas", key("task-1")));
  CHECK(f.engine.complete_task(*id, task, "approve", "jonas", key("task-1")).error().code ==
        ErrorCode::duplicate_request);

  // The wait loops: without the key, a repeated payment would be taken for a second one.
  REQUIRE(f.engine.signal("R-1", "paid", json::object{{"amount", 10}}, key("paid-1")));
  CHECK(f.outbox.mails().size() == 1);
  CHECK(f.engine.signal("R-1", "paid", json::object{{"amount", 10}}, key("paid-1")).error().code ==
        ErrorCode::duplicate_request);
  CHECK(f.outbox.mails().size() == 1);
  REQUIRE(f.engine.signal(*id, "paid", json::object{{"amount", 5}}, key("paid-2")));
  CHECK(f.outbox.mails().size() == 2);

  REQUIRE(f.engine.cancel(*id, "jonas", "paid in full", key("cancel-1")));
  CHECK(f.engine.cancel(*id, "jonas", "paid in full", key("cancel-1")).error().code ==
        ErrorCode::duplicate_request);

  // A refused call commits nothing, its key neither: the corrected call may use it.
  CHECK_FALSE(f.engine.start("nope", json::object(), {.request = key("start-2")}));
  CHECK_FALSE(*f.engine.find_request("start-2"));
  // Without a key, calls are as before.
  CHECK(f.engine.start("dunning", json::object{{"invoice", "R-2"}}));
}

TEST_CASE("a call repeated after its process died finds its key in the store",
          "[engine][requests][sqlite]") {
  const fs::path dir =
      fs::temp_directory_path() / ("ablauf-requests-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  const auto path = (dir / "ablauf.db").string();
  ManualClock clock(test::monday);
  std::string id, task;
  {
    auto store = SqliteStore::open(path);
    REQUIRE(store);
    Engine engine({.store = store->get(), .clock = &clock});
    REQUIRE(engine.deploy(test::compile_text(dunning)));
    auto started = engine.start("dunning", json::object{{"invoice", "R-1"}});
    REQUIRE(started);
    id = *started;
    REQUIRE(engine.submit(id, "check", Form{{{"ok", true}}, {}}, "erika"));
    task = engine.get(id)->tasks.at(0).id;
    // The completion is stored; the answer to the client is lost with the process.
    REQUIRE(engine.complete_task(id, task, "approve", "jonas", key("task-1")));
  }
  auto store = SqliteStore::open(path);
  REQUIRE(store);
  Engine engine({.store = store->get(), .clock = &clock});
  REQUIRE(engine.deploy(test::compile_text(dunning)));
  const auto events = engine.history(id)->size();
  const auto repeated = engine.complete_task(id, task, "approve", "jonas", key("task-1"));
  REQUIRE_FALSE(repeated);
  CHECK(repeated.error().code == ErrorCode::duplicate_request);
  CHECK(engine.history(id)->size() == events);
  CHECK((*engine.find_request("task-1"))->instance == id);
  fs::remove_all(dir);
}

TEST_CASE("a store that keeps no keys refuses calls that give one", "[engine][requests]") {
  Fixture f;
  test::DyingStore host_store(f.store);  // never dies here
  host_store.keeps_keys = false;         // a host's store from before idempotency keys
  Engine engine({.store = &host_store, .clock = &f.clock});
  REQUIRE(engine.deploy(test::compile_text(dunning)));
  const auto refused =
      engine.start("dunning", json::object{{"invoice", "R-1"}}, {.request = key("start-1")});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_value);
  CHECK_THAT(refused.error().message, Catch::Contains("keeps no idempotency keys"));
  CHECK(f.store.instance_ids()->empty());
  CHECK(engine.start("dunning", json::object{{"invoice", "R-1"}}));
}

}  // namespace ablauf
