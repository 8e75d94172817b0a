// How a template reads the data (internal): name lookup on the context stack, truthiness and
// writing a value as (escaped) text.
#pragma once

#include "template/template_ast.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail::mustache {

// The contexts a name is looked up in; the innermost (the current section's element) last.
using ContextStack = std::vector<const boost::json::value*>;

// The spec's name resolution: "." is the innermost context; otherwise the first part is looked
// up in the innermost object that has it, and each further part inside the value found (a
// list by position). nullptr if any part is missing.
const boost::json::value* resolve(const Path& path, const ContextStack& contexts);

// Whether a section renders for `value` (nullptr: a missing name). See template.hpp.
bool is_truthy(const boost::json::value* value) noexcept;

// Appends `value` as text, HTML-escaped if `escape`. `scratch` is reused for non-strings.
void append_value(const boost::json::value& value, bool escape, std::string& out,
                  std::string& scratch);

}  // namespace ablauf::detail::mustache
