// Exactly once: the records and mail of the built-in steps commit with the steps' outcomes, and
// queued mail reaches the Mailer once it is stored.
#include "engine_support.hpp"

#include <ablauf/sqlite_store.hpp>

#include <filesystem>
#include <random>
#include <tuple>

namespace ablauf {
namespace {

using test::DyingStore;
using test::FlakyMailer;
using test::monday;
namespace json = boost::json;

const char* booking = R"({"id": "book", "version": 1, "kind": "workflow", "title": "B",
  "steps": [
    {"id": "save", "type": "save_record", "collection": "invoices", "key": "{{input.number}}",
     "record": {"total": {"=": "input.total"}}, "next": "paid"},
    {"id": "paid", "type": "update_record", "collection": "invoices", "key": "{{input.number}}",
     "set": {"status": "open"}, "next": "mail"},
    {"id": "mail", "type": "send_email", "to": "{{input.email}}",
     "subject": "Rechnung {{input.number}}", "body": "Bitte zahlen Sie {{input.total}} EUR.",
     "next": "done"},
    {"id": "done", "type": "end"}]})";

json::object invoice(const char* number) {
  return {{"number", number}, {"total", 1190}, {"email", "erika@example.de"}};
}

TEST_CASE("records and mail are written with the steps' outcomes", "[engine][effects]") {
  ManualClock clock{monday};
  FlakyMailer mailer;
  Engine engine{{.clock = &clock, .mailer = &mailer}};
  REQUIRE(engine.deploy(test::compile_text(booking)));
  auto id = engine.start("book", invoice("R-1"));
  REQUIRE(id);
  REQUIRE(engine.get(*id)->status == InstanceStatus::completed);
  const auto record = engine.record("invoices", "R-1");
  REQUIRE(record);
  REQUIRE(*record);
  CHECK(**record == json::object{{"total", 1190}, {"status", "open"}});  // saved, then updated

  const auto outbox = engine.outbox();
  REQUIRE(outbox->size() == 1);
  CHECK(outbox->front().mail.subject == "Rechnung R-1");
  CHECK(outbox->front().message_id == "msg-1");  // delivered once stored
  REQUIRE(mailer.sent.size() == 1);
  CHECK(json::value(mailer.sent[0].idempotency_key) ==
        engine.get(*id)->data.at("steps").at("mail").at("output").at("message_id"));

  // The same invoice number again: the record is there, so the step fails and nothing is sent.
  auto twice = engine.start("book", invoice("R-1"));
  const auto failed = engine.get(*twice);
  CHECK(failed->status == InstanceStatus::failed);
  CHECK(failed->error == "step 'save' failed: a record 'R-1' already exists in 'invoices'");
  CHECK(mailer.sent.size() == 1);
}

// An adapter that looks something up and finds it fine.
struct Lookup final : Adapter {
  StepResult execute(const StepContext&) override { return StepResult::completed(); }
};

TEST_CASE("a line break in a mail header fails the step instead of adding headers",
          "[engine][effects]") {
  ManualClock clock{monday};
  FlakyMailer mailer;
  Engine engine{{.clock = &clock, .mailer = &mailer}};
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "m", "version": 1, "kind": "workflow",
    "title": "M", "steps": [
      {"id": "mail", "type": "send_email", "to": "{{input.to}}", "subject": "Hallo {{input.name}}",
       "body": "B", "next": "done"},
      {"id": "done", "type": "end"}]})")));
  for (const auto& [to, name, field] :
       {std::tuple{"a@example.de", "Erika\r\nBcc: all@example.de", "'subject'"},
        std::tuple{"a@example.de\nBcc: all@example.de", "Erika", "'to'"}}) {
    auto id = engine.start("m", json::object{{"to", to}, {"name", name}});
    REQUIRE(id);
    const auto state = engine.get(*id);
    CHECK(state->status == InstanceStatus::failed);
    CHECK_THAT(state->error, Catch::Contains(std::string(field) + " holds a line break"));
  }
  CHECK(engine.outbox()->empty());
  CHECK(mailer.sent.empty());
}

TEST_CASE("a mail carries its sender and the time its step ran, through a durable outbox",
          "[engine][effects]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ablauf-mail-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  ManualClock clock{monday};
  FlakyMailer mailer;
  mailer.down = true;
  const char* mails = R"({"id": "m", "version": 1, "kind": "workflow", "title": "M", "steps": [
      {"id": "own", "type": "send_email", "to": "a@example.de", "subject": "S", "body": "B",
       "from": "Stadtwerke <abrechnung@stadtwerke.example>", "next": "later"},
      {"id": "later", "type": "wait", "duration": "P14D", "next": "default"},
      {"id": "default", "type": "send_email", "to": "a@example.de", "subject": "S", "body": "B",
       "next": "done"},
      {"id": "done", "type": "end"}]})";
  {
    auto store = SqliteStore::open((dir / "a.db").string());
    REQUIRE(store);
    Engine engine{{.store = store->get(),
                   .clock = &clock,
                   .mailer = &mailer,
                   .on_error = [](const std::string&, const Error&) {},
                   .mail_from = "Buchhaltung <buchhaltung@example.de>"}};
    REQUIRE(engine.deploy(test::compile_text(mails)));
    REQUIRE(engine.start("m", json::object{}));
    clock.advance(std::chrono::days(14));
    (void)engine.run_due();  // the mailer is down: both stay queued
  }
  auto store = SqliteStore::open((dir / "a.db").string());
  REQUIRE(store);
  mailer.down = false;
  Engine engine{{.store = store->get(), .clock = &clock, .mailer = &mailer}};
  REQUIRE(engine.deploy(test::compile_text(mails)));
  REQUIRE(engine.deliver_mail() == 2u);
  REQUIRE(mailer.sent.size() == 2u);
  CHECK(mailer.sent[0].from == "Stadtwerke <abrechnung@stadtwerke.example>");
  CHECK(mailer.sent[0].date == monday);
  CHECK(mailer.sent[1].from == "Buchhaltung <buchhaltung@example.de>");
  CHECK(mailer.sent[1].date == monday + std::chrono::days(14));
  std::filesystem::remove_all(dir);

  // A sender naming two addresses fails the step, as a recipient entry would.
  Engine strict{{.clock = &clock, .mailer = &mailer}};
  REQUIRE(strict.deploy(test::compile_text(R"({"id": "two", "version": 1, "kind": "workflow",
    "title": "T", "steps": [{"id": "mail", "type": "send_email", "to": "a@example.de",
      "from": "a@example.de, b@example.de", "subject": "S", "body": "B"}]})")));
  auto two = strict.start("two", json::object{});
  REQUIRE(two);
  CHECK_THAT(strict.get(*two)->error, Catch::Contains("'from' names more than one address"));
  EngineConfig broken;
  broken.mail_from = "a@example.de\r\nBcc: all@example.de";
  CHECK_THAT(check_config(broken).error().message,
             Catch::Contains("EngineConfig::mail_from holds a control character"));
}

TEST_CASE("untrusted values in an HTML mail body are escaped, whatever they hold",
          "[engine][effects][xss]") {
  // Payloads from the usual lists of cross-site scripting vectors: tags, attributes broken out
  // of, event handlers, comments, entities already escaped, and template text that must not
  // be rendered a second time.
  const std::vector<std::string> payloads = {
      "<script>alert(1)</script>",
      "\"><script>alert(1)</script>",
      "'><img src=x onerror=alert(1)>",
      "<svg/onload=alert(1)>",
      "<iframe src=\"javascript:alert(1)\"></iframe>",
      "<a href=\"javascript:alert(1)\">Zahlen</a>",
      "\" onmouseover=\"alert(1)",
      "' onfocus='alert(1)' autofocus='",
      "<body onload=alert(1)>",
      "<!--<script>alert(1)</script>-->",
      "</p><style>@import 'https://evil.example/x.css';</style>",
      "<math><mi xlink:href=\"data:x,<script>alert(4)</script>\">",
      "&lt;script&gt;alert(1)&lt;/script&gt;",
      "<scr<script>ipt>alert(1)</scr</script>ipt>",
      "<IMG SRC=`javascript:alert(1)`>",
      "{{input.secret}}",
      "Müller & Söhne <GmbH>",
  };
  ManualClock clock{monday};
  FlakyMailer mailer;
  Engine engine{{.clock = &clock, .mailer = &mailer}};
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "m", "version": 1, "kind": "workflow",
    "title": "M", "steps": [
      {"id": "mail", "type": "send_email", "to": "a@example.de", "subject": "Rechnung",
       "format": "html", "body": "<p>Sehr geehrte Damen und Herren,</p><p>{{input.name}}</p>",
       "next": "done"},
      {"id": "done", "type": "end"}]})")));
  for (const auto& payload : payloads) {
    INFO(payload);
    REQUIRE(engine.start("m", json::object{{"name", payload}, {"secret", "hunter2"}}));
  }
  REQUIRE(mailer.sent.size() == payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const auto& body = mailer.sent[i].body;
    INFO(body);
    CHECK(mailer.sent[i].html);
    // Only the template's own markup is left: every < > " ' of the value became an entity.
    const std::string value =
        body.substr(body.rfind("<p>") + 3, body.size() - body.rfind("<p>") - 7);
    CHECK(value.find_first_of("<>\"'") == std::string::npos);
    CHECK(body.find("hunter2") == std::string::npos);
    CHECK(body.substr(0, body.rfind("<p>")) == "<p>Sehr geehrte Damen und Herren,</p>");
  }
  CHECK(mailer.sent.back().body.find("Müller &amp; Söhne &lt;GmbH&gt;") != std::string::npos);
}

TEST_CASE("a crash before the outcome is stored loses the effect with it", "[engine][effects]") {
  auto types = StepTypeRegistry::builtin();
  REQUIRE(types.add({.name = "lookup"}));
  // A host step first, whose attempt is stored before it runs: the crash comes after it.
  std::string text = booking;
  text.replace(text.find(R"({"id": "save")"), 0,
               R"({"id": "lookup", "type": "lookup", "next": "save"},)");
  const auto workflow = test::compile_text(text, &types);
  MemoryStore disk;
  ManualClock clock{monday};
  FlakyMailer mailer;
  std::string id;
  {
    DyingStore dying(disk);
    dying.die_at = EventType::step_completed;
    Engine engine{
        {.store = &dying, .clock = &clock, .mailer = &mailer, .on_error = [](auto&&...) {}}};
    engine.register_adapter("lookup", std::make_shared<Lookup>());
    REQUIRE(engine.deploy(workflow));
    auto started = engine.start("book", invoice("R-2"));
    REQUIRE(started);  // its start was stored, with the lookup's attempt
    id = *started;
  }
  CHECK(disk.find_record("invoices", "R-2")->has_value() == false);
  CHECK(disk.outbox(false)->empty());
  CHECK(mailer.sent.empty());

  Engine engine{{.store = &disk, .clock = &clock, .mailer = &mailer}};
  engine.register_adapter("lookup", std::make_shared<Lookup>());
  REQUIRE(engine.deploy(workflow));
  CHECK(engine.resume() == 1u);
  CHECK(engine.get(id)->status == InstanceStatus::completed);
  CHECK(disk.find_record("invoices", "R-2")->has_value());
  CHECK(disk.outbox(false)->size() == 1);
  CHECK(mailer.sent.size() == 1);
  CHECK(engine.resume() == 0u);  // nothing left: nothing written twice
  CHECK(mailer.sent.size() == 1);
}

TEST_CASE("mail waits in the outbox while the Mailer refuses it", "[engine][effects]") {
  MemoryStore disk;
  ManualClock clock{monday};
  FlakyMailer mailer;
  mailer.down = true;
  std::vector<std::string> reported;
  Engine engine{
      {.store = &disk,
       .clock = &clock,
       .mailer = &mailer,
       .on_error = [&](const std::string&, const Error& e) { reported.push_back(e.message); }}};
  REQUIRE(engine.deploy(test::compile_text(booking)));
  auto id = engine.start("book", invoice("R-3"));
  CHECK(engine.get(*id)->status == InstanceStatus::completed);  // the step is done: it queued
  REQUIRE(reported.size() == 1);
  CHECK_THAT(reported[0], Catch::Contains("the mail server is down"));
  CHECK(engine.outbox()->front().message_id == std::nullopt);

  mailer.down = false;
  // Refused a moment ago: it waits out its backoff (MailRetry::initial, 30 s) first.
  clock.advance(std::chrono::seconds(29));
  const auto early = engine.deliver_mail();
  REQUIRE_FALSE(early);
  CHECK_THAT(early.error().message, Catch::Contains("to be tried again at"));
  CHECK(mailer.sent.empty());
  clock.advance(std::chrono::seconds(1));
  CHECK(engine.deliver_mail() == 1u);
  CHECK(engine.outbox()->front().message_id == "msg-1");
  CHECK(engine.deliver_mail() == 0u);
}

// Counts what it is handed, taken or not.
struct CountingMailer final : Mailer {
  bool down = false;
  std::size_t handed = 0;
  tl::expected<std::string, std::string> send(const Mail&) override {
    ++handed;
    if (down) return tl::make_unexpected(std::string("the mail server is down"));
    return "msg-" + std::to_string(handed);
  }
};

TEST_CASE("a refused mail is tried again after a backoff that doubles, never at once",
          "[engine][effects][issue27]") {
  ManualClock clock{monday};
  CountingMailer mailer;
  mailer.down = true;
  Engine engine{
      {.clock = &clock,
       .mailer = &mailer,
       .on_error = [](auto&&...) {},
       .mail_retry = {.initial = std::chrono::seconds(10), .longest = std::chrono::seconds(25)}}};
  REQUIRE(engine.deploy(test::compile_text(booking)));
  REQUIRE(engine.start("book", invoice("R-5")));
  REQUIRE(mailer.handed == 1);
  // However often delivery is asked for, the mailer hears of the mail once per backoff.
  const auto attempts_until = [&](std::chrono::seconds later) {
    for (int i = 0; i < 100; ++i) CHECK_FALSE(engine.deliver_mail());
    clock.advance(later);
    for (int i = 0; i < 100; ++i) (void)engine.deliver_mail();
    return mailer.handed;
  };
  CHECK(attempts_until(std::chrono::seconds(10)) == 2);  // after 10 s
  CHECK(attempts_until(std::chrono::seconds(19)) == 2);  // 20 s would be the next wait
  CHECK(attempts_until(std::chrono::seconds(1)) == 3);
  CHECK(attempts_until(std::chrono::seconds(25)) == 4);  // capped at 25 s, not 40
  mailer.down = false;
  CHECK(attempts_until(std::chrono::seconds(25)) == 5);
  CHECK(engine.outbox()->front().message_id == "msg-5");
}

TEST_CASE("a mail whose hand-over the store cannot record is never handed over twice",
          "[engine][effects][issue27]") {
  // A full disk: the mailer took the mail, the store cannot mark it sent. The engine used to
  // hand it over again at every delivery, 21,000 times in one run.
  MemoryStore disk;
  DyingStore dying(disk);
  ManualClock clock{monday};
  CountingMailer mailer;
  std::vector<std::string> reported;
  Engine engine{
      {.store = &dying,
       .clock = &clock,
       .mailer = &mailer,
       .on_error = [&](const std::string&, const Error& e) { reported.push_back(e.message); }}};
  REQUIRE(engine.deploy(test::compile_text(booking)));
  dying.refuse_mark_sent = true;
  REQUIRE(engine.start("book", invoice("R-6")));
  REQUIRE(reported.size() == 1);
  CHECK_THAT(reported[0], Catch::Contains("could not record it") &&
                              Catch::Contains("will not be handed over again"));
  for (int i = 0; i < 50; ++i) {
    clock.advance(std::chrono::hours(1));
    const auto again = engine.deliver_mail();
    REQUIRE_FALSE(again);
    CHECK(again.error().code == ErrorCode::store_error);
    CHECK_FALSE(engine.run_due());
  }
  CHECK(mailer.handed == 1);
  CHECK(engine.outbox()->front().message_id == std::nullopt);

  dying.refuse_mark_sent = false;  // space again
  CHECK(engine.deliver_mail() == 1u);
  CHECK(mailer.handed == 1);
  CHECK(engine.outbox()->front().message_id == "msg-1");
}

TEST_CASE("resume delivers the mail an earlier process queued but did not hand over",
          "[engine][effects][issue27]") {
  MemoryStore disk;
  ManualClock clock{monday};
  std::string id;
  {
    CountingMailer refusing;
    refusing.down = true;  // or killed between commit and hand-over
    Engine engine{
        {.store = &disk, .clock = &clock, .mailer = &refusing, .on_error = [](auto&&...) {}}};
    REQUIRE(engine.deploy(test::compile_text(booking)));
    id = *engine.start("book", invoice("R-7"));
    REQUIRE(engine.get(id)->status == InstanceStatus::completed);
  }
  CountingMailer mailer;
  Engine engine{{.store = &disk, .clock = &clock, .mailer = &mailer}};
  REQUIRE(engine.deploy(test::compile_text(booking)));
  SECTION("resume() of every unfinished instance, though none is") {
    CHECK(engine.resume() == 0u);
  }
  SECTION("resume() of the finished instance itself") {
    CHECK(engine.resume(id) == 1u);
  }
  SECTION("run_due(), though no timer is due") {
    CHECK(engine.run_due() == 0u);
  }
  CHECK(mailer.handed == 1);
  CHECK(engine.outbox()->front().message_id == "msg-1");
}

TEST_CASE("run_due returns the error of an instance whose outcome was not stored",
          "[engine][effects][issue27]") {
  MemoryStore disk;
  DyingStore dying(disk);
  ManualClock clock{monday};
  std::size_t reported = 0;
  Engine engine{{.store = &dying, .clock = &clock, .on_error = [&](auto&&...) { ++reported; }}};
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "w", "version": 1, "kind": "workflow",
    "title": "W", "steps": [{"id": "pause", "type": "wait", "duration": "P1D", "next": "done"},
                            {"id": "done", "type": "end"}]})")));
  auto id = engine.start("w", json::object{});
  REQUIRE(id);
  dying.die_at = EventType::timer_fired;
  clock.advance(std::chrono::hours(25));
  const auto fired = engine.run_due();
  REQUIRE_FALSE(fired);
  CHECK(fired.error().code == ErrorCode::store_error);
  CHECK(reported == 1);
  CHECK(engine.get(*id)->status == InstanceStatus::waiting);  // as last stored
  dying.die_at.reset();
  CHECK(engine.run_due() == 1u);
  CHECK(engine.get(*id)->status == InstanceStatus::completed);
}

TEST_CASE("control characters, commas and too many recipients fail a send_email step",
          "[engine][effects][issue27]") {
  ManualClock clock{monday};
  CountingMailer mailer;
  Engine engine{{.clock = &clock, .mailer = &mailer, .limits = {.max_recipients = 3}}};
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "m", "version": 1, "kind": "workflow",
    "title": "M", "steps": [
      {"id": "mail", "type": "send_email", "to": {"=": "input.to"},
       "subject": "Hallo {{input.name}}", "body": "B", "next": "done"},
      {"id": "done", "type": "end"}]})")));
  const auto failure = [&](json::value to, json::value name) {
    auto id = engine.start("m", json::object{{"to", std::move(to)}, {"name", std::move(name)}});
    REQUIRE(id);
    const auto state = engine.get(*id);
    CHECK(state->status == InstanceStatus::failed);
    return state->error;
  };
  CHECK_THAT(failure("a@example.de", json::string(std::string_view("Erika\0Bcc", 9))),
             Catch::Contains("'subject' holds the control character U+0000"));
  CHECK_THAT(failure("a@example.de", "Erika\x01"),
             Catch::Contains("'subject' holds the control character U+0001"));
  CHECK_THAT(failure("a@example.de, evil@example.com", "Erika"),
             Catch::Contains("names more than one address"));
  CHECK_THAT(
      failure(json::array{"a@example.de", "b@example.de", "c@example.de", "d@example.de"}, "Erika"),
      Catch::Contains("4 recipients, more than the limit of 3"));
  // At the limit, and a comma inside a quoted display name, are fine.
  auto id = engine.start("m", json::object{{"to", json::array{"\"Muster, Erika\" <a@example.de>",
                                                              "b@example.de", "c@example.de"}},
                                           {"name", "Erika"}});
  REQUIRE(id);
  CHECK(engine.get(*id)->status == InstanceStatus::completed);
  CHECK(mailer.handed == 1);
}

TEST_CASE("mail taken but not marked sent is handed over again, with the same key",
          "[engine][effects]") {
  MemoryStore disk;
  ManualClock clock{monday};
  FlakyMailer mailer;
  {
    DyingStore dying(disk);
    dying.refuse_mark_sent = true;  // the process dies after the Mailer took the mail
    Engine engine{
        {.store = &dying, .clock = &clock, .mailer = &mailer, .on_error = [](auto&&...) {}}};
    REQUIRE(engine.deploy(test::compile_text(booking)));
    REQUIRE(engine.start("book", invoice("R-4")));
  }
  Engine engine{{.store = &disk, .clock = &clock, .mailer = &mailer}};
  CHECK(engine.deliver_mail() == 1u);
  REQUIRE(mailer.sent.size() == 2);
  CHECK(mailer.sent[0].idempotency_key == mailer.sent[1].idempotency_key);
}

TEST_CASE("a SQLite store keeps records and the outbox", "[engine][effects][sqlite]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ablauf-test-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "ablauf.db").string();
  ManualClock clock{monday};
  {
    auto store = SqliteStore::open(path);
    REQUIRE(store);
    Engine engine{{.store = store->get(), .clock = &clock}};  // no Mailer: the mail waits
    REQUIRE(engine.deploy(test::compile_text(booking)));
    REQUIRE(engine.start("book", invoice("R-5")));
  }
  {
    auto store = SqliteStore::open(path);
    REQUIRE(store);
    const auto record = (*store)->find_record("invoices", "R-5");
    REQUIRE(record);
    REQUIRE(*record);
    CHECK(**record == json::object{{"total", 1190}, {"status", "open"}});
    FlakyMailer mailer;
    Engine engine{{.store = store->get(), .clock = &clock, .mailer = &mailer}};
    CHECK(engine.deliver_mail() == 1u);
    REQUIRE(mailer.sent.size() == 1);
    CHECK(mailer.sent[0].to == std::vector<std::string>{"erika@example.de"});
    CHECK(mailer.sent[0].body == "Bitte zahlen Sie 1190 EUR.");
    CHECK((*store)->outbox(true)->empty());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ablauf
