// Printable checklists: each seed checklist's Markdown form matches a reviewed golden file in
// German and in English, every item of the definition is on it (in Markdown and in HTML), and
// what authors write shows as text, never as markup. Each PDF, read back with pdftotext, holds
// every label.
#include "ablauf/answer.hpp"
#include "ablauf/printable.hpp"
#include "ablauf/timeline.hpp"

#include "engine_support.hpp"
#include "test_support.hpp"

#include <cctype>
#include <cstdio>

#include <unistd.h>

using namespace ablauf;

namespace {

const char* const seed_checklists[] = {"account_management_guidelines", "delinquent_accounts",
                                       "open_invoice_customer_service"};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++found;
  return found;
}

// Every run of whitespace as one space: how text that wrapped across lines reads.
std::string flattened(const std::string& text) {
  std::string out;
  for (const char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += c;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  return out;
}

// The text of a PDF, as poppler's pdftotext reads it (poppler-utils).
std::string pdf_text(const std::string& pdf) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("ablauf-print-" + std::to_string(::getpid()) + ".pdf");
  std::ofstream(file, std::ios::binary) << pdf;
  const std::string command = "pdftotext -enc UTF-8 '" + file.string() + "' - 2>/dev/null";
  std::string text;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
      text.append(buffer, n);
    if (::pclose(pipe) != 0) text.clear();
  }
  std::filesystem::remove(file);
  if (text.empty())
    FAIL("pdftotext gave nothing: install poppler-utils (.ci/install-deps.sh does)");
  return flattened(text);
}

}  // namespace

TEST_CASE("each seed checklist prints as a PDF that holds every label, in German and English",
          "[print]") {
  for (const std::string name : seed_checklists)
    for (const std::string language : {"de", "en"}) {
      const Workflow checklist = test::compile_file(test::workflows_dir() / (name + ".json"));
      const auto& definition = checklist.definition();
      const auto pdf = to_pdf_form(definition, {.form = {.language = language}});
      if (!pdf) FAIL(pdf.error().message);
      REQUIRE(pdf->starts_with("%PDF-"));
      const auto text = pdf_text(*pdf);
      INFO(name << " " << language);
      CHECK_THAT(text, Catch::Contains(flattened(std::string(definition.title.get(language)))));
      for (const auto& step : definition.steps)
        for (const auto& section : step.checklist->sections)
          for (const auto& item : section.items) {
            CHECK_THAT(text, Catch::Contains(flattened(std::string(item.label.get(language)))));
            for (const auto& option : item.options)
              CHECK_THAT(text, Catch::Contains(flattened(std::string(option.label.get(language)))));
          }
    }
}

TEST_CASE("a PDF form needs its font, and says which is missing", "[print]") {
  const Workflow checklist = test::compile_file(test::workflows_dir() / "delinquent_accounts.json");
  const auto pdf = to_pdf_form(checklist.definition(), {.font_file = "/nonexistent/Font.ttf"});
  REQUIRE_FALSE(pdf);
  CHECK_THAT(pdf.error().message, Catch::Contains("/nonexistent/Font.ttf"));
}

TEST_CASE("each seed checklist prints as its golden Markdown form", "[print]") {
  const auto dir = test::data_dir() / "golden/print";
  for (const std::string name : seed_checklists)
    for (const std::string language : {"de", "en"}) {
      const Workflow checklist = test::compile_file(test::workflows_dir() / (name + ".json"));
      test::check_golden(to_markdown_form(checklist.definition(), {.language = language}),
                         dir / (name + "." + language + ".md"));
    }
  const Workflow billing = test::compile_file(test::workflows_dir() / "utility_billing.json");
  test::check_golden(to_markdown_form(billing.definition(), {.language = "en"}),
                     dir / "utility_billing.en.md");
  const Workflow delinquent =
      test::compile_file(test::workflows_dir() / "delinquent_accounts.json");
  test::check_golden(to_html_form(delinquent.definition()), dir / "delinquent_accounts.de.html");
}

TEST_CASE("a printed form holds every item, option and required mark", "[print]") {
  for (const std::string name : seed_checklists)
    for (const std::string language : {"de", "en"}) {
      const Workflow checklist = test::compile_file(test::workflows_dir() / (name + ".json"));
      const auto& definition = checklist.definition();
      const auto form = to_markdown_form(definition, {.language = language});
      std::size_t required = 0;
      for (const auto& step : definition.steps)
        for (const auto& section : step.checklist->sections)
          for (const auto& item : section.items) {
            INFO(name << " " << language << " " << item.id);
            CHECK(count(form, "**" + std::string(item.label.get(language)) + "**") >= 1);
            for (const auto& option : item.options)
              CHECK(count(form, "- [ ] " + std::string(option.label.get(language))) >= 1);
            required += item.required;
          }
      // Each required item has its mark; the legend has one more.
      CHECK(count(form, "\\*") == required + 1);
      const auto page = to_html_form(definition, {.language = language});
      std::size_t items = 0;
      for (const auto& step : definition.steps)
        for (const auto& section : step.checklist->sections) items += section.items.size();
      CHECK(count(page, "<li class=\"item\">") == items);
      CHECK(count(page, "<span class=\"required\"") == required + 1);
      CHECK(count(page, "<html lang=\"" + language + "\">") == 1);
    }
}

TEST_CASE("a printed form shows what authors wrote as text, not as markup", "[print]") {
  const auto definition = load_definition(R"({
    "id": "odd", "version": 1, "kind": "checklist", "title": "Check <script>alert(1)</script>",
    "description": "- not a list, and *not* emphasis",
    "sections": [{"id": "s", "title": "Section #1", "items": [
      {"id": "a", "label": "[link](http://example.com) & <b>bold</b>"},
      {"id": "b", "kind": "number", "label": "Amount_due", "unit": "€", "min": 0, "max": 2.5,
       "required": false},
      {"id": "c", "kind": "date", "label": "When", "visible_if": "steps.s.answers.a == true"}]}]})",
                                          "odd.json");
  if (!definition) FAIL(definition.error());
  const auto form = to_markdown_form(*definition, {.language = "en"});
  CHECK_THAT(form, Catch::Contains("# Check \\<script\\>alert(1)\\</script\\>"));
  CHECK_THAT(form, Catch::Contains("\\- not a list, and \\*not\\* emphasis"));
  CHECK_THAT(form, Catch::Contains("## Section \\#1"));
  CHECK_THAT(form, Catch::Contains(
                       "- [ ] **\\[link\\](http://example.com) \\& \\<b\\>bold\\</b\\>** \\*"));
  CHECK_THAT(form, Catch::Contains("- **Amount\\_due**: ______________________ € (0–2.5)"));
  CHECK_THAT(form, Catch::Contains(
                       "- **When** \\* _(if applicable)_: ______________________ (YYYY-MM-DD)"));
  CHECK(form.find("<script>") == std::string::npos);

  const auto page = to_html_form(*definition, {.language = "en"});
  CHECK_THAT(page, Catch::Contains("<h1>Check &lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
  CHECK_THAT(page, Catch::Contains("<title>Check &lt;script&gt;alert(1)&lt;/script&gt;</title>"));
  CHECK_THAT(page,
             Catch::Contains("[link](http://example.com) &amp; &lt;b&gt;bold&lt;/b&gt;</span>"));
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  // Self-contained: nothing is loaded from elsewhere.
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("href=") == std::string::npos);
  CHECK(page.find("@import") == std::string::npos);
}

TEST_CASE("a filled form shows every answer and signature with who and when", "[print]") {
  const std::string text = R"({"id": "s", "version": 1, "kind": "checklist", "title": "S",
    "sections": [{"id": "check", "title": "C", "items": [
      {"id": "ok", "label": "Ok"},
      {"id": "skipped", "label": "Skipped", "required": false},
      {"id": "amount", "label": "Amount", "kind": "number", "unit": "EUR"},
      {"id": "way", "label": "Way", "kind": "choice",
       "options": [{"value": "phone", "label": "Phone"}, {"value": "mail", "label": "Mail"}]},
      {"id": "signed", "label": "Signed", "kind": "signature"}]}]})";
  test::Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(text)));
  const auto id = f.engine.start("s", boost::json::object());
  REQUIRE(id);
  REQUIRE(
      f.engine.submit(*id, "check", {{"ok", true}, {"amount", 1842.6}, {"way", "mail"}}, "thomas"));
  f.clock.advance(std::chrono::minutes(5));
  REQUIRE(f.engine.sign(*id, "check", "signed", "erika"));
  const auto history = f.engine.history(*id);
  REQUIRE(history);
  std::string hash;
  for (const auto& event : *history)
    if (event.type == EventType::signature_recorded) hash = event.data.at("hash").as_string();
  REQUIRE(hash.size() == 64);

  const auto definition = load_definition(text, "s.json");
  REQUIRE(definition);
  const FormOptions filled{.language = "en", .instance = *id, .history = *history};
  const auto form = to_markdown_form(*definition, filled);
  CHECK_THAT(form, Catch::Contains("Instance: `" + *id + "`"));
  CHECK_THAT(form, Catch::Contains("- [x] **Ok** \\* — _thomas, Nov 23, 2026, 9:00\u202fAM_"));
  CHECK_THAT(form, Catch::Contains("- [ ] **Skipped**\n"));
  CHECK_THAT(form, Catch::Contains(
                       "- **Amount** \\*: **1,842.6** EUR — _thomas, Nov 23, 2026, 9:00\u202fAM_"));
  CHECK_THAT(form, Catch::Contains("  - [ ] Phone\n  - [x] Mail\n"));
  CHECK_THAT(form,
             Catch::Contains("- **Signed** \\*: erika, Nov 23, 2026, 9:05\u202fAM; SHA-256 of the "
                             "answers signed `" +
                             hash + "`"));

  const auto page = to_html_form(*definition, filled);
  CHECK(count(page, "box ticked") == 2);  // Ok, and Mail
  CHECK_THAT(page, Catch::Contains(R"(<span class="value">1,842.6</span>EUR)"));
  CHECK_THAT(page, Catch::Contains(hash));

  const auto pdf = to_pdf_form(*definition, {.form = filled});
  if (!pdf) FAIL(pdf.error().message);
  const auto read = pdf_text(*pdf);
  CHECK_THAT(read, Catch::Contains("1,842.6"));
  CHECK_THAT(read, Catch::Contains("thomas, Nov 23, 2026, 9:"));
  CHECK_THAT(read, Catch::Contains(hash));
}

TEST_CASE("times, date-times and 'not applicable' print blank and filled in every format",
          "[print]") {
  const auto file = test::data_dir() / "good" / "meter_reading.json";
  const auto definition = load_definition_file(file);
  REQUIRE(definition);
  SECTION("blank: how to write a time and a zone, and a box for 'not applicable'") {
    const auto form = to_markdown_form(*definition, {.language = "de"});
    CHECK_THAT(form,
               Catch::Contains(
                   "**Abgelesen am** \\*: ______________________ (TT.MM.JJJJ hh:mm, Zeitzone)"));
    CHECK_THAT(form, Catch::Contains("**Zugang ab**: ______________________ (hh:mm)"));
    CHECK_THAT(form, Catch::Contains("**Standort des Zählers**: Breite ______________________ "
                                     "Länge ______________________ Genauigkeit (m) "
                                     "______________________"));
    CHECK_THAT(form, Catch::Contains("(≥ 0) [ ] entfällt"));
    CHECK_THAT(form, Catch::Contains("- [ ] **Plombe unversehrt** \\* [ ] entfällt"));
    CHECK_THAT(form, Catch::Contains("- **Zugang zum Zähler** _(eine Antwort ankreuzen; 1 = "
                                     "schwierig, 5 = leicht)_\n  - [ ] 1\n  - [ ] 2\n"));
    const auto page = to_html_form(*definition, {.language = "en"});
    CHECK(count(page, "not applicable") == 3);  // the reading, the seal, the letter
    const auto pdf = to_pdf_form(*definition, {.form = {.language = "de"}});
    if (!pdf) FAIL(pdf.error().message);
    CHECK(count(pdf_text(*pdf), "entfällt") == 3);
  }
  SECTION("filled: the answer 'not applicable' where the value would stand") {
    test::Fixture f;
    REQUIRE(f.engine.deploy(test::compile_file(file)));
    const auto id = f.engine.start("meter_reading", boost::json::object());
    REQUIRE(id);
    REQUIRE(f.engine.submit(
        *id, "reading",
        {{"read_at", "2026-12-07T14:05:00+01:00"},
         {"window_opens", "07:30"},
         {"value", not_applicable_answer()},
         {"seal_intact", not_applicable_answer()},
         {"access", 4},
         {"position",
          boost::json::object{{"latitude", 52.52}, {"longitude", 13.405}, {"accuracy", 12}}}},
        "thomas"));
    const auto history = f.engine.history(*id);
    REQUIRE(history);
    const FormOptions filled{.language = "de", .instance = *id, .history = *history};
    const auto form = to_markdown_form(*definition, filled);
    CHECK_THAT(form, Catch::Contains("**Abgelesen am** \\*: **07.12.2026, 14:05**"));
    CHECK_THAT(form, Catch::Contains("**Zugang ab**: **07:30**"));
    CHECK_THAT(form, Catch::Contains("**Zählerstand** \\*: **entfällt** kWh"));
    CHECK_THAT(form, Catch::Contains("- [ ] **Plombe unversehrt** \\*: **entfällt**"));
    CHECK_THAT(form, Catch::Contains("  - [ ] 3\n  - [x] 4\n  - [ ] 5\n"));
    CHECK_THAT(form, Catch::Contains("**Standort des Zählers**: **52.52, 13.405 (± 12 m)**"));
    const auto pdf = to_pdf_form(*definition, {.form = filled});
    if (!pdf) FAIL(pdf.error().message);
    CHECK_THAT(pdf_text(*pdf), Catch::Contains("entfällt"));
    const auto timeline = read_timeline(*definition, *history, {.language = "de"});
    bool said = false;
    for (const auto& entry : timeline)
      said = said || entry.text == "Beantwortet: „Zählerstand“: entfällt";
    CHECK(said);
  }
}

TEST_CASE("a repeating group prints as a table: rows to fill in, or the rows answered",
          "[print][group]") {
  test::Fixture f;
  const Workflow meter = test::compile_file(test::data_dir() / "good" / "meter_reading.json");
  REQUIRE(f.engine.deploy(meter));
  const auto& definition = meter.definition();
  SECTION("blank: a column per item, three rows to write in") {
    const auto form = to_markdown_form(definition, {.language = "de"});
    CHECK_THAT(form, Catch::Contains("  | # | Tarif | Stand (kWh) | Bemerkung |\n"
                                     "  | ---: | --- | --- | --- |\n"
                                     "  | 1 |  |  |  |\n  | 2 |  |  |  |\n  | 3 |  |  |  |\n"));
    CHECK_THAT(to_html_form(definition, {.language = "en"}),
               Catch::Contains(R"(<th scope="col">Reading (kWh)</th>)"));
  }
  SECTION("filled: each row's answers, options by their labels") {
    auto id = f.engine.start("meter_reading", boost::json::object());
    REQUIRE(id);
    f.answer(*id, "reading", "registers",
             boost::json::array{
                 boost::json::object{{"tariff", "HT"}, {"value", 18342.7}},
                 boost::json::object{{"tariff", "NT"}, {"value", 9120}, {"note", "a|b"}}});
    const auto history = *f.engine.history(*id);
    const FormOptions filled{.language = "de", .instance = *id, .history = history};
    const auto form = to_markdown_form(definition, filled);
    CHECK_THAT(form, Catch::Contains("  | 1 | Hochtarif | 18.342,7 |  |\n"
                                     "  | 2 | Niedertarif | 9.120 | a\\|b |\n"));
    const auto html = to_html_form(definition, filled);
    CHECK_THAT(
        html, Catch::Contains("<tr><td>2</td><td>Niedertarif</td><td>9.120</td><td>a|b</td></tr>"));
    auto pdf = to_pdf_form(definition, {.form = filled});
    REQUIRE(pdf);
    const auto text = pdf_text(*pdf);
    CHECK_THAT(text, Catch::Contains("Tarif: Hochtarif"));
    CHECK_THAT(text, Catch::Contains("Stand (kWh): 9.120"));
    const auto timeline = read_timeline(definition, history, {.language = "de"});
    const auto answered = std::find_if(timeline.begin(), timeline.end(), [](const auto& entry) {
      return entry.text.find("Zählwerke") != std::string::npos;
    });
    REQUIRE(answered != timeline.end());
    CHECK(answered->text ==
          "Beantwortet: „Zählwerke“: Hochtarif, 18.342,7 kWh; Niedertarif, 9.120 kWh, a|b");
  }
}

TEST_CASE(
    "a filled form shows each corrective action under the item that raised it, and where "
    "it stands",
    "[print][actions]") {
  test::Fixture f;
  const Workflow walk = test::compile_file(test::data_dir() / "good" / "safety_walk.json");
  REQUIRE(f.engine.deploy(walk));
  const auto id = f.engine.start("safety_walk", boost::json::object());
  REQUIRE(id);
  REQUIRE(f.engine.submit(*id, "walk", {{"exit_clear", "no"}, {"extinguisher", "ok"}}, "erika"));
  const auto action = f.state(*id).tasks.at(0).id;
  const auto form_now = [&](const std::string& language) {
    const auto history = f.engine.history(*id);
    REQUIRE(history);
    return to_markdown_form(walk.definition(),
                            {.language = language, .instance = *id, .history = *history});
  };
  const std::string raised =
      "Korrekturmaßnahme „Fluchtweg freiräumen“: facility, fällig 24.11.2026, Priorität dringend";
  CHECK_THAT(form_now("de"), Catch::Contains("  - ⚠ " + raised + " — offen\n"));
  REQUIRE(f.engine.complete_task(*id, action, "", "hans"));
  CHECK_THAT(form_now("de"), Catch::Contains(raised + " — erledigt (hans), Bestätigung ausstehend "
                                                      "durch safety\\_officer\n"));
  REQUIRE(f.engine.verify_task(*id, action, "sabine"));
  // Under its item: after the exit's options, before the extinguisher.
  const auto form = form_now("de");
  const auto shown = form.find(raised + " — erledigt (hans), bestätigt (sabine)\n");
  REQUIRE(shown != std::string::npos);
  CHECK(form.find("Fluchtweg frei") < shown);
  CHECK(shown < form.find("Feuerlöscher"));
  CHECK_THAT(form_now("en"), Catch::Contains("Corrective action “Fluchtweg freiräumen”: facility, "
                                             "due Nov 24, 2026, priority urgent — done (hans), "
                                             "verified (sabine)"));

  const auto history = f.engine.history(*id);
  REQUIRE(history);
  const FormOptions filled{.language = "de", .instance = *id, .history = *history};
  CHECK_THAT(to_html_form(walk.definition(), filled),
             Catch::Contains(R"(<p class="action">⚠ )" + raised));
  const auto pdf = to_pdf_form(walk.definition(), {.form = filled});
  if (!pdf) FAIL(pdf.error().message);
  CHECK_THAT(pdf_text(*pdf), Catch::Contains("bestätigt (sabine)"));
  // A blank form has no actions to show.
  CHECK_THAT(to_markdown_form(walk.definition(), {.language = "de"}),
             !Catch::Contains("Korrekturmaßnahme"));
}

TEST_CASE("a document prints as a PDF of its heading and text, long lines wrapped", "[print]") {
  const std::string text =
      "Sabine Hoffmann\nAachener Straße 118, 50674 Köln\n\nRechnungsbetrag: 246,80 €\n\n" +
      std::string(60, 'x') + " " + std::string(400, 'y');  // wider than the page
  const auto pdf = to_pdf_document("Monatsrechnung Nr. K-20931-202612", text);
  if (!pdf) FAIL(pdf.error().message);
  CHECK(pdf->rfind("%PDF-", 0) == 0);
  const auto read = pdf_text(*pdf);
  CHECK_THAT(read, Catch::StartsWith("Monatsrechnung Nr. K-20931-202612 Sabine Hoffmann Aachener "
                                     "Straße 118, 50674 Köln Rechnungsbetrag: 246,80 €"));
  CHECK_THAT(read, Catch::Contains(std::string(60, 'x')));
  // The word wider than the page is broken onto lines of its own, none of it lost.
  std::size_t ys = 0;
  for (const char c : read) ys += c == 'y';
  CHECK(ys == 400);

  const auto missing = to_pdf_document("T", "x", {.font_file = "/nonexistent/Font.ttf"});
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("/nonexistent/Font.ttf"));
}

TEST_CASE("the PDF renderer attaches one checklist step's filled form, or a document",
          "[print][mail]") {
  const std::string text = R"({"id": "two", "version": 1, "kind": "workflow", "title": "Zwei",
    "steps": [
      {"id": "first", "type": "fill_checklist", "title": "Erste Liste",
       "items": [{"id": "a", "label": "Zählerstand", "kind": "number"}], "next": "second"},
      {"id": "second", "type": "fill_checklist", "title": "Zweite Liste",
       "items": [{"id": "b", "label": "Nur in der zweiten"}]}]})";
  test::Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(text)));
  const auto id = f.engine.start("two", boost::json::object());
  REQUIRE(id);
  REQUIRE(f.engine.submit(*id, "first", {{"a", 18342.7}}, "jonas"));
  const auto history = f.engine.history(*id);
  REQUIRE(history);
  const auto definition = load_definition(text, "two.json");
  REQUIRE(definition);

  const auto render = pdf_attachments();
  const auto form = render({.instance = *id,
                            .definition = &*definition,
                            .history = *history,
                            .form = "first",
                            .title = {},
                            .text = {},
                            .language = "de"});
  if (!form) FAIL(form.error());
  CHECK(form->media_type == "application/pdf");
  const auto read = pdf_text(form->content);
  CHECK_THAT(read, Catch::Contains("Erste Liste"));
  CHECK_THAT(read, Catch::Contains("18.342,7"));
  CHECK_THAT(read, Catch::Contains("jonas"));
  CHECK_THAT(read, !Catch::Contains("Zweite Liste"));

  const auto document = render({.instance = *id,
                                .definition = &*definition,
                                .history = *history,
                                .form = {},
                                .title = "Rechnung",
                                .text = "Betrag: 246,80 €",
                                .language = "de"});
  if (!document) FAIL(document.error());
  CHECK_THAT(pdf_text(document->content), Catch::StartsWith("Rechnung Betrag: 246,80 €"));
}
