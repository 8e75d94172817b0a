/// @file
/// A step graph drawn as SVG, by Graphviz: the DOT of to_dot() laid out by Graphviz's `dot`
/// program, run as a child process. Graphviz is not linked: a host without it on the PATH gets
/// an error saying how to install it, and DOT or Mermaid to render elsewhere.
///
/// Thread-safety: render_svg() may be called from several threads at once; each call runs its
/// own `dot`.
#pragma once

#include <ablauf/error.hpp>

#include <tl/expected.hpp>

#include <string>
#include <string_view>

namespace ablauf {

/// The SVG `dot -Tsvg` makes of `dot_text`. An io_error when `dot` is not on the PATH (saying
/// how to install it), cannot be run, or fails.
tl::expected<std::string, Error> render_svg(std::string_view dot_text);

}  // namespace ablauf
