#include "ablauf/template.hpp"

#include "template/template_ast.hpp"
#include "template/template_parser.hpp"

#include <algorithm>

namespace ablauf {

Template::Template() = default;

tl::expected<Template, TemplateError> Template::compile(std::string_view text,
                                                        const TemplateLimits& limits) {
  return detail::mustache::compile_template(text, limits).map(detail::TemplateAccess::make);
}

const std::string& Template::text() const noexcept {
  static const std::string empty;
  return compiled_ ? compiled_->text : empty;
}

bool Template::has_tags() const noexcept {
  return compiled_ && compiled_->has_tags;
}

std::vector<std::string> Template::names() const {
  return compiled_ ? compiled_->names : std::vector<std::string>{};
}

std::vector<std::string> Template::unescaped_names() const {
  std::vector<std::string> names;
  if (!compiled_) return names;
  for (const auto& node : compiled_->nodes) {
    if (node.kind != detail::mustache::NodeKind::variable || node.escape) continue;
    std::string name = node.path.empty() ? "." : node.path.front();  // "." : the element itself
    for (std::size_t i = 1; i < node.path.size(); ++i) name.append(".").append(node.path[i]);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

RenderOptions render_options(const TemplateLimits& limits, Escape escape,
                             const TemplatePartials* partials) {
  return {.escape = escape,
          .partials = partials,
          .max_output_bytes = limits.max_output_bytes,
          .max_partial_depth = limits.max_partial_depth,
          .max_render_steps = limits.max_render_steps};
}

tl::expected<std::string, RenderError> render(const Template& tmpl, const boost::json::value& data,
                                              const RenderOptions& options) {
  std::string out;
  if (auto rendered = render(tmpl, data, out, options); !rendered)
    return tl::make_unexpected(std::move(rendered.error()));
  return out;
}

}  // namespace ablauf
