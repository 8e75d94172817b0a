#include "http/web/field_values.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace ablauf::http::detail::web {

std::string server_offset() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  // Offsets lie within a day; bounded so, each part is two digits.
  const int minutes = static_cast<int>(std::clamp(local.tm_gmtoff / 60, -1439L, 1439L));
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d:%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                std::abs(minutes) % 60);
  return text;
}

std::string datetime_of(std::string_view local, std::string_view zone) {
  std::string text(local);
  if (text.size() == 16 && text[10] == 'T') text += ":00";  // the seconds a browser leaves out
  return text + std::string(zone);
}

boost::json::value typed_number(std::string_view text) {
  std::string normal(text);
  for (auto& c : normal)
    if (c == ',') c = '.';
  double number = 0;
  const auto [end, failed] = std::from_chars(normal.data(), normal.data() + normal.size(), number);
  if (failed == std::errc() && end == normal.data() + normal.size()) return number;
  return boost::json::string(text);
}

}  // namespace ablauf::http::detail::web
