// Random bits from the operating system, drawn a page at a time (internal).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ablauf::detail {

// One getrandom() call fills a page that serves the next 500 draws: a system call for every id
// made one a tenth of what starting an instance cost. The bits are the kernel's, as
// unpredictable as drawing each on its own.
//
// The page is mapped with MADV_WIPEONFORK: in a child the host forks, it reads as zeros, so the
// child draws afresh and never hands out the bits its parent hands out. Where the kernel cannot
// wipe a page on fork, nothing is kept: each draw is a call of its own.
//
// Not thread-safe: the caller serialises draws (IdGenerator holds its mutex).
class RandomBits {
 public:
  RandomBits();
  ~RandomBits();
  RandomBits(const RandomBits&) = delete;
  RandomBits& operator=(const RandomBits&) = delete;

  // 64 random bits. Throws std::system_error if the operating system has none to give.
  std::uint64_t next();

 private:
  struct Page;
  Page* page_ = nullptr;  // null: kept nothing, draw each time
};

}  // namespace ablauf::detail
