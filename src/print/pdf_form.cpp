// The printable form as a PDF, through libharu: A4 pages, a TrueType font embedded (DejaVu by
// default, which covers German), text wrapped to the page, a page number on each page.
#include "ablauf/printable.hpp"

#include "failure.hpp"
#include "print/form.hpp"

#include <hpdf.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

namespace ablauf {
namespace {

constexpr float page_width = 595.276f, page_height = 841.89f;  // A4, in points
constexpr float margin = 56, bottom = 64;
constexpr float body_size = 10, small_size = 8.5f, indent = 16, blank_width = 170;
constexpr float tallest_photo = 240;  // about 8.5 cm: a few photos to a page

// libharu reports errors through a callback; the first one is kept and the document dropped.
void keep_error(HPDF_STATUS error, HPDF_STATUS detail, void* data) {
  auto& first = *static_cast<std::string*>(data);
  if (first.empty())
    first = "libharu error " + std::to_string(error) + " (detail " + std::to_string(detail) + ")";
}

class Writer {
 public:
  Writer(HPDF_Doc pdf, HPDF_Font regular, std::string& failure)
      : pdf_(pdf), regular_(regular), failure_(failure) {
    new_page();
  }

  // Lines of `text` in `font` at `size` that fit `width`, broken between words.
  std::vector<std::string> wrap(const std::string& text, HPDF_Font font, float size, float width) {
    HPDF_Page_SetFontAndSize(page_, font, size);
    std::vector<std::string> lines;
    std::string current;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      const auto word = text.substr(start, end - start);
      const auto candidate = current.empty() ? word : current + " " + word;
      if (!current.empty() && HPDF_Page_TextWidth(page_, candidate.c_str()) > width) {
        lines.push_back(current);
        current = word;
      } else {
        current = candidate;
      }
      start = end + 1;
    }
    if (!current.empty()) lines.push_back(current);
    return lines;
  }

  // Writes `text` wrapped from x (relative to the margin), moving down; returns the baseline of
  // its first line.
  float text(const std::string& text, HPDF_Font font, float size, float x, float gray = 0) {
    const auto lines = wrap(text, font, size, page_width - 2 * margin - x);
    float first = y_;
    for (const auto& line : lines) {
      need(size * 1.35f);
      y_ -= size * 1.35f;
      if (&line == &lines.front()) first = y_;
      HPDF_Page_SetGrayFill(page_, gray);
      HPDF_Page_BeginText(page_);
      HPDF_Page_SetFontAndSize(page_, font, size);
      HPDF_Page_TextOut(page_, margin + x, y_, line.c_str());
      HPDF_Page_EndText(page_);
    }
    HPDF_Page_SetGrayFill(page_, 0);
    return first;
  }

  void box(float x, float baseline, bool ticked = false) {
    HPDF_Page_SetLineWidth(page_, 0.8f);
    HPDF_Page_Rectangle(page_, margin + x, baseline - 1, 8, 8);
    if (ticked) {  // a cross, as a pen would make it
      HPDF_Page_MoveTo(page_, margin + x + 1.5f, baseline + 0.5f);
      HPDF_Page_LineTo(page_, margin + x + 6.5f, baseline + 5.5f);
      HPDF_Page_MoveTo(page_, margin + x + 1.5f, baseline + 5.5f);
      HPDF_Page_LineTo(page_, margin + x + 6.5f, baseline + 0.5f);
    }
    HPDF_Page_Stroke(page_);
  }

  // A line to write on, from x, `width` long, on the baseline; then `after` (a unit, a hint).
  void blank(float x, float width, float baseline, const std::string& after = {}) {
    HPDF_Page_SetLineWidth(page_, 0.6f);
    HPDF_Page_MoveTo(page_, margin + x, baseline - 1);
    HPDF_Page_LineTo(page_, margin + x + width, baseline - 1);
    HPDF_Page_Stroke(page_);
    if (after.empty()) return;
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, regular_, body_size);
    HPDF_Page_TextOut(page_, margin + x + width + 6, baseline, after.c_str());
    HPDF_Page_EndText(page_);
  }

  // A row with a line to write on, after `label`; with `written`, that text on the line.
  void blank_row(float x, const std::string& label, const std::string& after = {},
                 const std::string& written = {}) {
    need(body_size * 2.4f);
    y_ -= body_size * 2.4f;
    float start = x;
    if (!label.empty()) {
      HPDF_Page_BeginText(page_);
      HPDF_Page_SetFontAndSize(page_, regular_, body_size);
      HPDF_Page_TextOut(page_, margin + x, y_, label.c_str());
      HPDF_Page_EndText(page_);
      start += HPDF_Page_TextWidth(page_, label.c_str()) + 6;
    }
    blank(start, blank_width, y_, after);
    if (written.empty()) return;
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, regular_, body_size);
    HPDF_Page_TextOut(page_, margin + start + 4, y_ + 1, written.c_str());
    HPDF_Page_EndText(page_);
  }

  // A JPEG or PNG from x, scaled to fit the width left and `tallest` points, never enlarged;
  // whether libharu could read it (a damaged picture is left out, not the whole form).
  bool image(const std::string& bytes, const std::string& media_type, float x, float tallest) {
    const auto* data = reinterpret_cast<const HPDF_BYTE*>(bytes.data());
    const auto size = static_cast<HPDF_UINT>(bytes.size());
    HPDF_Image picture = media_type == "image/png" ? HPDF_LoadPngImageFromMem(pdf_, data, size)
                                                   : HPDF_LoadJpegImageFromMem(pdf_, data, size);
    if (!picture) {
      HPDF_ResetError(pdf_);
      failure_.clear();
      return false;
    }
    const float width = static_cast<float>(HPDF_Image_GetWidth(picture));
    const float height = static_cast<float>(HPDF_Image_GetHeight(picture));
    if (width <= 0 || height <= 0) return false;
    const float scale = std::min({1.0f, (page_width - 2 * margin - x) / width, tallest / height});
    need(height * scale + 6);
    y_ -= height * scale + 6;
    HPDF_Page_DrawImage(page_, picture, margin + x, y_, width * scale, height * scale);
    return true;
  }

  void gap(float points) { y_ -= points; }
  // Starts a new page unless `points` more fit on this one.
  void need(float points) {
    if (y_ - points < bottom) new_page();
  }
  const std::vector<HPDF_Page>& pages() const { return pages_; }

 private:
  void new_page() {
    page_ = HPDF_AddPage(pdf_);
    HPDF_Page_SetWidth(page_, page_width);
    HPDF_Page_SetHeight(page_, page_height);
    pages_.push_back(page_);
    y_ = page_height - margin;
  }

  HPDF_Doc pdf_;
  HPDF_Font regular_;
  std::string& failure_;  // the first error libharu reported (keep_error)
  HPDF_Page page_ = nullptr;
  std::vector<HPDF_Page> pages_;
  float y_ = 0;
};

void write_item(Writer& out, const print::FormItem& item, const print::FormWords& words,
                HPDF_Font regular, HPDF_Font bold) {
  std::string label = item.label;
  if (item.required) label += " *";
  if (item.conditional) label += " (" + words.conditional + ")";
  out.need(body_size * 3);
  out.gap(4);
  const auto& entry = item.entry;
  const std::string written = entry ? entry->value : "";
  if (item.kind == ItemKind::checkbox) {
    out.box(0, out.text(label, regular, body_size, indent), entry && entry->ticked);
  } else {
    if (item.kind == ItemKind::choice || item.kind == ItemKind::multi_choice ||
        item.kind == ItemKind::rating)
      label += " (" + (item.kind != ItemKind::multi_choice ? words.tick_one : words.tick_any) +
               (item.range.empty() ? "" : "; " + item.range) + ")";
    out.text(label, bold, body_size, 0);
  }
  switch (item.kind) {
    case ItemKind::checkbox: break;
    case ItemKind::text: out.blank_row(indent, {}, {}, written); break;
    case ItemKind::location:
      if (entry) {
        out.blank_row(indent, {}, {}, written);
      } else {
        out.blank_row(indent, words.latitude);
        out.blank_row(indent, words.longitude);
        out.blank_row(indent, words.accuracy);
      }
      break;
    case ItemKind::number: {
      std::string after = item.unit;
      if (!item.range.empty()) after += (after.empty() ? "(" : " (") + item.range + ")";
      out.blank_row(indent, {}, after, written);
      break;
    }
    case ItemKind::date: out.blank_row(indent, {}, "(" + words.date_format + ")", written); break;
    case ItemKind::time: out.blank_row(indent, {}, "(" + words.time_format + ")", written); break;
    case ItemKind::datetime:
      out.blank_row(indent, {}, "(" + words.datetime_format + ")", written);
      break;
    case ItemKind::choice:
    case ItemKind::multi_choice:
    case ItemKind::rating:
      for (std::size_t n = 0; n < item.options.size(); ++n)
        out.box(indent, out.text(item.options[n], regular, body_size, 2 * indent), item.chosen[n]);
      break;
    case ItemKind::group:
      // Each row numbered, a line per item: as a clerk fills in invoice lines by hand.
      for (std::size_t row = 0; row < item.rows.size(); ++row) {
        out.need(body_size * 2.4f * static_cast<float>(item.columns.size() + 1));
        out.text(std::to_string(row + 1) + ".", bold, body_size, indent);
        for (std::size_t column = 0; column < item.columns.size(); ++column)
          out.blank_row(2 * indent, item.columns[column] + ":", {}, item.rows[row][column]);
      }
      break;
    case ItemKind::file:
    case ItemKind::photo:
      if (entry)
        out.blank_row(indent, {}, {}, written);
      else
        out.blank_row(indent, words.files_attached,
                      item.accepted.empty() ? "" : "(" + item.accepted + ")");
      for (const auto& file : item.files) {
        out.text(file.name + " (" + file.details + "), SHA-256 " + file.sha256, regular, small_size,
                 indent, 0.2f);
        if (!file.image.empty()) out.image(file.image, file.media_type, indent, tallest_photo);
      }
      break;
    case ItemKind::signature:
      out.blank_row(indent, words.name, {}, entry ? entry->actor : "");
      out.blank_row(indent, words.date, {}, entry ? entry->time : "");
      out.blank_row(indent, words.signature);
      if (entry)
        out.text(words.signed_hash + ": " + entry->value, regular, small_size, indent, 0.2f);
      break;
  }
  // "not applicable": a box to tick instead of answering, on a blank form; what was answered
  // where the kind has no line to show it.
  if (!entry && item.not_applicable)
    out.box(indent, out.text(words.not_applicable, regular, body_size, 2 * indent), false);
  if (entry && entry->not_applicable && !print::has_line(item.kind))
    out.text(entry->value, bold, body_size, indent);
  // Who recorded it, and when (for a signature, said above).
  if (entry && item.kind != ItemKind::signature)
    out.text(entry->actor + ", " + entry->time, regular, small_size, indent, 0.35f);
  for (const auto& action : item.actions) out.text(action, bold, small_size, indent, 0.35f);
  if (!item.description.empty()) out.text(item.description, regular, small_size, indent, 0.35f);
}

// A font the options name, or the default face `file_name` in the folder set at build time.
std::filesystem::path font_or_default(const std::filesystem::path& chosen, const char* file_name) {
  if (!chosen.empty()) return chosen;
  return std::filesystem::path(ABLAUF_FONT_DIR) / file_name;
}

}  // namespace

tl::expected<std::string, Error> to_pdf_form(const WorkflowDefinition& definition,
                                             const PdfOptions& options) {
  const auto font_file = font_or_default(options.font_file, "DejaVuSans.ttf");
  const auto bold_font_file = font_or_default(options.bold_font_file, "DejaVuSans-Bold.ttf");
  for (const auto& font : {font_file, bold_font_file})
    if (!std::filesystem::exists(font))
      return detail::error(ErrorCode::not_found,
                           "the font " + font.string() +
                               " is missing: install fonts-dejavu-core, or name a TrueType font "
                               "that covers the form's language");
  std::string failure;
  const std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, decltype(&HPDF_Free)> pdf(
      HPDF_New(keep_error, &failure), &HPDF_Free);
  if (!pdf) return detail::error(ErrorCode::io_error, "libharu could not start a document");
  HPDF_SetCompressionMode(pdf.get(), HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(pdf.get());
  const char* regular_name = HPDF_LoadTTFontFromFile(pdf.get(), font_file.c_str(), HPDF_TRUE);
  const char* bold_name = HPDF_LoadTTFontFromFile(pdf.get(), bold_font_file.c_str(), HPDF_TRUE);
  if (!regular_name || !bold_name)
    return detail::error(ErrorCode::io_error, "cannot load the fonts: " + failure);
  HPDF_Font regular = HPDF_GetFont(pdf.get(), regular_name, "UTF-8");
  HPDF_Font bold = HPDF_GetFont(pdf.get(), bold_name, "UTF-8");

  const auto form = print::build_form(definition, options.form);
  HPDF_SetCurrentEncoder(pdf.get(), "UTF-8");  // for the title in the document's info
  HPDF_SetInfoAttr(pdf.get(), HPDF_INFO_TITLE, form.title.c_str());
  HPDF_SetInfoAttr(pdf.get(), HPDF_INFO_CREATOR, "ablauf");
  Writer out(pdf.get(), regular, failure);
  out.text(form.title, bold, 17, 0);
  for (const auto& field : form.header)
    if (field.value.empty())
      out.blank_row(0, field.label);
    else
      out.text(field.label + ": " + field.value, regular, body_size, 0);
  if (!form.description.empty()) {
    out.gap(4);
    out.text(form.description, regular, body_size, 0);
  }
  out.gap(4);
  out.text("* " + form.words.required, regular, small_size, 0, 0.35f);
  for (const auto& part : form.parts) {
    out.need(60);
    out.gap(14);
    out.text(part.title, bold, 13, 0);
    if (!part.description.empty()) out.text(part.description, regular, small_size + 0.5f, 0, 0.2f);
    if (!part.result.empty()) out.text(part.result, bold, body_size, 0);
    for (const auto& flag : part.flagged)
      out.text(form.words.flagged + ": " + flag, regular, body_size, indent);
    for (const auto& action : part.actions) out.text(action, bold, small_size, indent, 0.35f);
    for (const auto& section : part.sections) {
      if (!section.title.empty()) {
        out.need(40);
        out.gap(8);
        out.text(section.title, bold, 11, 0);
      }
      if (!section.description.empty())
        out.text(section.description, regular, small_size + 0.5f, 0, 0.2f);
      for (const auto& item : section.items) write_item(out, item, form.words, regular, bold);
    }
  }
  out.need(120);
  out.gap(22);
  out.text(form.words.sign_off, bold, 13, 0);
  out.blank_row(0, form.words.name);
  out.blank_row(0, form.words.date);
  out.blank_row(0, form.words.signature);

  const auto& pages = out.pages();
  for (std::size_t n = 0; n < pages.size(); ++n) {
    const auto number = std::to_string(n + 1) + " / " + std::to_string(pages.size());
    HPDF_Page_BeginText(pages[n]);
    HPDF_Page_SetFontAndSize(pages[n], regular, small_size);
    HPDF_Page_TextOut(pages[n], page_width - margin - HPDF_Page_TextWidth(pages[n], number.c_str()),
                      bottom - 28, number.c_str());
    HPDF_Page_EndText(pages[n]);
  }
  if (HPDF_SaveToStream(pdf.get()) != HPDF_OK || !failure.empty())
    return detail::error(ErrorCode::io_error, "the PDF could not be written: " + failure);
  std::string bytes(HPDF_GetStreamSize(pdf.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
  HPDF_ReadFromStream(pdf.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  bytes.resize(size);
  return bytes;
}

}  // namespace ablauf
