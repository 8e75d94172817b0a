// Compiling Mustache text into nodes (internal).
#pragma once

#include "template/template_ast.hpp"

#include <tl/expected.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail::mustache {

tl::expected<std::shared_ptr<const CompiledTemplate>, TemplateError> compile_template(
    std::string_view text, const TemplateLimits& limits);

// The indentation that every non-blank line of `content` starts with.
std::string common_margin(std::string_view content);

// A block whose opening tag stands alone, with the margin of its content in the source.
struct BlockMargin {
  std::uint32_t node = 0;
  std::string margin;
};

// Inheritance moves a block's lines to where it is expanded: the margin of a standalone
// block's content is removed here, and its own indentation (the margin, else the whitespace
// before its tag) is added back when rendering. REQUIRES: `blocks` in order of their nodes.
void apply_block_margins(CompiledTemplate& compiled, const std::vector<BlockMargin>& blocks);

}  // namespace ablauf::detail::mustache
