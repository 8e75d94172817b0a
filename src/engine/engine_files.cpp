// Files and photos answered on checklists: keeping them before they are answered with, checking
// that an answer's files are kept, and reading them back for those who see the instance.
#include "engine_impl.hpp"

#include "engine/checklist_items.hpp"

#include "ablauf/answer.hpp"
#include "ablauf/file_answers.hpp"
#include "ablauf/file_reference.hpp"

#include <algorithm>

namespace ablauf {
namespace json = boost::json;
using detail::error;

namespace {

tl::unexpected<Error> no_file_store() {
  return error(ErrorCode::invalid_value,
               "this engine keeps no files: its store has no BlobStore and EngineConfig::files "
               "names none, so file and photo items cannot be answered");
}

// "vertrag.pdf" without folders, whichever way they were written; "file" for none.
std::string plain_name(std::string_view name) {
  const auto cut = name.find_last_of("/\\");
  if (cut != std::string_view::npos) name.remove_prefix(cut + 1);
  return name.empty() ? "file" : std::string(name);
}

}  // namespace

namespace detail {

tl::expected<void, Error> EngineParts::check_files_kept(const ItemDefinition& item,
                                                        const json::value& answer) const {
  const auto references = file_references(answer);
  if (references.empty()) return {};  // "not applicable"
  if (!files) return no_file_store();
  for (const auto& file : references) {
    auto size = files->size(file.sha256);
    if (!size) return tl::make_unexpected(std::move(size.error()));
    if (!*size || **size != file.size)
      return error(ErrorCode::invalid_value,
                   "'" + item.id + "': the file '" + file.name + "' (" + file.sha256 +
                       ") is not kept" +
                       (*size ? " in that size (" + std::to_string(**size) + " bytes, not " +
                                    std::to_string(file.size) + ")"
                              : "") +
                       "; keep it with keep_file() and answer with the reference it returns");
  }
  return {};
}

}  // namespace detail

BlobStore* Engine::files() const noexcept {
  return impl_->files;
}

tl::expected<FileReference, Error> Engine::keep_file(std::string_view instance,
                                                     std::string_view step_id,
                                                     std::string_view item_id, FileUpload file) {
  auto& parts = *impl_;
  if (!parts.files) return no_file_store();
  if (file.content.size() > parts.config.limits.max_file_bytes)
    return error(ErrorCode::output_too_large,
                 "the file '" + plain_name(file.name) + "' has " +
                     std::to_string(file.content.size()) + " bytes, more than the " +
                     std::to_string(parts.config.limits.max_file_bytes) +
                     " this engine keeps (max_file_bytes)");
  // The step must wait for its checklist now: a file for a step done or not reached is kept
  // for nothing.
  auto state = parts.read(instance);
  if (!state) return tl::make_unexpected(std::move(state.error()));
  const auto workflow = parts.deployments.current()->find(state->workflow_id, state->version);
  if (!workflow)
    return error(ErrorCode::not_found, "instance '" + std::string(instance) + "' runs workflow '" +
                                           state->workflow_id + "', which is not deployed");
  const auto index = workflow->find(step_id);
  const bool waits =
      index && std::any_of(state->tokens.begin(), state->tokens.end(), [&](const Token& token) {
        return token.step == step_id && token.state == Token::State::waiting &&
               token.waiting_for == WaitingFor::checklist;
      });
  if (!waits)
    return error(ErrorCode::invalid_value, "instance '" + std::string(instance) +
                                               "' does not wait for answers at step '" +
                                               std::string(step_id) + "'");
  const StepDefinition& step = workflow->step(*index);
  const ItemDefinition* item = detail::find_item(step, item_id);
  if (!item) return detail::no_item(step, item_id);
  if (!takes_files(item->kind))
    return error(ErrorCode::invalid_value, "'" + item->id + "' is a " +
                                               std::string(to_string(item->kind)) +
                                               " item, which takes no files");

  FileReference reference{.name = plain_name(file.name),
                          .media_type = std::move(file.media_type),
                          .size = file.content.size(),
                          .taken_at = std::move(file.taken_at)};
  const std::string_view shown = sniff_media_type(file.content);
  if (reference.media_type.empty())
    reference.media_type = shown.empty() ? "application/octet-stream" : std::string(shown);
  // A type the content would show must be shown: "photo.jpg" holding a script is no photo.
  const bool sniffable =
      reference.media_type.starts_with("image/") || reference.media_type == "application/pdf";
  if (shown != reference.media_type && (sniffable || !shown.empty()))
    return error(ErrorCode::invalid_value,
                 "'" + item->id + "': the file '" + reference.name + "' is sent as " +
                     reference.media_type + ", but its content " +
                     (shown.empty() ? std::string("is not") : "is " + std::string(shown)) +
                     (shown.empty() ? " of that type" : ""));
  // The item's own rules, as the answer will be checked: its media types, its size, the name.
  reference.sha256 = std::string(64, '0');
  auto checked = check_answer(*item, json::array{to_json(reference)}, parts.config.language,
                              workflow->definition().default_language);
  if (!checked) return error(ErrorCode::invalid_value, std::move(checked.error().message));

  auto sha256 = parts.files->put(file.content);
  if (!sha256) return tl::make_unexpected(std::move(sha256.error()));
  reference.sha256 = std::move(*sha256);
  return reference;
}

tl::expected<std::string, Error> Engine::file_content(std::string_view instance,
                                                      std::string_view sha256) const {
  auto& parts = *impl_;
  if (!parts.files) return no_file_store();
  auto history = parts.store.load(instance);
  if (!history) return tl::make_unexpected(std::move(history.error()));
  const auto answered = answered_files(*history);
  const bool referred = std::any_of(answered.begin(), answered.end(),
                                    [&](const AnsweredFile& a) { return a.file.sha256 == sha256; });
  if (!referred)
    return error(ErrorCode::not_found, "no answer of instance '" + std::string(instance) +
                                           "' refers to the file " + std::string(sha256));
  auto content = parts.files->get(sha256);
  if (!content) return tl::make_unexpected(std::move(content.error()));
  if (!*content)
    return error(ErrorCode::not_found, "the file " + std::string(sha256) + " of instance '" +
                                           std::string(instance) + "' is not kept");
  return std::move(**content);
}

tl::expected<std::vector<std::string>, Error> Engine::verify_files(
    std::string_view instance) const {
  auto& parts = *impl_;
  if (!parts.files) return no_file_store();
  auto history = parts.store.load(instance);
  if (!history) return tl::make_unexpected(std::move(history.error()));
  return ablauf::verify_files(*history, *parts.files);
}

tl::expected<FileSweep, Error> Engine::sweep_files(Time kept_before) {
  auto& parts = *impl_;
  if (!parts.files) return no_file_store();
  return ablauf::sweep_files(parts.store, *parts.files, kept_before);
}

}  // namespace ablauf
