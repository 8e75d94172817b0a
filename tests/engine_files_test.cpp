// Files and photos answered on checklists: kept before they are answered with, checked against
// their item, refused when not kept, sealed by a signature, verified, and swept when orphaned.
#include "engine_support.hpp"
#include "sample_files.hpp"

#include <ablauf/answer.hpp>
#include <ablauf/file_reference.hpp>
#include <ablauf/history.hpp>
#include <ablauf/printable.hpp>
#include <ablauf/sqlite_store.hpp>

#include <filesystem>
#include <fstream>
#include <random>

namespace ablauf {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::Fixture;

Workflow meter_reading() {
  return test::compile_file(test::data_dir() / "good" / "meter_reading.json");
}

std::string started(Engine& engine) {
  auto id = engine.start("meter_reading", json::object());
  REQUIRE(id);
  return *id;
}

TEST_CASE("a photo is kept, then answered with, and the answer names its content",
          "[engine][files]") {
  Fixture f;
  REQUIRE(f.engine.deploy(meter_reading()));
  const auto id = started(f.engine);
  const auto before = f.engine.history(id)->size();
  auto kept = f.engine.keep_file(id, "reading", "meter_photo",
                                 {.content = test::jpeg_photo,
                                  .name = "C:\\Fotos\\zaehler.jpg",
                                  .media_type = "image/jpeg",
                                  .taken_at = "2026-11-23T10:15:00+01:00"});
  REQUIRE(kept);
  CHECK(kept->name == "zaehler.jpg");  // folders cut off
  CHECK(kept->size == test::jpeg_photo.size());
  CHECK(is_sha256_hex(kept->sha256));
  // Nothing is recorded until the item is answered.
  CHECK(f.engine.history(id)->size() == before);

  f.answer(id, "reading", "meter_photo", json::array{to_json(*kept)});
  const auto state = f.state(id);
  const auto& answers = state.data.at("steps").at("reading").at("answers");
  const auto files = file_references(answers.at("meter_photo"));
  REQUIRE(files.size() == 1);
  CHECK(files[0].sha256 == kept->sha256);
  CHECK(files[0].taken_at == "2026-11-23T10:15:00+01:00");
  CHECK(f.engine.file_content(id, kept->sha256) == test::jpeg_photo);
}

TEST_CASE("keeping a file checks it against its item before anything is kept", "[engine][files]") {
  EngineLimits limits;
  limits.max_file_bytes = 2000;
  Fixture f(limits);
  REQUIRE(f.engine.deploy(meter_reading()));
  const auto id = started(f.engine);
  const auto refused = [&](std::string_view item, FileUpload file, std::string_view why) {
    auto kept = f.engine.keep_file(id, "reading", item, std::move(file));
    REQUIRE_FALSE(kept);
    CHECK_THAT(kept.error().message, Catch::Contains(std::string(why)));
    return kept.error().code;
  };
  // A PDF sent as a photo, and a text called a JPEG: the content says otherwise.
  refused("meter_photo", {.content = test::pdf_letter, .name = "z.jpg", .media_type = "image/jpeg"},
          "its content is application/pdf");
  refused("meter_photo",
          {.content = "#!/bin/sh\nrm -rf /", .name = "z.jpg", .media_type = "image/jpeg"},
          "its content is not of that type");
  // The letter takes PDFs and images up to 1000 bytes.
  refused("letter", {.content = "Hallo", .name = "brief.txt", .media_type = "text/plain"},
          "text/plain, which this item does not take");
  refused("letter", {.content = test::pdf_letter + std::string(1000, ' '), .name = "brief.pdf"},
          "has 1.1 kB, more than the 1 kB this item takes");
  // The engine's own limit, at its edge: 2000 bytes are kept, 2001 are not.
  std::string photo = test::png_photo;
  photo.resize(2000, '\0');
  CHECK(f.engine.keep_file(id, "reading", "meter_photo", {.content = photo, .name = "a.png"}));
  photo += '\0';
  CHECK(refused("meter_photo", {.content = photo, .name = "a.png"}, "max_file_bytes") ==
        ErrorCode::output_too_large);
  // Items that take no files, and steps that do not wait.
  refused("value", {.content = test::pdf_letter, .name = "x.pdf"}, "takes no files");
  refused("nothing", {.content = test::pdf_letter, .name = "x.pdf"}, "has no item 'nothing'");
  auto elsewhere = f.engine.keep_file(id, "done", "letter", {.content = test::pdf_letter});
  REQUIRE_FALSE(elsewhere);
  CHECK_THAT(elsewhere.error().message, Catch::Contains("does not wait for answers"));
}

TEST_CASE("an answer refers only to files that are kept, in their size and number",
          "[engine][files]") {
  Fixture f;
  REQUIRE(f.engine.deploy(meter_reading()));
  const auto id = started(f.engine);
  auto kept = f.engine.keep_file(id, "reading", "letter",
                                 {.content = test::pdf_letter, .name = "brief.pdf"});
  REQUIRE(kept);
  CHECK(kept->media_type == "application/pdf");  // what the content shows
  const auto answered = [&](json::value value) {
    return f.engine.answer(id, "reading", "letter", std::move(value), "erika");
  };
  FileReference forged = *kept;
  forged.sha256 = std::string(64, 'e');
  auto missing = answered(json::array{to_json(forged)});
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("is not kept"));
  FileReference resized = *kept;
  resized.size += 1;
  auto wrong_size = answered(json::array{to_json(resized)});
  REQUIRE_FALSE(wrong_size);
  CHECK_THAT(wrong_size.error().message, Catch::Contains("in that size"));
  auto two = answered(json::array{to_json(*kept), to_json(*kept)});
  REQUIRE_FALSE(two);  // the letter takes one file
  CHECK_THAT(two.error().message, Catch::Contains("2 files are given, more than the 1"));
  auto empty = answered(json::array{});
  REQUIRE_FALSE(empty);
  CHECK(answered(not_applicable_answer()));
  CHECK(answered(to_json(*kept)));  // one file alone is the list of one
  CHECK(f.state(id).data.at("steps").at("reading").at("answers").at("letter").is_array());
  // No answer of the instance refers to the forged hash: it reads nothing, whatever is kept.
  CHECK(f.engine.file_content(id, forged.sha256).error().code == ErrorCode::not_found);
}

// A SQLite store in a folder of its own, with its files beside it.
struct OnDisk {
  fs::path dir =
      fs::temp_directory_path() / ("ablauf-files-" + std::to_string(std::random_device{}()));
  std::unique_ptr<SqliteStore> store;
  ManualClock clock{test::monday};
  std::unique_ptr<Engine> engine;
  OnDisk() {
    fs::create_directories(dir);
    auto opened = SqliteStore::open((dir / "ablauf.db").string());
    REQUIRE(opened);
    store = std::move(*opened);
    engine = std::make_unique<Engine>(EngineConfig{.store = store.get(), .clock = &clock});
    REQUIRE(engine->deploy(meter_reading()));
  }
  ~OnDisk() {
    engine.reset();
    store.reset();
    fs::remove_all(dir);
  }
  fs::path file_of(const std::string& sha256) const {
    return dir / "ablauf.db.files" / sha256.substr(0, 2) / sha256.substr(2);
  }
};

TEST_CASE("a signature seals the files before it: a swapped photo is found, and not shown",
          "[engine][files][sqlite]") {
  OnDisk disk;
  Engine& engine = *disk.engine;
  const auto id = started(engine);
  auto photo = engine.keep_file(id, "reading", "meter_photo",
                                {.content = test::png_photo, .name = "zaehler.png"});
  REQUIRE(photo);
  CHECK(fs::exists(disk.file_of(photo->sha256)));
  Form form;
  form.answers = {{"read_at", "2026-11-23T10:15:00+01:00"},
                  {"value", 18342.7},
                  {"seal_intact", true},
                  {"meter_photo", json::array{to_json(*photo)}}};
  form.signatures.push_back({"signed", "Erika Muster"});
  REQUIRE(engine.submit(id, "reading", form, "erika"));
  auto history = engine.history(id);
  REQUIRE(history);
  // The signature's hash is over the answers' JSON, and so over the photo's SHA-256.
  const auto signature = std::find_if(history->begin(), history->end(), [](const Event& e) {
    return e.type == EventType::signature_recorded;
  });
  REQUIRE(signature != history->end());
  CHECK(engine.verify_files(id)->empty());

  // Someone with the folder puts another picture under the photo's name.
  {
    std::ofstream swapped(disk.file_of(photo->sha256), std::ios::binary | std::ios::trunc);
    swapped << test::jpeg_photo;
  }
  const auto problems = engine.verify_files(id);
  REQUIRE(problems);
  REQUIRE(problems->size() == 1);
  CHECK_THAT(problems->front(),
             Catch::Contains("zaehler.png") && Catch::Contains("was changed after it was kept"));
  const auto content = engine.file_content(id, photo->sha256);
  REQUIRE_FALSE(content);
  CHECK(content.error().code == ErrorCode::content_changed);
  // A filled form shows the file by name and hash, never the swapped picture.
  const auto html = to_html_form(meter_reading().definition(),
                                 {.instance = id, .history = *history, .files = engine.files()});
  CHECK_THAT(html, Catch::Contains(photo->sha256));
  CHECK_THAT(html, !Catch::Contains("data:image/"));
  fs::remove(disk.file_of(photo->sha256));
  CHECK_THAT(engine.verify_files(id)->front(), Catch::Contains("not kept"));
}

TEST_CASE("a sweep removes orphans old enough, and never a file an answer refers to",
          "[engine][files][sqlite]") {
  OnDisk disk;
  Engine& engine = *disk.engine;
  const auto id = started(engine);
  auto answered =
      engine.keep_file(id, "reading", "meter_photo", {.content = test::png_photo, .name = "a.png"});
  auto replaced =
      engine.keep_file(id, "reading", "letter", {.content = test::pdf_letter, .name = "alt.pdf"});
  auto orphan = engine.keep_file(id, "reading", "meter_photo",
                                 {.content = test::jpeg_photo, .name = "b.jpg"});
  REQUIRE((answered && replaced && orphan));
  REQUIRE(engine.answer(id, "reading", "meter_photo", json::array{to_json(*answered)}, "erika"));
  REQUIRE(engine.answer(id, "reading", "letter", json::array{to_json(*replaced)}, "erika"));
  REQUIRE(engine.answer(id, "reading", "letter", not_applicable_answer(), "erika"));
  // A temporary file a killed upload left behind.
  const auto stale = disk.dir / "ablauf.db.files" / "ab" / ".cdef.1.1.tmp";
  fs::create_directories(stale.parent_path());
  std::ofstream(stale) << "half a photo";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(48));

  // Too young: everything stays.
  auto young = engine.sweep_files(SystemClock{}.now() - std::chrono::hours(24));
  REQUIRE(young);
  CHECK(young->referenced == 2);
  CHECK(young->too_young == 1);
  CHECK(young->removed == 0);
  CHECK_FALSE(fs::exists(stale));  // older than the cut: gone

  auto swept = engine.sweep_files(SystemClock{}.now() + std::chrono::minutes(1));
  REQUIRE(swept);
  CHECK(swept->removed == 1);
  CHECK(swept->removed_bytes == test::jpeg_photo.size());
  CHECK(swept->referenced == 2);  // the letter answered and then replaced still counts
  CHECK_FALSE(fs::exists(disk.file_of(orphan->sha256)));
  CHECK(fs::exists(disk.file_of(answered->sha256)));
  CHECK(fs::exists(disk.file_of(replaced->sha256)));
  CHECK(engine.verify_files(id)->empty());
}

TEST_CASE("filled forms list each file with its hash, and show photos in HTML and PDF",
          "[engine][files][print]") {
  Fixture f;
  REQUIRE(f.engine.deploy(meter_reading()));
  const auto id = started(f.engine);
  auto png = f.engine.keep_file(id, "reading", "meter_photo",
                                {.content = test::png_photo, .name = "vorne.png"});
  auto jpeg = f.engine.keep_file(id, "reading", "meter_photo",
                                 {.content = test::jpeg_photo, .name = "seite.jpg"});
  REQUIRE((png && jpeg));
  f.answer(id, "reading", "meter_photo", json::array{to_json(*png), to_json(*jpeg)});
  auto history = f.engine.history(id);
  REQUIRE(history);
  const auto definition = meter_reading().definition();
  const FormOptions filled{.instance = id, .history = *history, .files = f.engine.files()};
  const auto markdown = to_markdown_form(definition, filled);
  CHECK_THAT(markdown, Catch::Contains("vorne.png, seite.jpg"));
  CHECK_THAT(markdown, Catch::Contains("  - vorne.png (image/png, 75 B), SHA-256 `" + png->sha256));
  const auto html = to_html_form(definition, filled);
  CHECK_THAT(html, Catch::Contains("data:image/png;base64,iVBORw0KGgo"));
  CHECK_THAT(html, Catch::Contains("data:image/jpeg;base64,/9j/"));
  auto pdf = to_pdf_form(definition, {.form = filled});
  REQUIRE(pdf);
  CHECK_THAT(*pdf, Catch::Contains("/Subtype /Image"));
  // Without the files, the same form lists them and shows none.
  auto listed = to_pdf_form(definition, {.form = {.instance = id, .history = *history}});
  REQUIRE(listed);
  CHECK_THAT(*listed, !Catch::Contains("/Subtype /Image"));
  // A blank form asks how many files are attached, and which types are taken.
  const auto blank = to_markdown_form(definition, {.language = "de"});
  CHECK_THAT(blank, Catch::Contains("Anzahl beigefügter Dateien"));
  CHECK_THAT(blank, Catch::Contains("(PDF, Bilder)"));
}

}  // namespace
}  // namespace ablauf
