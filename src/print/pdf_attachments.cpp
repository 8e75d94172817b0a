// The AttachmentRenderer that makes PDFs (printable.hpp): a send_email step's `form` entries as
// the filled checklist of one step, its `document` entries as a document of their text.
#include "ablauf/printable.hpp"

#include "ablauf/definition.hpp"

namespace ablauf {

AttachmentRenderer pdf_attachments(PdfOptions fonts, const BlobStore* files) {
  return [fonts = std::move(fonts), files](
             const AttachmentRequest& request) -> tl::expected<RenderedAttachment, std::string> {
    PdfOptions options = fonts;
    tl::expected<std::string, Error> pdf;
    if (!request.form.empty()) {
      options.form = {.language = std::string(request.language),
                      .instance = std::string(request.instance),
                      .history = request.history,
                      .files = files,
                      .step = std::string(request.form)};
      pdf = to_pdf_form(*request.definition, options);
    } else {
      pdf = to_pdf_document(request.title, request.text, options);
    }
    if (!pdf) return tl::make_unexpected(std::move(pdf.error().message));
    return RenderedAttachment{.content = std::move(*pdf), .media_type = "application/pdf"};
  };
}

}  // namespace ablauf
