/// @file
/// Where the content of files and photos answered on checklists is kept: BlobStore, the
/// interface a host may implement, and the two kinds ablauf ships for the stores that have no
/// place of their own (MemoryBlobStore, DirectoryBlobStore; PostgresStore keeps its files in
/// the database).
///
/// Content is kept under its SHA-256, so the same photo answered twice is kept once, and an
/// answer names its content by that hash (docs/format.md, "Files and photos"). The answer is
/// recorded after the content is kept: a process killed in between leaves content no answer
/// refers to (an orphan, which Engine::sweep_files() removes once it is old enough), never an
/// answer whose content is missing. get() hashes what it reads, so content changed behind the
/// store's back (a swapped photo) is refused rather than shown as what was signed.
///
///   ablauf::DirectoryBlobStore files("ablauf.db.files");
///   auto hash = files.put(jpeg_bytes);  // "3a7bd3e2…", on disk when put() returns
///
/// Thread-safety: every BlobStore may be called from several threads at once.
#pragma once

#include <ablauf/clock.hpp>
#include <ablauf/error.hpp>

#include <tl/expected.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// One piece of content a BlobStore keeps, as list() names it.
struct KeptBlob {
  std::string sha256;      ///< the SHA-256 of its content, 64 lowercase hex digits
  std::uint64_t size = 0;  ///< in bytes
  Time kept_at;            ///< when it was first kept: orphans younger than a grace are left
};

/// Keeps content under its SHA-256. put() and get() are the same for every store: they hash,
/// and call the store's own keep() and read(); a host implements those and the rest.
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  /// Keeps `content` durably, so that it survives a crash once put() returns, and returns its
  /// SHA-256 (64 lowercase hex digits). Keeping what is kept already leaves the content as it
  /// is and makes it as young as this put() (KeptBlob::kept_at), so that a sweep leaves it to
  /// the answer that may follow.
  tl::expected<std::string, Error> put(std::string_view content);
  /// The content kept under `sha256`; nullopt when none is. Content that no longer hashes to
  /// `sha256` is refused (ErrorCode::invalid_event, naming the hash): it was changed after it
  /// was kept, and whatever signed it did not sign this.
  tl::expected<std::optional<std::string>, Error> get(std::string_view sha256) const;
  /// The size of the content kept under `sha256`, without reading it; nullopt when none is.
  virtual tl::expected<std::optional<std::uint64_t>, Error> size(std::string_view sha256) const = 0;
  /// Everything kept, in no particular order.
  virtual tl::expected<std::vector<KeptBlob>, Error> list() const = 0;
  /// Removes the content kept under `sha256`; whether there was any.
  virtual tl::expected<bool, Error> remove(std::string_view sha256) = 0;

 protected:
  /// Keeps `content` under `sha256`, its hash, durably; a second call with the same hash sets
  /// its kept_at to now and need not write the content again.
  virtual tl::expected<void, Error> keep(std::string_view sha256, std::string_view content) = 0;
  /// The content kept under `sha256` as stored, or nullopt; get() checks its hash.
  virtual tl::expected<std::optional<std::string>, Error> read(std::string_view sha256) const = 0;
};

/// Whether `text` is a SHA-256 as a BlobStore names content: 64 lowercase hex digits. Stores
/// refuse other names, so that a name read from an answer never reaches a path or a query
/// unchecked.
bool is_sha256_hex(std::string_view text) noexcept;

/// Content in memory, gone with the process: MemoryStore's files, and a SQLite store's in
/// ":memory:".
class MemoryBlobStore final : public BlobStore {
 public:
  /// Made on `clock` (not owned; null: the system clock), which says when content was kept.
  explicit MemoryBlobStore(const Clock* clock = nullptr);
  tl::expected<std::optional<std::uint64_t>, Error> size(std::string_view sha256) const override;
  tl::expected<std::vector<KeptBlob>, Error> list() const override;
  tl::expected<bool, Error> remove(std::string_view sha256) override;

 protected:
  tl::expected<void, Error> keep(std::string_view sha256, std::string_view content) override;
  tl::expected<std::optional<std::string>, Error> read(std::string_view sha256) const override;

 private:
  const Clock* clock_;
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, Time>, std::less<>> blobs_;
};

/// Content as files in a directory: `<directory>/<first two hex digits>/<the other 62>`, each
/// written to a temporary file, flushed to disk and renamed into place (then the directory
/// flushed), so that a file under its hash is always whole. SqliteStore's files, in
/// `<database>.files` beside the database file. A temporary file left by a crash is removed by
/// remove_stale_temporaries(); list() does not name it.
class DirectoryBlobStore final : public BlobStore {
 public:
  /// Keeps content under `directory`, made (with its parents) on the first put().
  explicit DirectoryBlobStore(std::filesystem::path directory);
  /// Where the content is kept.
  const std::filesystem::path& directory() const noexcept { return directory_; }
  tl::expected<std::optional<std::uint64_t>, Error> size(std::string_view sha256) const override;
  tl::expected<std::vector<KeptBlob>, Error> list() const override;
  tl::expected<bool, Error> remove(std::string_view sha256) override;
  /// Removes the temporary files a put() killed before its rename left behind, those last
  /// written before `before` (a put() still writing one is younger); how many it removed.
  tl::expected<std::size_t, Error> remove_stale_temporaries(Time before);

 protected:
  tl::expected<void, Error> keep(std::string_view sha256, std::string_view content) override;
  tl::expected<std::optional<std::string>, Error> read(std::string_view sha256) const override;

 private:
  std::filesystem::path path_of(std::string_view sha256) const;
  std::filesystem::path directory_;
};

}  // namespace ablauf
