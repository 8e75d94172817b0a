/// @file
/// Files a mail carries that the engine cannot make itself: the filled form of a checklist
/// step, or a document the send_email step writes (an invoice). The engine renders the step's
/// templates and hands the request to the host's AttachmentRenderer
/// (EngineConfig::render_attachment); ablauf::pdf_attachments() (printable.hpp, in the
/// ablauf::print library) is one that makes PDFs. Files answered on checklists need no
/// renderer: the engine attaches them from its BlobStore as they are.
///
///   config.render_attachment = ablauf::pdf_attachments();
///
/// What a renderer returns is kept in the BlobStore before the mail is queued, so that the mail
/// carries the same file however often it is handed to the Mailer, also after a crash.
///
/// Thread-safety: the renderer is called from whichever thread runs the send_email step, by
/// several at once.
#pragma once

#include <ablauf/event.hpp>

#include <tl/expected.hpp>

#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace ablauf {

struct WorkflowDefinition;

/// One `form` or `document` entry of a send_email step's `attachments`, to be made into a file.
struct AttachmentRequest {
  std::string_view instance;                       ///< the instance whose step sends the mail
  const WorkflowDefinition* definition = nullptr;  ///< its definition; never null
  /// Its events so far, oldest first: the answers and signatures a form shows.
  std::span<const Event> history;
  /// For a `form` entry: the id of the fill_checklist step whose filled form is wanted; "" for
  /// a document.
  std::string_view form;
  /// For a `document` entry: its heading, rendered in the engine's language; "" for a form.
  std::string_view title;
  /// For a `document` entry: its text, rendered in the engine's language, paragraphs parted by
  /// an empty line; "" for a form.
  std::string_view text;
  /// The engine's language (EngineConfig::language); "" for the definition's default.
  std::string_view language;
};

/// The file an AttachmentRenderer made.
struct RenderedAttachment {
  std::string content;     ///< its bytes
  std::string media_type;  ///< "application/pdf"
};

/// Makes a `form` or `document` attachment, or says why it cannot; the send_email step then
/// fails with that reason, retried as the step declares.
using AttachmentRenderer =
    std::function<tl::expected<RenderedAttachment, std::string>(const AttachmentRequest&)>;

}  // namespace ablauf
