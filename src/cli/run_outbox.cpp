#include "run_outbox.hpp"

#include "eml.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace ablauf::cli {
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

// Writes `text` to `path` whole or not at all: into a temporary file beside it, flushed to disk,
// renamed over `path`, and the folder flushed so that the rename itself survives a crash.
tl::expected<void, std::string> write_durably(const std::filesystem::path& path,
                                              std::string_view text) {
  auto temporary = path;
  temporary.replace_filename("." + path.filename().string() + ".tmp");
  const auto give_up = [&](std::string why) {
    ::unlink(temporary.c_str());
    return tl::make_unexpected(std::move(why));
  };
  File file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (file.get() < 0) return tl::make_unexpected(failure("cannot create", temporary, errno));
  if (const int error = write_all(file.get(), text)) return give_up(failure("cannot write", temporary, error));
  if (::fsync(file.get()) != 0) return give_up(failure("cannot flush", temporary, errno));
  if (file.close() != 0) return give_up(failure("cannot close", temporary, errno));
  if (::rename(temporary.c_str(), path.c_str()) != 0)
    return give_up(failure("cannot rename to", path, errno));
  File folder(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder.get() < 0 || ::fsync(folder.get()) != 0)
    return tl::make_unexpected(failure("cannot flush the folder of", path, errno));
  return {};
}

}  // namespace

std::string FileOutbox::file_name(std::string_view idempotency_key) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string name;
  for (const unsigned char c : idempotency_key) {
    if (std::isalnum(c) || c == '-' || c == '_') {
      name += static_cast<char>(c);
    } else {
      name += '%';
      name += hex[c >> 4];
      name += hex[c & 0xf];
    }
  }
  return name + ".eml";
}

tl::expected<std::string, std::string> FileOutbox::send(const Mail& mail) {
  if (mail.idempotency_key.empty())
    return tl::make_unexpected("a mail without an idempotency key has no file name");
  auto text = compose_eml(mail);
  if (!text) return tl::make_unexpected("mail " + mail.idempotency_key + ": " + text.error());
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) return tl::make_unexpected("cannot create " + folder_.string() + ": " + ec.message());
  if (!std::filesystem::is_directory(folder_, ec))
    return tl::make_unexpected(folder_.string() + " is not a folder");
  const auto path = folder_ / file_name(mail.idempotency_key);
  if (auto ok = write_durably(path, *text); !ok) return tl::make_unexpected(ok.error());
  ++count_;
  return path.string();
}

}  // namespace ablauf::cli
