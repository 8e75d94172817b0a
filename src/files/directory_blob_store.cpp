#include "ablauf/blob_store.hpp"

#include "failure.hpp"
#include "files/durable_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ablauf {
namespace fs = std::filesystem;
using detail::error;

namespace {

// Temporary files start with a dot, so that list() and a person's `ls` pass them by.
constexpr std::string_view temporary_prefix = ".";

tl::unexpected<Error> store_failure(std::string what, const fs::path& path, int code) {
  return error(ErrorCode::store_error,
               std::move(what) + " " + path.string() + ": " + std::strerror(code));
}

Time modified_at(const struct stat& status) {
  using namespace std::chrono;
  return Time(duration_cast<milliseconds>(seconds(status.st_mtim.tv_sec) +
                                          nanoseconds(status.st_mtim.tv_nsec)));
}

}  // namespace

DirectoryBlobStore::DirectoryBlobStore(fs::path directory) : directory_(std::move(directory)) {}

fs::path DirectoryBlobStore::path_of(std::string_view sha256) const {
  return directory_ / std::string(sha256.substr(0, 2)) / std::string(sha256.substr(2));
}

tl::expected<void, Error> DirectoryBlobStore::keep(std::string_view sha256,
                                                   std::string_view content) {
  const fs::path path = path_of(sha256);
  // Kept already: the name is the content's hash, so the file there holds this content (or was
  // changed behind the store's back, which get() finds; overwriting would hide it). It is
  // touched, so that a sweep takes it for as young as this upload, which an answer may follow.
  if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) == 0) return {};
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return error(ErrorCode::store_error,
                 "cannot create " + path.parent_path().string() + ": " + ec.message());
  // Unique among the threads and processes that may keep the same content at once.
  static std::atomic<std::uint64_t> writes{0};
  const fs::path temporary =
      path.parent_path() / (std::string(temporary_prefix) + path.filename().string() + "." +
                            std::to_string(::getpid()) + "." + std::to_string(++writes) + ".tmp");
  if (auto written = detail::write_durably(path, temporary, content); !written)
    return error(ErrorCode::store_error, std::move(written.error()));
  return {};
}

tl::expected<std::optional<std::string>, Error> DirectoryBlobStore::read(
    std::string_view sha256) const {
  const fs::path path = path_of(sha256);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    return store_failure("cannot read", path, errno);
  }
  std::string content;
  struct stat status {};
  if (::fstat(fd, &status) == 0) content.reserve(static_cast<std::size_t>(status.st_size));
  char buffer[65536];
  for (;;) {
    const auto got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int code = errno;
      ::close(fd);
      return store_failure("cannot read", path, code);
    }
    if (got == 0) break;
    content.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return content;
}

tl::expected<std::optional<std::uint64_t>, Error> DirectoryBlobStore::size(
    std::string_view sha256) const {
  if (!is_sha256_hex(sha256)) return std::nullopt;
  const fs::path path = path_of(sha256);
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    if (errno == ENOENT) return std::nullopt;
    return store_failure("cannot read", path, errno);
  }
  return static_cast<std::uint64_t>(status.st_size);
}

tl::expected<std::vector<KeptBlob>, Error> DirectoryBlobStore::list() const {
  std::vector<KeptBlob> kept;
  std::error_code ec;
  if (!fs::exists(directory_, ec)) return kept;
  // Two levels, named by the hash: a loop over folders, not a recursive walk.
  for (const auto& folder : fs::directory_iterator(directory_, ec)) {
    const std::string prefix = folder.path().filename().string();
    if (prefix.size() != 2 || !folder.is_directory(ec)) continue;
    for (const auto& file : fs::directory_iterator(folder.path(), ec)) {
      std::string sha256 = prefix + file.path().filename().string();
      if (!is_sha256_hex(sha256)) continue;  // a temporary, or something not ours
      struct stat status {};
      if (::stat(file.path().c_str(), &status) != 0) continue;  // removed meanwhile
      kept.push_back(
          {std::move(sha256), static_cast<std::uint64_t>(status.st_size), modified_at(status)});
    }
    if (ec) break;
  }
  if (ec)
    return error(ErrorCode::store_error,
                 "cannot list " + directory_.string() + ": " + ec.message());
  return kept;
}

tl::expected<bool, Error> DirectoryBlobStore::remove(std::string_view sha256) {
  if (!is_sha256_hex(sha256)) return false;
  const fs::path path = path_of(sha256);
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return store_failure("cannot remove", path, errno);
}

tl::expected<std::size_t, Error> DirectoryBlobStore::remove_stale_temporaries(Time before) {
  std::size_t removed = 0;
  std::error_code ec;
  if (!fs::exists(directory_, ec)) return removed;
  for (const auto& folder : fs::directory_iterator(directory_, ec)) {
    if (!folder.is_directory(ec)) continue;
    for (const auto& file : fs::directory_iterator(folder.path(), ec)) {
      const std::string name = file.path().filename().string();
      if (!name.starts_with(temporary_prefix) || !name.ends_with(".tmp")) continue;
      struct stat status {};
      if (::stat(file.path().c_str(), &status) != 0 || modified_at(status) >= before) continue;
      if (::unlink(file.path().c_str()) == 0) ++removed;
    }
    if (ec) break;
  }
  if (ec)
    return error(ErrorCode::store_error,
                 "cannot list " + directory_.string() + ": " + ec.message());
  return removed;
}

}  // namespace ablauf
