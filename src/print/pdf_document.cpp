// A document a workflow writes (an invoice, a reminder) as a PDF: its heading, then its text as
// the template rendered it, paragraph by paragraph, on the same A4 pages as the printed form.
#include "ablauf/printable.hpp"

#include "print/pdf_writer.hpp"

namespace ablauf {

tl::expected<std::string, Error> to_pdf_document(std::string_view title, std::string_view text,
                                                 const PdfOptions& options) {
  auto file = print::PdfFile::start(options, std::string(title));
  if (!file) return tl::make_unexpected(std::move(file.error()));
  auto& out = (*file)->out();
  if (!title.empty()) {
    out.text(std::string(title), (*file)->bold(), 17, 0);
    out.gap(8);
  }
  // A line as written, wrapped where it is too long; an empty line parts paragraphs.
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty())
      out.gap(print::body_size * 0.8f);
    else
      out.text(std::string(line), (*file)->regular(), print::body_size, 0);
    start = end + 1;
  }
  return (*file)->finish();
}

}  // namespace ablauf
