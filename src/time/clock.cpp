#include "ablauf/clock.hpp"

#include "time/calendar.hpp"

namespace ablauf {

Time SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string to_rfc3339(Time time) {
  return detail::format_instant(time);
}

tl::expected<Time, std::string> parse_rfc3339(std::string_view text) {
  auto date = detail::parse_date(text);
  if (!date) return tl::make_unexpected(std::move(date.error().message));
  if (!date->has_time()) return Time(date->day);
  return date->instant();
}

}  // namespace ablauf
