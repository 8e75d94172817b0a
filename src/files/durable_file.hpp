// Writing a file whole or not at all (internal): what the outbox's .eml files and a
// DirectoryBlobStore's content need, so that a crash never leaves half a file under its name.
#pragma once

#include <tl/expected.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace ablauf::detail {

// Writes `text` into `temporary` (created, or truncated), flushes it to disk, renames it to
// `path` and flushes the folder, so that the rename itself survives a crash. `temporary` must be
// in the folder of `path` and unique to this writer. On failure the temporary is removed and the
// error says what failed, on which file, and why (ENOSPC as "No space left on device").
tl::expected<void, std::string> write_durably(const std::filesystem::path& path,
                                              const std::filesystem::path& temporary,
                                              std::string_view text);

}  // namespace ablauf::detail
