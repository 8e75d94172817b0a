#include "arithmetic.hpp"

#include "value_text.hpp"

#include <cmath>
#include <limits>
#include <optional>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

std::optional<std::int64_t> as_integer(const json::value& v) noexcept {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.get_uint64());
  return std::nullopt;
}

const char* symbol(ArithmeticOp op) noexcept {
  switch (op) {
    case ArithmeticOp::add: return "+";
    case ArithmeticOp::subtract: return "-";
    case ArithmeticOp::multiply: return "*";
    case ArithmeticOp::divide: return "/";
    case ArithmeticOp::remainder: return "%";
  }
  return "?";
}

bool is_text_like(const json::value& v) noexcept {
  return v.is_string() || v.is_number() || v.is_bool();
}

// Exact integer arithmetic, or nothing when the result is not a 64-bit integer.
std::optional<std::int64_t> integer_result(ArithmeticOp op, std::int64_t x, std::int64_t y) {
  std::int64_t result = 0;
  switch (op) {
    case ArithmeticOp::add:
      if (__builtin_add_overflow(x, y, &result)) return std::nullopt;
      return result;
    case ArithmeticOp::subtract:
      if (__builtin_sub_overflow(x, y, &result)) return std::nullopt;
      return result;
    case ArithmeticOp::multiply:
      if (__builtin_mul_overflow(x, y, &result)) return std::nullopt;
      return result;
    case ArithmeticOp::divide:
      if (y == -1 && x == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
      if (x % y != 0) return std::nullopt;
      return x / y;
    case ArithmeticOp::remainder:
      if (y == -1) return 0;
      return x % y;
  }
  return std::nullopt;
}

double double_result(ArithmeticOp op, double x, double y) {
  switch (op) {
    case ArithmeticOp::add: return x + y;
    case ArithmeticOp::subtract: return x - y;
    case ArithmeticOp::multiply: return x * y;
    case ArithmeticOp::divide: return x / y;
    case ArithmeticOp::remainder: return std::fmod(x, y);
  }
  return 0;
}

}  // namespace

Computed apply(ArithmeticOp op, const json::value& a, const json::value& b) {
  if (op == ArithmeticOp::add && (a.is_string() || b.is_string()) && is_text_like(a) &&
      is_text_like(b)) {
    std::string text;
    append_text(a, text);
    append_text(b, text);
    return json::value(std::move(text));
  }
  if (!a.is_number() || !b.is_number()) {
    const char* hint = op == ArithmeticOp::add ? "numbers or strings" : "numbers";
    return tl::make_unexpected(type_mismatch(std::string("'") + symbol(op) + "' needs " + hint +
                                             ", not " + describe(a) + " and " + describe(b)));
  }
  if ((op == ArithmeticOp::divide || op == ArithmeticOp::remainder) && as_double(b) == 0)
    return tl::make_unexpected(Failure{"division_by_zero", "division by zero"});
  const auto x = as_integer(a);
  const auto y = as_integer(b);
  if (x && y)
    if (const auto exact = integer_result(op, *x, *y)) return json::value(*exact);
  const double result = double_result(op, as_double(a), as_double(b));
  if (!std::isfinite(result))
    return tl::make_unexpected(
        Failure{"out_of_range", std::string("the result of '") + symbol(op) + "' is too large"});
  return number_value(result);  // 1000 * 1.19 is 1190, as JSON has one kind of number
}

Computed negate(const json::value& a) {
  if (!a.is_number())
    return tl::make_unexpected(
        type_mismatch(std::string("'-' needs a number, not ") + describe(a)));
  if (const auto x = as_integer(a); x && *x != std::numeric_limits<std::int64_t>::min())
    return json::value(-*x);
  return json::value(-as_double(a));
}

tl::expected<std::partial_ordering, Failure> compare(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) {
    const auto x = as_integer(a);
    const auto y = as_integer(b);
    if (x && y) return *x <=> *y;
    return as_double(a) <=> as_double(b);
  }
  if (a.is_string() && b.is_string()) {
    const auto order = a.get_string().subview().compare(b.get_string().subview());
    return order < 0   ? std::partial_ordering::less
           : order > 0 ? std::partial_ordering::greater
                       : std::partial_ordering::equivalent;
  }
  return tl::make_unexpected(type_mismatch(std::string("cannot order ") + describe(a) + " and " +
                                           describe(b) +
                                           "; compare numbers with numbers and "
                                           "strings with strings"));
}

}  // namespace ablauf::detail
