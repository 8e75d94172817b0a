// JsonLogic's own operations where they differ from the text language's functions.
#include "function_support.hpp"
#include "javascript.hpp"
#include "path.hpp"

#include <cmath>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

using Args = std::span<const Val>;

FunctionResult cat(Args args, const CallContext&) {
  std::string out;
  for (const auto& arg : args) js::append_string(arg.get(), out);
  return json::value(std::move(out));
}

// Math.min / Math.max over the arguments as numbers; NaN if one is not a number.
template <bool Greatest>
FunctionResult extreme(Args args, const CallContext&) {
  if (args.empty()) return json::value(nullptr);
  double best = Greatest ? -INFINITY : INFINITY;
  for (const auto& arg : args) {
    const double x = js::to_number(arg.get());
    if (std::isnan(x))
      return tl::make_unexpected(Failure{"NaN", "min/max of a value that is not a number"});
    best = Greatest ? std::fmax(best, x) : std::fmin(best, x);
  }
  return number_value(best);
}

// A key is missing when its value is absent, null or "".
bool is_missing(const json::value* scope, std::string_view key) {
  const auto segments = split_dotted(key);
  const auto* v = resolve(scope, segments);
  return !v || v->is_null() || (v->is_string() && v->get_string().empty());
}

std::vector<std::string> key_list(Args args) {
  std::vector<std::string> keys;
  const auto add = [&](const json::value& v) {
    std::string key;
    js::append_string(v, key);
    keys.push_back(std::move(key));
  };
  if (!args.empty() && args[0]->is_array()) {
    for (const auto& v : args[0]->get_array()) add(v);
  } else {
    for (const auto& arg : args) add(arg.get());
  }
  return keys;
}

FunctionResult missing(Args args, const CallContext& context) {
  json::array out;
  for (const auto& key : key_list(args))
    if (is_missing(context.scope, key)) out.emplace_back(key);
  return json::value(std::move(out));
}

// missing_some(need, keys): [] when at least `need` of the keys are present, else the missing.
FunctionResult missing_some(Args args, const CallContext& context) {
  if (!args[1]->is_array())
    return wrong_argument("missing_some", 1, "a list of keys", args[1].get());
  const double need = js::to_number(args[0].get());
  json::array out;
  std::size_t present = 0;
  for (const auto& v : args[1]->get_array()) {
    std::string key;
    js::append_string(v, key);
    if (is_missing(context.scope, key)) {
      out.emplace_back(key);
    } else {
      ++present;
    }
  }
  if (static_cast<double>(present) >= need) out.clear();
  return json::value(std::move(out));
}

// log(value) returns its argument (JsonLogic prints it; an engine has no console).
FunctionResult log(Args args, const CallContext&) {
  return json::value(args[0].get());
}

constexpr Function functions[] = {
    {"cat", 0, Function::any_number, "cat(value, …)", cat, kind::string},
    {"min", 0, Function::any_number, "min(number, …)", extreme<false>, kind::number | kind::null},
    {"max", 0, Function::any_number, "max(number, …)", extreme<true>, kind::number | kind::null},
    {"missing", 0, Function::any_number, "missing(key, …)", missing, kind::array},
    {"missing_some", 2, 2, "missing_some(count, keys)", missing_some, kind::array},
    {"log", 1, 1, "log(value)", log},
};

}  // namespace

std::span<const Function> jsonlogic_functions() {
  return functions;
}

}  // namespace ablauf::detail
