// The printable form as Markdown: headings for the form, its parts and sections; one list
// entry per item, with the blank its kind needs; the sign-off block last.
#include "ablauf/printable.hpp"

#include "print/form.hpp"

#include <ostream>
#include <sstream>

namespace ablauf {
namespace {

const std::string line = "______________________";
constexpr std::string_view markup = "\\`*_[]<>#|~&";

// Text as written, never as markup: a backslash before each character that Markdown (or the
// HTML a renderer lets through) acts on within a line, and line breaks kept inside their block.
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (markup.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// The same for a paragraph of its own, whose first characters could also start a list, a
// heading or a quote ("- ", "+ ", "1. ", "2) ").
std::string paragraph(std::string_view text) {
  auto out = escaped(text);
  std::size_t digits = 0;
  while (digits < out.size() && out[digits] >= '0' && out[digits] <= '9') ++digits;
  if (!out.empty() && (out[0] == '-' || out[0] == '+'))
    out.insert(0, "\\");
  else if (digits > 0 && digits < out.size() && (out[digits] == '.' || out[digits] == ')'))
    out.insert(digits, "\\");
  return out;
}

// "_erika, 2026-11-24T09:00:00Z_": who recorded an entry, and when.
std::string recorded(const print::Entry& entry) {
  return " — _" + escaped(entry.actor) + ", " + escaped(entry.time) + "_";
}

// The blank of an item (then its unit), or what was written in it, its unit, who and when.
std::string blank(const print::FormItem& item) {
  const std::string unit = item.unit.empty() ? "" : " " + escaped(item.unit);
  if (!item.entry) return line + unit;
  return "**" + escaped(item.entry->value) + "**" + unit + recorded(*item.entry);
}

// "not applicable": a box to tick on a blank form where the item allows it; what was answered
// where the kind has no line to show it.
std::string not_applicable(const print::FormItem& item, const print::FormWords& words) {
  if (!item.entry) return item.not_applicable ? " [ ] " + escaped(words.not_applicable) : "";
  return item.entry->not_applicable && !print::has_line(item.kind)
             ? ": **" + escaped(item.entry->value) + "**"
             : "";
}

void write_item(std::ostream& out, const print::FormItem& item, const print::FormWords& words) {
  const std::string mark = item.required ? " \\*" : "";
  const std::string label = "**" + escaped(item.label) + "**" + mark;
  const std::string when = item.conditional ? " _(" + escaped(words.conditional) + ")_" : "";
  const auto& entry = item.entry;
  switch (item.kind) {
    case ItemKind::checkbox:
      out << (entry && entry->ticked ? "- [x] " : "- [ ] ") << label << when
          << not_applicable(item, words) << (entry ? recorded(*entry) : "") << '\n';
      break;
    case ItemKind::text:
      out << "- " << label << when << ": " << blank(item) << not_applicable(item, words) << '\n';
      break;
    case ItemKind::location:
      out << "- " << label << when << ": ";
      if (entry)
        out << blank(item);
      else
        out << escaped(words.latitude) << ' ' << line << ' ' << escaped(words.longitude) << ' '
            << line << ' ' << escaped(words.accuracy) << ' ' << line;
      out << not_applicable(item, words) << '\n';
      break;
    case ItemKind::number:
      out << "- " << label << when << ": " << blank(item);
      if (!item.range.empty() && !entry) out << " (" << escaped(item.range) << ")";
      out << not_applicable(item, words) << '\n';
      break;
    case ItemKind::date:
    case ItemKind::time:
    case ItemKind::datetime: {
      const auto& format = item.kind == ItemKind::date   ? words.date_format
                           : item.kind == ItemKind::time ? words.time_format
                                                         : words.datetime_format;
      out << "- " << label << when << ": " << blank(item);
      if (!entry) out << " (" << escaped(format) << ")";
      out << not_applicable(item, words) << '\n';
      break;
    }
    case ItemKind::choice:
    case ItemKind::multi_choice:
    case ItemKind::rating: {
      const bool one = item.kind != ItemKind::multi_choice;
      out << "- " << label << when << " _(" << escaped(one ? words.tick_one : words.tick_any)
          << (item.range.empty() ? "" : "; " + escaped(item.range)) << ")_"
          << not_applicable(item, words) << (entry ? recorded(*entry) : "") << '\n';
      for (std::size_t n = 0; n < item.options.size(); ++n)
        out << (item.chosen[n] ? "  - [x] " : "  - [ ] ") << escaped(item.options[n]) << '\n';
      break;
    }
    case ItemKind::file:
    case ItemKind::photo:
      out << "- " << label << when << ": ";
      if (entry)
        out << blank(item);
      else
        out << escaped(words.files_attached) << ' ' << line
            << (item.accepted.empty() ? "" : " (" + escaped(item.accepted) + ")");
      out << not_applicable(item, words) << '\n';
      for (const auto& file : item.files)
        out << "  - " << escaped(file.name) << " (" << escaped(file.details) << "), SHA-256 `"
            << file.sha256 << "`\n";
      break;
    case ItemKind::group: {
      out << "- " << label << when << not_applicable(item, words) << (entry ? recorded(*entry) : "")
          << "\n\n";
      if (item.rows.empty()) break;  // answered "not applicable"
      // A table of its rows, a column per item; a cell to write in on a blank form.
      out << "  | # |";
      for (const auto& column : item.columns)
        out << ' ' << escaped(column) << " |";  // escaped() escapes '|'
      out << "\n  | ---: |";
      for (std::size_t n = 0; n < item.columns.size(); ++n) out << " --- |";
      out << '\n';
      for (std::size_t row = 0; row < item.rows.size(); ++row) {
        out << "  | " << row + 1 << " |";
        for (const auto& value : item.rows[row]) out << ' ' << escaped(value) << " |";
        out << '\n';
      }
      out << '\n';
      break;
    }
    case ItemKind::signature:
      if (entry)
        out << "- " << label << when << ": " << escaped(entry->actor) << ", "
            << escaped(entry->time) << "; " << escaped(words.signed_hash) << " `" << entry->value
            << "`\n";
      else
        out << "- " << label << when << ": " << escaped(words.name) << ' ' << line << ' '
            << escaped(words.date) << ' ' << line << ' ' << escaped(words.signature) << ' ' << line
            << '\n';
      break;
  }
  for (const auto& action : item.actions) out << "  - ⚠ " << escaped(action) << '\n';
  if (!item.description.empty()) out << "  " << paragraph(item.description) << '\n';
}

}  // namespace

void write_markdown_form(std::ostream& out, const WorkflowDefinition& definition,
                         const FormOptions& options) {
  const auto form = print::build_form(definition, options);
  out << "# " << escaped(form.title) << "\n\n";
  for (const auto& field : form.header)
    out << escaped(field.label) << ": " << (field.value.empty() ? line : "`" + field.value + "`")
        << "\n\n";
  if (!form.description.empty()) out << paragraph(form.description) << "\n\n";
  out << "\\* " << escaped(form.words.required) << "\n";
  for (const auto& part : form.parts) {
    out << "\n## " << escaped(part.title) << "\n\n";
    if (!part.description.empty()) out << paragraph(part.description) << "\n\n";
    if (!part.result.empty()) out << "**" << escaped(part.result) << "**\n\n";
    for (const auto& flag : part.flagged)
      out << "- ⚑ " << escaped(form.words.flagged) << ": " << escaped(flag) << '\n';
    if (!part.flagged.empty()) out << '\n';
    for (const auto& action : part.actions) out << "- ⚠ " << escaped(action) << '\n';
    if (!part.actions.empty()) out << '\n';
    bool first = true;
    for (const auto& section : part.sections) {
      if (!section.title.empty())
        out << (first ? "" : "\n") << "### " << escaped(section.title) << "\n\n";
      if (!section.description.empty()) out << paragraph(section.description) << "\n\n";
      for (const auto& item : section.items) write_item(out, item, form.words);
      first = false;
    }
  }
  out << "\n## " << escaped(form.words.sign_off) << "\n\n"
      << escaped(form.words.name) << ": " << line << "\n\n"
      << escaped(form.words.date) << ": " << line << "\n\n"
      << escaped(form.words.signature) << ": " << line << '\n';
}

std::string to_markdown_form(const WorkflowDefinition& definition, const FormOptions& options) {
  std::ostringstream out;
  write_markdown_form(out, definition, options);
  return out.str();
}

}  // namespace ablauf
