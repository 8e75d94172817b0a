// DOT (through Boost.Graph's write_graphviz) and Mermaid exports of a compiled workflow.
#include "ablauf/workflow.hpp"

#include <boost/graph/graphviz.hpp>
#include <boost/property_map/function_property_map.hpp>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <sstream>

namespace ablauf {
namespace {

using Vertex = boost::graph_traits<StepGraph>::vertex_descriptor;
using Edge = boost::graph_traits<StepGraph>::edge_descriptor;

std::string language_of(const Workflow& workflow, const ExportOptions& options) {
  return options.language.empty() ? workflow.definition().default_language : options.language;
}

std::string step_title(const StepDefinition& step, const std::string& language,
                       const WorkflowDefinition& definition) {
  const auto title = step.title.get(language, definition.default_language);
  return title.empty() ? step.id : std::string(title);
}

// The text of an edge: its label if the author gave one, else its condition or its kind.
std::string edge_text(const StepDefinition& from, const EdgeInfo& info, const std::string& language,
                      const WorkflowDefinition& definition) {
  switch (info.kind) {
    case EdgeKind::next:
    case EdgeKind::conditional: {
      const Transition& t = from.next[info.index];
      if (!t.label.empty()) return std::string(t.label.get(language, definition.default_language));
      return t.when ? t.when->text() : std::string();
    }
    case EdgeKind::on_error: return "on_error";
    case EdgeKind::on_timeout:
      return "timeout " + (from.timeout ? to_string(*from.timeout) : std::string());
    case EdgeKind::branch: return {};
  }
  return {};
}

// ---- DOT -------------------------------------------------------------------------------

// A DOT quoted string. Backslashes are escaped too, so titles cannot smuggle in DOT escape
// sequences such as \l; a "\n" from `line_break` stays a line break.
std::string dot_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + '"';
}

std::string dot_shape(std::string_view type) {
  if (type == "decision") return "shape=diamond";
  if (type == "parallel" || type == "join") return "shape=Mdiamond";
  if (type == "wait") return "shape=ellipse";
  if (type == "end") return "shape=oval, peripheries=2";
  if (type == "save_record" || type == "update_record") return "shape=cylinder";
  if (type == "call") return "shape=component";
  if (type == "fill_checklist") return "shape=note";
  return "shape=box, style=rounded";
}

// Node names are step ids. DOT keywords would be read as statements, so they get a suffix.
std::string dot_node_name(const std::string& id) {
  std::string lower(id);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view keyword : {"node", "edge", "graph", "digraph", "subgraph", "strict"})
    if (lower == keyword) return id + "_";
  return id;
}

}  // namespace

void write_dot(std::ostream& out, const Workflow& workflow, const ExportOptions& options) {
  const WorkflowDefinition& definition = workflow.definition();
  const StepGraph& graph = workflow.graph();
  const std::string language = language_of(workflow, options);

  const auto write_vertex = [&](std::ostream& o, Vertex v) {
    const StepDefinition& step = definition.steps[v];
    o << "[label=" << dot_quote(step_title(step, language, definition) + "\n" + step.type) << ", "
      << dot_shape(step.type);
    if (v == workflow.start()) o << ", penwidth=2";
    o << ']';
  };
  const auto write_edge = [&](std::ostream& o, Edge e) {
    const EdgeInfo& info = graph[e];
    const std::string text =
        edge_text(definition.steps[boost::source(e, graph)], info, language, definition);
    o << '[';
    if (!text.empty()) o << "label=" << dot_quote(text) << ", ";
    switch (info.kind) {
      case EdgeKind::on_error: o << "style=dashed, color=red3, fontcolor=red3"; break;
      case EdgeKind::on_timeout:
        o << "style=dashed, color=darkorange3, fontcolor=darkorange3";
        break;
      case EdgeKind::branch: o << "style=bold"; break;
      case EdgeKind::conditional: o << "fontcolor=gray25"; break;
      case EdgeKind::next: o << "color=black"; break;
    }
    o << ']';
  };
  const auto write_graph = [&](std::ostream& o) {
    const auto title = definition.title.get(language, definition.default_language);
    o << "label="
      << dot_quote(std::string(title) + " (" + definition.id + " v" +
                   std::to_string(definition.version) + ")")
      << ";\nlabelloc=t;\nfontname=\"Helvetica\";\n"
      << "node [fontname=\"Helvetica\", fontsize=11];\n"
      << "edge [fontname=\"Helvetica\", fontsize=9];\n";
  };
  const auto names = boost::make_function_property_map<Vertex, std::string>(
      [&](Vertex v) { return dot_node_name(definition.steps[v].id); });
  boost::write_graphviz(out, graph, write_vertex, write_edge, write_graph, names);
}

std::string to_dot(const Workflow& workflow, const ExportOptions& options) {
  std::ostringstream out;
  write_dot(out, workflow, options);
  return out.str();
}

// ---- Mermaid ---------------------------------------------------------------------------

namespace {

// Text inside a Mermaid quoted label: quotes and angle brackets become entity codes.
std::string mermaid_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '#': out += "#35;"; break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out + '"';
}

// "end" closes a block in Mermaid, so a step of that name needs another node name.
std::string mermaid_node_name(const std::string& id) {
  std::string lower(id);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "end" ? id + "_" : id;
}

std::pair<std::string_view, std::string_view> mermaid_shape(std::string_view type) {
  if (type == "decision") return {"{", "}"};
  if (type == "parallel" || type == "join") return {"{{", "}}"};
  if (type == "wait") return {"([", "])"};
  if (type == "end") return {"(((", ")))"};
  if (type == "save_record" || type == "update_record") return {"[(", ")]"};
  if (type == "call") return {"[[", "]]"};
  return {"[", "]"};
}

}  // namespace

void write_mermaid(std::ostream& out, const Workflow& workflow, const ExportOptions& options) {
  const WorkflowDefinition& definition = workflow.definition();
  const StepGraph& graph = workflow.graph();
  const std::string language = language_of(workflow, options);

  out << "---\ntitle: "
      << mermaid_quote(definition.title.get(language, definition.default_language))
      << "\n---\nflowchart TD\n";
  for (Vertex v = 0; v < definition.steps.size(); ++v) {
    const StepDefinition& step = definition.steps[v];
    const auto [open, close] = mermaid_shape(step.type);
    out << "  " << mermaid_node_name(step.id) << open
        << mermaid_quote(step_title(step, language, definition)) << close << '\n';
  }
  for (Vertex v = 0; v < definition.steps.size(); ++v) {
    for (auto [e, last] = boost::out_edges(v, graph); e != last; ++e) {
      const EdgeInfo& info = graph[*e];
      const std::string text = edge_text(definition.steps[v], info, language, definition);
      const bool exceptional = info.kind == EdgeKind::on_error || info.kind == EdgeKind::on_timeout;
      out << "  " << mermaid_node_name(definition.steps[v].id) << ' '
          << (exceptional                     ? "-.->"
              : info.kind == EdgeKind::branch ? "==>"
                                              : "-->");
      if (!text.empty()) out << '|' << mermaid_quote(text) << '|';
      out << ' ' << mermaid_node_name(definition.steps[boost::target(*e, graph)].id) << '\n';
    }
  }
  out << "  style " << mermaid_node_name(definition.steps[workflow.start()].id)
      << " stroke-width:3px\n";
}

std::string to_mermaid(const Workflow& workflow, const ExportOptions& options) {
  std::ostringstream out;
  write_mermaid(out, workflow, options);
  return out.str();
}

}  // namespace ablauf
