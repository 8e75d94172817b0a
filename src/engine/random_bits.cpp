#include "engine/random_bits.hpp"

#include <sys/mman.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace ablauf::detail {

struct RandomBits::Page {
  std::size_t left;  // words not yet handed out; 0 (as a wiped page reads) draws afresh
  std::array<std::uint64_t, 500> words;
};

namespace {

// Fills `size` bytes from the kernel's random source, however many calls that takes.
void draw(void* into, std::size_t size) {
  auto* bytes = static_cast<unsigned char*>(into);
  while (size > 0) {
    const auto got = ::getrandom(bytes, size, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    bytes += got;
    size -= static_cast<std::size_t>(got);
  }
}

}  // namespace

RandomBits::RandomBits() {
  void* mapped =
      ::mmap(nullptr, sizeof(Page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return;
#ifdef MADV_WIPEONFORK
  if (::madvise(mapped, sizeof(Page), MADV_WIPEONFORK) == 0) {
    page_ = static_cast<Page*>(mapped);  // zeros: the first draw fills it
    return;
  }
#endif
  ::munmap(mapped, sizeof(Page));
}

RandomBits::~RandomBits() {
  if (page_) ::munmap(page_, sizeof(Page));
}

std::uint64_t RandomBits::next() {
  if (!page_) {
    std::uint64_t word = 0;
    draw(&word, sizeof word);
    return word;
  }
  if (page_->left == 0) {
    draw(page_->words.data(), sizeof page_->words);
    page_->left = page_->words.size();
  }
  const std::uint64_t word = page_->words[--page_->left];
  page_->words[page_->left] = 0;  // handed out: not kept where a later read of memory finds it
  return word;
}

}  // namespace ablauf::detail
