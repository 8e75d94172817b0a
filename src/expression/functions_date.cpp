#include "function_support.hpp"
#include "time/calendar.hpp"

#include "ablauf/duration.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

using Args = std::span<const Val>;

tl::expected<Date, Failure> read_date(std::string_view function, std::size_t index,
                                      const json::value& v) {
  if (!v.is_string()) return wrong_argument(function, index, "an RFC 3339 date string", v);
  auto date = parse_date(v.get_string());
  if (!date)
    return tl::make_unexpected(
        Failure{"invalid_argument", std::string(function) + "() cannot read '" +
                                        std::string(v.get_string()) +
                                        "' as a date: " + date.error().message});
  return *date;
}

FunctionResult now(Args, const CallContext& context) {
  return json::value(format_instant(context.now));
}

// date(text) checks a date or date-time and writes it in the one form that sorts and compares
// as text: full-dates as they are, date-times in UTC.
FunctionResult date(Args args, const CallContext&) {
  auto d = read_date("date", 0, args[0].get());
  if (!d) return tl::make_unexpected(d.error());
  return json::value(format_date(*d));
}

// date_add(date, duration): the duration as ISO 8601 ("P14D", "-P1M") or seconds.
FunctionResult date_add(Args args, const CallContext&) {
  auto d = read_date("date_add", 0, args[0].get());
  if (!d) return tl::make_unexpected(d.error());
  const auto& amount = args[1].get();
  int sign = 1;
  tl::expected<Duration, DurationError> duration;
  if (amount.is_string()) {
    std::string_view text = amount.get_string();
    if (text.starts_with('-')) {
      sign = -1;
      text.remove_prefix(1);
    }
    duration = parse_duration(text);
  } else if (amount.is_number()) {
    if (as_double(amount) < 0) sign = -1;
    duration = parse_duration(sign < 0 ? json::value(-as_double(amount)) : amount);
  } else {
    return wrong_argument("date_add", 1, "an ISO 8601 duration or a number of seconds", amount);
  }
  if (!duration)
    return invalid_argument("date_add() cannot read the duration: " + duration.error().message);
  auto sum = add(*d, *duration, sign);
  if (!sum) return invalid_argument("date_add(): " + sum.error().message);
  return json::value(format_date(*sum));
}

// days_between(a, b): whole calendar days from a to b, negative when b is earlier.
FunctionResult days_between(Args args, const CallContext&) {
  auto a = read_date("days_between", 0, args[0].get());
  if (!a) return tl::make_unexpected(a.error());
  auto b = read_date("days_between", 1, args[1].get());
  if (!b) return tl::make_unexpected(b.error());
  return json::value(detail::days_between(*a, *b));
}

constexpr Function functions[] = {
    {"now", 0, 0, "now()", now, kind::string},
    {"date", 1, 1, "date(string)", date, kind::string},
    {"date_add", 2, 2, "date_add(date, duration)", date_add, kind::string},
    {"days_between", 2, 2, "days_between(date, date)", days_between, kind::number},
};

}  // namespace

std::span<const Function> date_functions() {
  return functions;
}

}  // namespace ablauf::detail
