// The crash test of files answered on checklists: worker processes keep photos and a letter for
// meter readings on a SQLite store (the files in the folder beside it) and submit the forms that
// answer with them, while the test SIGKILLs them at random moments, many between keeping a file
// and recording its answer. At the end: every reading completed, each item answered once, every
// file an answer refers to kept whole under its hash (no reference without content), and the
// orphans the kills left (content no answer refers to, temporaries of a write cut short) are
// exactly what a sweep removes, after which every instance still verifies.
//
// Usage: ablauf_files_kill_test [INSTANCES [KILLS [SEED]]]   (exit 0: every check held)
#include "crash/kill_harness.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <string>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

const fs::path definition_file = fs::path(ABLAUF_TEST_DATA_DIR) / "good" / "meter_reading.json";

// A photo as a camera would send it: a PNG's signature, then bytes that differ with each
// attempt, so that a photo taken again after a crash is new content and the first an orphan.
std::string photo(std::mt19937_64& random, std::size_t size) {
  std::string content("\x89PNG\r\n\x1A\n", 8);
  while (content.size() < size) content += static_cast<char>(random() & 0xFF);
  return content;
}

// What one worker does until it is killed or every reading is done.
[[noreturn]] void work(const fs::path& db, int instances, std::uint64_t seed) {
  auto store = ablauf::SqliteStore::open(db.string());
  if (!store) {
    std::cerr << "worker: " << store.error().message << '\n';
    std::_Exit(3);
  }
  ablauf::Engine engine{{.store = store->get(), .on_error = [](auto&&...) {}}};
  auto definition = ablauf::load_definition_file(definition_file);
  if (!definition) std::_Exit(3);
  auto workflow = ablauf::Workflow::compile(std::move(*definition));
  if (!workflow || !engine.deploy(std::move(*workflow)) || !engine.resume()) std::_Exit(3);
  std::mt19937_64 random(seed);
  for (int n = 0; n < instances; ++n) {
    const std::string key = "reading-" + std::to_string(n);
    auto id = engine.find("meter_reading", key);
    if (!id) std::_Exit(3);
    if (!*id) {
      auto started = engine.start("meter_reading", json::object(), {.business_key = key});
      if (!started) continue;  // another attempt started it; found next time round
      *id = *started;
    }
    auto state = engine.get(**id);
    if (!state || state->status == ablauf::InstanceStatus::completed) continue;
    ablauf::Form form;
    form.answers = {{"read_at", "2026-11-23T10:15:00+01:00"}, {"value", n}, {"seal_intact", true}};
    json::array photos;
    for (int p = 0; p < 3; ++p) {
      auto kept = engine.keep_file(**id, "reading", "meter_photo",
                                   {.content = photo(random, 2000 + random() % 30000),
                                    .name = "zaehler-" + std::to_string(p) + ".png"});
      if (!kept) std::_Exit(4);
      photos.push_back(ablauf::to_json(*kept));
    }
    form.answers["meter_photo"] = std::move(photos);
    form.signatures.push_back({"signed", "Erika Muster"});
    if (!engine.submit(**id, "reading", form, "erika")) std::_Exit(5);
  }
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const int instances = argc > 1 ? std::atoi(argv[1]) : 12;
  const int kills = argc > 2 ? std::atoi(argv[2]) : 30;
  const std::uint64_t seed =
      argc > 3 ? std::strtoull(argv[3], nullptr, 10) : std::random_device{}();
  std::cout << "files kill test: " << instances << " instances, " << kills << " kills, seed "
            << seed << '\n';
  const fs::path dir =
      fs::temp_directory_path() / ("ablauf-files-kill-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path db = dir / "readings.db";
  std::mt19937_64 random(seed);

  const auto counted = ablauf::test::kill_until_done(
      [&] { return ablauf::test::completed_all(db, "meter_reading", "reading-", instances); },
      [&](std::uint64_t worker_seed) { work(db, instances, worker_seed); }, kills, random);
  if (!counted) return 1;
  ablauf::test::Checks check;

  auto opened = ablauf::SqliteStore::open(db.string());
  if (!opened) {
    std::cerr << "FAIL: " << opened.error().message << '\n';
    return 1;
  }
  auto& store = **opened;
  ablauf::BlobStore& files = *store.blob_store();
  std::set<std::string> referenced;
  for (int n = 0; n < instances; ++n) {
    const std::string id = **store.find_by_key("meter_reading", "reading-" + std::to_string(n));
    const auto history = *store.load(id);
    int photo_answers = 0, signatures = 0;
    for (const auto& event : history) {
      if (event.type == ablauf::EventType::signature_recorded) ++signatures;
      if (event.type == ablauf::EventType::answer_recorded &&
          event.data.at("item").as_string() == "meter_photo")
        ++photo_answers;
    }
    check(photo_answers == 1 && signatures == 1,
          id + ": the photos answered once and signed once, not " + std::to_string(photo_answers) +
              " and " + std::to_string(signatures) + " times");
    for (const auto& answered : ablauf::answered_files(history))
      referenced.insert(answered.file.sha256);
    const auto problems = ablauf::verify_files(history, files);
    for (const auto& problem : problems) check(false, id + ": " + problem);
  }
  check(referenced.size() == static_cast<std::size_t>(3 * instances),
        "three photos for each reading, not " + std::to_string(referenced.size()));
  const auto kept = *files.list();
  std::size_t orphans = 0;
  for (const auto& blob : kept) orphans += referenced.contains(blob.sha256) ? 0 : 1;
  std::size_t temporaries = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "readings.db.files"))
    temporaries += entry.path().filename().string().ends_with(".tmp") ? 1 : 0;

  auto swept = ablauf::sweep_files(store, files, ablauf::SystemClock{}.now() + 1min);
  check(swept.has_value(), "the sweep ran");
  if (swept) {
    check(swept->removed == orphans, "the sweep removed the " + std::to_string(orphans) +
                                         " orphans, not " + std::to_string(swept->removed));
    check(swept->referenced == referenced.size(), "the sweep kept every file answered with");
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir / "readings.db.files"))
    check(!entry.path().filename().string().ends_with(".tmp"),
          "no temporary is left: " + entry.path().string());
  check(files.list()->size() == referenced.size(), "only files answered with are left");
  for (int n = 0; n < instances; ++n) {
    const std::string id = **store.find_by_key("meter_reading", "reading-" + std::to_string(n));
    check(ablauf::verify_files(*store.load(id), files).empty(), id + " verifies after the sweep");
  }
  std::cout << counted->runs << " runs, " << counted->killed << " killed; " << referenced.size()
            << " files answered with, " << orphans << " orphans and " << temporaries
            << " temporaries swept\n";
  fs::remove_all(dir);
  if (check.all_held()) std::cout << "every check held\n";
  return check.all_held() ? 0 : 1;
}
