// Translations: every seed definition carries German and English throughout, and a missing
// translation is reported at its place.
#include "ablauf/translations.hpp"

#include "test_support.hpp"

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
