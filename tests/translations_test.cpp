// Translations: every seed definition carries German and English throughout, and a missing
// translation is reported at its place.
#include "ablauf/translations.hpp"

#include "engine_support.hpp"

#include <map>

using namespace ablauf;

TEST_CASE("every seed definition has every text in German and in English", "[translations]") {
  for (const auto& entry : std::filesystem::directory_iterator(test::workflows_dir())) {
    if (entry.path().extension() != ".json") continue;
    const Workflow workflow = test::compile_file(entry.path());
    for (const char* language : {"de", "en"}) {
      INFO(entry.path().filename().string() << " " << language);
      const auto missing = missing_translations(workflow.definition(), language);
      CHECK(missing.empty());
      if (!missing.empty()) INFO(missing[0].message);
    }
  }
}

TEST_CASE("a missing translation is a warning at its place", "[translations]") {
  const auto definition = load_definition(R"({"id": "t", "version": 1, "kind": "checklist",
  "title": {"de": "Prüfung", "en": "Check"},
  "sections": [{"id": "s", "title": {"de": "Teil", "en": "Part"}, "items": [
    {"id": "a", "label": {"de": "Geprüft"}},
    {"id": "b", "label": "Plain text stands for every language"},
    {"id": "c", "kind": "choice", "label": {"de": "Weg", "en": "Way"},
     "options": [{"value": "x", "label": {"de": "Brief", "en": "Letter"}},
                 {"value": "y", "label": {"de": "Telefon"}}]}]}]})",
                                          "t.json");
  if (!definition) FAIL(definition.error());
  CHECK(missing_translations(*definition, "de").empty());
  const auto missing = missing_translations(*definition, "en");
  REQUIRE(missing.size() == 2);
  CHECK(missing[0].severity == Severity::warning);
  CHECK(missing[0].code == ErrorCode::missing_translation);
  CHECK(missing[0].pointer == "/sections/0/items/0/label");
  CHECK(missing[0].location.line == 4);
  CHECK(missing[0].message == "'Geprüft' has no translation into 'en'");
  CHECK(missing[1].pointer == "/sections/0/items/2/options/1/label");
  CHECK(missing_translations(*definition, "fr").size() == 6);
}

// What the engine writes for people (task titles, mail, refusals of answers) is in the engine's
// language, else the definition's default language, else the first one given.
TEST_CASE("the engine speaks its language, else the definition's default", "[translations]") {
  const auto workflow = test::compile_text(R"({"id": "t", "version": 1, "kind": "workflow",
    "title": "T", "default_language": "en", "steps": [
      {"id": "check", "type": "fill_checklist", "next": "mail",
       "items": [{"id": "n", "kind": "number", "max": 5,
                  "label": {"de": "Anzahl", "en": "Count", "fr": "Nombre"},
                  "unit": {"de": "Stück", "en": "pieces"}}]},
      {"id": "mail", "type": "send_email", "to": "a@example.de", "next": "call",
       "subject": {"de": "Hallo", "en": "Hello"}, "body": {"de": "Text", "en": "Text"}},
      {"id": "call", "type": "create_task", "title": {"de": "Anrufen", "en": "Call"},
       "next": "done"},
      {"id": "done", "type": "end"}]})");
  const std::map<std::string, std::vector<std::string>> expected{
      {"", {"Count: 9 pieces is above", "Hello", "Call"}},
      {"de", {"Anzahl: 9 Stück is above", "Hallo", "Anrufen"}},
      {"fr", {"Nombre: 9 pieces is above", "Hello", "Call"}}};  // no French unit, mail, task
  for (const auto& [language, words] : expected) {
    INFO("language '" << language << "'");
    ManualClock clock(*parse_rfc3339("2026-11-23T09:00:00Z"));
    MemoryStore store;
    Engine engine({.store = &store, .clock = &clock, .language = language});
    REQUIRE(engine.deploy(workflow));
    const auto id = engine.start("t", boost::json::object());
    REQUIRE(id);
    const auto refused = engine.answer(*id, "check", "n", 9, "erika");
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::StartsWith(words[0]));
    REQUIRE(engine.answer(*id, "check", "n", 3, "erika"));
    const auto mails = engine.outbox();
    REQUIRE(mails);
    REQUIRE(mails->size() == 1);
    CHECK(mails->front().mail.subject == words[1]);
    const auto state = engine.get(*id);
    REQUIRE(state->tasks.size() == 1);
    CHECK(state->tasks.front().title == words[2]);
  }
}
