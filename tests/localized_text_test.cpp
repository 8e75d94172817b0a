#include "ablauf/localized_text.hpp"

#include "test_support.hpp"

using ablauf::LocalizedText;

TEST_CASE("localized text falls back to the default language, then the first", "[text]") {
  LocalizedText title;
  title.add("de", "Rechnung prüfen");
  title.add("en", "Check invoice");
  CHECK(title.get("en") == "Check invoice");
  CHECK(title.get("fr", "de") == "Rechnung prüfen");
  CHECK(title.get("fr", "it") == "Rechnung prüfen");
  CHECK(title.has("en"));
  CHECK_FALSE(title.has("fr"));
}

TEST_CASE("a plain string serves every language", "[text]") {
  LocalizedText plain("Freigabe");
  CHECK(plain.get("en") == "Freigabe");
  CHECK(plain.has("en"));
  CHECK(LocalizedText().get("de").empty());
}
