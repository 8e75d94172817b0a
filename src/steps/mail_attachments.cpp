// The files a send_email step attaches: files answered on checklists, referred to as they are
// kept, and forms and documents the host's AttachmentRenderer makes, kept before the mail is
// queued. Only references go into the outbox; the content is read back when the mail is handed
// to the Mailer (mail_delivery.cpp).
#include "steps/mail_attachments.hpp"

#include "steps/parameters.hpp"

#include "ablauf/file_reference.hpp"

#include <exception>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

// `name` without folders, as a recipient's mail program saves it; `fallback` when that leaves
// nothing. A name is the engine's to choose where the step gives none, so a bad one is refused
// rather than mended.
tl::expected<std::string, std::string> file_name(std::string name, std::string fallback) {
  const auto cut = name.find_last_of("/\\");
  if (cut != std::string::npos) name.erase(0, cut + 1);
  if (name.empty()) name = std::move(fallback);
  for (const unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return tl::make_unexpected("the attachment name '" + name +
                                 "' holds a control character, which a file name must not");
  return name;
}

// What an entry's "name" says, or "" when it gives none.
std::string named(const json::object& entry) {
  const auto* name = entry.if_contains("name");
  return name && name->is_string() ? std::string(name->get_string()) : std::string();
}

class Gathering {
 public:
  Gathering(const EngineParts& engine, const StepCall& call) : engine_(engine), call_(call) {}

  tl::expected<void, AttachmentFailure> add(const json::object& entry) {
    if (const auto* files = entry.if_contains("files")) return add_files(*files);
    if (const auto* form = entry.if_contains("form"); form && form->is_string())
      return add_rendered(entry, std::string(form->get_string()), {}, {});
    if (const auto* document = entry.if_contains("document")) {
      const auto* title = entry.if_contains("title");
      return add_rendered(entry, {}, title ? localized(*title) : std::string(),
                          localized(*document));
    }
    return refuse("an attachment gives none of 'files', 'form' or 'document'");
  }

  std::vector<MailAttachment> take() { return std::move(attachments_); }

 private:
  // Files answered on a checklist (the answer, or a list of them): attached as they are kept.
  tl::expected<void, AttachmentFailure> add_files(const json::value& answer) {
    const auto references =
        file_references(answer.is_object() ? json::value(json::array{answer}) : answer);
    for (const auto& file : references) {
      auto size = engine_.files ? engine_.files->size(file.sha256)
                                : tl::expected<std::optional<std::uint64_t>, Error>(std::nullopt);
      if (!size) return retry(size.error().message);
      if (!*size)
        return refuse("the file '" + file.name + "' (" + file.sha256 + ") to attach is not kept");
      auto name = file_name(file.name, "file");
      if (!name) return refuse(std::move(name.error()));
      if (auto ok = count(**size); !ok) return ok;
      attachments_.push_back(
          {.name = std::move(*name),
           .media_type = file.media_type.empty() ? "application/octet-stream" : file.media_type,
           .sha256 = file.sha256,
           .size = **size,
           .content = {}});
    }
    return {};
  }

  // A form or document, made by the host's renderer and kept before the mail is queued. Without
  // a renderer a document goes as the plain text it is (deploy() refuses a form).
  tl::expected<void, AttachmentFailure> add_rendered(const json::object& entry, std::string form,
                                                     std::string title, std::string text) {
    if (!engine_.files) return refuse("this engine keeps no files to attach");
    auto rendered = render(form, title, text);
    if (!rendered)
      return tl::make_unexpected(AttachmentFailure{
          "the attachment " + (form.empty() ? "'" + title + "'" : "form of '" + form + "'") +
              " could not be made: " + rendered.error().message,
          rendered.error().retryable});
    if (auto ok = count(rendered->content.size()); !ok) return ok;
    const std::string extension = rendered->media_type == "application/pdf" ? ".pdf"
                                  : rendered->media_type == "text/plain"    ? ".txt"
                                                                            : "";
    auto name = file_name(named(entry),
                          (form.empty() ? (title.empty() ? "document" : title) : form) + extension);
    if (!name) return refuse(std::move(name.error()));
    auto sha256 = engine_.files->put(rendered->content);
    if (!sha256)
      return retry("the attachment '" + *name + "' could not be kept: " + sha256.error().message);
    attachments_.push_back({.name = std::move(*name),
                            .media_type = rendered->media_type.empty() ? "application/octet-stream"
                                                                       : rendered->media_type,
                            .sha256 = std::move(*sha256),
                            .size = rendered->content.size(),
                            .content = {}});
    return {};
  }

  // The file a form or document entry stands for. A renderer that fails or throws may succeed
  // on the step's next attempt.
  tl::expected<RenderedAttachment, AttachmentFailure> render(const std::string& form,
                                                             const std::string& title,
                                                             const std::string& text) {
    const auto& renderer = engine_.config.render_attachment;
    if (!renderer) {
      if (!form.empty())
        return tl::make_unexpected(
            AttachmentFailure{"this engine renders no forms (EngineConfig::render_attachment)"});
      return RenderedAttachment{.content = title.empty() ? text : title + "\n\n" + text,
                                .media_type = "text/plain"};
    }
    auto history = this->history();
    if (!history) return tl::make_unexpected(AttachmentFailure{std::move(history.error()), true});
    const AttachmentRequest request{.instance = call_.run.state.id,
                                    .definition = &call_.run.workflow->definition(),
                                    .history = *history,
                                    .form = form,
                                    .title = title,
                                    .text = text,
                                    .language = engine_.config.language};
    try {
      auto rendered = renderer(request);
      if (!rendered)
        return tl::make_unexpected(AttachmentFailure{std::move(rendered.error()), true});
      return std::move(*rendered);
    } catch (const std::exception& thrown) {
      return tl::make_unexpected(
          AttachmentFailure{std::string("the renderer threw: ") + thrown.what(), true});
    } catch (...) {
      return tl::make_unexpected(AttachmentFailure{"the renderer threw", true});
    }
  }

  // The instance's events so far: those stored, and those this run made since its last commit
  // (Run::events). Read once, for the first form or document.
  tl::expected<std::span<const Event>, std::string> history() {
    if (!history_) {
      history_.emplace();
      if (call_.run.base_sequence > 0) {  // else nothing is stored yet: a run's first commit
        auto stored = engine_.store.load(call_.run.state.id);
        if (!stored) return tl::make_unexpected(stored.error().message);
        history_ = std::move(*stored);
      }
      history_->insert(history_->end(), call_.run.events.begin(), call_.run.events.end());
    }
    return std::span<const Event>(*history_);
  }

  tl::expected<void, AttachmentFailure> count(std::uint64_t size) {
    bytes_ += size;
    const auto most = engine_.config.limits.max_attachment_bytes;
    if (bytes_ <= most) return {};
    return refuse("the mail's attachments come to " + std::to_string(bytes_) +
                  " bytes or more, past the limit of " + std::to_string(most) +
                  " (max_attachment_bytes)");
  }

  static tl::unexpected<AttachmentFailure> refuse(std::string message) {
    return tl::make_unexpected(AttachmentFailure{std::move(message), false});
  }
  static tl::unexpected<AttachmentFailure> retry(std::string message) {
    return tl::make_unexpected(AttachmentFailure{std::move(message), true});
  }

  std::string localized(const json::value& value) const {
    return text_in(value, engine_.config.language,
                   call_.run.workflow->definition().default_language);
  }

  const EngineParts& engine_;
  const StepCall& call_;
  std::vector<MailAttachment> attachments_;
  std::optional<std::vector<Event>> history_;
  std::uint64_t bytes_ = 0;
};

}  // namespace

tl::expected<std::vector<MailAttachment>, AttachmentFailure> gather_attachments(
    const EngineParts& engine, const StepCall& call) {
  const auto* attachments = call.parameters.if_contains("attachments");
  if (!attachments || attachments->is_null()) return std::vector<MailAttachment>{};
  if (!attachments->is_array())
    return tl::make_unexpected(AttachmentFailure{"'attachments' is not a list"});
  Gathering gathering(engine, call);
  for (const auto& entry : attachments->get_array()) {
    if (!entry.is_object())
      return tl::make_unexpected(AttachmentFailure{"an attachment is not an object"});
    if (auto ok = gathering.add(entry.get_object()); !ok) return tl::make_unexpected(ok.error());
  }
  return gathering.take();
}

std::optional<Error> attachments_unrunnable(const Workflow& workflow, bool keeps_files,
                                            bool renders) {
  for (StepIndex i = 0; i < workflow.step_count(); ++i) {
    const auto& step = workflow.step(i);
    const auto* attachments = step.parameters.if_contains("attachments");
    if (workflow.step_type(i).name != "send_email" || !attachments || !attachments->is_array() ||
        attachments->get_array().empty())
      continue;
    std::string lacking;
    if (!keeps_files) lacking = "BlobStore to keep them (EngineConfig::files, or the store's)";
    for (const auto& entry : attachments->get_array())
      if (const auto* object = entry.if_object();
          object && !renders && lacking.empty() && object->contains("form"))
        lacking =
            "AttachmentRenderer for the checklist forms it attaches "
            "(EngineConfig::render_attachment, such as ablauf::pdf_attachments())";
    if (lacking.empty()) continue;
    Error error{
        ErrorCode::invalid_value,
        "step '" + step.id + "' attaches files to its mail, but this engine has no " + lacking,
        step.pointer + "/attachments",
        {}};
    if (const auto& source = workflow.definition().source)
      error.location = source->locate(error.pointer);
    return error;
  }
  return std::nullopt;
}

}  // namespace ablauf::detail
