#include "arithmetic.hpp"
#include "function_support.hpp"

#include <charconv>
#include <cmath>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

using Args = std::span<const Val>;

// round(x[, digits]) rounds half away from zero; floor and ceil round down and up.
template <double (*Round)(double)>
FunctionResult round_with(std::string_view name, Args args) {
  const auto& x = args[0].get();
  if (!x.is_number()) return wrong_argument(name, 0, "a number", x);
  if (x.is_int64() || x.is_uint64()) return json::value(x);
  std::int64_t digits = 0;
  if (args.size() > 1) {
    const auto& d = args[1].get();
    if (!d.is_int64() || d.get_int64() < 0 || d.get_int64() > 15)
      return invalid_argument(std::string(name) + "() takes 0 to 15 digits");
    digits = d.get_int64();
  }
  // From 2^52 up every double is whole; scaling it could only overflow or lose digits.
  if (std::fabs(x.get_double()) >= 4503599627370496.0)
    return digits == 0 ? number_value(x.get_double()) : json::value(x);
  const double scale = std::pow(10.0, static_cast<double>(digits));
  const double rounded = Round(x.get_double() * scale) / scale;
  return digits == 0 ? number_value(rounded) : json::value(rounded);
}

FunctionResult round(Args args, const CallContext&) {
  return round_with<std::round>("round", args);
}
FunctionResult floor(Args args, const CallContext&) {
  return round_with<std::floor>("floor", args);
}
FunctionResult ceil(Args args, const CallContext&) {
  return round_with<std::ceil>("ceil", args);
}

FunctionResult abs(Args args, const CallContext&) {
  const auto& x = args[0].get();
  if (!x.is_number()) return wrong_argument("abs", 0, "a number", x);
  if (as_double(x) >= 0) return json::value(x);
  return negate(x);
}

// min and max take a list, or their values as arguments: min(a, b, c) or min(list).
template <bool Greatest>
FunctionResult extreme(std::string_view name, Args args) {
  const json::value* best = nullptr;
  const auto consider = [&](const json::value& v) -> tl::expected<void, Failure> {
    if (!v.is_number() && !v.is_string())
      return tl::make_unexpected(
          type_mismatch(std::string(name) + "() compares numbers or strings, not " + describe(v)));
    if (!best) {
      best = &v;
      return {};
    }
    const auto order = compare(*best, v);
    if (!order) return tl::make_unexpected(order.error());
    if (Greatest ? *order < 0 : *order > 0) best = &v;
    return {};
  };
  const bool one_list = args.size() == 1 && args[0]->is_array();
  if (one_list) {
    for (const auto& v : args[0]->get_array())
      if (auto ok = consider(v); !ok) return tl::make_unexpected(ok.error());
  } else {
    for (const auto& arg : args)
      if (auto ok = consider(arg.get()); !ok) return tl::make_unexpected(ok.error());
  }
  return best ? json::value(*best) : json::value(nullptr);
}

FunctionResult min(Args args, const CallContext&) {
  return extreme<false>("min", args);
}
FunctionResult max(Args args, const CallContext&) {
  return extreme<true>("max", args);
}

FunctionResult sum(Args args, const CallContext&) {
  const auto& list = args[0].get();
  if (list.is_null()) return json::value(0);
  if (!list.is_array()) return wrong_argument("sum", 0, "a list of numbers", list);
  json::value total = 0;
  for (const auto& v : list.get_array()) {
    if (!v.is_number())
      return tl::make_unexpected(
          type_mismatch(std::string("sum() adds numbers, but the list holds ") + describe(v)));
    auto next = apply(ArithmeticOp::add, total, v);
    if (!next) return next;
    total = std::move(*next);
  }
  return total;
}

// number("12.5") reads a number written as JSON writes one, with spaces around it allowed.
FunctionResult number(Args args, const CallContext&) {
  const auto& v = args[0].get();
  if (v.is_number()) return json::value(v);
  if (v.is_bool()) return json::value(v.get_bool() ? 1 : 0);
  if (!v.is_string()) return wrong_argument("number", 0, "a string, number or boolean", v);
  std::string_view text = v.get_string();
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const char* end = text.data() + text.size();
  if (!text.empty() && text.find_first_of(".eE") == std::string_view::npos) {
    std::int64_t whole = 0;
    const auto r = std::from_chars(text.data(), end, whole);
    if (r.ec == std::errc{} && r.ptr == end) return json::value(whole);
  }
  double d = 0;
  const auto r = std::from_chars(text.data(), end, d);
  if (text.empty() || r.ec != std::errc{} || r.ptr != end || !std::isfinite(d))
    return invalid_argument("number() cannot read '" + std::string(v.get_string()) +
                            "' as a number");
  return json::value(d);
}

constexpr Function functions[] = {
    {"round", 1, 2, "round(number[, digits])", round, kind::number},
    {"floor", 1, 2, "floor(number[, digits])", floor, kind::number},
    {"ceil", 1, 2, "ceil(number[, digits])", ceil, kind::number},
    {"abs", 1, 1, "abs(number)", abs, kind::number},
    {"min", 1, Function::any_number, "min(list) or min(a, b, …)", min, kind::number | kind::null},
    {"max", 1, Function::any_number, "max(list) or max(a, b, …)", max, kind::number | kind::null},
    {"sum", 1, 1, "sum(list of numbers)", sum, kind::number},
    {"number", 1, 1, "number(string, number or boolean)", number, kind::number},
};

}  // namespace

std::span<const Function> number_functions() {
  return functions;
}

}  // namespace ablauf::detail
