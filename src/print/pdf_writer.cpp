// A PDF being written (pdf_writer.hpp): libharu's document, its fonts, its page numbers.
#include "print/pdf_writer.hpp"

#include "failure.hpp"

#include <filesystem>

namespace ablauf::print {
namespace {

// libharu reports errors through a callback; the first one is kept and the document dropped.
void keep_error(HPDF_STATUS error, HPDF_STATUS detail, void* data) {
  auto& first = *static_cast<std::string*>(data);
  if (first.empty())
    first = "libharu error " + std::to_string(error) + " (detail " + std::to_string(detail) + ")";
}

// A font the options name, or the default face `file_name` in the folder set at build time.
std::filesystem::path font_or_default(const std::filesystem::path& chosen, const char* file_name) {
  if (!chosen.empty()) return chosen;
  return std::filesystem::path(ABLAUF_FONT_DIR) / file_name;
}

}  // namespace

tl::expected<std::unique_ptr<PdfFile>, Error> PdfFile::start(const PdfOptions& options,
                                                             const std::string& title) {
  const auto font_file = font_or_default(options.font_file, "DejaVuSans.ttf");
  const auto bold_font_file = font_or_default(options.bold_font_file, "DejaVuSans-Bold.ttf");
  for (const auto& font : {font_file, bold_font_file})
    if (!std::filesystem::exists(font))
      return detail::error(ErrorCode::not_found,
                           "the font " + font.string() +
                               " is missing: install fonts-dejavu-core, or name a TrueType font "
                               "that covers the form's language");
  std::unique_ptr<PdfFile> file(new PdfFile);
  file->pdf_.reset(HPDF_New(keep_error, &file->failure_));
  HPDF_Doc pdf = file->pdf_.get();
  if (!pdf) return detail::error(ErrorCode::io_error, "libharu could not start a document");
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(pdf);
  const char* regular_name = HPDF_LoadTTFontFromFile(pdf, font_file.c_str(), HPDF_TRUE);
  const char* bold_name = HPDF_LoadTTFontFromFile(pdf, bold_font_file.c_str(), HPDF_TRUE);
  if (!regular_name || !bold_name)
    return detail::error(ErrorCode::io_error, "cannot load the fonts: " + file->failure_);
  file->regular_ = HPDF_GetFont(pdf, regular_name, "UTF-8");
  file->bold_ = HPDF_GetFont(pdf, bold_name, "UTF-8");
  HPDF_SetCurrentEncoder(pdf, "UTF-8");  // for the title in the document's info
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, title.c_str());
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "ablauf");
  file->out_.emplace(pdf, file->regular_, file->failure_);
  return file;
}

tl::expected<std::string, Error> PdfFile::finish() {
  const auto& pages = out_->pages();
  for (std::size_t n = 0; n < pages.size(); ++n) {
    const auto number = std::to_string(n + 1) + " / " + std::to_string(pages.size());
    HPDF_Page_BeginText(pages[n]);
    HPDF_Page_SetFontAndSize(pages[n], regular_, small_size);
    HPDF_Page_TextOut(pages[n], page_width - margin - HPDF_Page_TextWidth(pages[n], number.c_str()),
                      bottom - 28, number.c_str());
    HPDF_Page_EndText(pages[n]);
  }
  HPDF_Doc pdf = pdf_.get();
  if (HPDF_SaveToStream(pdf) != HPDF_OK || !failure_.empty())
    return detail::error(ErrorCode::io_error, "the PDF could not be written: " + failure_);
  std::string bytes(HPDF_GetStreamSize(pdf), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
  HPDF_ReadFromStream(pdf, reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  bytes.resize(size);
  return bytes;
}

}  // namespace ablauf::print
