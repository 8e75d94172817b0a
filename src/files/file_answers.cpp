#include "ablauf/file_answers.hpp"

#include <boost/json/array.hpp>

#include <set>

namespace ablauf {
namespace json = boost::json;

namespace {

// Calls `found` with every file reference inside `value` (an answer, or rows holding answers),
// walking it with a stack of its own rather than recursion.
template <class Found>
void each_reference(const json::value& value, Found&& found) {
  std::vector<const json::value*> pending{&value};
  while (!pending.empty()) {
    const json::value* next = pending.back();
    pending.pop_back();
    if (const auto* array = next->if_array()) {
      for (auto element = array->rbegin(); element != array->rend(); ++element)
        pending.push_back(&*element);
    } else if (const auto* object = next->if_object()) {
      const auto* sha256 = object->if_contains("sha256");
      if (sha256 && sha256->is_string() && is_sha256_hex(sha256->get_string())) {
        for (auto& file : file_references(json::array{*next})) found(std::move(file));
        continue;
      }
      for (const auto& [key, member] : *object) pending.push_back(&member);
    }
  }
}

}  // namespace

std::vector<AnsweredFile> answered_files(std::span<const Event> history) {
  std::vector<AnsweredFile> files;
  for (const auto& event : history) {
    if (event.type != EventType::answer_recorded) continue;
    const auto* value = event.data.if_contains("value");
    if (!value) continue;
    const auto* item = event.data.if_contains("item");
    const std::string item_id = item && item->is_string() ? std::string(item->get_string()) : "";
    each_reference(*value, [&](FileReference file) {
      files.push_back({std::move(file), event.step, item_id});
    });
  }
  return files;
}

std::vector<AnsweredFile> mailed_files(std::span<const Event> history) {
  std::vector<AnsweredFile> files;
  for (const auto& event : history) {
    if (event.type != EventType::step_completed) continue;
    const auto* output = event.data.if_contains("output");
    const auto* attachments =
        output && output->is_object() ? output->get_object().if_contains("attachments") : nullptr;
    if (!attachments) continue;
    for (auto& file : file_references(*attachments))
      files.push_back({std::move(file), event.step, {}});
  }
  return files;
}

std::vector<std::string> verify_files(std::span<const Event> history, const BlobStore& files) {
  std::vector<std::string> problems;
  std::set<std::string, std::less<>> checked;
  auto referred = answered_files(history);
  for (auto& mailed : mailed_files(history)) referred.push_back(std::move(mailed));
  for (const auto& [file, step, item] : referred) {
    if (!checked.insert(file.sha256).second) continue;
    const std::string which = "file '" + file.name + "' (" + file.sha256 + ") " +
                              (item.empty() ? "attached to the mail of step '" + step + "'"
                                            : "of item '" + item + "' at step '" + step + "'");
    auto content = files.get(file.sha256);
    if (!content)
      problems.push_back(which + ": " + content.error().message);
    else if (!*content)
      problems.push_back(which + ": not kept");
    else if ((*content)->size() != file.size)
      problems.push_back(which + ": " + std::to_string((*content)->size()) + " bytes, not " +
                         std::to_string(file.size));
  }
  return problems;
}

tl::expected<FileSweep, Error> sweep_files(const EventLog& log, BlobStore& files,
                                           Time kept_before) {
  // What is kept is listed before the answers are read: a file kept and answered with while
  // the sweep runs is either younger than the cut or found among the answers.
  auto kept = files.list();
  if (!kept) return tl::make_unexpected(std::move(kept.error()));
  auto ids = log.instance_ids();
  if (!ids) return tl::make_unexpected(std::move(ids.error()));
  std::set<std::string, std::less<>> referenced;
  for (const auto& id : *ids) {
    auto history = log.load(id);
    if (!history) return tl::make_unexpected(std::move(history.error()));
    for (auto& answered : answered_files(*history)) referenced.insert(answered.file.sha256);
    for (auto& mailed : mailed_files(*history)) referenced.insert(mailed.file.sha256);
  }
  FileSweep sweep;
  for (const auto& blob : *kept) {
    if (referenced.contains(blob.sha256)) {
      ++sweep.referenced;
    } else if (blob.kept_at >= kept_before) {
      ++sweep.too_young;
    } else {
      auto removed = files.remove(blob.sha256);
      if (!removed) return tl::make_unexpected(std::move(removed.error()));
      if (*removed) {
        ++sweep.removed;
        sweep.removed_bytes += blob.size;
      }
    }
  }
  if (auto* directory = dynamic_cast<DirectoryBlobStore*>(&files))
    if (auto stale = directory->remove_stale_temporaries(kept_before); !stale)
      return tl::make_unexpected(std::move(stale.error()));
  return sweep;
}

}  // namespace ablauf
