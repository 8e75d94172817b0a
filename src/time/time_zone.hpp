// Wall-clock time in an IANA time zone (internal), through ICU's zone data: what a due date in
// business days or a schedule's "06:00 Europe/Berlin" means as an instant, across daylight
// saving time.
#pragma once

#include "ablauf/clock.hpp"

#include <chrono>
#include <string_view>

namespace ablauf::detail {

// A reading of a wall clock: the instant it would be if the zone were UTC.
using WallTime = std::chrono::sys_time<std::chrono::milliseconds>;

// The wall clock in `zone` ("" for UTC) at `at`.
WallTime wall_time(Time at, std::string_view zone);

// The instant at which the wall clock in `zone` reads `wall`. A reading the clock skips (02:30
// on the night summer time begins) is taken as the same distance after the gap, 03:30; one it
// shows twice (02:30 when summer time ends) as the first time, still in summer time.
Time instant_of(WallTime wall, std::string_view zone);

}  // namespace ablauf::detail
