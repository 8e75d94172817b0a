// The ids an engine gives instances and timers (internal).
#pragma once

#include "engine/random_bits.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace ablauf::detail {

// Makes "<prefix>-<UUID version 7>" ids (RFC 9562): 48 bits of Unix time in milliseconds, then a
// 12-bit count within the millisecond, then 62 bits from the operating system's random source
// (getrandom, drawn a page at a time by RandomBits). So the ids of one generator sort, as
// strings, in the order they were made, also within a millisecond and when the system clock
// steps back; and two engines on one database would have to draw the same 62 bits in the same
// millisecond to collide. Ids made before this scheme ("i-" and 16 hex digits) stay valid:
// nothing reads an id's parts. Thread-safe.
class IdGenerator {
 public:
  std::string next(std::string_view prefix);

 private:
  std::mutex mutex_;
  RandomBits random_;
  std::uint64_t millisecond_ = 0;  // of the last id; never goes back
  std::uint16_t count_ = 0;        // ids made in that millisecond, less one
};

}  // namespace ablauf::detail
