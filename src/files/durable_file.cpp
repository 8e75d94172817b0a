#include "files/durable_file.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace ablauf::detail {
namespace {

std::string failure(std::string_view what, const std::filesystem::path& path, int error) {
  return std::string(what) + " " + path.string() + ": " + std::strerror(error);
}

// A file descriptor closed on every path; close() is checked on the path that keeps the file.
class File {
 public:
  explicit File(int fd) : fd_(fd) {}
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int get() const noexcept { return fd_; }
  int close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

// Writes all of `text`, or says why not (ENOSPC on a full disk).
int write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const auto written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return errno;
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

}  // namespace

tl::expected<void, std::string> write_durably(const std::filesystem::path& path,
                                              const std::filesystem::path& temporary,
                                              std::string_view text) {
  const auto give_up = [&](std::string why) {
    ::unlink(temporary.c_str());
    return tl::make_unexpected(std::move(why));
  };
  File file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (file.get() < 0) return tl::make_unexpected(failure("cannot create", temporary, errno));
  if (const int error = write_all(file.get(), text))
    return give_up(failure("cannot write", temporary, error));
  if (::fsync(file.get()) != 0) return give_up(failure("cannot flush", temporary, errno));
  if (file.close() != 0) return give_up(failure("cannot close", temporary, errno));
  if (::rename(temporary.c_str(), path.c_str()) != 0)
    return give_up(failure("cannot rename to", path, errno));
  File folder(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder.get() < 0 || ::fsync(folder.get()) != 0)
    return tl::make_unexpected(failure("cannot flush the folder of", path, errno));
  return {};
}

}  // namespace ablauf::detail
