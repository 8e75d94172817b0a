#include "postgres/postgres_files.hpp"

#include "failure.hpp"

namespace ablauf::detail {
namespace {

tl::unexpected<Error> failed(const pq::Failure& failure) {
  return error(ErrorCode::store_error, "PostgreSQL: " + failure.message);
}

// bytea in its text form, "\x" and two hex digits a byte: parameters pass as text.
std::string bytea_text(std::string_view content) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text = "\\x";
  text.reserve(2 + content.size() * 2);
  for (const unsigned char byte : content) {
    text += hex[byte >> 4];
    text += hex[byte & 0x0F];
  }
  return text;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

tl::expected<std::string, Error> bytea_content(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0)
    return error(ErrorCode::store_error,
                 "PostgreSQL: a file's content came back not in bytea's hex form "
                 "(is bytea_output 'escape'?)");
  std::string content;
  content.reserve(text.size() / 2 - 1);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    const int high = hex_digit(text[i]), low = hex_digit(text[i + 1]);
    if (high < 0 || low < 0)
      return error(ErrorCode::store_error, "PostgreSQL: a file's content is not hex");
    content += static_cast<char>(high * 16 + low);
  }
  return content;
}

}  // namespace

tl::expected<void, Error> PostgresFiles::keep(std::string_view sha256, std::string_view content) {
  auto db = pool_.acquire();
  if (!db) return failed(db.error());
  if (auto ok =
          (*db)->run("keep_file",
                     "INSERT INTO ablauf_files (sha256, content, size, kept_at) "
                     "VALUES ($1, $2::bytea, $3, "
                     "(extract(epoch FROM statement_timestamp()) * 1000)::bigint) "
                     "ON CONFLICT (sha256) DO UPDATE SET kept_at = EXCLUDED.kept_at",
                     {std::string(sha256), bytea_text(content), std::to_string(content.size())});
      !ok)
    return failed(ok.error());
  return {};
}

tl::expected<std::optional<std::string>, Error> PostgresFiles::read(std::string_view sha256) const {
  auto db = pool_.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("read_file", "SELECT content FROM ablauf_files WHERE sha256 = $1",
                         {std::string(sha256)});
  if (!rows) return failed(rows.error());
  if (rows->empty()) return std::nullopt;
  auto content = bytea_content(rows->text(0, 0));
  if (!content) return tl::make_unexpected(std::move(content.error()));
  return std::move(*content);
}

tl::expected<std::optional<std::uint64_t>, Error> PostgresFiles::size(
    std::string_view sha256) const {
  auto db = pool_.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("file_size", "SELECT size FROM ablauf_files WHERE sha256 = $1",
                         {std::string(sha256)});
  if (!rows) return failed(rows.error());
  if (rows->empty()) return std::nullopt;
  return static_cast<std::uint64_t>(rows->integer(0, 0));
}

tl::expected<std::vector<KeptBlob>, Error> PostgresFiles::list() const {
  auto db = pool_.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("list_files", "SELECT sha256, size, kept_at FROM ablauf_files", {});
  if (!rows) return failed(rows.error());
  std::vector<KeptBlob> kept;
  kept.reserve(static_cast<std::size_t>(rows->size()));
  for (int row = 0; row < rows->size(); ++row)
    kept.push_back({std::string(rows->text(row, 0)),
                    static_cast<std::uint64_t>(rows->integer(row, 1)),
                    Time(std::chrono::milliseconds(rows->integer(row, 2)))});
  return kept;
}

tl::expected<bool, Error> PostgresFiles::remove(std::string_view sha256) {
  auto db = pool_.acquire();
  if (!db) return failed(db.error());
  auto rows = (*db)->run("remove_file", "DELETE FROM ablauf_files WHERE sha256 = $1 RETURNING 1",
                         {std::string(sha256)});
  if (!rows) return failed(rows.error());
  return !rows->empty();
}

}  // namespace ablauf::detail
