#include "attached_files.hpp"

#include <ablauf/file_reference.hpp>

#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

namespace ablauf::cli {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace {

// The media types of the extensions people attach, lower case; others are
// application/octet-stream.
constexpr std::pair<std::string_view, std::string_view> media_types[] = {
    {".pdf", "application/pdf"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".png", "image/png"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".heic", "image/heic"},
    {".txt", "text/plain"},
    {".csv", "text/csv"},
    {".xml", "application/xml"},
    {".json", "application/json"},
    {".eml", "message/rfc822"},
    {".zip", "application/zip"},
    {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {".odt", "application/vnd.oasis.opendocument.text"},
    {".ods", "application/vnd.oasis.opendocument.spreadsheet"},
};

std::string media_type_of(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [known, type] : media_types)
    if (known == extension) return std::string(type);
  return "application/octet-stream";
}

fs::path resolved(const std::string& path, const fs::path& base) {
  const fs::path given(path);
  return given.is_absolute() ? given : base / given;
}

}  // namespace

std::optional<std::vector<std::string>> attached_paths(const json::value& value) {
  if (value.is_string()) return std::vector<std::string>{std::string(value.get_string())};
  const auto* array = value.if_array();
  if (!array || array->empty()) return std::nullopt;
  std::vector<std::string> paths;
  for (const auto& element : *array) {
    if (!element.is_string() || element.get_string().empty()) return std::nullopt;
    paths.emplace_back(element.get_string());
  }
  return paths;
}

std::string check_attached(const ItemDefinition& item, const json::value& value,
                           const fs::path& base) {
  const auto paths = attached_paths(value);
  if (!paths)
    return "'" + item.id +
           "' takes files: give a file's path, or a list of paths, relative to "
           "the answers file";
  if (paths->size() > item.max_files)
    return "'" + item.id + "' takes at most " + std::to_string(item.max_files) + " file" +
           (item.max_files == 1 ? "" : "s") + ", not " + std::to_string(paths->size());
  for (const auto& path : *paths) {
    const fs::path file = resolved(path, base);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
      return "'" + item.id + "': there is no file " + file.string();
    const auto size = fs::file_size(file, ec);
    if (ec) return "'" + item.id + "': cannot read " + file.string() + ": " + ec.message();
    if (size > item.max_bytes)
      return "'" + item.id + "': " + file.string() + " has " + std::to_string(size) +
             " bytes, more than the " + std::to_string(item.max_bytes) + " the item takes";
  }
  return {};
}

tl::expected<json::value, std::string> keep_attached(Engine& engine, const std::string& instance,
                                                     const std::string& step,
                                                     const ItemDefinition& item,
                                                     const json::value& value,
                                                     const fs::path& base) {
  if (auto problem = check_attached(item, value, base); !problem.empty())
    return tl::make_unexpected(std::move(problem));
  json::array references;
  const auto paths = attached_paths(value);  // checked above
  for (const auto& path : *paths) {
    const fs::path file = resolved(path, base);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in && !in.eof()) return tl::make_unexpected("cannot read " + file.string());
    std::error_code ec;
    const auto written = fs::last_write_time(file, ec);
    std::string taken_at;
    if (!ec)
      taken_at = to_rfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(
          std::chrono::file_clock::to_sys(written)));
    auto kept = engine.keep_file(instance, step, item.id,
                                 {.content = std::move(content).str(),
                                  .name = file.filename().string(),
                                  .media_type = media_type_of(file),
                                  .taken_at = std::move(taken_at)});
    if (!kept) return tl::make_unexpected(kept.error().message);
    references.emplace_back(to_json(*kept));
  }
  return json::value(std::move(references));
}

}  // namespace ablauf::cli
