// DOT (through Boost.Graph's write_graphviz) and Mermaid exports of a compiled workflow.
#include "ablauf/workflow.hpp"

#include "instance_path.hpp"
#include "step_graph.hpp"

#include <boost/graph/graphviz.hpp>
#include <boost/property_map/function_property_map.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <ostream>
#include <sstream>

namespace ablauf {
namespace {

using detail::StepGraph;
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
std::string edge_text(const StepDefinition& from, const StepEdge& info, const std::string& language,
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

// `filled`: an instance's path is drawn over the graph, in fill colours.
std::string dot_shape(StepShape shape, bool filled) {
  const std::string fill = filled ? ", style=filled" : "";
  switch (shape) {
    case StepShape::decision: return "shape=diamond" + fill;
    case StepShape::gateway: return "shape=Mdiamond" + fill;
    case StepShape::timer: return "shape=ellipse" + fill;
    case StepShape::terminal: return "shape=oval, peripheries=2" + fill;
    case StepShape::record: return "shape=cylinder" + fill;
    case StepShape::subprocess: return "shape=component" + fill;
    case StepShape::form: return "shape=note" + fill;
    case StepShape::action: break;
  }
  return filled ? "shape=box, style=\"rounded,filled\"" : "shape=box, style=rounded";
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
  const StepGraph graph = detail::make_step_graph(workflow.step_count(), workflow.edges());
  const std::string language = language_of(workflow, options);

  const auto path = detail::path_of(options.history);
  const auto write_vertex = [&](std::ostream& o, Vertex v) {
    const StepDefinition& step = definition.steps[v];
    std::string label = step_title(step, language, definition) + "\n" + step.type;
    const auto waits = path.waiting.find(step.id);
    if (waits != path.waiting.end()) label += "\n" + detail::waiting_label(waits->second, language);
    o << "[label=" << dot_quote(label) << ", "
      << dot_shape(workflow.step_type(static_cast<StepIndex>(v)).shape, path.shown);
    if (v == workflow.start()) o << ", penwidth=2";
    if (path.shown) {
      if (waits != path.waiting.end())
        o << R"(, fillcolor="#ffe599", color="#b45f06", penwidth=3)";
      else if (step.id == path.failed_at)
        o << R"(, fillcolor="#f4cccc", color=red3)";
      else if (path.visited.contains(step.id))
        o << R"(, fillcolor="#d9ead3", color="#38761d")";
      else
        o << ", fillcolor=white, color=gray60, fontcolor=gray45";
    }
    o << ']';
  };
  const auto write_edge = [&](std::ostream& o, Edge e) {
    const StepEdge& info = graph[e];
    const auto& from = definition.steps[info.from];
    std::string text = edge_text(from, info, language, definition);
    const auto taken = path.taken.find(std::pair{from.id, definition.steps[info.to].id});
    const bool followed = taken != path.taken.end();
    if (followed && taken->second > 1)
      text += (text.empty() ? "" : " ") + std::string("(") + std::to_string(taken->second) + "×)";
    o << '[';
    if (!text.empty()) o << "label=" << dot_quote(text) << ", ";
    if (path.shown) {
      o << (followed ? R"(color="#38761d", fontcolor="#38761d", penwidth=2.5)"
                     : "color=gray70, fontcolor=gray55");
      if (info.kind == EdgeKind::on_error || info.kind == EdgeKind::on_timeout)
        o << ", style=dashed";
      o << ']';
      return;
    }
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

std::pair<std::string_view, std::string_view> mermaid_shape(StepShape shape) {
  switch (shape) {
    case StepShape::decision: return {"{", "}"};
    case StepShape::gateway: return {"{{", "}}"};
    case StepShape::timer: return {"([", "])"};
    case StepShape::terminal: return {"(((", ")))"};
    case StepShape::record: return {"[(", ")]"};
    case StepShape::subprocess: return {"[[", "]]"};
    case StepShape::action:
    case StepShape::form: break;  // a checklist is a plain box: Mermaid has no note shape
  }
  return {"[", "]"};
}

}  // namespace

void write_mermaid(std::ostream& out, const Workflow& workflow, const ExportOptions& options) {
  const WorkflowDefinition& definition = workflow.definition();
  const std::string language = language_of(workflow, options);

  out << "---\ntitle: "
      << mermaid_quote(definition.title.get(language, definition.default_language))
      << "\n---\nflowchart TD\n";
  const auto path = detail::path_of(options.history);
  for (Vertex v = 0; v < definition.steps.size(); ++v) {
    const StepDefinition& step = definition.steps[v];
    const auto [open, close] = mermaid_shape(workflow.step_type(static_cast<StepIndex>(v)).shape);
    std::string label = step_title(step, language, definition);
    if (const auto waits = path.waiting.find(step.id); waits != path.waiting.end())
      label += " (" + detail::waiting_label(waits->second, language) + ")";
    out << "  " << mermaid_node_name(step.id) << open << mermaid_quote(label) << close << '\n';
  }
  std::string followed_links;  // indexes of the links the instance followed, for linkStyle
  std::size_t link = 0;
  for (const StepEdge& info : workflow.edges()) {
    const StepDefinition& from = definition.steps[info.from];
    const StepDefinition& to = definition.steps[info.to];
    std::string text = edge_text(from, info, language, definition);
    const auto taken = path.taken.find(std::pair{from.id, to.id});
    if (taken != path.taken.end()) {
      followed_links += (followed_links.empty() ? "" : ",") + std::to_string(link);
      if (taken->second > 1)
        text += (text.empty() ? "" : " ") + std::string("(") + std::to_string(taken->second) + "×)";
    }
    const bool exceptional = info.kind == EdgeKind::on_error || info.kind == EdgeKind::on_timeout;
    out << "  " << mermaid_node_name(from.id) << ' '
        << (exceptional                     ? "-.->"
            : info.kind == EdgeKind::branch ? "==>"
                                            : "-->");
    if (!text.empty()) out << '|' << mermaid_quote(text) << '|';
    out << ' ' << mermaid_node_name(to.id) << '\n';
    ++link;
  }
  out << "  style " << mermaid_node_name(definition.steps[workflow.start()].id)
      << " stroke-width:3px\n";
  if (!path.shown) return;
  std::map<std::string, std::string> classes;  // class → its steps, comma-separated
  for (const auto& step : definition.steps) {
    const char* name = path.waiting.contains(step.id)   ? "waiting"
                       : step.id == path.failed_at      ? "failed"
                       : path.visited.contains(step.id) ? "visited"
                                                        : "unvisited";
    auto& members = classes[name];
    members += (members.empty() ? "" : ",") + mermaid_node_name(step.id);
  }
  out << "  classDef visited fill:#d9ead3,stroke:#38761d\n"
      << "  classDef waiting fill:#ffe599,stroke:#b45f06,stroke-width:3px\n"
      << "  classDef failed fill:#f4cccc,stroke:#990000\n"
      << "  classDef unvisited fill:#ffffff,stroke:#999999,color:#777777\n";
  for (const auto& [name, members] : classes) out << "  class " << members << ' ' << name << '\n';
  if (!followed_links.empty())
    out << "  linkStyle " << followed_links << " stroke:#38761d,stroke-width:3px\n";
}

std::string to_mermaid(const Workflow& workflow, const ExportOptions& options) {
  std::ostringstream out;
  write_mermaid(out, workflow, options);
  return out.str();
}

}  // namespace ablauf
