// A SQLite store written by ablauf 0.1 (tests/data/stores/v0.1.db) opens, reads and runs on with
// this version: the events and snapshots it holds keep their meaning however the library's own
// types change. The file was written by `ablauf run` at commit d8723ca, with the seed workflows
// and their answers files: utility_billing completed (simulated clock), waiting for a payment
// with its reminder timer set, and failed on a record that already existed; invoicing waiting at
// its first checklist; delinquent_accounts completed. Each test works on a copy.
#include "engine_support.hpp"

#include <ablauf/history.hpp>
#include <ablauf/sqlite_store.hpp>

#include <filesystem>
#include <random>

namespace ablauf {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

struct CopyOfStore {
  fs::path directory =
      fs::temp_directory_path() / ("ablauf-v01-" + std::to_string(std::random_device{}()));
  fs::path file = directory / "v0.1.db";
  CopyOfStore() {
    fs::create_directories(directory);
    fs::copy_file(test::data_dir() / "stores" / "v0.1.db", file);
  }
  ~CopyOfStore() { fs::remove_all(directory); }
};

const InstanceState* of_workflow(const std::vector<InstanceState>& all, std::string_view workflow,
                                 InstanceStatus status) {
  for (const auto& state : all)
    if (state.workflow_id == workflow && state.status == status) return &state;
  return nullptr;
}

TEST_CASE("a store written by version 0.1 loads, verifies and runs on", "[sqlite][compatibility]") {
  CopyOfStore copy;
  auto store = SqliteStore::open(copy.file.string());
  REQUIRE(store);
  ManualClock clock(test::monday);
  MemoryMailer outbox;
  Engine engine({.store = store->get(), .clock = &clock, .mailer = &outbox});
  const auto kept = (*store)->definitions();
  REQUIRE(kept);
  CHECK(kept->size() == 3);
  for (const auto& definition : *kept) {
    auto loaded = load_definition(definition.source, definition.workflow);
    REQUIRE(loaded);
    auto workflow = Workflow::compile(std::move(*loaded));
    REQUIRE(workflow);
    REQUIRE(engine.deploy(std::move(*workflow)));
  }

  const auto all = engine.list();
  REQUIRE(all);
  REQUIRE(all->size() == 5);
  for (const auto& state : *all) {
    INFO(state.id);
    const auto history = engine.history(state.id);
    REQUIRE(history);
    CHECK_FALSE(verify_history(state.id, *history));  // every chain intact
    // The state read back is the fold of the history, as this version folds it.
    const auto folded = fold(state.id, *history);
    REQUIRE(folded);
    CHECK(folded->status == state.status);
    CHECK(folded->tokens.size() == state.tokens.size());
  }
  CHECK(of_workflow(*all, "utility_billing", InstanceStatus::completed));
  CHECK(of_workflow(*all, "utility_billing", InstanceStatus::failed));
  CHECK(of_workflow(*all, "delinquent_accounts", InstanceStatus::completed));

  // Waiting for a payment, its timeout (a reminder) set: names stored as strings read as enums.
  const auto* payment = of_workflow(*all, "utility_billing", InstanceStatus::waiting);
  REQUIRE(payment);
  REQUIRE(payment->tokens.size() == 1);
  CHECK(payment->tokens[0].step == "wait_for_payment");
  CHECK(payment->tokens[0].waiting_for == WaitingFor::event);
  REQUIRE_FALSE(payment->timers.empty());
  CHECK(payment->timers[0].purpose == TimerPurpose::timeout);

  // Waiting at its first checklist, it keeps waiting.
  const auto* invoicing = of_workflow(*all, "invoicing_and_payments", InstanceStatus::waiting);
  REQUIRE(invoicing);
  REQUIRE(invoicing->tokens.size() == 1);
  CHECK(invoicing->tokens[0].waiting_for == WaitingFor::checklist);
  const auto id = invoicing->id;
  const auto before = engine.history(id)->size();
  REQUIRE(engine.resume());
  CHECK(engine.history(id)->size() == before);  // resuming a waiting instance changes nothing

  // The payment arrives, by the invoice number the wait correlates on: the instance that waited
  // since 0.1 takes it and moves on, its timeout dropped, and its new events chain on.
  const auto payment_id = payment->id;
  REQUIRE(engine.signal("VA-2026-300001", "payment_received", json::object{{"amount", 118.5}}));
  const auto after = engine.get(payment_id);
  REQUIRE(after);
  for (const auto& token : after->tokens) CHECK(token.step != "wait_for_payment");
  const auto history = engine.history(payment_id);
  REQUIRE(history);
  CHECK_FALSE(verify_history(payment_id, *history));
}

}  // namespace
}  // namespace ablauf
