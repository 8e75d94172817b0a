// Shorthands for declaring and reading the parameters of built-in step types (internal).
#pragma once

#include "ablauf/step_type.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

inline constexpr bool required = true;

inline ParameterSpec param(std::string name, ParameterType type, bool is_required = false,
                           std::vector<std::string> allowed = {}) {
  return {std::move(name), type, is_required, std::move(allowed)};
}

// The schema of what a built-in type's steps publish as their output (StepTypeSpec::output),
// from its JSON text; the text is the library's own, so a schema that does not read is a bug.
DataSchema declared_output(std::string_view schema);

// The output of a step type whose steps publish none: steps.<id>.output reads null.
DataSchema no_output();

inline bool always_waits(const StepDefinition& /*step*/) {
  return true;
}

// A rendered parameter as text ("" when absent).
std::string text_parameter(const boost::json::object& parameters, std::string_view name);

// Whether a rendered parameter is true.
bool flag_parameter(const boost::json::object& parameters, std::string_view name);

// Whether a parameter's value, computed at run time ({"=": …}), is of the JSON type the
// parameter declares; the loader checks written values, but a computed one is known only now.
bool fits(ParameterType type, const boost::json::value& value) noexcept;

// Why `value` cannot be the default of the parameter `spec` ("" when it can): a default is a
// value of the parameter's type, one of its allowed values, not computed ({"=": …}), and only
// for a parameter that is not required.
std::string default_problem(const ParameterSpec& spec, const boost::json::value& value);

// Why `group` cannot be one of spec's exactly_one_of groups ("" when it can): a group names two
// or more of its parameters, each once, none of them required or with a default (a step could
// then never give exactly one).
std::string exactly_one_of_problem(const StepTypeSpec& spec, const std::vector<std::string>& group);

// Text of a rendered parameter that may be localized ({"de": …, "en": …}): in `language`, else
// in `fallback`, else the first given.
std::string text_in(const boost::json::value& value, std::string_view language,
                    std::string_view fallback);

}  // namespace ablauf::detail
