// JsonLogic rules, compiled into the same Program as text expressions.
#pragma once

#include "program.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

namespace ablauf::detail {

tl::expected<Program, ExpressionError> compile_jsonlogic(const boost::json::value& rule,
                                                         const CompileOptions& options);

}  // namespace ablauf::detail
