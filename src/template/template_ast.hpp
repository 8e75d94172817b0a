// The compiled form of a Mustache template (internal): a flat list of nodes in source order.
//
// A section's body is the nodes right after it, up to its `end`; so rendering is a loop over
// indices with an explicit stack, never recursion. Text is split after each newline, so a
// node that starts a source line can carry the indentation of a standalone partial or block.
#pragma once

#include <ablauf/template.hpp>

#include "format/value_format.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ablauf::detail {
namespace mustache {

enum class NodeKind : std::uint8_t {
  text,      // `text` as is
  variable,  // {{name}}, {{{name}}}, {{& name}}
  section,   // {{#name}}: body [index + 1, end)
  inverted,  // {{^name}}: body [index + 1, end)
  partial,   // {{> name}}, {{>*name}}
  parent,    // {{< name}}: body [index + 1, end) holds the blocks that override the parent's
  block,     // {{$ name}}: body [index + 1, end) is the default content
};

// A dotted name split at its dots; empty for the implicit iterator ".".
using Path = std::vector<std::string>;

struct Node {
  NodeKind kind = NodeKind::text;
  bool line_start = false;  // begins a source line: gets the current indentation first
  bool escape = true;       // variable: {{name}} rather than {{{name}}} or {{& name}}
  bool dynamic = false;     // partial, parent: the name is the value of `path`
  bool standalone = false;  // partial, parent, block: alone on its line, so it indents
  std::uint32_t end = 0;    // section, inverted, parent, block: the node after the body
  std::string text;         // text: the text; partial, parent, block: the name
  std::string indent;       // standalone partial, parent, block: what its lines are indented by
  Path path;                // variable, section, inverted, dynamic partial or parent
  std::optional<ValueFormat> format;  // variable: how it writes its value, after a '|'
};

}  // namespace mustache

struct CompiledTemplate {
  std::string text;
  std::vector<mustache::Node> nodes;
  std::vector<std::string> names;  // see Template::names()
  bool has_tags = false;
};

// The compiled form behind a Template, for the renderer.
struct TemplateAccess {
  static const CompiledTemplate* compiled(const Template& tmpl) noexcept {
    return tmpl.compiled_.get();
  }
  static Template make(std::shared_ptr<const CompiledTemplate> compiled) {
    Template tmpl;
    tmpl.compiled_ = std::move(compiled);
    return tmpl;
  }
};

}  // namespace ablauf::detail
