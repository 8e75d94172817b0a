// Files attached to file and photo items from the command line (internal): an answers file or
// a person at the terminal names them by path, and the run keeps each in the engine's
// BlobStore before it answers the item with the references.
#pragma once

#include <ablauf/engine.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace ablauf::cli {

// The paths a file item's answer names: one path, or a list of them; nullopt for another shape.
std::optional<std::vector<std::string>> attached_paths(const boost::json::value& value);

// What is wrong with the paths `value` names for `item`, relative to `base`: not a path or list
// of paths, more than the item takes, a file that is missing, unreadable or too large. "" when
// nothing is.
std::string check_attached(const ItemDefinition& item, const boost::json::value& value,
                           const std::filesystem::path& base);

// Keeps the files `value` names (relative to `base`) for `item` of `step` in `instance`, and
// returns the answer: their references. The media type is taken from the file's extension, as a
// mail program does, and checked against its content by the engine; taken_at is when the file
// was last written.
tl::expected<boost::json::value, std::string> keep_attached(
    Engine& engine, const std::string& instance, const std::string& step,
    const ItemDefinition& item, const boost::json::value& value, const std::filesystem::path& base);

}  // namespace ablauf::cli
