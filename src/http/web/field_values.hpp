// What a page's fields hold, read as the API takes it (internal): numbers typed with a comma
// or a point, a date and time with the zone chosen beside them.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace ablauf::http::detail::web {

// The UTC offsets a datetime's zone is chosen from: the whole hours, and the half and three
// quarter hours some zones keep.
inline constexpr std::string_view zones[] = {
    "-12:00", "-11:00", "-10:00", "-09:30", "-09:00", "-08:00", "-07:00", "-06:00", "-05:00",
    "-04:00", "-03:30", "-03:00", "-02:00", "-01:00", "+00:00", "+01:00", "+02:00", "+03:00",
    "+03:30", "+04:00", "+04:30", "+05:00", "+05:30", "+05:45", "+06:00", "+06:30", "+07:00",
    "+08:00", "+09:00", "+09:30", "+10:00", "+10:30", "+11:00", "+12:00", "+13:00", "+14:00"};

// The server's UTC offset now, as "+01:00": what a datetime's zone is before one is chosen, the
// zone of the team the server is set up for.
std::string server_offset();

// "2026-12-07T14:05" and "+01:00", as the page's fields give them, as an RFC 3339 date-time;
// what does not read so stays as typed, for the engine to refuse.
std::string datetime_of(std::string_view local, std::string_view zone);

// A number as typed: "12,5" (German) and "12.5" both read 12.5; anything else stays the text
// typed, for the engine to refuse in its own words.
boost::json::value typed_number(std::string_view text);

}  // namespace ablauf::http::detail::web
