// A timeline as text for a terminal and as an HTML page.
#include "ablauf/timeline.hpp"

#include "expression/utf8.hpp"
#include "print/html_page.hpp"
#include "value_text.hpp"

#include <algorithm>
#include <ostream>

namespace ablauf {
namespace {

constexpr const char* style = R"(
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111;
       line-height: 1.4; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; }
th { border-bottom: 2px solid #888; }
tr { border-bottom: 1px solid #ddd; break-inside: avoid; page-break-inside: avoid; }
td.time, td.actor { white-space: nowrap; color: #555; font-size: .9em; }
ul.changes { margin: .2rem 0 0; padding-left: 1.2rem; font-size: .9em; color: #333; }
.name { color: #555; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; max-width: none; font-size: 9.5pt; } }
)";

}  // namespace

void write_text_timeline(std::ostream& out, std::span<const TimelineEntry> entries) {
  std::size_t actor_width = 0;
  for (const auto& entry : entries)
    actor_width = std::max(actor_width, detail::utf8::length(entry.actor));
  for (const auto& entry : entries) {
    const std::string time = to_rfc3339(entry.time);
    out << time << "  " << entry.actor
        << std::string(actor_width - detail::utf8::length(entry.actor) + 2, ' ') << entry.text
        << '\n';
    const std::string indent(time.size() + actor_width + 4, ' ');
    for (const auto& change : entry.changes)
      out << indent << "  " << change.name << ": " << change.value << '\n';
  }
}

void write_html_timeline(std::ostream& out, std::string_view heading,
                         std::span<const TimelineEntry> entries, std::string_view language) {
  const bool german = language == "de";
  print::write_html_head(out, language, heading, style);
  out << "<h1>" << detail::html_escaped(heading) << "</h1>\n<table>\n<thead><tr><th>"
      << (german ? "Zeit" : "Time") << "</th><th>" << (german ? "Wer" : "Who") << "</th><th>"
      << (german ? "Was" : "What") << "</th></tr></thead>\n<tbody>\n";
  for (const auto& entry : entries) {
    out << "<tr id=\"e" << entry.sequence << "\"><td class=\"time\">"
        << detail::html_escaped(to_rfc3339(entry.time)) << "</td><td class=\"actor\">"
        << detail::html_escaped(entry.actor) << "</td><td>" << detail::html_escaped(entry.text);
    if (!entry.changes.empty()) {
      out << "<ul class=\"changes\">";
      for (const auto& change : entry.changes)
        out << "<li><span class=\"name\">" << detail::html_escaped(change.name) << ":</span> "
            << detail::html_escaped(change.value) << "</li>";
      out << "</ul>";
    }
    out << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n</body>\n</html>\n";
}

}  // namespace ablauf
