#include "json_number.hpp"

#include <cmath>
#include <type_traits>

namespace ablauf::detail {
namespace {

template <class Integer>
std::partial_ordering compare_integer(Integer number, double bound) noexcept {
  // 2^63 or 2^64: the first double past the integer's range, exactly representable.
  constexpr double past_max =
      std::is_signed_v<Integer> ? 9223372036854775808.0 : 18446744073709551616.0;
  constexpr double min = std::is_signed_v<Integer> ? -9223372036854775808.0 : 0.0;
  if (std::isnan(bound)) return std::partial_ordering::unordered;
  if (bound >= past_max) return std::partial_ordering::less;
  if (bound < min) return std::partial_ordering::greater;
  const double whole = std::trunc(bound);
  const auto whole_number = static_cast<Integer>(whole);
  if (number != whole_number) return number <=> whole_number;
  return 0.0 <=> bound - whole;
}

}  // namespace

std::partial_ordering compare_number(const boost::json::value& number, double bound) noexcept {
  switch (number.kind()) {
    case boost::json::kind::int64: return compare_integer(number.get_int64(), bound);
    case boost::json::kind::uint64: return compare_integer(number.get_uint64(), bound);
    default: return number.get_double() <=> bound;
  }
}

}  // namespace ablauf::detail
