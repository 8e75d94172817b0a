// Rendering: a loop over nodes with an explicit stack of frames, one per section, partial,
// parent or block being rendered. Section nesting is bounded when compiling and partial depth
// when rendering, so the stack is too; every node and iteration counts against a step budget.
#include "template/template_ast.hpp"
#include "template/template_values.hpp"

#include "value_text.hpp"

namespace ablauf {
namespace {

using detail::CompiledTemplate;
using detail::mustache::Node;
using detail::mustache::NodeKind;

// A block that replaces the parent's block of the same name: nodes [body, end) of `source`.
struct Override {
  std::string_view name;
  const CompiledTemplate* source;
  std::uint32_t body;
  std::uint32_t end;
};

struct Frame {
  const CompiledTemplate* source;
  std::uint32_t next;  // node to render
  std::uint32_t end;   // of the range this frame renders
  std::uint32_t body;  // where the range starts, for the next element of `list`
  const boost::json::array* list = nullptr;
  std::size_t index = 0;
  // What to restore when the frame ends.
  std::size_t contexts;
  std::size_t indent_end;
  std::size_t indent_begin;
  std::size_t overrides;
  std::size_t depth;
};

class Renderer {
 public:
  Renderer(const RenderOptions& options, std::string& out)
      : options_(options), out_(out), start_(out.size()) {}

  tl::expected<void, RenderError> run(const CompiledTemplate& root, const boost::json::value& data);

 private:
  void push(const CompiledTemplate& source, std::uint32_t begin, std::uint32_t end) {
    frames_.push_back({&source, begin, end, begin, nullptr, 0, contexts_.size(), indent_.size(),
                       indent_begin_, overrides_.size(), depth_});
  }
  void pop() {
    const Frame& frame = frames_.back();
    contexts_.resize(frame.contexts);
    indent_.resize(frame.indent_end);
    indent_begin_ = frame.indent_begin;
    overrides_.resize(frame.overrides);
    depth_ = frame.depth;
    frames_.pop_back();
  }
  void write_indent() {
    if (indent_begin_ < indent_.size()) out_.append(indent_, indent_begin_);
  }
  // What a standalone tag expands is indented by its own indentation on top of the current
  // one; what another tag expands is not indented at all (the spec's "Inline Indentation").
  void indent_for(const Node& node) {
    if (node.standalone)
      indent_ += node.indent;
    else
      indent_begin_ = indent_.size();
  }
  tl::unexpected<RenderError> fail(std::string message) {
    out_.resize(start_);
    return tl::make_unexpected(RenderError{std::move(message)});
  }
  // A variable's value, in its format if it has one that can read the value.
  void write_value(const Node& node, const boost::json::value& value, bool escape) {
    if (node.format) {
      scratch_.clear();
      const boost::json::value* currency =
          node.format->currency_path.empty()
              ? nullptr
              : detail::mustache::resolve(node.format->currency_path, contexts_);
      if (detail::append_formatted(*node.format, value, options_.locale, scratch_, currency)) {
        if (escape)
          detail::append_html_escaped(scratch_, out_);
        else
          out_ += scratch_;
        return;
      }
    }
    detail::mustache::append_value(value, escape, out_, scratch_);
  }
  // The partial (or parent) a node names; nullptr if there is none.
  const CompiledTemplate* find_partial(const Node& node);
  tl::expected<void, RenderError> enter_partial(const Node& node);
  tl::expected<void, RenderError> enter_parent(const CompiledTemplate& source, std::uint32_t at);
  tl::expected<void, RenderError> enter_block(const CompiledTemplate& source, std::uint32_t at);
  void enter_section(const CompiledTemplate& source, std::uint32_t at);

  const RenderOptions& options_;
  std::string& out_;
  const std::size_t start_;
  std::vector<Frame> frames_;
  detail::mustache::ContextStack contexts_;
  std::vector<Override> overrides_;  // outermost first: the first match wins
  std::string indent_;               // the current indentation is indent_[indent_begin_, end)
  std::size_t indent_begin_ = 0;
  std::size_t depth_ = 0;
  std::size_t steps_ = 0;
  std::string scratch_;
};

const CompiledTemplate* Renderer::find_partial(const Node& node) {
  if (options_.partials == nullptr) return nullptr;
  std::string_view name = node.text;
  if (node.dynamic) {
    const boost::json::value* value = detail::mustache::resolve(node.path, contexts_);
    if (value == nullptr || value->is_structured() || value->is_null()) return nullptr;
    scratch_.clear();
    detail::append_text(*value, scratch_);
    name = scratch_;
  }
  const auto found = options_.partials->find(name);
  if (found == options_.partials->end()) return nullptr;
  const CompiledTemplate* partial = detail::TemplateAccess::compiled(found->second);
  return partial != nullptr && !partial->nodes.empty() ? partial : nullptr;
}

tl::expected<void, RenderError> Renderer::enter_partial(const Node& node) {
  const CompiledTemplate* partial = find_partial(node);
  if (partial == nullptr) return {};
  if (depth_ >= options_.max_partial_depth)
    return fail("partial '" + std::string(node.text) + "' is nested more than " +
                std::to_string(options_.max_partial_depth) + " deep; does it include itself?");
  push(*partial, 0, static_cast<std::uint32_t>(partial->nodes.size()));
  ++depth_;
  indent_for(node);
  return {};
}

tl::expected<void, RenderError> Renderer::enter_parent(const CompiledTemplate& source,
                                                       std::uint32_t at) {
  const Node& node = source.nodes[at];
  const CompiledTemplate* parent = find_partial(node);
  if (parent == nullptr) return {};
  if (depth_ >= options_.max_partial_depth)
    return fail("parent '" + std::string(node.text) + "' is nested more than " +
                std::to_string(options_.max_partial_depth) + " deep; does it include itself?");
  push(*parent, 0, static_cast<std::uint32_t>(parent->nodes.size()));
  ++depth_;
  indent_for(node);
  // The blocks directly inside the parent tag; anything else there is ignored.
  for (std::uint32_t i = at + 1; i < node.end;) {
    const Node& child = source.nodes[i];
    if (child.kind == NodeKind::block)
      overrides_.push_back({child.text, &source, i + 1, child.end});
    const bool has_body = child.kind == NodeKind::section || child.kind == NodeKind::inverted ||
                          child.kind == NodeKind::parent || child.kind == NodeKind::block;
    i = has_body ? child.end : i + 1;
  }
  return {};
}

tl::expected<void, RenderError> Renderer::enter_block(const CompiledTemplate& source,
                                                      std::uint32_t at) {
  const Node& node = source.nodes[at];
  const CompiledTemplate* from = &source;
  std::uint32_t body = at + 1;
  std::uint32_t end = node.end;
  bool overridden = false;
  for (const Override& candidate : overrides_) {
    if (candidate.name != node.text) continue;
    // An override may hold its own block again: count expansions like partials.
    if (depth_ >= options_.max_partial_depth)
      return fail("block '" + std::string(node.text) + "' is nested more than " +
                  std::to_string(options_.max_partial_depth) + " deep; does it include itself?");
    from = candidate.source;
    body = candidate.body;
    end = candidate.end;
    overridden = true;
    break;
  }
  if (body == end) return {};
  push(*from, body, end);
  if (overridden) ++depth_;
  if (node.standalone) {
    indent_ += node.indent;
    // Every line of the content is indented, the first included.
    if (!from->nodes[body].line_start) write_indent();
  }
  return {};
}

void Renderer::enter_section(const CompiledTemplate& source, std::uint32_t at) {
  const Node& node = source.nodes[at];
  const boost::json::value* value = detail::mustache::resolve(node.path, contexts_);
  if (!detail::mustache::is_truthy(value)) return;
  push(source, at + 1, node.end);
  if (const auto* list = value->if_array()) {
    frames_.back().list = list;
    contexts_.push_back(&list->front());
  } else {
    contexts_.push_back(value);
  }
}

tl::expected<void, RenderError> Renderer::run(const CompiledTemplate& root,
                                              const boost::json::value& data) {
  contexts_.push_back(&data);
  push(root, 0, static_cast<std::uint32_t>(root.nodes.size()));
  const bool html = options_.escape == Escape::html;
  while (!frames_.empty()) {
    if (++steps_ > options_.max_render_steps)
      return fail("rendering takes more than " + std::to_string(options_.max_render_steps) +
                  " steps");
    Frame& frame = frames_.back();
    if (frame.next == frame.end) {
      if (frame.list != nullptr && ++frame.index < frame.list->size()) {
        contexts_.back() = &(*frame.list)[frame.index];
        frame.next = frame.body;
      } else {
        pop();
      }
      continue;
    }
    const CompiledTemplate& source = *frame.source;
    const std::uint32_t at = frame.next++;
    const Node& node = source.nodes[at];
    if (node.line_start) write_indent();
    switch (node.kind) {
      case NodeKind::text: out_ += node.text; break;
      case NodeKind::variable:
        if (const auto* value = detail::mustache::resolve(node.path, contexts_))
          write_value(node, *value, html && node.escape);
        break;
      case NodeKind::section:
        frame.next = node.end;  // before push(), which may move `frame`
        enter_section(source, at);
        break;
      case NodeKind::inverted:
        // The body follows the tag: render on into it, or skip it.
        if (detail::mustache::is_truthy(detail::mustache::resolve(node.path, contexts_)))
          frame.next = node.end;
        break;
      case NodeKind::partial:
        if (auto entered = enter_partial(node); !entered) return entered;
        break;
      case NodeKind::parent:
        frame.next = node.end;
        if (auto entered = enter_parent(source, at); !entered) return entered;
        break;
      case NodeKind::block:
        frame.next = node.end;
        if (auto entered = enter_block(source, at); !entered) return entered;
        break;
    }
    if (out_.size() - start_ > options_.max_output_bytes)
      return fail("the output is larger than " + std::to_string(options_.max_output_bytes) +
                  " bytes");
  }
  return {};
}

}  // namespace

tl::expected<void, RenderError> render(const Template& tmpl, const boost::json::value& data,
                                       std::string& out, const RenderOptions& options) {
  const detail::CompiledTemplate* compiled = detail::TemplateAccess::compiled(tmpl);
  if (compiled == nullptr) return {};
  return Renderer(options, out).run(*compiled, data);
}

}  // namespace ablauf
