#include "template/template_parser.hpp"

#include "template/template_tag.hpp"

#include <algorithm>
#include <optional>
#include <set>

namespace ablauf::detail::mustache {
namespace {

tl::unexpected<TemplateError> fail(std::size_t offset, std::string message) {
  return tl::make_unexpected(TemplateError{offset, std::move(message)});
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// A section, inverted section, parent or block waiting for its closing tag.
struct OpenTag {
  std::uint32_t node = 0;
  Tag tag;
  std::size_t content_begin = 0;
  bool standalone = false;
};

class Parser {
 public:
  Parser(std::string_view text, const TemplateLimits& limits, CompiledTemplate& out)
      : text_(text),
        limits_(limits),
        out_(out),
        first_nonblank_(std::min(text.find_first_not_of(" \t"), text.size())) {}

  tl::expected<void, TemplateError> run();

 private:
  // Moves to the line holding `pos`. REQUIRES: `pos` does not decrease from call to call, so
  // that each character is looked at once however many tags a line has.
  void move_to_line_of(std::size_t pos) {
    const std::size_t newline = text_.substr(scanned_, pos - scanned_).rfind('\n');
    if (newline != std::string_view::npos) {
      line_ = scanned_ + newline + 1;
      first_nonblank_ = std::min(text_.find_first_not_of(" \t", line_), text_.size());
    }
    scanned_ = pos;
  }
  bool at_line_start(std::size_t pos) const { return pos == 0 || text_[pos - 1] == '\n'; }
  // If only blanks follow `pos` up to the end of its line: the start of the next line.
  std::optional<std::size_t> rest_of_line_blank(std::size_t pos) const;
  // The tag right after `first` that shares its line as a pair of tags standing alone
  // together, as inheritance allows: {{<parent}}{{$block}}, {{$block}}{{/block}},
  // {{<parent}}{{/parent}} and {{/block}}{{/parent}}.
  std::optional<Tag> pair_of(const Tag& first) const;

  void add_text(std::size_t begin, std::size_t end);
  void add_name(std::string_view name);
  tl::expected<Path, TemplateError> split_name(const Tag& tag) const;
  // `boundary`: where the body starts (opening tags) or ends (closing tags).
  tl::expected<void, TemplateError> add_tag(const Tag& tag, bool standalone,
                                            std::string_view indent, std::size_t boundary);
  tl::expected<void, TemplateError> open(const Tag& tag, Node node, bool standalone,
                                         std::size_t boundary);
  tl::expected<void, TemplateError> close(const Tag& tag, std::size_t boundary);
  tl::expected<void, TemplateError> set_delimiters(const Tag& tag);

  std::string_view text_;
  const TemplateLimits& limits_;
  CompiledTemplate& out_;
  std::string open_ = "{{";
  std::string close_ = "}}";
  std::vector<OpenTag> open_tags_;
  std::size_t scoped_ = 0;  // open sections and parents: names inside are not the data's own
  std::vector<BlockMargin> blocks_;
  std::set<std::string_view> names_;  // in out_.names
  std::size_t scanned_ = 0;           // for newlines, up to here
  std::size_t line_ = 0;              // where the current line starts
  std::size_t first_nonblank_ = 0;    // on the current line, or later
};

std::optional<std::size_t> Parser::rest_of_line_blank(std::size_t pos) const {
  while (pos < text_.size() && is_blank(text_[pos])) ++pos;
  if (pos == text_.size()) return pos;
  if (text_[pos] == '\n') return pos + 1;
  if (text_.compare(pos, 2, "\r\n") == 0) return pos + 2;
  return std::nullopt;
}

std::optional<Tag> Parser::pair_of(const Tag& first) const {
  if (first.sigil != '<' && first.sigil != '$' && first.sigil != '/') return std::nullopt;
  if (text_.compare(first.end, open_.size(), open_) != 0) return std::nullopt;
  auto second = read_tag(text_, first.end, open_, close_);
  if (!second) return std::nullopt;  // reported when the parser reaches it
  const bool same_name = second->name == first.name && second->dynamic == first.dynamic;
  switch (first.sigil) {
    case '<':
      if (second->sigil == '$' || (second->sigil == '/' && same_name)) return *second;
      break;
    case '$':
      if (second->sigil == '/' && same_name) return *second;
      break;
    case '/': {
      const std::size_t n = open_tags_.size();
      if (second->sigil == '/' && n >= 2 && open_tags_[n - 1].tag.sigil == '$' &&
          open_tags_[n - 1].tag.name == first.name && open_tags_[n - 2].tag.sigil == '<' &&
          open_tags_[n - 2].tag.name == second->name)
        return *second;
      break;
    }
  }
  return std::nullopt;
}

void Parser::add_text(std::size_t begin, std::size_t end) {
  while (begin < end) {
    const std::size_t newline = text_.find('\n', begin);
    const std::size_t stop =
        newline == std::string_view::npos || newline >= end ? end : newline + 1;
    Node node;
    node.kind = NodeKind::text;
    node.line_start = at_line_start(begin);
    node.text = text_.substr(begin, stop - begin);
    out_.nodes.push_back(std::move(node));
    begin = stop;
  }
}

void Parser::add_name(std::string_view name) {
  if (scoped_ == 0 && names_.insert(name).second) out_.names.emplace_back(name);
}

tl::expected<Path, TemplateError> Parser::split_name(const Tag& tag) const {
  Path path;
  if (tag.name == ".") return path;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = tag.name.find('.', begin);
    const std::string_view part = tag.name.substr(begin, dot - begin);
    if (part.empty())
      return fail(tag.name_offset + begin, "the name '" + std::string(tag.name) +
                                               "' has an empty part; write names as a.b.c");
    path.emplace_back(part);
    if (dot == std::string_view::npos) return path;
    begin = dot + 1;
  }
}

tl::expected<void, TemplateError> Parser::open(const Tag& tag, Node node, bool standalone,
                                               std::size_t boundary) {
  if (open_tags_.size() >= limits_.max_nesting)
    return fail(tag.start, std::string(sigil_noun(tag.sigil)) + " '" + std::string(tag.name) +
                               "' is nested more than " + std::to_string(limits_.max_nesting) +
                               " deep (max_nesting)");
  open_tags_.push_back({static_cast<std::uint32_t>(out_.nodes.size()), tag, boundary, standalone});
  if (tag.sigil == '#' || tag.sigil == '<') ++scoped_;
  out_.nodes.push_back(std::move(node));
  return {};
}

tl::expected<void, TemplateError> Parser::close(const Tag& tag, std::size_t boundary) {
  const std::string name = (tag.dynamic ? "*" : "") + std::string(tag.name);
  if (open_tags_.empty()) return fail(tag.start, "closing tag '" + name + "' has no open section");
  const OpenTag& opened = open_tags_.back();
  if (opened.tag.name != tag.name || opened.tag.dynamic != tag.dynamic)
    return fail(tag.start, "closing tag '" + name + "' does not match the open " +
                               std::string(sigil_noun(opened.tag.sigil)) + " '" +
                               (opened.tag.dynamic ? "*" : "") + std::string(opened.tag.name) +
                               "'");
  out_.nodes[opened.node].end = static_cast<std::uint32_t>(out_.nodes.size());
  if (opened.tag.sigil == '$' && opened.standalone && opened.content_begin < boundary)
    blocks_.push_back({opened.node, common_margin(text_.substr(opened.content_begin,
                                                               boundary - opened.content_begin))});
  if (opened.tag.sigil == '#' || opened.tag.sigil == '<') --scoped_;
  open_tags_.pop_back();
  return {};
}

tl::expected<void, TemplateError> Parser::set_delimiters(const Tag& tag) {
  const auto bad = [&](const std::string& why) {
    return fail(tag.start, "set-delimiter tag '" + tag_excerpt(text_, tag) + "' " + why +
                               "; write two delimiters between '=', as in {{=<% %>=}}");
  };
  const std::string_view content = tag.name;
  const std::size_t gap = content.find_first_of(" \t\r\n");
  if (content.empty() || gap == std::string_view::npos) return bad("needs two delimiters");
  const std::size_t second = content.find_first_not_of(" \t\r\n", gap);
  const std::string_view open = content.substr(0, gap);
  const std::string_view close = content.substr(second);
  if (close.find_first_of(" \t\r\n") != std::string_view::npos)
    return bad("has more than two delimiters");
  if (open.find('=') != std::string_view::npos || close.find('=') != std::string_view::npos)
    return bad("has a delimiter with '=' in it");
  open_ = open;
  close_ = close;
  return {};
}

tl::expected<void, TemplateError> Parser::add_tag(const Tag& tag, bool standalone,
                                                  std::string_view indent, std::size_t boundary) {
  Node node;
  node.line_start = !standalone && at_line_start(tag.start);
  switch (tag.sigil) {
    case '!': return {};
    case '=': return set_delimiters(tag);
    case '/': return close(tag, boundary);
    case '>':
    case '<':
      node.kind = tag.sigil == '>' ? NodeKind::partial : NodeKind::parent;
      node.text = tag.name;
      node.dynamic = tag.dynamic;
      node.standalone = standalone;
      if (standalone) node.indent = indent;
      if (tag.dynamic) {
        auto path = split_name(tag);
        if (!path) return tl::make_unexpected(path.error());
        node.path = std::move(*path);
        add_name(tag.name);
      }
      if (tag.sigil == '<') return open(tag, std::move(node), standalone, boundary);
      out_.nodes.push_back(std::move(node));
      return {};
    case '$':
      node.kind = NodeKind::block;
      node.text = tag.name;
      node.standalone = standalone;
      if (standalone) node.indent = indent;
      return open(tag, std::move(node), standalone, boundary);
    default: break;
  }
  auto path = split_name(tag);
  if (!path) return tl::make_unexpected(path.error());
  node.path = std::move(*path);
  if (tag.name != ".") add_name(tag.name);
  switch (tag.sigil) {
    case '#':
      node.kind = NodeKind::section;
      return open(tag, std::move(node), standalone, boundary);
    case '^':
      node.kind = NodeKind::inverted;
      return open(tag, std::move(node), standalone, boundary);
    default:
      node.kind = NodeKind::variable;
      node.escape = tag.sigil == 0;
      if (!tag.format.empty()) {
        auto format = parse_value_format(tag.format);
        if (!format)
          return tl::make_unexpected(TemplateError{
              tag.format_offset, "in tag '" + tag_excerpt(text_, tag) + "': " + format.error()});
        // A currency read from the data is a name the template reads, as the value's is.
        if (!format->currency_path.empty())
          add_name(tag.format.substr(tag.format.find_last_of(" \t\r\n") + 1));
        node.format = std::move(*format);
      }
      out_.nodes.push_back(std::move(node));
      return {};
  }
}

tl::expected<void, TemplateError> Parser::run() {
  std::size_t pos = 0;         // where to look for the next tag
  std::size_t text_begin = 0;  // of the text not yet added
  while (true) {
    const std::size_t at = text_.find(open_, pos);
    if (at == std::string_view::npos) break;
    auto tag = read_tag(text_, at, open_, close_);
    if (!tag) return tl::make_unexpected(tag.error());
    out_.has_tags = true;

    move_to_line_of(at);
    const std::size_t line = line_;
    const bool blank_before = first_nonblank_ >= at;
    std::optional<std::size_t> after;  // the end of a standalone line
    std::optional<Tag> second;
    if (blank_before && can_stand_alone(tag->sigil)) {
      after = rest_of_line_blank(tag->end);
      if (!after && (second = pair_of(*tag))) {
        after = rest_of_line_blank(second->end);
        if (!after) second.reset();
      }
    }
    if (!after) {
      add_text(text_begin, at);
      if (auto ok = add_tag(*tag, false, {}, tag->sigil == '/' ? at : tag->end); !ok) return ok;
      pos = text_begin = tag->end;
      continue;
    }
    add_text(text_begin, line);
    const std::string_view indent = text_.substr(line, at - line);
    if (!second) {
      if (auto ok = add_tag(*tag, true, indent, tag->sigil == '/' ? line : *after); !ok) return ok;
      pos = text_begin = *after;
      continue;
    }
    // A pair standing alone. An empty block, {{$block}}{{/block}}, keeps its line's end: what
    // replaces it is indented like a line of its own.
    const bool empty_block = tag->sigil == '$';
    const std::size_t first_boundary = tag->sigil == '/' ? line : second->start;
    if (auto ok = add_tag(*tag, true, indent, first_boundary); !ok) return ok;
    const std::size_t second_boundary = second->sigil == '/' ? second->start : *after;
    if (auto ok = add_tag(*second, true, indent, second_boundary); !ok) return ok;
    pos = text_begin = empty_block ? second->end : *after;
  }
  add_text(text_begin, text_.size());
  if (!open_tags_.empty()) {
    const Tag& tag = open_tags_.back().tag;
    return fail(tag.start, std::string(sigil_noun(tag.sigil)) + " '" + (tag.dynamic ? "*" : "") +
                               std::string(tag.name) + "' opened here is never closed");
  }
  if (!blocks_.empty()) {
    // Inner blocks close first; the margins apply outside in.
    std::sort(blocks_.begin(), blocks_.end(),
              [](const BlockMargin& a, const BlockMargin& b) { return a.node < b.node; });
    apply_block_margins(out_, blocks_);
  }
  return {};
}

}  // namespace

tl::expected<std::shared_ptr<const CompiledTemplate>, TemplateError> compile_template(
    std::string_view text, const TemplateLimits& limits) {
  if (text.size() > limits.max_template_bytes)
    return fail(limits.max_template_bytes,
                "the template has " + std::to_string(text.size()) + " bytes; the limit is " +
                    std::to_string(limits.max_template_bytes) + " (max_template_bytes)");
  auto compiled = std::make_shared<CompiledTemplate>();
  compiled->text = text;
  if (auto ok = Parser(compiled->text, limits, *compiled).run(); !ok)
    return tl::make_unexpected(ok.error());
  return compiled;
}

}  // namespace ablauf::detail::mustache
