// The printable form as one self-contained HTML page: inline CSS with a print stylesheet (A4,
// no page break inside an item), no scripts, no external resources. Every text is escaped.
#include "ablauf/printable.hpp"

#include "files/base64.hpp"
#include "print/form.hpp"
#include "print/html_page.hpp"
#include "value_text.hpp"

#include <ostream>
#include <sstream>

namespace ablauf {
namespace {

constexpr const char* style = R"(
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111;
       line-height: 1.45; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .4rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #888; margin-top: 2rem; padding-bottom: .2rem; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .4rem; }
p { margin: .4rem 0; }
.legend, .hint { color: #555; font-size: .9em; }
.hint { font-style: italic; }
.required { color: #a00; font-weight: bold; }
ul.items, ul.options { list-style: none; padding: 0; }
ul.options { margin: .3rem 0 0 1.6rem; }
li.item { margin: .7rem 0; break-inside: avoid; page-break-inside: avoid; }
.box { display: inline-block; width: .85em; height: .85em; border: 1px solid #111;
       vertical-align: -.1em; margin-right: .45em; }
.line { display: inline-block; min-width: 14rem; border-bottom: 1px solid #111;
        height: 1.1em; vertical-align: bottom; margin: 0 .3em; }
.label { font-weight: 600; }
.box.ticked::after { content: "✓"; display: block; font-size: .8em; line-height: .9em;
                     text-align: center; }
.value { font-weight: 600; border-bottom: 1px solid #111; padding: 0 .3em; margin: 0 .3em; }
.recorded { color: #555; font-size: .85em; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: .8em; word-break: break-all; }
.description { color: #333; font-size: .9em; margin: .15rem 0 0 1.6rem; }
table.rows { border-collapse: collapse; margin: .4rem 0 0 1.6rem; font-size: .92em; }
table.rows th, table.rows td { border: 1px solid #888; padding: .2rem .45rem; text-align: left;
                               min-width: 3.5rem; height: 1.3em; }
.action { margin: .3rem 0 0 1.6rem; padding: .2rem .45rem; border-left: 3px solid #b45309; }
.files { margin: .3rem 0 0 1.6rem; padding: 0; list-style: none; }
.files img { display: block; max-width: 100%; max-height: 12cm; margin: .3rem 0; }
.sign-off { margin-top: 2.5rem; break-inside: avoid; page-break-inside: avoid; }
.sign-off p { margin: 1.2rem 0; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
)";

// " — erika, 2026-11-24T09:00:00Z": who recorded an entry, and when.
std::string recorded(const print::Entry& entry) {
  return R"( <span class="recorded">— )" + detail::html_escaped(entry.actor) + ", " +
         detail::html_escaped(entry.time) + "</span>";
}

std::string box(bool ticked) {
  return ticked ? R"(<span class="box ticked"></span>)" : R"(<span class="box"></span>)";
}

void write_item(std::ostream& out, const print::FormItem& item, const print::FormWords& words) {
  const std::string line = R"(<span class="line"></span>)";
  const auto& entry = item.entry;
  // The line to write on, or what was written there.
  const std::string blank =
      entry ? R"(<span class="value">)" + detail::html_escaped(entry->value) + "</span>" : line;
  out << R"(<li class="item">)";
  if (item.kind == ItemKind::checkbox) out << box(entry && entry->ticked);
  out << R"(<span class="label">)" << detail::html_escaped(item.label) << "</span>";
  if (item.required)
    out << R"( <span class="required" title=")" << detail::html_escaped(words.required)
        << R"(">*</span>)";
  if (item.conditional)
    out << R"( <span class="hint">()" << detail::html_escaped(words.conditional) << ")</span>";
  switch (item.kind) {
    case ItemKind::checkbox: break;
    case ItemKind::text: out << ": " << blank; break;
    case ItemKind::location:
      if (entry)
        out << ": " << blank;
      else
        out << ": " << detail::html_escaped(words.latitude) << line
            << detail::html_escaped(words.longitude) << line << detail::html_escaped(words.accuracy)
            << line;
      break;
    case ItemKind::number:
      out << ": " << blank << detail::html_escaped(item.unit);
      if (!item.range.empty() && !entry)
        out << R"( <span class="hint">()" << detail::html_escaped(item.range) << ")</span>";
      break;
    case ItemKind::date:
    case ItemKind::time:
    case ItemKind::datetime: {
      const auto& format = item.kind == ItemKind::date   ? words.date_format
                           : item.kind == ItemKind::time ? words.time_format
                                                         : words.datetime_format;
      out << ": " << blank;
      if (!entry) out << R"(<span class="hint">()" << detail::html_escaped(format) << ")</span>";
      break;
    }
    case ItemKind::choice:
    case ItemKind::multi_choice:
    case ItemKind::rating:
      out << R"( <span class="hint">()"
          << detail::html_escaped(item.kind != ItemKind::multi_choice ? words.tick_one
                                                                      : words.tick_any)
          << (item.range.empty() ? "" : "; " + detail::html_escaped(item.range)) << ")</span>";
      break;
    case ItemKind::group: break;  // its rows follow, as a table
    case ItemKind::file:
    case ItemKind::photo:
      if (entry)
        out << ": " << blank;
      else
        out << ": " << detail::html_escaped(words.files_attached) << line
            << (item.accepted.empty()
                    ? ""
                    : R"(<span class="hint">()" + detail::html_escaped(item.accepted) + ")</span>");
      break;
    case ItemKind::signature:
      if (entry)
        out << ": " << detail::html_escaped(entry->actor) << ", "
            << detail::html_escaped(entry->time) << R"(<br><span class="hint">)"
            << detail::html_escaped(words.signed_hash) << R"(</span> <span class="hash">)"
            << detail::html_escaped(entry->value) << "</span>";
      else
        out << ": " << detail::html_escaped(words.name) << line << detail::html_escaped(words.date)
            << line << detail::html_escaped(words.signature) << line;
      break;
  }
  // "not applicable": what was answered, where the kind has no line to show it; on a blank form,
  // a box to tick instead of answering.
  if (entry && entry->not_applicable && !print::has_line(item.kind))
    out << R"(: <span class="value">)" << detail::html_escaped(entry->value) << "</span>";
  if (!entry && item.not_applicable)
    out << R"( <span class="hint">)" << box(false) << detail::html_escaped(words.not_applicable)
        << "</span>";
  if (entry && item.kind != ItemKind::signature) out << recorded(*entry);
  if (!item.rows.empty()) {  // a group: a table of its rows, cells to write in when blank
    out << R"(<table class="rows"><thead><tr><th scope="col">#</th>)";
    for (const auto& column : item.columns)
      out << R"(<th scope="col">)" << detail::html_escaped(column) << "</th>";
    out << "</tr></thead><tbody>";
    for (std::size_t row = 0; row < item.rows.size(); ++row) {
      out << "<tr><td>" << row + 1 << "</td>";
      for (const auto& value : item.rows[row])
        out << "<td>" << detail::html_escaped(value) << "</td>";
      out << "</tr>";
    }
    out << "</tbody></table>";
  }
  if (!item.files.empty()) {
    out << R"(<ul class="files">)";
    for (const auto& file : item.files) {
      out << "<li>" << detail::html_escaped(file.name) << " (" << detail::html_escaped(file.details)
          << R"(), SHA-256 <span class="hash">)" << file.sha256 << "</span>";
      // The photo itself, inline: the page stays one file that loads nothing.
      if (!file.image.empty())
        out << R"(<img alt=")" << detail::html_escaped(file.name) << R"(" src="data:)"
            << file.media_type << ";base64," << detail::base64(file.image) << R"(">)";
      out << "</li>";
    }
    out << "</ul>";
  }
  if (!item.options.empty()) {
    out << R"(<ul class="options">)";
    for (std::size_t n = 0; n < item.options.size(); ++n)
      out << "<li>" << box(item.chosen[n]) << detail::html_escaped(item.options[n]) << "</li>";
    out << "</ul>";
  }
  for (const auto& action : item.actions)
    out << R"(<p class="action">⚠ )" << detail::html_escaped(action) << "</p>";
  if (!item.description.empty())
    out << R"(<p class="description">)" << detail::html_escaped(item.description) << "</p>";
  out << "</li>\n";
}

}  // namespace

void write_html_form(std::ostream& out, const WorkflowDefinition& definition,
                     const FormOptions& options) {
  const auto form = print::build_form(definition, options);
  const auto& words = form.words;
  print::write_html_head(out, form.language, form.title, style);
  out << "<h1>" << detail::html_escaped(form.title) << "</h1>\n";
  for (const auto& field : form.header)
    out << R"(<p class="legend">)" << detail::html_escaped(field.label) << ": "
        << (field.value.empty() ? std::string(R"(<span class="line"></span>)")
                                : detail::html_escaped(field.value))
        << "</p>\n";
  if (!form.description.empty()) out << "<p>" << detail::html_escaped(form.description) << "</p>\n";
  out << R"(<p class="legend"><span class="required">*</span> )"
      << detail::html_escaped(words.required) << "</p>\n";
  for (const auto& part : form.parts) {
    out << "<section>\n<h2>" << detail::html_escaped(part.title) << "</h2>\n";
    if (!part.description.empty())
      out << "<p>" << detail::html_escaped(part.description) << "</p>\n";
    if (!part.result.empty())
      out << R"(<p class="result"><strong>)" << detail::html_escaped(part.result)
          << "</strong></p>\n";
    for (const auto& flag : part.flagged)
      out << R"(<p class="flag">⚑ )" << detail::html_escaped(form.words.flagged) << ": "
          << detail::html_escaped(flag) << "</p>\n";
    for (const auto& action : part.actions)
      out << R"(<p class="action">⚠ )" << detail::html_escaped(action) << "</p>\n";
    for (const auto& section : part.sections) {
      if (!section.title.empty()) out << "<h3>" << detail::html_escaped(section.title) << "</h3>\n";
      if (!section.description.empty())
        out << "<p>" << detail::html_escaped(section.description) << "</p>\n";
      out << "<ul class=\"items\">\n";
      for (const auto& item : section.items) write_item(out, item, words);
      out << "</ul>\n";
    }
    out << "</section>\n";
  }
  const auto line = R"(<span class="line"></span>)";
  out << "<section class=\"sign-off\">\n<h2>" << detail::html_escaped(words.sign_off) << "</h2>\n"
      << "<p>" << detail::html_escaped(words.name) << ": " << line << "</p>\n"
      << "<p>" << detail::html_escaped(words.date) << ": " << line << "</p>\n"
      << "<p>" << detail::html_escaped(words.signature) << ": " << line << "</p>\n"
      << "</section>\n</body>\n</html>\n";
}

std::string to_html_form(const WorkflowDefinition& definition, const FormOptions& options) {
  std::ostringstream out;
  write_html_form(out, definition, options);
  return out.str();
}

}  // namespace ablauf
