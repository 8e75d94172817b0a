#include "ablauf/blob_store.hpp"

#include "failure.hpp"
#include "sha256.hpp"

#include <algorithm>

namespace ablauf {
using detail::error;

bool is_sha256_hex(std::string_view text) noexcept {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

tl::expected<std::string, Error> BlobStore::put(std::string_view content) {
  std::string sha256 = detail::sha256_hex(content);
  if (auto kept = keep(sha256, content); !kept) return tl::make_unexpected(std::move(kept.error()));
  return sha256;
}

tl::expected<std::optional<std::string>, Error> BlobStore::get(std::string_view sha256) const {
  if (!is_sha256_hex(sha256))
    return error(ErrorCode::invalid_value,
                 "'" + std::string(sha256.substr(0, 80)) +
                     "' is not a SHA-256 as files are kept under: 64 lowercase hex digits");
  auto content = read(sha256);
  if (!content || !*content) return content;
  if (detail::sha256_hex(**content) != sha256)
    return error(ErrorCode::content_changed,
                 "the file kept under " + std::string(sha256) +
                     " was changed after it was kept: its content has another SHA-256, so it is "
                     "not what was answered (and signed)");
  return content;
}

MemoryBlobStore::MemoryBlobStore(const Clock* clock) : clock_(clock) {}

tl::expected<void, Error> MemoryBlobStore::keep(std::string_view sha256, std::string_view content) {
  const Time now = clock_ ? clock_->now() : SystemClock{}.now();
  std::lock_guard lock(mutex_);
  const auto [kept, fresh] = blobs_.try_emplace(std::string(sha256), std::string(content), now);
  if (!fresh) kept->second.second = now;  // as young as this upload, which an answer may follow
  return {};
}

tl::expected<std::optional<std::string>, Error> MemoryBlobStore::read(
    std::string_view sha256) const {
  std::lock_guard lock(mutex_);
  const auto found = blobs_.find(sha256);
  if (found == blobs_.end()) return std::nullopt;
  return found->second.first;
}

tl::expected<std::optional<std::uint64_t>, Error> MemoryBlobStore::size(
    std::string_view sha256) const {
  std::lock_guard lock(mutex_);
  const auto found = blobs_.find(sha256);
  if (found == blobs_.end()) return std::nullopt;
  return found->second.first.size();
}

tl::expected<std::vector<KeptBlob>, Error> MemoryBlobStore::list() const {
  std::lock_guard lock(mutex_);
  std::vector<KeptBlob> kept;
  kept.reserve(blobs_.size());
  for (const auto& [sha256, blob] : blobs_)
    kept.push_back({sha256, blob.first.size(), blob.second});
  return kept;
}

tl::expected<bool, Error> MemoryBlobStore::remove(std::string_view sha256) {
  std::lock_guard lock(mutex_);
  const auto found = blobs_.find(sha256);
  if (found == blobs_.end()) return false;
  blobs_.erase(found);
  return true;
}

}  // namespace ablauf
