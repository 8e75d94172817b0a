// Claims on a real PostgreSQL server: workers take disjoint work, a lease keeps an instance to
// its worker until it expires, and a worker whose claim was taken over cannot write.
#include "engine_support.hpp"
#include "postgres/server.hpp"

#include <ablauf/postgres_store.hpp>
#include <ablauf/sqlite_store.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <set>
#include <thread>

namespace ablauf {
namespace {

using namespace std::chrono_literals;
using test::monday;

Event started(std::uint64_t sequence = 1) {
  return test::stored_event(sequence, EventType::instance_started, "",
                            R"({"workflow": "w", "version": 1, "start": "a", "input": {}})",
                            monday);
}

// An instance whose summary says what work it has: a token not waiting, or a timer.
void add(Store& store, const std::string& id, InstanceStatus status,
         std::optional<Time> next_due = {}) {
  InstanceSummary summary{"w", 1, "", status, next_due};
  REQUIRE(store.append(id, 0, {{started()}, summary}));
}

std::set<std::string> ids(const std::vector<Claim>& claims) {
  std::set<std::string> out;
  for (const auto& c : claims) out.insert(c.instance);
  return out;
}

TEST_CASE("workers claim only instances with work, and never the same one",
          "[store][postgres][work_queue]") {
  auto store = test::open_postgres_store(test::fresh_postgres_database());
  CHECK(store->work_queue() == store.get());
  for (int i = 0; i < 40; ++i) add(*store, "run-" + std::to_string(i), InstanceStatus::running);
  add(*store, "due", InstanceStatus::waiting, monday);
  add(*store, "later", InstanceStatus::waiting, monday + 1h);
  add(*store, "waits", InstanceStatus::waiting);
  add(*store, "done", InstanceStatus::completed);

  std::vector<std::vector<Claim>> taken(4);
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < taken.size(); ++w)
    workers.emplace_back([&, w] {
      for (;;) {
        auto batch = store->claim("worker-" + std::to_string(w), monday, 30s, 5);
        if (!batch || batch->empty()) break;
        taken[w].insert(taken[w].end(), batch->begin(), batch->end());
      }
    });
  for (auto& worker : workers) worker.join();
  std::set<std::string> all;
  std::size_t count = 0;
  for (const auto& claims : taken) {
    count += claims.size();
    for (const auto& id : ids(claims)) all.insert(id);
  }
  CHECK(count == 41);       // no instance twice
  CHECK(all.size() == 41);  // every running one, and the one due
  CHECK(all.contains("due"));
  CHECK_FALSE(all.contains("later"));
  CHECK_FALSE(all.contains("waits"));
  CHECK_FALSE(all.contains("done"));
  // Leased, nothing is left to claim.
  CHECK(store->claim("late", monday, 30s, 100)->empty());
}

TEST_CASE("a caller waiting for a sub-workflow has work once the sub-workflow finishes",
          "[store][postgres][work_queue]") {
  auto store = test::open_postgres_store(test::fresh_postgres_database());
  InstanceSummary caller{"w", 1, "", InstanceStatus::waiting, {}};
  caller.awaiting = {"child-1"};
  REQUIRE(store->append("parent", 0, {{started()}, caller}));
  add(*store, "child-1", InstanceStatus::waiting);
  CHECK(store->claim("w", monday, 30s, 10)->empty());
  InstanceSummary finished{"w", 1, "", InstanceStatus::completed, {}};
  finished.parent = "parent";
  REQUIRE(store->append(
      "child-1", 1,
      {{test::stored_event(2, EventType::instance_completed, "", "{}", monday)}, finished}));
  const auto claims = store->claim("w", monday, 30s, 10);
  REQUIRE(claims);
  CHECK(ids(*claims) == std::set<std::string>{"parent"});
  CHECK(store->due(monday)->size() == 1);
}

TEST_CASE("a caller that starts to wait for a sub-workflow that already ended has work",
          "[store][postgres][work_queue]") {
  // The call is stored, the sub-workflow runs to its end on another worker, and only then does
  // the caller store that it waits.
  auto store = test::open_postgres_store(test::fresh_postgres_database());
  add(*store, "parent", InstanceStatus::running);
  REQUIRE(store->release(store->claim("w", monday, 30s, 10)->front()));
  InstanceSummary finished{"w", 1, "", InstanceStatus::completed, {}};
  finished.parent = "parent";
  REQUIRE(store->append(
      "child-1", 0,
      {{started(), test::stored_event(2, EventType::instance_completed, "", "{}", monday)},
       finished}));
  InstanceSummary waits{"w", 1, "", InstanceStatus::waiting, {}};
  waits.awaiting = {"child-1"};
  REQUIRE(store->append("parent", 1,
                        {{test::stored_event(2, EventType::step_waiting, "a",
                                             R"({"token": 1, "for": "call"})", monday)},
                         waits}));
  const auto claims = store->claim("w", monday, 30s, 10);
  REQUIRE(claims);
  CHECK(ids(*claims) == std::set<std::string>{"parent"});
}

TEST_CASE("a lease keeps an instance to its worker until it expires or is released",
          "[store][postgres][work_queue]") {
  auto store = test::open_postgres_store(test::fresh_postgres_database());
  add(*store, "i-1", InstanceStatus::running);
  add(*store, "i-2", InstanceStatus::running);
  const auto first = store->claim("a", monday, 300ms, 10);
  REQUIRE(first);
  REQUIRE(first->size() == 2);
  CHECK(store->claim("b", monday, 300ms, 10)->empty());
  CHECK_FALSE(*store->claim_instance("i-1", "b", 300ms));

  // Renewed, i-1 stays with a; i-2 is let go and b may have it at once.
  std::this_thread::sleep_for(150ms);
  const auto i1 = (*first)[0].instance == "i-1" ? (*first)[0] : (*first)[1];
  const auto i2 = (*first)[0].instance == "i-1" ? (*first)[1] : (*first)[0];
  CHECK(store->renew(std::span(&i1, 1), 1s)->empty());
  REQUIRE(store->release(i2));
  const auto second = store->claim("b", monday, 300ms, 10);
  REQUIRE(second);
  REQUIRE(second->size() == 1);
  CHECK(second->front().instance == "i-2");
  CHECK(second->front().fence > i2.fence);

  // Expired, a's claim on i-2 is b's now: a's renewal says so.
  std::this_thread::sleep_for(400ms);
  const auto lost = store->renew(*first, 1s);
  REQUIRE(lost);
  CHECK(*lost == std::vector<std::string>{"i-2"});
  const auto taken = store->claim_instance("i-2", "c", 1s);
  REQUIRE(taken);
  REQUIRE(*taken);
  CHECK((*taken)->fence > second->front().fence);
}

TEST_CASE("a worker whose claim was taken over cannot write", "[store][postgres][work_queue]") {
  auto store = test::open_postgres_store(test::fresh_postgres_database());
  add(*store, "i-1", InstanceStatus::running);
  const auto stale = store->claim("paused", monday, 100ms, 1);
  REQUIRE(stale);
  REQUIRE(stale->size() == 1);
  std::this_thread::sleep_for(200ms);  // as if stopped with SIGSTOP past its lease
  const auto fresh = store->claim("other", monday, 30s, 1);
  REQUIRE(fresh);
  REQUIRE(fresh->size() == 1);

  InstanceSummary summary{"w", 1, "", InstanceStatus::waiting, {}};
  const auto next = [&] {
    return std::vector{test::stored_event(2, EventType::step_waiting, "a",
                                          R"({"token": 1, "for": "event"})", monday)};
  };
  Commit late{next(), summary};
  late.fence = stale->front().fence;
  late.records = {{"invoices", "R-1", {{"total", 1}}, false}};
  const auto refused = store->append("i-1", 1, std::move(late));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::lease_lost);
  CHECK_THAT(refused.error().message, Catch::Contains("claimed by another worker"));
  CHECK(store->load("i-1")->size() == 1);
  CHECK_FALSE(*store->find_record("invoices", "R-1"));

  Commit owner{next(), summary};
  owner.fence = fresh->front().fence;
  CHECK(store->append("i-1", 1, std::move(owner)));
  CHECK(store->load("i-1")->size() == 2);
}

TEST_CASE("each queued mail goes to one worker's mailer at a time",
          "[store][postgres][work_queue]") {
  const auto conninfo = test::fresh_postgres_database();
  auto first = test::open_postgres_store(conninfo);
  auto second = test::open_postgres_store(conninfo);
  Commit queued{{started()}, InstanceSummary{"w", 1, "", InstanceStatus::running, {}}};
  for (int n = 0; n < 5; ++n)
    queued.mails.push_back(Mail{.to = {"a@example.de"}, .subject = std::to_string(n)});
  REQUIRE(first->append("i-1", 0, std::move(queued)));

  const auto a = first->claim_mail("a", 300ms);
  REQUIRE(a);
  CHECK(a->size() == 5);
  CHECK(a->front().mail.subject == "0");  // oldest first
  CHECK(second->claim_mail("b", 300ms)->empty());
  REQUIRE(first->mark_sent((*a)[0].id, "<0@example.de>"));
  // Unsent past the claim (its mailer refused, or its process died): anyone's again.
  std::this_thread::sleep_for(400ms);
  const auto b = second->claim_mail("b", 300ms);
  REQUIRE(b);
  CHECK(b->size() == 4);
}

TEST_CASE("stores that serve one process have no work queue", "[store]") {
  MemoryStore memory;
  CHECK(memory.work_queue() == nullptr);
  auto sqlite = SqliteStore::open(":memory:");
  REQUIRE(sqlite);
  CHECK((*sqlite)->work_queue() == nullptr);
  // Nor can an engine on one be made a worker.
  Engine engine(EngineConfig{.store = &memory});
  const auto refused = engine.claim_and_run();
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("PostgresStore"));
}

// Runs SQL on the database `conninfo` names, as a person with psql would.
void tamper(const std::string& conninfo, const std::string& sql) {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> db(PQconnectdb(conninfo.c_str()), &PQfinish);
  REQUIRE(PQstatus(db.get()) == CONNECTION_OK);
  const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(db.get(), sql.c_str()),
                                                             &PQclear);
  INFO(PQerrorMessage(db.get()));
  REQUIRE(PQresultStatus(result.get()) == PGRES_COMMAND_OK);
}

TEST_CASE("a PostgreSQL schema version below 1 is refused as corrupt, naming the database",
          "[store][postgres][regression]") {
  // A negative version picked migrations[-1]: garbage run as SQL, or a crash.
  const auto conninfo = test::fresh_postgres_database();
  tamper(conninfo,
         "CREATE TABLE ablauf_schema (version integer NOT NULL);"
         "INSERT INTO ablauf_schema (version) VALUES (-7)");
  auto store = PostgresStore::open(conninfo);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::store_error);
  CHECK_THAT(store.error().message,
             Catch::Matches("the PostgreSQL database '[a-z0-9_]+' is corrupt: its ablauf_schema "
                            "table holds the version -7, which no ablauf writes \\(schema "
                            "versions count from 1\\)"));
}

TEST_CASE("a PostgreSQL schema version past this build's is refused as a newer ablauf's",
          "[store][postgres][regression]") {
  const auto conninfo = test::fresh_postgres_database();
  test::open_postgres_store(conninfo);
  const auto newer = std::to_string(PostgresStore::schema_version + 1);
  tamper(conninfo, "INSERT INTO ablauf_schema (version) VALUES (" + newer + ")");
  auto store = PostgresStore::open(conninfo);
  REQUIRE_FALSE(store);
  CHECK_THAT(store.error().message,
             Catch::Matches("the PostgreSQL database '[a-z0-9_]+' has ablauf schema version " +
                            newer + ", written by a newer ablauf; this one knows up to version " +
                            std::to_string(PostgresStore::schema_version)));
}

}  // namespace
}  // namespace ablauf
