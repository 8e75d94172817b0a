// A mail's attachments: files answered on a checklist, a checklist's filled form and a document
// the step writes, kept in the BlobStore before the mail is queued, named by reference in the
// outbox and handed to the Mailer with their content, once.
#include "engine_support.hpp"

#include <ablauf/sqlite_store.hpp>

#include <boost/json/serialize.hpp>

#include <filesystem>
#include <random>
#include <stdexcept>

namespace ablauf {
namespace {

using test::FlakyMailer;
using test::monday;
namespace json = boost::json;

const char* contract_mail = R"({"id": "contract", "version": 1, "kind": "workflow",
  "title": "Vertrag", "steps": [
    {"id": "documents", "type": "fill_checklist", "title": "Unterlagen", "items": [
      {"id": "contract", "kind": "file", "label": "Vertrag"}], "next": "mail"},
    {"id": "mail", "type": "send_email", "to": "{{input.email}}", "subject": "Ihr Vertrag",
     "body": "Guten Tag, anbei Ihr Vertrag und Ihre Rechnung.",
     "attachments": [
       {"files": {"=": "steps.documents.answers.contract"}},
       {"document": "Betrag: {{input.total}} EUR", "title": "Rechnung {{input.number}}",
        "name": "Rechnung-{{input.number}}.pdf"},
       {"form": "documents"}],
     "next": "done"},
    {"id": "done", "type": "end"}]})";

json::object customer() {
  return {{"email", "erika@example.de"}, {"number", "R-7"}, {"total", 119}};
}

// A renderer that writes what it was asked for as the "PDF", and counts its calls.
struct FakeRenderer {
  std::shared_ptr<int> calls = std::make_shared<int>(0);
  tl::expected<RenderedAttachment, std::string> operator()(const AttachmentRequest& request) const {
    ++*calls;
    if (!request.form.empty())
      return RenderedAttachment{"%PDF form " + std::string(request.form) + " of " +
                                    std::string(request.instance) + ", " +
                                    std::to_string(request.history.size()) + " events",
                                "application/pdf"};
    return RenderedAttachment{
        "%PDF " + std::string(request.title) + ": " + std::string(request.text), "application/pdf"};
  }
};

// Starts the contract workflow and answers its checklist with a file.
std::string answer_contract(Engine& engine) {
  auto id = engine.start("contract", customer());
  REQUIRE(id);
  auto kept = engine.keep_file(*id, "documents", "contract",
                               {.content = "%PDF-1.4 signed contract", .name = "C:\\Scans\\v.pdf"});
  REQUIRE(kept);
  REQUIRE(engine.answer(*id, "documents", "contract", json::array{to_json(*kept)}, "erika"));
  return *id;
}

TEST_CASE("a mail carries the files answered, a document and a form, kept before it is queued",
          "[engine][mail][attachments]") {
  ManualClock clock{monday};
  MemoryMailer mailer;
  FakeRenderer renderer;
  Engine engine{{.clock = &clock, .mailer = &mailer, .render_attachment = renderer}};
  REQUIRE(engine.deploy(test::compile_text(contract_mail)));
  const auto id = answer_contract(engine);
  REQUIRE(engine.get(id)->status == InstanceStatus::completed);
  CHECK(*renderer.calls == 2);

  // The outbox names the files; it does not hold them.
  const auto outbox = engine.outbox();
  REQUIRE(outbox->size() == 1u);
  const auto& queued = outbox->front().mail.attachments;
  REQUIRE(queued.size() == 3u);
  CHECK(queued[0].name == "v.pdf");
  CHECK(queued[0].media_type == "application/pdf");
  CHECK(queued[1].name == "Rechnung-R-7.pdf");
  CHECK(queued[2].name == "documents.pdf");
  for (const auto& file : queued) CHECK(file.content.empty());

  // The Mailer gets the content, read back from the BlobStore under its hash.
  const auto sent = mailer.mails();
  REQUIRE(sent.size() == 1u);
  const auto& carried = sent[0].attachments;
  REQUIRE(carried.size() == 3u);
  CHECK(carried[0].content == "%PDF-1.4 signed contract");
  CHECK(carried[1].content == "%PDF Rechnung R-7: Betrag: 119 EUR");
  CHECK_THAT(carried[2].content, Catch::StartsWith("%PDF form documents of " + id));
  for (const auto& file : carried) {
    CHECK(file.size == file.content.size());
    const auto kept = engine.files()->get(file.sha256);
    REQUIRE(kept);
    REQUIRE(*kept);
    CHECK(**kept == file.content);
  }

  // The step's output names them too, for later steps and for whoever reads the history.
  const auto state = engine.get(id);
  const auto& output = state->data.at("steps").at("mail").at("output").as_object();
  REQUIRE(output.at("attachments").as_array().size() == 3u);
  CHECK(output.at("attachments").as_array()[1].at("name") == "Rechnung-R-7.pdf");

  // A sweep keeps what mails carry, and verify finds it all as it was.
  const auto swept = engine.sweep_files(monday + std::chrono::days(3650));
  REQUIRE(swept);
  CHECK(swept->removed == 0u);
  CHECK(swept->referenced == 3u);
  const auto problems = engine.verify_files(id);
  REQUIRE(problems);
  CHECK(problems->empty());
  REQUIRE(engine.files()->remove(carried[1].sha256));
  const auto missing = engine.verify_files(id);
  REQUIRE(missing->size() == 1u);
  CHECK_THAT(missing->front(), Catch::Contains("attached to the mail of step 'mail'"));
}

TEST_CASE("a form to attach needs a renderer, a document goes as text without one",
          "[engine][mail][attachments]") {
  ManualClock clock{monday};
  Engine plain{{.clock = &clock}};
  const auto refused = plain.deploy(test::compile_text(contract_mail));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().pointer == "/steps/1/attachments");
  CHECK_THAT(refused.error().message, Catch::Contains("EngineConfig::render_attachment"));
  CHECK(refused.error().location.line == 7);

  MemoryMailer mailer;
  Engine engine{{.clock = &clock, .mailer = &mailer}};
  const auto deployed =
      engine.deploy(test::compile_text(R"({"id": "letter", "version": 1, "kind": "workflow",
    "title": "L", "steps": [{"id": "mail", "type": "send_email", "to": "a@example.de",
      "subject": "S", "body": "B", "attachments": [{"document": {"de": "Sehr geehrte Frau Muster,",
      "en": "Dear Ms Muster,"}, "title": "Brief"}]}]})"));
  INFO((deployed ? std::string() : deployed.error().message));
  REQUIRE(deployed);
  REQUIRE(engine.start("letter", json::object{}));
  const auto mails = mailer.mails();
  REQUIRE(mails.size() == 1u);
  const auto& letter = mails[0].attachments.at(0);
  CHECK(letter.name == "Brief.txt");
  CHECK(letter.media_type == "text/plain");
  CHECK(letter.content == "Brief\n\nSehr geehrte Frau Muster,");
}

TEST_CASE("a document is rendered in the very call that starts the instance, its history so far",
          "[engine][mail][attachments]") {
  // Nothing of the instance is stored yet when its first step mails: the renderer gets the
  // events of the run, not an error for an instance the store does not know.
  ManualClock clock{monday};
  MemoryMailer mailer;
  std::size_t events_seen = 0;
  Engine engine{
      {.clock = &clock,
       .mailer = &mailer,
       .render_attachment =
           [&](const AttachmentRequest& request) -> tl::expected<RenderedAttachment, std::string> {
         events_seen = request.history.size();
         return RenderedAttachment{"%PDF " + std::string(request.text), "application/pdf"};
       }}};
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "first", "version": 1, "kind": "workflow",
    "title": "F", "steps": [{"id": "mail", "type": "send_email", "to": "a@example.de",
      "subject": "S", "body": "B", "attachments": [{"document": "{{input.n}}"}]}]})")));
  const auto id = engine.start("first", json::object{{"n", "R-1"}});
  REQUIRE(id);
  CHECK(engine.get(*id)->status == InstanceStatus::completed);
  CHECK(events_seen >= 2u);  // started, and the mail's step begun
  const auto mails = mailer.mails();
  REQUIRE(mails.size() == 1u);
  CHECK(mails[0].attachments.at(0).content == "%PDF R-1");
  CHECK(mails[0].attachments.at(0).name == "document.pdf");
}

TEST_CASE("a renderer that fails or throws is retried as the step declares, nothing queued",
          "[engine][mail][attachments]") {
  ManualClock clock{monday};
  MemoryMailer mailer;
  int calls = 0;
  Engine engine{{.clock = &clock,
                 .mailer = &mailer,
                 .on_error = [](const std::string&, const Error&) {},
                 .render_attachment = [&](const AttachmentRequest&)
                     -> tl::expected<RenderedAttachment, std::string> {
                   if (++calls == 1) return tl::make_unexpected(std::string("the font is gone"));
                   if (calls == 2) throw std::runtime_error("out of paper");
                   return RenderedAttachment{"%PDF", "application/pdf"};
                 }}};
  REQUIRE(engine.deploy(test::compile_text(R"({"id": "retry", "version": 1, "kind": "workflow",
    "title": "R", "steps": [{"id": "mail", "type": "send_email", "to": "a@example.de",
      "subject": "S", "body": "B", "attachments": [{"document": "x"}],
      "retry": {"max_attempts": 3, "initial_interval": "PT1M"}}]})")));
  const auto id = engine.start("retry", json::object{});
  REQUIRE(id);
  CHECK_FALSE(engine.get(*id)->finished());  // waiting out the retry's interval
  CHECK(engine.outbox()->empty());
  for (int minute = 0; minute < 5; ++minute) {
    clock.advance(std::chrono::minutes(1));
    (void)engine.run_due();
  }
  CHECK(calls == 3);
  CHECK(engine.get(*id)->status == InstanceStatus::completed);
  CHECK(mailer.mails().size() == 1u);
  const auto history = engine.history(*id);
  REQUIRE(history);
  std::string failures;
  for (const auto& event : *history)
    if (event.type == EventType::step_failed) failures += json::serialize(event.data);
  CHECK_THAT(failures, Catch::Contains("could not be made: the font is gone") &&
                           Catch::Contains("the renderer threw: out of paper"));
}

TEST_CASE("a mail's attachments are limited by max_attachment_bytes, at its edge",
          "[engine][mail][attachments][limits]") {
  const std::string text(100, 'x');  // the document is this text alone: no title
  const auto definition = R"({"id": "big", "version": 1, "kind": "workflow", "title": "B",
    "steps": [{"id": "mail", "type": "send_email", "to": "a@example.de", "subject": "S",
      "body": "B", "attachments": [{"document": ")" +
                          text + R"("}, {"document": "y"}]}]})";
  ManualClock clock{monday};
  for (const std::uint64_t limit : {101u, 100u}) {
    MemoryMailer mailer;
    Engine engine{{.clock = &clock,
                   .mailer = &mailer,
                   .on_error = [](const std::string&, const Error&) {},
                   .limits = {.max_attachment_bytes = limit}}};
    REQUIRE(engine.deploy(test::compile_text(definition)));
    const auto id = engine.start("big", json::object{});
    REQUIRE(id);
    if (limit == 101u) {
      CHECK(engine.get(*id)->status == InstanceStatus::completed);
      CHECK(mailer.mails().size() == 1u);
    } else {
      CHECK(engine.get(*id)->status == InstanceStatus::failed);
      CHECK_THAT(engine.get(*id)->error, Catch::Contains("(max_attachment_bytes)"));
      CHECK(mailer.mails().empty());
    }
  }
  for (const std::uint64_t absurd : {std::uint64_t{0}, EngineLimits::largest_file_bytes + 1}) {
    EngineConfig config;
    config.limits.max_attachment_bytes = absurd;
    const auto checked = check_config(config);
    REQUIRE_FALSE(checked);
    CHECK_THAT(checked.error().message, Catch::Contains("limits.max_attachment_bytes"));
  }
}

TEST_CASE("a mail whose attachment is gone stays queued rather than going without it",
          "[engine][mail][attachments]") {
  ManualClock clock{monday};
  FlakyMailer mailer;
  mailer.down = true;
  FakeRenderer renderer;
  Engine engine{{.clock = &clock,
                 .mailer = &mailer,
                 .on_error = [](const std::string&, const Error&) {},
                 .render_attachment = renderer}};
  REQUIRE(engine.deploy(test::compile_text(contract_mail)));
  answer_contract(engine);
  const auto queued = engine.outbox();
  REQUIRE(queued->size() == 1u);
  REQUIRE(engine.files()->remove(queued->front().mail.attachments[1].sha256));
  mailer.down = false;
  clock.advance(std::chrono::hours(2));  // past the backoff of the first refusal
  const auto delivered = engine.deliver_mail();
  REQUIRE_FALSE(delivered);
  CHECK_THAT(delivered.error().message, Catch::Contains("its attachment 'Rechnung-R-7.pdf'") &&
                                            Catch::Contains("is no longer kept"));
  CHECK(mailer.sent.empty());
  CHECK_FALSE(engine.outbox()->front().message_id);
}

TEST_CASE("a mail with attachments is queued once and sent once across a crash and a restart",
          "[engine][mail][attachments][durable]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ablauf-attachments-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  const auto database = (dir / "a.db").string();
  ManualClock clock{monday};
  FlakyMailer mailer;
  FakeRenderer renderer;
  std::string id;
  {
    // The disk goes as the mail's step completes: the files are kept, the mail is not queued.
    auto store = SqliteStore::open(database);
    REQUIRE(store);
    test::DyingStore dying(**store);
    dying.die_at = EventType::step_completed;
    dying.only_for = "";
    Engine engine{{.store = &dying,
                   .clock = &clock,
                   .mailer = &mailer,
                   .on_error = [](const std::string&, const Error&) {},
                   .render_attachment = renderer}};
    REQUIRE(engine.deploy(test::compile_text(contract_mail)));
    auto started = engine.start("contract", customer());
    REQUIRE(started);
    id = *started;
    auto kept = engine.keep_file(id, "documents", "contract",
                                 {.content = "%PDF-1.4 signed contract", .name = "v.pdf"});
    REQUIRE(kept);
    CHECK_FALSE(engine.answer(id, "documents", "contract", json::array{to_json(*kept)}, "erika"));
    CHECK((*store)->outbox(false)->empty());
  }
  {
    // Answered again after the restart: the mail is queued now, once, and the mailer is down.
    auto store = SqliteStore::open(database);
    REQUIRE(store);
    mailer.down = true;
    Engine engine{{.store = store->get(),
                   .clock = &clock,
                   .mailer = &mailer,
                   .on_error = [](const std::string&, const Error&) {},
                   .render_attachment = renderer}};
    REQUIRE(engine.deploy(test::compile_text(contract_mail)));
    const auto file = engine.get(id);
    REQUIRE(file);
    auto kept = engine.keep_file(id, "documents", "contract",
                                 {.content = "%PDF-1.4 signed contract", .name = "v.pdf"});
    REQUIRE(kept);
    REQUIRE(engine.answer(id, "documents", "contract", json::array{to_json(*kept)}, "erika"));
    REQUIRE(engine.outbox()->size() == 1u);
  }
  auto store = SqliteStore::open(database);
  REQUIRE(store);
  mailer.down = false;
  Engine engine{
      {.store = store->get(), .clock = &clock, .mailer = &mailer, .render_attachment = renderer}};
  REQUIRE(engine.deploy(test::compile_text(contract_mail)));
  REQUIRE(engine.deliver_mail() == 1u);
  CHECK(engine.deliver_mail() == 0u);
  REQUIRE(mailer.sent.size() == 1u);
  REQUIRE(mailer.sent[0].attachments.size() == 3u);
  CHECK(mailer.sent[0].attachments[0].content == "%PDF-1.4 signed contract");
  CHECK(mailer.sent[0].attachments[1].content == "%PDF Rechnung R-7: Betrag: 119 EUR");
  CHECK(engine.outbox()->size() == 1u);
  std::filesystem::remove_all(dir);
}

TEST_CASE("attachments are checked where they are written", "[definition][mail][attachments]") {
  const auto with = [](const std::string& attachments) {
    return R"({"id": "a", "version": 1, "kind": "workflow", "title": "A", "steps": [
      {"id": "check", "type": "fill_checklist", "items": [{"id": "ok", "kind": "checkbox",
       "label": "OK"}], "next": "mail"},
      {"id": "mail", "type": "send_email", "to": "a@example.de", "subject": "S", "body": "B",
       "attachments": )" +
           attachments + R"(, "next": "done"},
      {"id": "done", "type": "end"}]})";
  };
  const auto message_of = [&](const std::string& attachments) {
    const auto problems = test::problems_of(with(attachments));
    REQUIRE(problems.size() == 1u);
    return problems[0].pointer + ": " + problems[0].message;
  };
  CHECK_THAT(message_of(R"("rechnung.pdf")"),
             Catch::StartsWith("/steps/1/attachments: 'attachments' must be a list"));
  CHECK_THAT(message_of(R"([{"name": "x.pdf"}])"),
             Catch::StartsWith("/steps/1/attachments/0: an attachment needs 'files'"));
  CHECK_THAT(message_of(R"([{"form": "check", "document": "x"}])"),
             Catch::StartsWith("/steps/1/attachments/0/form: an attachment takes only one of") ||
                 Catch::StartsWith("/steps/1/attachments/0/document: an attachment takes only"));
  CHECK_THAT(message_of(R"([{"form": "check", "titel": "x"}])"),
             Catch::Contains("unknown attachment field 'titel'; did you mean 'title'?"));
  CHECK_THAT(message_of(R"([{"form": "check", "title": "x"}])"),
             Catch::Contains("'title' goes with 'document'"));
  CHECK_THAT(message_of(R"([{"form": "mail"}])"),
             Catch::StartsWith("/steps/1/attachments/0/form: the attachment of step 'mail' names "
                               "step 'mail', which has no checklist"));
  CHECK_THAT(message_of(R"([{"form": "chek"}])"),
             Catch::Contains("names no step 'chek'; did you mean 'check'?"));
  // A list computed at run time is checked when the step runs.
  CHECK_NOTHROW(test::compile_text(with(R"({"=": "input.files"})")));
}

}  // namespace
}  // namespace ablauf
