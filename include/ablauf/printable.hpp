/// @file
/// Checklists on paper: a definition's checklists as a form to print and fill in by hand. For a
/// checklist definition that is its sections; for a workflow, each fill_checklist step. Every
/// item gets the blank its kind needs (a box, a line, a number field with its unit and range, a
/// date, options to tick), required items are marked, and a sign-off block (name, date,
/// signature) ends the form.
#pragma once

#include <ablauf/attachment_renderer.hpp>
#include <ablauf/blob_store.hpp>
#include <ablauf/definition.hpp>
#include <ablauf/error.hpp>
#include <ablauf/event.hpp>
#include <ablauf/workflow.hpp>

#include <tl/expected.hpp>

#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

namespace ablauf {

/// What a form shows: its language, and, for a form filled in, the instance's answers.
struct FormOptions {
  /// The language of the form; "" picks the definition's default language.
  std::string language;
  /// To print a form filled in: the instance's id and its history. Each item shows the last
  /// answer recorded, who gave it and when; a signature shows its signer, its time and the
  /// SHA-256 of the answers it signs, so that a printed copy can be checked against the record.
  std::string instance;
  /// The instance's events, oldest first, as Engine::history() gives them; empty for a blank
  /// form. Viewed, not copied: they must outlive the call.
  std::span<const Event> history;
  /// Where the files answered are kept (Engine::files()), for a filled form: its HTML and PDF
  /// show JPEG and PNG photos, scaled to the page. Null: each file is listed by name, type,
  /// size and SHA-256 alone, as it always is besides.
  const BlobStore* files = nullptr;
  /// Only the checklist of this fill_checklist step (a workflow's, by its id), as a mail
  /// attaches it; "" for every checklist of the definition.
  std::string step;
};

/// Markdown (CommonMark with task-list boxes): the text of titles, labels and descriptions is
/// escaped, so that it shows as written and never as markup. Deterministic, for golden files.
void write_markdown_form(std::ostream& out, const WorkflowDefinition& definition,
                         const FormOptions& options = {});
/// write_markdown_form() into a string.
std::string to_markdown_form(const WorkflowDefinition& definition, const FormOptions& options = {});

/// One self-contained HTML page: inline CSS with a print stylesheet (A4), no scripts and nothing
/// loaded from elsewhere. Every text an author wrote is escaped.
void write_html_form(std::ostream& out, const WorkflowDefinition& definition,
                     const FormOptions& options = {});
/// write_html_form() into a string.
std::string to_html_form(const WorkflowDefinition& definition, const FormOptions& options = {});

/// What to_pdf_form() prints, and with which fonts.
struct PdfOptions {
  FormOptions form;  ///< language and answers, as for the other forms
  /// The TrueType font to embed, which must cover the form's language. Empty: DejaVu Sans, which
  /// covers German, from the folder the library was built for (`ABLAUF_FONT_DIR`; Debian's
  /// `fonts-dejavu-core` by default).
  std::filesystem::path font_file;
  /// The bold face, for titles and labels. Empty: DejaVu Sans Bold, from the same folder.
  std::filesystem::path bold_font_file;
};

/// A PDF of A4 pages, through libharu, with the fonts embedded so that it prints the same
/// anywhere; the bytes of the file. Fails if a font is missing or cannot be read.
tl::expected<std::string, Error> to_pdf_form(const WorkflowDefinition& definition,
                                             const PdfOptions& options = {});

/// A document a workflow writes, such as an invoice, as a PDF of A4 pages: `title` as its
/// heading, then `text`, a paragraph for each block parted by an empty line and a line for each
/// line break within one, wrapped to the page, with page numbers. The fonts are PdfOptions'
/// (its `form` is not used). Fails as to_pdf_form() does.
tl::expected<std::string, Error> to_pdf_document(std::string_view title, std::string_view text,
                                                 const PdfOptions& options = {});

/// An AttachmentRenderer (attachment_renderer.hpp) that makes PDFs: a `form` entry's filled
/// checklist through to_pdf_form() (its photos read from `files`, Engine::files()), a `document`
/// entry through to_pdf_document(), both with the fonts of `fonts`.
///
///   config.render_attachment = ablauf::pdf_attachments({}, store.blob_store());
AttachmentRenderer pdf_attachments(PdfOptions fonts = {}, const BlobStore* files = nullptr);

}  // namespace ablauf
