// Block indentation for template inheritance: a block's lines lose the margin they have where
// the block is written and take the indentation of the place it is expanded, so an override
// written at column 0 lines up inside an indented parent (the spec's "Block reindentation").
#include "template/template_parser.hpp"

#include <algorithm>
#include <optional>

namespace ablauf::detail::mustache {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::size_t leading_blanks(std::string_view text, std::size_t at_most) {
  std::size_t n = 0;
  while (n < text.size() && n < at_most && is_blank(text[n])) ++n;
  return n;
}

}  // namespace

std::string common_margin(std::string_view content) {
  std::optional<std::string_view> margin;
  std::size_t begin = 0;
  while (begin < content.size()) {
    const std::size_t newline = content.find('\n', begin);
    const std::string_view line =
        content.substr(begin, newline == std::string_view::npos ? newline : newline - begin);
    begin = newline == std::string_view::npos ? content.size() : newline + 1;
    const std::size_t indent = leading_blanks(line, line.size());
    if (line.find_first_not_of(" \t\r", indent) == std::string_view::npos) continue;  // blank
    const std::string_view own = line.substr(0, indent);
    if (!margin) {
      margin = own;
      continue;
    }
    const auto [ends, _] = std::mismatch(margin->begin(), margin->end(), own.begin(), own.end());
    margin = margin->substr(0, static_cast<std::size_t>(ends - margin->begin()));
  }
  return std::string(margin.value_or(std::string_view()));
}

void apply_block_margins(CompiledTemplate& compiled, const std::vector<BlockMargin>& blocks) {
  struct Scope {
    std::uint32_t end;
    std::size_t margin;
  };
  std::vector<Scope> scopes;  // the standalone blocks around the current node, innermost last
  auto next = blocks.begin();
  auto& nodes = compiled.nodes;
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    while (!scopes.empty() && scopes.back().end <= i) scopes.pop_back();
    const std::size_t margin = scopes.empty() ? 0 : scopes.back().margin;
    Node& node = nodes[i];
    if (margin > 0 && node.kind == NodeKind::text && node.line_start) {
      node.text.erase(0, leading_blanks(node.text, margin));
      if (node.text.empty()) {  // what followed the margin now starts the line
        node.line_start = false;
        if (i + 1 < nodes.size()) nodes[i + 1].line_start = true;
      }
    } else if (margin > 0 && node.standalone) {
      node.indent.erase(0, leading_blanks(node.indent, margin));
    }
    if (next != blocks.end() && next->node == i) {
      // Its own margin, past the enclosing one, is the indentation it expands with.
      if (next->margin.size() > margin) node.indent = next->margin.substr(margin);
      scopes.push_back({node.end, std::max(margin, next->margin.size())});
      ++next;
    }
  }
}

}  // namespace ablauf::detail::mustache
