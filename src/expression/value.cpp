#include "value.hpp"

#include <cmath>
#include <limits>

namespace ablauf::detail {
namespace json = boost::json;

double as_double(const json::value& value) noexcept {
  switch (value.kind()) {
    case json::kind::int64: return static_cast<double>(value.get_int64());
    case json::kind::uint64: return static_cast<double>(value.get_uint64());
    default: return value.get_double();
  }
}

json::value number_value(double number) {
  constexpr double exact_limit = 9007199254740992.0;  // 2^53
  if (std::trunc(number) == number && std::fabs(number) <= exact_limit)
    return static_cast<std::int64_t>(number);
  return number;
}

bool is_truthy(const json::value& value) noexcept {
  switch (value.kind()) {
    case json::kind::null: return false;
    case json::kind::bool_: return value.get_bool();
    case json::kind::int64: return value.get_int64() != 0;
    case json::kind::uint64: return value.get_uint64() != 0;
    case json::kind::double_: {
      const double d = value.get_double();
      return d != 0 && !std::isnan(d);
    }
    case json::kind::string: return !value.get_string().empty();
    case json::kind::array: return !value.get_array().empty();
    case json::kind::object: return true;
  }
  return false;
}

namespace {

bool numbers_equal(const json::value& a, const json::value& b) noexcept {
  if (a.is_double() || b.is_double()) return as_double(a) == as_double(b);
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  // One signed, one unsigned: equal only when the signed one is non-negative.
  const auto i = a.is_int64() ? a.get_int64() : b.get_int64();
  const auto u = a.is_uint64() ? a.get_uint64() : b.get_uint64();
  return i >= 0 && static_cast<std::uint64_t>(i) == u;
}

}  // namespace

bool strictly_equal(const json::value& a, const json::value& b) noexcept {
  if (a.is_number() && b.is_number()) return numbers_equal(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!strictly_equal(x[i], y[i])) return false;
      return true;
    }
    case json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& [key, value] : x) {
        const auto* other = y.if_contains(key);
        if (!other || !strictly_equal(value, *other)) return false;
      }
      return true;
    }
    default: return a == b;
  }
}

}  // namespace ablauf::detail
