// The standard library: functions callable by name from both syntaxes.
//
// docs/expressions.md describes each one. JsonLogic rules may call every function as an
// operation ({"lower": "ABC"}); a few JsonLogic operations (cat, substr, min, max, merge,
// missing, missing_some, log) keep JsonLogic's own meaning there.
#pragma once

#include "program.hpp"
#include "typing/value_kinds.hpp"
#include "value.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace ablauf::detail {

struct CallContext {
  std::chrono::sys_time<std::chrono::milliseconds> now;
  const boost::json::value* scope = nullptr;  // the data a JsonLogic `var` would read
};

using FunctionResult = tl::expected<boost::json::value, Failure>;

struct Function {
  static constexpr std::size_t any_number = std::numeric_limits<std::size_t>::max();

  std::string_view name;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  std::string_view usage;  // e.g. "size(list or string)", quoted in errors
  FunctionResult (*call)(std::span<const Val> args, const CallContext& context) = nullptr;
  Kinds result = kind::any;  // what it returns, for the loader's type checking
};

// The function called `name` in the given syntax's library, or nullptr.
const Function* find_function(std::string_view name, Semantics semantics);

// Every function name of a library, for did-you-mean suggestions.
std::vector<std::string_view> function_names(Semantics semantics);

// Each part of the library lists its functions.
std::span<const Function> string_functions();
std::span<const Function> number_functions();
std::span<const Function> date_functions();
std::span<const Function> list_functions();
std::span<const Function> jsonlogic_functions();

}  // namespace ablauf::detail
