#include "engine/id_generator.hpp"

#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <chrono>

namespace ablauf::detail {

namespace {
constexpr std::uint16_t max_count = 0x0FFF;  // the 12 bits of rand_a
}

std::string IdGenerator::next(std::string_view prefix) {
  const auto now =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  std::uint64_t random = 0;
  std::uint64_t millisecond = 0;
  std::uint16_t count = 0;
  {
    std::lock_guard lock(mutex_);
    random = random_.next();
    if (now > millisecond_) {
      millisecond_ = now;
      count_ = 0;
    } else if (count_ == max_count) {
      // 4,096 ids in one millisecond, or a clock that stepped back: borrow the next one.
      ++millisecond_;
      count_ = 0;
    } else {
      ++count_;
    }
    millisecond = millisecond_;
    count = count_;
  }
  boost::uuids::uuid id;
  for (int byte = 15; byte >= 8; --byte) {
    id.data[byte] = static_cast<std::uint8_t>(random & 0xFF);
    random >>= 8;
  }
  id.data[8] = static_cast<std::uint8_t>(0x80 | (id.data[8] & 0x3F));  // RFC 9562's variant
  for (int byte = 5; byte >= 0; --byte) {
    id.data[byte] = static_cast<std::uint8_t>(millisecond & 0xFF);
    millisecond >>= 8;
  }
  id.data[6] = static_cast<std::uint8_t>(0x70 | (count >> 8));  // version 7
  id.data[7] = static_cast<std::uint8_t>(count & 0xFF);
  return std::string(prefix) + "-" + boost::uuids::to_string(id);
}

}  // namespace ablauf::detail
