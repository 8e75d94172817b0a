// KPIs from a store: instance counts by status, durations by nearest rank, tasks, and the
// receivables of invoice records, each against figures worked out by hand (docs/kpi.md).
#include "engine_support.hpp"

#include <ablauf/kpi.hpp>

#include <catch2/catch.hpp>

namespace ablauf {
namespace {

namespace json = boost::json;
using std::chrono::days;
using test::monday;

// An invoice saved when the instance starts, settled when the "paid" event brings the amount.
const char* const billing = R"~({"id": "bill", "version": 1, "kind": "workflow", "title": "B",
  "steps": [
    {"id": "issue", "type": "save_record", "collection": "invoices", "key": "{{input.number}}",
     "record": {"total": {"=": "input.total"}, "issue_date": {"=": "now()"},
                "due_date": {"=": "date_add(now(), 'P14D')"}}, "next": "paid"},
    {"id": "paid", "type": "wait", "event": "paid", "next": "settle"},
    {"id": "settle", "type": "update_record", "collection": "invoices", "key": "{{input.number}}",
     "set": {"status": "paid", "paid_at": {"=": "now()"}, "amount_paid": {"=": "event.amount"},
             "reminders_sent": {"=": "input.reminders"}}, "next": "done"},
    {"id": "done", "type": "end"}]})~";

const char* const people = R"({"id": "people", "version": 1, "kind": "workflow", "title": "P",
  "steps": [
    {"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "label": "Ok"}],
     "next": "call"},
    {"id": "call", "type": "create_task", "title": "Call back", "due": "P1D", "next": "done"},
    {"id": "done", "type": "end"}]})";

const char* const broken = R"({"id": "broken", "version": 1, "kind": "workflow", "title": "X",
  "steps": [{"id": "mark", "type": "update_record", "collection": "invoices", "key": "none",
             "set": {"paid": true}}]})";

// Records go to the store, with the events that wrote them, as in SQLite or PostgreSQL: where
// compute_kpis reads them. (test::Fixture keeps them in a RecordStore of its own.)
struct Desk {
  ManualClock clock{monday};
  MemoryStore store;
  Engine engine{{.store = &store, .clock = &clock}};
};

std::string start(Desk& f, const char* workflow, json::object input = {}) {
  auto id = f.engine.start(workflow, std::move(input));
  REQUIRE(id);
  return *id;
}

std::string invoice(Desk& f, const char* number, double total, int reminders) {
  return start(f, "bill",
               json::object{{"number", number}, {"total", total}, {"reminders", reminders}});
}

void pay(Desk& f, const std::string& id, double amount) {
  REQUIRE(f.engine.signal(id, "paid", json::object{{"amount", amount}}));
}

std::string task_of(Desk& f, const std::string& id) {
  const auto state = f.engine.get(id);
  REQUIRE(state);
  REQUIRE(state->tasks.size() == 1);
  return state->tasks.front().id;
}

TEST_CASE("receivables: DSO, days to pay, reminders and the monthly trend", "[kpi]") {
  Desk f;
  REQUIRE(f.engine.deploy(test::compile_text(billing)));
  const auto a = invoice(f, "A", 100, 0);
  const auto b = invoice(f, "B", 300, 2);
  f.clock.advance(days(2));
  const auto c = invoice(f, "C", 200, 1);
  invoice(f, "D", 400, 0);
  f.clock.set(monday + days(5));
  pay(f, a, 100);  // 5 days, on time, in November
  f.clock.set(monday + days(22));
  pay(f, c, 50);  // 20 days, late, partly
  f.clock.set(monday + days(30));
  pay(f, b, 300);  // 30 days, late

  const auto kpis = compute_kpis(f.store, {.at = monday + days(40)});
  REQUIRE(kpis);
  CHECK(kpis->started == 4);
  CHECK(kpis->completed == 3);
  CHECK(kpis->waiting == 1);
  CHECK(kpis->waiting_on_people == 0);  // D waits for an event
  // Durations 5, 20 and 30 days: nearest rank takes the 2nd for the median, the 3rd for p95.
  CHECK(kpis->instance_duration.count == 3);
  CHECK(kpis->instance_duration.median == days(20));
  CHECK(kpis->instance_duration.p95 == days(30));
  const auto waited = std::find_if(kpis->steps.begin(), kpis->steps.end(),
                                   [](const StepKpi& step) { return step.step == "paid"; });
  REQUIRE(waited != kpis->steps.end());
  CHECK(waited->runs == 4);
  CHECK(waited->duration.count == 3);  // D's wait has not ended
  CHECK(waited->duration.max == days(30));

  REQUIRE(kpis->receivables);
  const auto& r = *kpis->receivables;
  CHECK(r.invoices == 4);
  CHECK(r.paid == 3);
  CHECK(r.open == 1);
  CHECK(r.overdue == 1);  // D was due on day 16
  CHECK(r.invoiced == Approx(1000));
  CHECK(r.collected == Approx(450));
  CHECK(r.outstanding == Approx(550));  // D's 400 and the 150 C still owes
  CHECK(r.period_days == 40);
  REQUIRE(r.days_sales_outstanding);
  CHECK(*r.days_sales_outstanding == Approx(550.0 / 1000.0 * 40));
  REQUIRE(r.days_to_pay);
  CHECK(*r.days_to_pay == Approx((5 * 100 + 20 * 50 + 30 * 300) / 450.0));
  REQUIRE(r.reminders_before_payment);
  CHECK(*r.reminders_before_payment == Approx(1.0));
  CHECK(r.reminders == std::map<long, std::size_t>{{0, 1}, {1, 1}, {2, 1}});
  REQUIRE(r.trend.size() == 2);
  CHECK(r.trend[0].month == "2026-11");
  CHECK(r.trend[0].invoices_paid == 1);
  CHECK(r.trend[0].amount_paid == Approx(100));
  CHECK(r.trend[0].days_to_pay == Approx(5));
  CHECK(r.trend[0].paid_late == 0);
  CHECK(r.trend[1].month == "2026-12");
  CHECK(r.trend[1].invoices_paid == 2);
  CHECK(r.trend[1].days_to_pay == Approx((20 * 50 + 30 * 300) / 350.0));
  CHECK(r.trend[1].paid_late == 2);

  SECTION("measured earlier, later payments are still outstanding") {
    const auto early = compute_kpis(f.store, {.at = monday + days(10)});
    REQUIRE(early);
    // As things stood on day 10: only A had been paid and had completed.
    CHECK(early->started == 4);
    CHECK(early->completed == 1);
    CHECK(early->waiting == 3);
    CHECK(early->instance_duration.max == days(5));
    REQUIRE(early->receivables);
    CHECK(early->receivables->paid == 1);
    CHECK(early->receivables->outstanding == Approx(900));
    CHECK(early->receivables->period_days == 10);
    CHECK(*early->receivables->days_sales_outstanding == Approx(900.0 / 1000.0 * 10));
  }
  SECTION("without a moment, the last change counts when it is later than now") {
    const auto latest = compute_kpis(f.store);
    REQUIRE(latest);
    CHECK(latest->at >= monday + days(30));
  }
}

// Invoices as records may hold them: saved as the input gives them.
const char* const raw_invoice = R"({"id": "raw", "version": 1, "kind": "workflow", "title": "R",
  "steps": [{"id": "save", "type": "save_record", "collection": "invoices",
             "key": "{{input.number}}", "record": {"=": "input.invoice"}, "next": "done"},
            {"id": "done", "type": "end"}]})";

TEST_CASE("receivables read what records hold: text numbers, dates, status alone", "[kpi]") {
  Desk f;
  REQUIRE(f.engine.deploy(test::compile_text(raw_invoice)));
  const auto save = [&](const char* number, json::object invoice) {
    start(f, "raw", json::object{{"number", number}, {"invoice", std::move(invoice)}});
  };
  save("T", {{"total", "120.5"}, {"issue_date", "2026-11-01"}, {"due_date", "2026-11-23"}});
  save("S", {{"total", 80}, {"issue_date", "2026-11-01"}, {"status", "paid"}});
  save("U", {{"total", 50}, {"paid_at", "2026-11-10"}});  // no issue date
  save("P", {{"total", 100}, {"issue_date", "2026-11-01T17:00:00Z"}, {"paid_at", "2026-11-04"}});
  save("N", {{"total", "nan"}, {"issue_date", "2026-11-01"}});  // no number: left out

  const auto on_due_day = compute_kpis(f.store, {.at = *parse_rfc3339("2026-11-23T18:00:00Z")});
  REQUIRE(on_due_day);
  REQUIRE(on_due_day->receivables);
  const auto& r = *on_due_day->receivables;
  CHECK(r.invoices == 4);
  CHECK(r.invoiced == Approx(350.5));
  CHECK(r.paid == 3);     // S by its status, U and P by their dates
  CHECK(r.overdue == 0);  // T is due all of its due day
  CHECK(r.outstanding == Approx(120.5));
  CHECK(r.period_days == 22);  // 1 to 23 November
  // Whole days: P was issued late on the 1st and paid on the 4th, 3 days later; U and S
  // say nothing of how long they took.
  REQUIRE(r.days_to_pay);
  CHECK(*r.days_to_pay == Approx(3));
  REQUIRE(r.trend.size() == 1);
  CHECK(r.trend[0].invoices_paid == 2);  // S has no date of payment

  const auto next_day = compute_kpis(f.store, {.at = *parse_rfc3339("2026-11-24T08:00:00Z")});
  REQUIRE(next_day);
  CHECK(next_day->receivables->overdue == 1);
}

TEST_CASE("records a host keeps itself are read from there, and only from there", "[kpi]") {
  ManualClock clock{monday};
  MemoryStore store;
  MemoryRecordStore host_records;
  Engine engine{{.store = &store, .clock = &clock, .records = &host_records}};
  REQUIRE(engine.deploy(test::compile_text(billing)));
  REQUIRE(engine.start("bill", json::object{{"number", "H-1"}, {"total", 250}, {"reminders", 0}}));

  // One place: the host's RecordStore holds the invoice, the store none.
  CHECK(host_records.find("invoices", "H-1"));
  CHECK(store.records("invoices")->empty());
  CHECK((*engine.record("invoices", "H-1"))->at("total") == 250);

  const auto from_host = compute_kpis(store, {.at = monday + days(1), .records = &host_records});
  REQUIRE(from_host);
  REQUIRE(from_host->receivables);
  CHECK(from_host->receivables->invoices == 1);
  CHECK(from_host->receivables->outstanding == Approx(250));
  const auto from_store = compute_kpis(store, {.at = monday + days(1)});
  REQUIRE(from_store);
  CHECK_FALSE(from_store->receivables);
}

TEST_CASE("an empty store has figures of zero and no receivables", "[kpi]") {
  MemoryStore store;
  const auto kpis = compute_kpis(store, {.at = monday});
  REQUIRE(kpis);
  CHECK(kpis->started == 0);
  CHECK(kpis->instance_duration.count == 0);
  CHECK(kpis->steps.empty());
  CHECK_FALSE(kpis->receivables);
  CHECK(kpis->from == monday);
  CHECK(to_json(*kpis).as_object().at("receivables").is_null());
}

TEST_CASE("instance counts, people waiting and overdue tasks", "[kpi]") {
  Desk f;
  for (const auto* text : {people, broken, billing})
    REQUIRE(f.engine.deploy(test::compile_text(text)));
  start(f, "people");  // waits for its checklist
  const auto called = start(f, "people");
  REQUIRE(f.engine.submit(called, "check", {{"ok", true}}, "erika"));  // task due on day 1
  const auto late = start(f, "people");
  REQUIRE(f.engine.submit(late, "check", {{"ok", true}}, "erika"));
  const auto dropped = start(f, "people");
  REQUIRE(f.engine.cancel(dropped, "erika", "duplicate"));
  start(f, "broken");  // fails: there is no record to update
  f.clock.advance(days(2));
  REQUIRE(f.engine.complete_task(late, task_of(f, late), "", "thomas"));
  f.clock.advance(days(1));
  start(f, "people");

  const auto all = compute_kpis(f.store, {.at = f.clock.now()});
  REQUIRE(all);
  CHECK(all->started == 6);
  CHECK(all->failed == 1);
  CHECK(all->receivables == std::nullopt);  // no instance wrote an invoice

  const auto kpis = compute_kpis(f.store, {.workflow = "people", .at = f.clock.now()});
  REQUIRE(kpis);
  CHECK(kpis->started == 5);
  CHECK(kpis->completed == 1);
  CHECK(kpis->cancelled == 1);
  CHECK(kpis->failed == 0);
  CHECK(kpis->waiting == 3);
  CHECK(kpis->waiting_on_people == 3);
  CHECK(kpis->tasks.created == 2);
  CHECK(kpis->tasks.completed == 1);
  CHECK(kpis->tasks.open == 1);
  CHECK(kpis->tasks.overdue == 1);
  CHECK(kpis->tasks.completed_late == 1);
  CHECK(kpis->tasks.time_to_complete.median == days(2));
  CHECK(kpis->from == monday);

  const auto recent =
      compute_kpis(f.store, {.workflow = "people", .since = monday + days(3), .at = f.clock.now()});
  REQUIRE(recent);
  CHECK(recent->started == 1);
  CHECK(recent->tasks.created == 0);
}

TEST_CASE("KPIs as JSON carry every figure", "[kpi]") {
  Desk f;
  REQUIRE(f.engine.deploy(test::compile_text(billing)));
  const auto a = invoice(f, "A", 100, 1);
  f.clock.advance(days(3));
  pay(f, a, 100);
  const auto kpis = compute_kpis(f.store, {.at = monday + days(3)});
  REQUIRE(kpis);
  const auto json = to_json(*kpis).as_object();
  CHECK(json.at("at") == "2026-11-26T09:00:00Z");
  CHECK(json.at("instances").at("completed") == 1);
  CHECK(json.at("instances").at("duration").at("median_seconds") == 3 * 86400.0);
  CHECK(json.at("receivables").at("days_to_pay") == 3.0);
  CHECK(json.at("receivables").at("days_sales_outstanding") == 0.0);
  CHECK(json.at("receivables").at("reminders").at("1") == 1);
  CHECK(json.at("receivables").at("trend").as_array().size() == 1);
  CHECK(json.at("steps").as_array().size() == 4);
}

}  // namespace
}  // namespace ablauf
