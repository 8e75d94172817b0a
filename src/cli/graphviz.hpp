// Rendering DOT through Graphviz's `dot` program, for `graph --format svg`.
#pragma once

#include <ostream>
#include <string>

namespace ablauf::cli {

// Writes the SVG that `dot -Tsvg` makes of `dot_text` to `out`. Prints why not and returns false
// if `dot` is not on the PATH (saying how to install it) or fails.
bool render_svg(const std::string& dot_text, std::ostream& out);

}  // namespace ablauf::cli
