// The printable form as a PDF, through libharu: A4 pages, a TrueType font embedded (DejaVu by
// default, which covers German), text wrapped to the page, a page number on each page.
#include "ablauf/printable.hpp"

#include "print/form.hpp"
#include "print/pdf_writer.hpp"

namespace ablauf {
namespace {

using print::blank_width, print::body_size, print::indent, print::small_size, print::tallest_photo;

void write_item(print::PdfWriter& out, const print::FormItem& item, const print::FormWords& words,
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

}  // namespace

tl::expected<std::string, Error> to_pdf_form(const WorkflowDefinition& definition,
                                             const PdfOptions& options) {
  const auto form = print::build_form(definition, options.form);
  auto file = print::PdfFile::start(options, form.title);
  if (!file) return tl::make_unexpected(std::move(file.error()));
  auto& out = (*file)->out();
  const HPDF_Font regular = (*file)->regular(), bold = (*file)->bold();
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

  return (*file)->finish();
}

}  // namespace ablauf
