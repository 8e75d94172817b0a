// PDF pages through libharu (internal): the A4 page, the text wrapped to it, boxes and lines to
// write on, photos, page numbers, and the embedded fonts (DejaVu by default, which covers German)
// that the printed form and the documents a workflow writes share.
#pragma once

#include "ablauf/error.hpp"
#include "ablauf/printable.hpp"

#include <hpdf.h>

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace ablauf::print {

inline constexpr float page_width = 595.276f, page_height = 841.89f;  // A4, in points
inline constexpr float margin = 56, bottom = 64;
inline constexpr float body_size = 10, small_size = 8.5f, indent = 16, blank_width = 170;
inline constexpr float tallest_photo = 240;  // about 8.5 cm: a few photos to a page

// Writes down A4 pages from the top, starting a new page where the next line would not fit.
class PdfWriter {
 public:
  PdfWriter(HPDF_Doc pdf, HPDF_Font regular, std::string& failure)
      : pdf_(pdf), regular_(regular), failure_(failure) {
    new_page();
  }

  // Lines of `text` in `font` at `size` that fit `width`, broken between words; a word wider
  // than the line (an IBAN without spaces, a long link) is broken between its characters, so
  // that no text runs off the page.
  std::vector<std::string> wrap(const std::string& text, HPDF_Font font, float size, float width) {
    HPDF_Page_SetFontAndSize(page_, font, size);
    const auto fits = [&](const std::string& line) {
      return HPDF_Page_TextWidth(page_, line.c_str()) <= width;
    };
    std::vector<std::string> lines;
    std::string current;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      const auto word = text.substr(start, end - start);
      const auto candidate = current.empty() ? word : current + " " + word;
      if (!current.empty() && !fits(candidate)) {
        lines.push_back(current);
        current = word;
      } else {
        current = candidate;
      }
      while (!fits(current)) {  // too wide alone: as much as fits, at a UTF-8 boundary
        std::size_t cut = 0;
        for (std::size_t next = 1; next <= current.size(); ++next) {
          if (next < current.size() && (static_cast<unsigned char>(current[next]) & 0xC0) == 0x80)
            continue;  // inside a character
          if (cut > 0 && !fits(current.substr(0, next))) break;
          cut = next;
        }
        lines.push_back(current.substr(0, cut));
        current.erase(0, cut);
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

// A PDF being written: libharu's document with its two fonts embedded, and its writer.
class PdfFile {
 public:
  // A document titled `title` with the fonts `options` name (DejaVu Sans by default); fails if
  // a font is missing or cannot be read.
  static tl::expected<std::unique_ptr<PdfFile>, Error> start(const PdfOptions& options,
                                                             const std::string& title);
  PdfWriter& out() { return *out_; }
  HPDF_Font regular() const { return regular_; }
  HPDF_Font bold() const { return bold_; }
  // Numbers the pages ("2 / 3") and returns the file's bytes; fails if libharu reported an
  // error on the way.
  tl::expected<std::string, Error> finish();

 private:
  PdfFile() = default;
  std::string failure_;  // the first error libharu reported
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, decltype(&HPDF_Free)> pdf_{nullptr, &HPDF_Free};
  HPDF_Font regular_ = nullptr, bold_ = nullptr;
  std::optional<PdfWriter> out_;
};

}  // namespace ablauf::print
