// A disk that fails under the SQLite store, at every write, sync and open of a seed run in turn:
// the engine stops the instance's work with an error instead of going round, never hands one
// mail to the mailer twice while it runs, leaves the store sound, and once the disk works again
// a new engine finishes the instance with each mail and record exactly once.
#include "faulty_vfs.hpp"

#include "engine_support.hpp"

#include <ablauf/sqlite_store.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

namespace ablauf {
namespace {

using test::FaultyVfs;
namespace json = boost::json;
namespace fs = std::filesystem;

// Keeps one copy of each mail by its idempotency key, as a real mailer must, and counts how
// often each was handed over.
struct KeyedMailer final : Mailer {
  std::map<std::string, int> handed;
  tl::expected<std::string, std::string> send(const Mail& mail) override {
    ++handed[mail.idempotency_key];
    return "msg:" + mail.idempotency_key;
  }
};

// The utility seed, its answers, and a driver that stops at the first error, as `ablauf run`
// does: every call either succeeds or says why, and a loop that makes no progress ends.
struct UtilityRun {
  Workflow workflow = test::compile_file(test::workflows_dir() / "utility_billing.json");
  json::object answers =
      json::parse(test::read_file(test::workflows_dir() / "answers" / "utility_billing.json"))
          .as_object();

  // Drives the instance until it ends, or until a call fails or the engine reports an error;
  // returns whether it ended.
  static bool drive(Engine& engine, ManualClock& clock, const std::string& id,
                    const json::object& answers, const std::size_t& reported) {
    const std::size_t before = reported;
    for (int pass = 0; pass < 200; ++pass) {
      if (reported != before) return false;
      auto state = engine.get(id);
      if (!state) return false;
      if (state->finished()) return true;
      bool acted = false;
      for (const auto& token : state->tokens) {
        if (token.state != Token::State::waiting) continue;
        if (token.waiting_for == WaitingFor::checklist) {
          const auto& given = answers.at("answers").at(token.step).as_object();
          json::object batch;
          for (const auto& [item, value] : given) batch[item] = value;
          if (!engine.submit(id, token.step, batch, "jonas.weber")) return false;
          acted = true;
          break;
        }
        if (token.waiting_for == WaitingFor::task) {
          for (const auto& task : state->tasks)
            if (!task.completed && task.step == token.step) {
              if (!engine.complete_task(id, task.id, "payment_received", "jonas.weber"))
                return false;
              acted = true;
            }
          if (acted) break;
        }
      }
      if (acted) continue;
      if (state->timers.empty()) return false;  // nothing left to give it
      Time next = state->timers.front().due;
      for (const auto& timer : state->timers) next = std::min(next, timer.due);
      clock.set(std::max(next, clock.now()));
      if (!engine.run_due()) return false;
    }
    FAIL("the instance made no progress in 200 passes: the engine goes round");
    return false;
  }
};

struct Outcome {
  bool stopped = false;  // the fault stopped the first engine
  std::map<std::string, int> handed;
};

// One seed run on a store at `path`, with the fault armed; then, with the disk mended, a new
// engine on the same file resumes and finishes it.
Outcome run_with_fault(const UtilityRun& seed, const fs::path& path,
                       FaultyVfs::Operation operation, std::uint64_t nth,
                       FaultyVfs::Failure failure) {
  Outcome outcome;
  KeyedMailer mailer;
  ManualClock clock{test::monday};
  std::string id;
  {
    FaultyVfs::arm(operation, nth, failure);
    auto store = SqliteStore::open(path.string(), {.vfs = FaultyVfs::name});
    if (store) {
      std::size_t reported = 0;
      std::string first_error;
      Engine engine{{.store = store->get(),
                     .clock = &clock,
                     .mailer = &mailer,
                     .on_error = [&](const std::string&, const Error& e) {
                       if (reported++ == 0) first_error = e.message;
                     }}};
      REQUIRE(engine.deploy(seed.workflow));
      auto started = engine.start("utility_billing", seed.answers.at("input"),
                                  {.business_key = "VA-2026-118204", .actor = "jonas.weber"});
      if (started) {
        id = *started;
        outcome.stopped = !UtilityRun::drive(engine, clock, id, seed.answers, reported);
      } else {
        outcome.stopped = true;
      }
      // While this engine ran, no mail went to the mailer twice.
      for (const auto& [key, times] : mailer.handed) CHECK(times == 1);
      if (outcome.stopped && reported > 0) CHECK_FALSE(first_error.empty());
    } else {
      outcome.stopped = true;
    }
    FaultyVfs::disarm();
  }
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* check = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(check) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(check, 0))) == "ok");
    sqlite3_finalize(check);
    sqlite3_close(db);
  }
  // The disk works again: a new process resumes, and runs the instance to its end.
  auto store = SqliteStore::open(path.string());
  REQUIRE(store);
  Engine engine{{.store = store->get(), .clock = &clock, .mailer = &mailer}};
  REQUIRE(engine.deploy(seed.workflow));
  REQUIRE(engine.resume());
  auto started = engine.start("utility_billing", seed.answers.at("input"),
                              {.business_key = "VA-2026-118204", .actor = "jonas.weber"});
  REQUIRE(started);
  const std::size_t none = 0;
  REQUIRE(UtilityRun::drive(engine, clock, *started, seed.answers, none));
  CHECK(engine.get(*started)->status == InstanceStatus::completed);
  REQUIRE(engine.deliver_mail() == 0u);
  // Each mail is in the outbox once and marked sent; each record was written once.
  const auto outbox = (*store)->outbox(false);
  REQUIRE(outbox);
  CHECK(outbox->size() == 4);
  std::set<std::string> keys;
  for (const auto& mail : *outbox) {
    CHECK(mail.message_id);
    keys.insert(mail.mail.idempotency_key);
  }
  CHECK(keys.size() == 4);
  for (const char* collection : {"customers", "invoices", "payment_history"}) {
    auto records = (*store)->records(collection);
    REQUIRE(records);
    INFO(collection);
    CHECK(records->size() == 1);
  }
  outcome.handed = mailer.handed;
  return outcome;
}

TEST_CASE("a failing disk at every write point of a seed run loses and repeats nothing",
          "[engine][sqlite][faults][issue27]") {
  FaultyVfs::install();
  const UtilityRun seed;
  const auto dir = fs::temp_directory_path() /
                   ("ablauf-faults-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);

  // How many writes, syncs and opens a clean run makes: every one of them gets its turn.
  FaultyVfs::disarm();
  {
    const auto clean = run_with_fault(seed, dir / "clean.db", FaultyVfs::Operation::open,
                                      1'000'000, FaultyVfs::Failure::full);
    CHECK_FALSE(clean.stopped);
  }
  struct Point {
    FaultyVfs::Operation operation;
    const char* name;
  };
  std::size_t injected = 0, stopped = 0;
  for (const auto& [operation, name] : {Point{FaultyVfs::Operation::write, "write"},
                                        Point{FaultyVfs::Operation::sync, "sync"},
                                        Point{FaultyVfs::Operation::open, "open"}}) {
    // Count this operation in a clean run of its own.
    FaultyVfs::arm(operation, 1'000'000'000, FaultyVfs::Failure::full);
    {
      auto store = SqliteStore::open((dir / (std::string(name) + "-count.db")).string(),
                                     {.vfs = FaultyVfs::name});
      REQUIRE(store);
      KeyedMailer mailer;
      ManualClock clock{test::monday};
      Engine engine{{.store = store->get(), .clock = &clock, .mailer = &mailer}};
      REQUIRE(engine.deploy(seed.workflow));
      auto id = engine.start("utility_billing", seed.answers.at("input"), {.actor = "jonas.weber"});
      REQUIRE(id);
      const std::size_t none = 0;
      REQUIRE(UtilityRun::drive(engine, clock, *id, seed.answers, none));
    }
    const auto total = FaultyVfs::count(operation);
    FaultyVfs::disarm();
    INFO(name << " operations in a clean run: " << total);
    REQUIRE(total > 0);
    for (std::uint64_t nth = 1; nth <= total; ++nth) {
      const auto failure = nth % 2 ? FaultyVfs::Failure::full : FaultyVfs::Failure::io_error;
      {  // not a section: Catch would run the counting above again for each
        INFO(name << " " << nth << " of " << total << " fails");
        const auto path = dir / (std::string(name) + "-" + std::to_string(nth) + ".db");
        const auto outcome = run_with_fault(seed, path, operation, nth, failure);
        ++injected;
        if (outcome.stopped) ++stopped;
        // Across both processes each mail was handed over at most twice (a second time only
        // if the first process could not record the hand-over), always under its one key.
        for (const auto& [key, times] : outcome.handed) CHECK(times <= 2);
        CHECK(outcome.handed.size() == 4);
      }
    }
  }
  WARN(injected << " faults injected; " << stopped << " stopped the run");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ablauf
