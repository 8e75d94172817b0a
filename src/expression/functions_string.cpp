#include "function_support.hpp"
#include "utf8.hpp"
#include "value_text.hpp"

#include <boost/regex.hpp>

#include <algorithm>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

using Args = std::span<const Val>;

// Patterns are ECMAScript regular expressions; Boost.Regex refuses a match that would take
// too long (catastrophic backtracking) instead of hanging, and so do we.
constexpr std::size_t max_pattern_length = 1000;

FunctionResult size(Args args, const CallContext&) {
  const auto& v = args[0].get();
  switch (v.kind()) {
    case json::kind::null: return json::value(0);
    case json::kind::string:
      return json::value(static_cast<std::int64_t>(utf8::length(v.get_string())));
    case json::kind::array: return json::value(static_cast<std::int64_t>(v.get_array().size()));
    case json::kind::object: return json::value(static_cast<std::int64_t>(v.get_object().size()));
    default: return wrong_argument("size", 0, "a string, list or object", v);
  }
}

template <std::string (*Convert)(std::string_view)>
FunctionResult convert_case(std::string_view name, Args args) {
  const auto& v = args[0].get();
  if (!v.is_string()) return wrong_argument(name, 0, "a string", v);
  return json::value(Convert(v.get_string()));
}

FunctionResult lower(Args args, const CallContext&) {
  return convert_case<utf8::to_lower>("lower", args);
}
FunctionResult upper(Args args, const CallContext&) {
  return convert_case<utf8::to_upper>("upper", args);
}

FunctionResult trim(Args args, const CallContext&) {
  const auto& v = args[0].get();
  if (!v.is_string()) return wrong_argument("trim", 0, "a string", v);
  std::string_view s = v.get_string();
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return json::value(s);
}

FunctionResult contains(Args args, const CallContext&) {
  const auto& haystack = args[0].get();
  const auto& needle = args[1].get();
  if (haystack.is_array()) {
    const auto& list = haystack.get_array();
    return json::value(std::any_of(list.begin(), list.end(), [&](const json::value& element) {
      return strictly_equal(element, needle);
    }));
  }
  if (!haystack.is_string()) return wrong_argument("contains", 0, "a string or list", haystack);
  if (!needle.is_string()) return wrong_argument("contains", 1, "a string", needle);
  return json::value(haystack.get_string().subview().find(needle.get_string()) !=
                     std::string_view::npos);
}

template <bool AtStart>
FunctionResult affix(std::string_view name, Args args) {
  const auto& s = args[0].get();
  const auto& part = args[1].get();
  if (!s.is_string()) return wrong_argument(name, 0, "a string", s);
  if (!part.is_string()) return wrong_argument(name, 1, "a string", part);
  const std::string_view text = s.get_string();
  return json::value(AtStart ? text.starts_with(std::string_view(part.get_string()))
                             : text.ends_with(std::string_view(part.get_string())));
}

FunctionResult starts_with(Args args, const CallContext&) {
  return affix<true>("starts_with", args);
}
FunctionResult ends_with(Args args, const CallContext&) {
  return affix<false>("ends_with", args);
}

FunctionResult matches(Args args, const CallContext&) {
  const auto& s = args[0].get();
  const auto& pattern = args[1].get();
  if (!s.is_string()) return wrong_argument("matches", 0, "a string", s);
  if (!pattern.is_string()) return wrong_argument("matches", 1, "a pattern string", pattern);
  if (pattern.get_string().size() > max_pattern_length)
    return invalid_argument("matches() takes patterns of at most " +
                            std::to_string(max_pattern_length) + " bytes");
  try {
    // As in JavaScript, ^ and $ match only at the ends of the text and '.' not a line break;
    // Boost.Regex's Perl defaults would match them at every line.
    const boost::regex regex(
        pattern.get_string().begin(), pattern.get_string().end(),
        boost::regex::ECMAScript | boost::regex::no_mod_m | boost::regex::no_mod_s);
    return json::value(boost::regex_search(s.get_string().begin(), s.get_string().end(), regex));
  } catch (const boost::regex_error& e) {
    if (e.code() == boost::regex_constants::error_complexity ||
        e.code() == boost::regex_constants::error_stack)
      return tl::make_unexpected(
          Failure{"budget_exhausted", "matches() gave up: the pattern backtracks too much"});
    return invalid_argument(std::string("matches() got an invalid pattern: ") + e.what());
  } catch (const std::runtime_error& e) {  // Boost.Regex's "memory exhausted" and the like
    return tl::make_unexpected(Failure{"budget_exhausted", std::string("matches(): ") + e.what()});
  }
}

FunctionResult string(Args args, const CallContext&) {
  return json::value(to_text(args[0].get()));
}

// substr(s, start[, length]) in code points; a negative start counts from the end, a negative
// length leaves that many off the end.
FunctionResult substr(Args args, const CallContext&) {
  const auto& s = args[0].get();
  if (!s.is_string()) return wrong_argument("substr", 0, "a string", s);
  if (!args[1]->is_number()) return wrong_argument("substr", 1, "a number", args[1].get());
  if (args.size() > 2 && !args[2]->is_number())
    return wrong_argument("substr", 2, "a number", args[2].get());
  const std::string_view text = s.get_string();
  const auto n = static_cast<std::int64_t>(utf8::length(text));
  // Clamped to ±(n + 1) first: a double beyond int64's range does not convert.
  const auto whole = [n](const json::value& v) {
    const double limit = static_cast<double>(n + 1);
    return static_cast<std::int64_t>(std::clamp(as_double(v), -limit, limit));
  };
  auto start = whole(args[1].get());
  if (start < 0) start = std::max<std::int64_t>(0, n + start);
  start = std::min(start, n);
  std::int64_t end = n;
  if (args.size() > 2) {
    const auto length = whole(args[2].get());
    end = length < 0 ? std::max(start, n + length) : std::min(n, start + length);
  }
  const auto from = utf8::offset_of(text, static_cast<std::size_t>(start));
  const auto to = utf8::offset_of(text, static_cast<std::size_t>(end));
  return json::value(text.substr(from, to - from));
}

constexpr Function functions[] = {
    {"size", 1, 1, "size(string, list or object)", size, kind::number},
    {"lower", 1, 1, "lower(string)", lower, kind::string},
    {"upper", 1, 1, "upper(string)", upper, kind::string},
    {"trim", 1, 1, "trim(string)", trim, kind::string},
    {"contains", 2, 2, "contains(string or list, value)", contains, kind::boolean},
    {"starts_with", 2, 2, "starts_with(string, prefix)", starts_with, kind::boolean},
    {"ends_with", 2, 2, "ends_with(string, suffix)", ends_with, kind::boolean},
    {"matches", 2, 2, "matches(string, pattern)", matches, kind::boolean},
    {"string", 1, 1, "string(value)", string, kind::string},
    {"substr", 2, 3, "substr(string, start[, length])", substr, kind::string},
};

}  // namespace

std::span<const Function> string_functions() {
  return functions;
}

}  // namespace ablauf::detail
