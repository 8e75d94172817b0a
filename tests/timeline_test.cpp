// An instance's timeline: every event becomes one entry that names steps, items, options and
// tasks by the definition's words, in German or English, and shows what the event changed.
#include "engine_support.hpp"

#include <ablauf/timeline.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

namespace ablauf {
namespace {

namespace json = boost::json;

const char* const definition_text = R"({"id": "claim", "version": 2, "kind": "workflow",
  "title": {"de": "Schadensmeldung", "en": "Damage claim"}, "default_language": "de",
  "start": "record", "steps": [
    {"id": "record", "type": "fill_checklist", "title": {"de": "Erfassen", "en": "Record"},
     "items": [
       {"id": "kind", "kind": "choice", "label": {"de": "Art", "en": "Kind"},
        "options": [{"value": "water", "label": {"de": "Wasser", "en": "Water"}},
                    {"value": "fire", "label": {"de": "Feuer", "en": "Fire"}}]},
       {"id": "amount", "kind": "number", "label": {"de": "Betrag", "en": "Amount"},
        "unit": "EUR"},
       {"id": "photos", "label": {"de": "Fotos vorhanden", "en": "Photos attached"}},
       {"id": "signed", "kind": "signature", "label": {"de": "Gezeichnet", "en": "Signed"}}],
     "next": "review"},
    {"id": "review", "type": "create_task", "title": {"de": "Prüfen", "en": "Review"},
     "assignee": "claims", "outcomes": ["approve", "reject"], "next": "paid"},
    {"id": "paid", "type": "wait", "event": "paid", "timeout": "P7D", "on_timeout": "remind",
     "title": {"de": "Auf Zahlung warten", "en": "Wait for payment"},
     "assign": {"paid_amount": "event.amount"}, "next": "done"},
    {"id": "remind", "type": "end", "title": {"de": "Erinnern", "en": "Remind"}},
    {"id": "done", "type": "end", "title": {"de": "Fertig", "en": "Done"}}]})";

struct Run {
  test::Fixture f;
  std::string id;
  std::vector<Event> history;
  WorkflowDefinition definition;

  Run() {
    REQUIRE(f.engine.deploy(test::compile_text(definition_text)));
    auto started = f.engine.start(
        "claim", json::object{{"customer", json::object{{"id", "K-7"}, {"name", "Erika"}}}},
        {.business_key = "S-1"});
    REQUIRE(started);
    id = *started;
    REQUIRE(f.engine.submit(id, "record", {{"kind", "fire"}, {"amount", 1842.5}, {"photos", true}},
                            "thomas"));
    REQUIRE(f.engine.sign(id, "record", "signed", "erika"));
    REQUIRE(f.engine.complete_task(id, task_id(), "approve", "anna"));
    f.clock.advance(std::chrono::hours(30));
    REQUIRE(f.engine.signal(id, "paid", json::object{{"amount", 1842.5}}));
    auto events = f.engine.history(id);
    REQUIRE(events);
    history = std::move(*events);
    auto loaded = load_definition(definition_text, "claim.json");
    REQUIRE(loaded);
    definition = std::move(*loaded);
  }

  std::string task_id() {
    const auto events = f.engine.history(id);
    REQUIRE(events);
    for (const auto& event : *events)
      if (event.type == EventType::task_created)
        return std::string(event.data.at("task").as_string());
    FAIL("no task was created");
    return {};
  }
};

const TimelineEntry& entry_of(const std::vector<TimelineEntry>& entries, EventType type,
                              std::size_t nth = 0) {
  for (const auto& entry : entries)
    if (entry.type == type && nth-- == 0) return entry;
  FAIL("no " << to_string(type) << " entry");
  return entries.front();
}

std::string all_text(const std::vector<TimelineEntry>& entries) {
  std::ostringstream out;
  write_text_timeline(out, entries);
  return out.str();
}

TEST_CASE("a timeline has one entry per event, with its time and actor", "[timeline]") {
  Run run;
  const auto entries = read_timeline(run.definition, run.history);
  REQUIRE(entries.size() == run.history.size());
  for (std::size_t n = 0; n < entries.size(); ++n) {
    CHECK(entries[n].sequence == run.history[n].sequence);
    CHECK(entries[n].type == run.history[n].type);
    CHECK(entries[n].time == run.history[n].time);
    CHECK(entries[n].actor == run.history[n].actor);
    CHECK(entries[n].step == run.history[n].step);
    CHECK_FALSE(entries[n].text.empty());
  }
  CHECK(entry_of(entries, EventType::answer_recorded).actor == "thomas");
  CHECK(entry_of(entries, EventType::task_completed).actor == "anna");
  CHECK(entry_of(entries, EventType::signal_received).time ==
        test::monday + std::chrono::hours(30));
}

TEST_CASE("a timeline names steps, items, options and tasks in the chosen language", "[timeline]") {
  Run run;
  SECTION("the definition's default language") {
    const auto entries = read_timeline(run.definition, run.history);
    CHECK(entry_of(entries, EventType::instance_started).text ==
          "Gestartet: „Schadensmeldung“ (Version 2), Schlüssel S-1");
    CHECK(entry_of(entries, EventType::answer_recorded, 0).text == "Beantwortet: „Art“: Feuer");
    CHECK(entry_of(entries, EventType::answer_recorded, 1).text ==
          "Beantwortet: „Betrag“: 1.842,5 EUR");
    CHECK(entry_of(entries, EventType::answer_recorded, 2).text ==
          "Beantwortet: „Fotos vorhanden“: ja");
    CHECK(entry_of(entries, EventType::step_waiting).text ==
          "„Erfassen“ wartet auf die ausgefüllte Checkliste");
    CHECK(entry_of(entries, EventType::task_created).text ==
          "Aufgabe angelegt: „Prüfen“ für claims");
    CHECK(entry_of(entries, EventType::task_completed).text ==
          "Aufgabe erledigt: „Prüfen“: approve");
  }
  SECTION("English") {
    const auto entries = read_timeline(run.definition, run.history, {.language = "en"});
    CHECK(entry_of(entries, EventType::instance_started).text ==
          "Started “Damage claim” (version 2), key S-1");
    CHECK(entry_of(entries, EventType::answer_recorded, 0).text == "Answered “Kind”: Fire");
    CHECK(entry_of(entries, EventType::answer_recorded, 2).text ==
          "Answered “Photos attached”: yes");
    CHECK(entry_of(entries, EventType::signature_recorded).text == "Signed “Signed”");
    CHECK(entry_of(entries, EventType::step_completed).text == "Done: “Record”; next “Review”");
    // A task keeps the title it was created with, in the engine's language.
    CHECK(entry_of(entries, EventType::task_completed).text == "Task done: “Prüfen”: approve");
    CHECK(entry_of(entries, EventType::timer_set)
              .text.starts_with("Deadline Nov 30, 2026, 9:00\u202fAM"));
    CHECK(entry_of(entries, EventType::step_waiting, 2).text ==
          "“Wait for payment” waits for the event “paid”");
    CHECK(entry_of(entries, EventType::signal_received).text == "Event received: “paid”");
    CHECK(entry_of(entries, EventType::instance_completed).text == "Instance completed");
  }
}

TEST_CASE("a title written as a template reads as the instance's data fill it in", "[timeline]") {
  test::Fixture f;
  const auto workflow = test::compile_text(R"({"id": "t", "version": 1, "kind": "workflow",
    "title": "T", "default_language": "de", "steps": [
      {"id": "ask", "type": "fill_checklist", "title": "Betrag für {{input.customer}} erfassen",
       "items": [{"id": "amount", "kind": "number", "label": "Betrag"}], "next": "wait"},
      {"id": "wait", "type": "wait", "event": "paid",
       "title": "Auf {{steps.ask.answers.amount}} EUR warten", "next": "done"},
      {"id": "done", "type": "end"}]})");
  REQUIRE(f.engine.deploy(workflow));
  const auto id = f.engine.start("t", json::object{{"customer", "Erika & Sohn"}});
  REQUIRE(id);
  REQUIRE(f.engine.answer(*id, "ask", "amount", 12.5, "thomas"));
  const auto history = f.engine.history(*id);
  REQUIRE(history);
  const auto entries = read_timeline(workflow.definition(), *history);
  CHECK(entry_of(entries, EventType::step_waiting, 0).text ==
        "„Betrag für Erika & Sohn erfassen“ wartet auf die ausgefüllte Checkliste");
  CHECK(entry_of(entries, EventType::step_waiting, 1).text ==
        "„Auf 12.5 EUR warten“ wartet auf das Ereignis „paid“");
  // A history that does not start at its beginning leaves titles as written.
  const auto cut = read_timeline(workflow.definition(), std::span(*history).subspan(2));
  CHECK(entry_of(cut, EventType::step_waiting, 0).text ==
        "„Betrag für {{input.customer}} erfassen“ wartet auf die ausgefüllte Checkliste");
  CHECK(entry_of(cut, EventType::step_waiting, 1).text ==
        "„Auf {{steps.ask.answers.amount}} EUR warten“ wartet auf das Ereignis „paid“");
}

TEST_CASE("a timeline shows what an event changed", "[timeline]") {
  Run run;
  const auto entries = read_timeline(run.definition, run.history, {.language = "en"});
  const std::vector<TimelineChange> input{{"customer.id", "K-7"}, {"customer.name", "Erika"}};
  CHECK(entry_of(entries, EventType::instance_started).changes == input);
  const std::vector<TimelineChange> payload{{"amount", "1842.5"}};
  CHECK(entry_of(entries, EventType::signal_received).changes == payload);
  const std::vector<TimelineChange> vars{{"vars.paid_amount", "1842.5"}};
  CHECK(entry_of(entries, EventType::vars_assigned).changes == vars);
  const auto& signed_entry = entry_of(entries, EventType::signature_recorded);
  REQUIRE(signed_entry.changes.size() == 1);
  CHECK(signed_entry.changes[0].value ==
        run.history[signed_entry.sequence - 1].data.at("hash").as_string());
  // A checklist's output repeats its answers, which have entries of their own.
  CHECK(entry_of(entries, EventType::step_completed).changes.empty());

  const auto text = all_text(entries);
  CHECK_THAT(text,
             Catch::Contains("2026-11-23T09:00:00Z  thomas  Answered “Amount”: 1,842.5 EUR\n"));
  CHECK_THAT(text, Catch::Contains("\n                                customer.id: K-7\n"));
}

TEST_CASE("a timeline names what its definition does not know by ids", "[timeline]") {
  Run run;
  const auto entries = read_timeline(WorkflowDefinition{}, run.history);
  CHECK(entry_of(entries, EventType::instance_started).text.starts_with("Started “claim”"));
  CHECK(entry_of(entries, EventType::answer_recorded, 0).text == "Answered “kind”: fire");
  CHECK(entry_of(entries, EventType::step_started).text == "Began “record”");
}

TEST_CASE("a timeline tells failures and cancellations", "[timeline]") {
  const char* const failing = R"({"id": "f", "version": 1, "kind": "workflow", "title": "F",
    "steps": [{"id": "mark", "type": "update_record", "title": "Mark paid",
               "collection": "invoices", "key": "R-404", "set": {"paid": true}}]})";
  test::Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(failing)));
  const auto id = f.engine.start("f", json::object());
  REQUIRE(id);
  auto history = f.engine.history(*id);
  REQUIRE(history);
  auto definition = load_definition(failing, "f.json");
  REQUIRE(definition);
  const auto entries = read_timeline(*definition, *history, {.language = "en"});
  CHECK_THAT(entry_of(entries, EventType::step_failed).text,
             Catch::StartsWith("Failed: “Mark paid”: ") && Catch::Contains("R-404"));
  CHECK_THAT(entry_of(entries, EventType::instance_failed).text,
             Catch::StartsWith("Instance failed: ") && Catch::Contains("R-404"));

  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "c", "version": 1, "kind": "workflow",
    "title": "C", "steps": [{"id": "hold", "type": "wait", "event": "never"}]})")));
  const auto held = f.engine.start("c", json::object());
  REQUIRE(held);
  REQUIRE(f.engine.cancel(*held, "erika", "customer withdrew"));
  history = f.engine.history(*held);
  REQUIRE(history);
  const auto cancelled = read_timeline(WorkflowDefinition{}, *history);
  CHECK(cancelled.back().text == "Instance cancelled: customer withdrew");
  CHECK(cancelled.back().actor == "erika");
}

TEST_CASE("a timeline as HTML is one page that shows every text as text", "[timeline]") {
  TimelineEntry entry{.sequence = 1,
                      .type = EventType::answer_recorded,
                      .time = test::monday,
                      .actor = "<b>mallory</b>",
                      .step = "s",
                      .text = "Answered “<script>alert(1)</script>”: yes",
                      .changes = {{"<i>name</i>", "a & b"}}};
  std::ostringstream out;
  write_html_timeline(out, "Heading <x>", std::vector{entry}, "de");
  const auto page = out.str();
  CHECK_THAT(page, Catch::StartsWith("<!DOCTYPE html>\n<html lang=\"de\">"));
  CHECK_THAT(page, Catch::Contains("<th>Zeit</th><th>Wer</th><th>Was</th>"));
  CHECK_THAT(page, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_THAT(page, Catch::Contains("&lt;b&gt;mallory&lt;/b&gt;"));
  CHECK_THAT(page, Catch::Contains("a &amp; b"));
  CHECK_THAT(page, Catch::Contains("<h1>Heading &lt;x&gt;</h1>"));
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("src=") == std::string::npos);
}

TEST_CASE("a timeline entry as JSON keeps its sentence and changes", "[timeline]") {
  Run run;
  const auto entries = read_timeline(run.definition, run.history, {.language = "en"});
  const auto json = to_json(entry_of(entries, EventType::instance_started)).as_object();
  CHECK(json.at("seq").to_number<int>() == 1);
  CHECK(json.at("type") == "instance_started");
  CHECK(json.at("time") == "2026-11-23T09:00:00Z");
  CHECK(json.at("text") == "Started “Damage claim” (version 2), key S-1");
  CHECK(json.at("changes").as_array().size() == 2);
  CHECK_FALSE(json.contains("step"));
}

}  // namespace
}  // namespace ablauf
