// PostgresStore's files (internal): the content of files and photos answered on checklists, as
// bytea in ablauf_files, so that every process sharing the database sees every file and a backup
// of the database holds them.
#pragma once

#include "postgres/pool.hpp"

#include "ablauf/blob_store.hpp"

namespace ablauf::detail {

class PostgresFiles final : public BlobStore {
 public:
  explicit PostgresFiles(pq::Pool& pool) : pool_(pool) {}
  tl::expected<std::optional<std::uint64_t>, Error> size(std::string_view sha256) const override;
  tl::expected<std::vector<KeptBlob>, Error> list() const override;
  tl::expected<bool, Error> remove(std::string_view sha256) override;

 protected:
  // One INSERT, committed (and so on disk) when it returns; a second writer of the same content
  // only makes it as young as its upload, for sweeps.
  tl::expected<void, Error> keep(std::string_view sha256, std::string_view content) override;
  tl::expected<std::optional<std::string>, Error> read(std::string_view sha256) const override;

 private:
  pq::Pool& pool_;
};

}  // namespace ablauf::detail
