#include "time/time_zone.hpp"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <map>
#include <memory>
#include <string>

namespace ablauf::detail {
namespace {

// Zones by name, built once per thread (ICU's zones are not shared between threads).
const icu::BasicTimeZone* zone_named(std::string_view name) {
  thread_local std::map<std::string, std::unique_ptr<icu::TimeZone>, std::less<>> zones;
  auto found = zones.find(name);
  if (found == zones.end()) {
    std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(
        icu::StringPiece(name.data(), static_cast<std::int32_t>(name.size())))));
    found = zones.emplace(std::string(name), std::move(zone)).first;
  }
  return dynamic_cast<const icu::BasicTimeZone*>(found->second.get());
}

}  // namespace

WallTime wall_time(Time at, std::string_view zone) {
  if (zone.empty() || zone == "UTC") return WallTime(at.time_since_epoch());
  const auto* tz = zone_named(zone);
  if (tz == nullptr) return WallTime(at.time_since_epoch());
  std::int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  tz->getOffset(static_cast<UDate>(at.time_since_epoch().count()), false, raw, dst, status);
  if (U_FAILURE(status)) return WallTime(at.time_since_epoch());
  return WallTime(at.time_since_epoch() + std::chrono::milliseconds(raw + dst));
}

Time instant_of(WallTime wall, std::string_view zone) {
  if (zone.empty() || zone == "UTC") return Time(wall.time_since_epoch());
  const auto* tz = zone_named(zone);
  if (tz == nullptr) return Time(wall.time_since_epoch());
  std::int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  // Skipped readings take the offset before the gap (so 02:30 becomes 03:30); repeated ones
  // the offset before the change (the first of the two).
  tz->getOffsetFromLocal(static_cast<UDate>(wall.time_since_epoch().count()), UCAL_TZ_LOCAL_FORMER,
                         UCAL_TZ_LOCAL_FORMER, raw, dst, status);
  if (U_FAILURE(status)) return Time(wall.time_since_epoch());
  return Time(wall.time_since_epoch() - std::chrono::milliseconds(raw + dst));
}

}  // namespace ablauf::detail
