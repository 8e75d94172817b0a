// Document numbers: the format a definition gives, the loader's findings on a bad one, the
// engine numbering instances from its store's sequences, and the header every form prints.
#include "engine_support.hpp"

#include <ablauf/document_number.hpp>
#include <ablauf/printable.hpp>

namespace ablauf {
namespace {

using test::Fixture;
using test::monday;
namespace json = boost::json;

TEST_CASE("a document number's format counts per what the number reads without its counter",
          "[document_number]") {
  const auto format = DocumentNumberFormat::parse("ACC-{year}-{seq:05}");
  REQUIRE(format);
  CHECK(format->sequence(monday) == "ACC-2026-");
  CHECK(format->format(monday, 42) == "ACC-2026-00042");
  CHECK(format->format(monday, 1234567) == "ACC-2026-1234567");  // wider than its padding
  const auto monthly = DocumentNumberFormat::parse("{year}{month}/{seq}");
  REQUIRE(monthly);
  CHECK(monthly->format(monday, 7) == "202611/7");
  CHECK(DocumentNumberFormat::parse("WALK-{seq:12}")->format(monday, 1) == "WALK-000000000001");

  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"", "is empty"},
           {"ACC-{year}", "needs a counter, {seq}"},
           {"{seq}-{seq}", "has one counter, not 2"},
           {"ACC-{jahr}-{seq}", "'{jahr}' is no field of a document number"},
           {"ACC-{seq:0}", "pads to 0 digits; pad to 1 to 12"},
           {"ACC-{seq:13}", "pads to 13 digits"},
           {"ACC-{seq:x}", "'{seq:x}' pads to no number of digits"},
           {"ACC-{seq", "'{' without '}' at character 5"},
           {"ACC}-{seq}", "'}' without '{' at character 4"},
           {std::string(60, 'A') + "{seq}", "has 65 characters, more than 64"}}) {
    INFO(text);
    const auto refused = DocumentNumberFormat::parse(text);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error(), Catch::Contains(why));
    CHECK_THAT(refused.error(), Catch::Contains("\"ACC-{year}-{seq:05}\""));  // how to write it
  }
}

TEST_CASE("a bad document number format is located where it is written", "[document_number]") {
  const auto problems = test::problems_of(R"({"id": "audit", "version": 1, "kind": "checklist",
  "title": "Audit", "document_number": "ACC-{jahr}-{seq}",
  "sections": [{"id": "s", "title": "S", "items": [{"id": "ok", "label": "OK"}]}]})");
  REQUIRE(problems.size() == 1);
  test::check_diagnostic(problems[0], {ErrorCode::invalid_value, 2, 40, "/document_number",
                                       "'{jahr}' is no field of a document number"});
}

const char* const audit = R"({"id": "audit", "version": 1, "kind": "checklist",
  "title": {"de": "Prüfung", "en": "Audit"}, "document_number": "ACC-{year}-{seq:05}",
  "sections": [{"id": "s", "title": "S", "items": [{"id": "ok", "label": "OK"}]}]})";

TEST_CASE("the engine numbers each instance from its store, afresh each year",
          "[document_number]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(audit)));
  const auto start = [&](const std::string& actor) {
    auto id = f.engine.start("audit", json::object(), {.actor = actor});
    REQUIRE(id);
    return f.state(*id);
  };
  const auto first = start("erika");
  CHECK(first.document_number == "ACC-2026-00001");
  CHECK(first.started_by == "erika");
  CHECK(start("hans").document_number == "ACC-2026-00002");
  // A start found by its business key is the instance started before: no number is taken.
  auto keyed = f.engine.start("audit", json::object(), {.business_key = "K-1"});
  REQUIRE(keyed);
  CHECK(f.engine.start("audit", json::object(), {.business_key = "K-1"}) == *keyed);
  CHECK(f.state(*keyed).document_number == "ACC-2026-00003");
  f.clock.set(Time(std::chrono::sys_days(std::chrono::year{2027} / 1 / 4)));
  CHECK(start("erika").document_number == "ACC-2027-00001");

  // Kept in the history, so a state folded or read back from a snapshot has it.
  const auto folded = fold(first.id, *f.engine.history(first.id));
  REQUIRE(folded);
  CHECK(folded->document_number == "ACC-2026-00001");
  const auto restored = state_from_json(first.id, to_json(first));
  REQUIRE(restored);
  CHECK(restored->document_number == "ACC-2026-00001");
  CHECK(restored->started_by == "erika");
}

TEST_CASE("a store that keeps no sequences refuses to start a numbered instance, and says why",
          "[document_number]") {
  // A store of the host's own that forwards what a store must do, and counts nothing.
  MemoryStore inner;
  test::DyingStore store(inner);
  Engine engine({.store = &store});
  REQUIRE(engine.deploy(test::compile_text(audit)));
  const auto refused = engine.start("audit", json::object());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::store_error);
  CHECK(refused.error().message ==
        "workflow 'audit' numbers its instances (document_number), but this store keeps no "
        "sequences, so it cannot number 'audit/ACC-2026-'");
  CHECK(engine.list()->empty());  // nothing started
}

TEST_CASE("every form prints the document number, the instance and who started it when",
          "[document_number][print]") {
  Fixture f;
  const auto workflow = test::compile_text(audit);
  REQUIRE(f.engine.deploy(workflow));
  SECTION("blank: a line to write the number on") {
    CHECK_THAT(to_markdown_form(workflow.definition(), {.language = "de"}),
               Catch::Contains("Dokumentnummer: ______________________\n"));
    CHECK_THAT(to_html_form(workflow.definition(), {.language = "en"}),
               Catch::Contains(R"(Document number: <span class="line"></span>)"));
  }
  SECTION("filled: the instance's own") {
    auto id = f.engine.start("audit", json::object(), {.actor = "erika"});
    REQUIRE(id);
    const auto history = f.engine.history(*id);
    REQUIRE(history);
    const FormOptions filled{.language = "de", .instance = *id, .history = *history};
    CHECK_THAT(to_markdown_form(workflow.definition(), filled),
               Catch::Contains("Dokumentnummer: `ACC-2026-00001`\n\nVorgang: `" + *id +
                               "`\n\nBegonnen: `23.11.2026, 09:00 von erika`\n"));
  }
}

}  // namespace
}  // namespace ablauf
