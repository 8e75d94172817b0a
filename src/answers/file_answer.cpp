#include "answers/file_answer.hpp"

#include "ablauf/blob_store.hpp"
#include "ablauf/file_reference.hpp"

#include "expression/utf8.hpp"
#include "time/calendar.hpp"

#include <boost/json/array.hpp>

#include <set>

namespace ablauf {
namespace json = boost::json;

namespace {

// The longest file name kept, in bytes: what file systems allow.
constexpr std::size_t max_name_bytes = 255;

std::string what_a_file_is(const detail::Refusal& refuse) {
  return refuse.say(
      "a file as keep_file() returned it: {\"sha256\", \"name\", \"media_type\", \"size\"}",
      "eine Datei, wie keep_file() sie liefert: {\"sha256\", \"name\", \"media_type\", "
      "\"size\"}");
}

// A file name a person can read and no path can be made of.
bool is_plain_name(std::string_view name) {
  if (name.empty() || name.size() > max_name_bytes || name == "." || name == "..") return false;
  if (detail::utf8::invalid_at(name) != std::string_view::npos) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F || c == '/' || c == '\\';
  });
}

bool is_media_type(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size() ||
      text.size() > 127)
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '!' || c == '#' ||
           c == '$' || c == '&' || c == '-' || c == '^' || c == '_' || c == '.' || c == '+';
  });
}

// One reference of the answer, checked, or why not.
tl::expected<FileReference, AnswerError> check_file(const ItemDefinition& item,
                                                    const json::value& value,
                                                    const detail::Refusal& refuse) {
  const auto* object = value.if_object();
  if (!object) return refuse.wrong_type(what_a_file_is(refuse), value);
  for (const auto& [key, member] : *object)
    if (key != "sha256" && key != "name" && key != "media_type" && key != "size" &&
        key != "taken_at")
      return refuse(refuse.say("a file has no member ", "eine Datei hat kein Feld ") +
                    detail::Refusal::quote(key) + refuse.say("; expected ", "; erwartet: ") +
                    what_a_file_is(refuse));
  FileReference file;
  const auto* sha256 = object->if_contains("sha256");
  if (!sha256 || !sha256->is_string() || !is_sha256_hex(sha256->get_string()))
    return refuse(
        refuse.say("a file's \"sha256\" must be the 64 lowercase hex digits of its "
                   "content's SHA-256",
                   "das Feld \"sha256\" einer Datei muss die 64 kleingeschriebenen "
                   "Hex-Ziffern ihres SHA-256 enthalten"));
  file.sha256 = sha256->get_string();
  const auto* name = object->if_contains("name");
  if (!name || !name->is_string() || !is_plain_name(name->get_string()))
    return refuse(
        refuse.say("a file needs a \"name\" of 1 to 255 bytes of UTF-8 without "
                   "folders ('/', '\\') or control characters",
                   "eine Datei braucht einen Namen (\"name\") aus 1 bis 255 Bytes "
                   "UTF-8 ohne Ordner ('/', '\\') und Steuerzeichen"));
  file.name = name->get_string();
  const auto* media_type = object->if_contains("media_type");
  if (!media_type || !media_type->is_string() || !is_media_type(media_type->get_string()))
    return refuse(detail::Refusal::quote(file.name) +
                  refuse.say(": \"media_type\" must be a media type such as \"image/jpeg\"",
                             ": \"media_type\" muss ein Medientyp wie \"image/jpeg\" sein"));
  file.media_type = media_type->get_string();
  if (!accepts_media_type(item, file.media_type)) {
    std::string accepted;
    for (const auto& type : item.media_types) accepted += (accepted.empty() ? "" : ", ") + type;
    return refuse(detail::Refusal::quote(file.name) + refuse.say(" is ", " ist ") +
                  file.media_type +
                  refuse.say(", which this item does not take; it takes ",
                             ", was dieser Punkt nicht annimmt; er nimmt ") +
                  accepted);
  }
  const auto* size = object->if_contains("size");
  if (!size || !(size->is_uint64() || (size->is_int64() && size->get_int64() >= 0)))
    return refuse(detail::Refusal::quote(file.name) +
                  refuse.say(": \"size\" must be its size in bytes, a whole number",
                             ": \"size\" muss die Größe in Bytes sein, eine ganze Zahl"));
  file.size =
      size->is_uint64() ? size->get_uint64() : static_cast<std::uint64_t>(size->get_int64());
  if (file.size > item.max_bytes)
    return refuse(detail::Refusal::quote(file.name) + refuse.say(" has ", " hat ") +
                  detail::size_text(file.size, refuse.german()) +
                  refuse.say(", more than the ", ", mehr als die ") +
                  detail::size_text(item.max_bytes, refuse.german()) +
                  refuse.say(" this item takes", ", die dieser Punkt annimmt"));
  if (const auto* taken_at = object->if_contains("taken_at")) {
    const auto date = taken_at->is_string() ? detail::parse_date(taken_at->get_string())
                                            : tl::unexpected(detail::DateError{});
    if (!date || !date->has_time())
      return refuse(detail::Refusal::quote(file.name) +
                    refuse.say(": \"taken_at\" must be a date and time with its offset, like "
                               "2026-12-07T14:05:00+01:00",
                               ": \"taken_at\" muss Datum und Uhrzeit mit Zeitzone sein, wie "
                               "2026-12-07T14:05:00+01:00"));
    file.taken_at = taken_at->get_string();
  }
  return file;
}

}  // namespace

namespace detail {

tl::expected<json::value, AnswerError> check_files(const ItemDefinition& item,
                                                   const json::value& value,
                                                   const Refusal& refuse) {
  // One file may be given alone; the answer is always the list.
  const json::array single = value.is_object() ? json::array{value} : json::array{};
  const json::array* files = value.is_object() ? &single : value.if_array();
  if (!files)
    return refuse.wrong_type(refuse.say("a list of files", "eine Liste von Dateien"), value);
  if (files->empty())
    return refuse(refuse.say("no file is given; leave the item unanswered instead",
                             "keine Datei angegeben; lassen Sie den Punkt stattdessen offen"));
  if (files->size() > item.max_files)
    return refuse(refuse.count(files->size(), "file is", "files are", "Datei ist", "Dateien sind") +
                  refuse.say(" given, more than the ", " angegeben, mehr als die ") +
                  std::to_string(item.max_files) +
                  refuse.say(" this item takes", ", die dieser Punkt annimmt"));
  json::array canonical;
  canonical.reserve(files->size());
  std::set<std::string, std::less<>> seen;
  for (const auto& element : *files) {
    auto file = check_file(item, element, refuse);
    if (!file) return tl::make_unexpected(std::move(file.error()));
    if (!seen.insert(file->sha256).second)
      return refuse(Refusal::quote(file->name) +
                    refuse.say(" is given twice", " ist doppelt angegeben"));
    canonical.emplace_back(to_json(*file));
  }
  return json::value(std::move(canonical));
}

}  // namespace detail

json::object to_json(const FileReference& file) {
  json::object object{{"sha256", file.sha256},
                      {"name", file.name},
                      {"media_type", file.media_type},
                      {"size", file.size}};
  if (!file.taken_at.empty()) object["taken_at"] = file.taken_at;
  return object;
}

std::vector<FileReference> file_references(const json::value& answer) {
  std::vector<FileReference> files;
  const auto* array = answer.if_array();
  if (!array) return files;
  for (const auto& element : *array) {
    const auto* object = element.if_object();
    if (!object) continue;
    FileReference file;
    const auto text = [&](std::string_view key) {
      const auto* member = object->if_contains(key);
      return member && member->is_string() ? std::string(member->get_string()) : std::string();
    };
    file.sha256 = text("sha256");
    file.name = text("name");
    file.media_type = text("media_type");
    file.taken_at = text("taken_at");
    if (const auto* size = object->if_contains("size"); size && size->is_number())
      file.size = size->to_number<std::uint64_t>();
    if (is_sha256_hex(file.sha256)) files.push_back(std::move(file));
  }
  return files;
}

bool accepts_media_type(const ItemDefinition& item, std::string_view media_type) {
  if (item.media_types.empty()) return true;
  const auto slash = media_type.find('/');
  for (const auto& accepted : item.media_types) {
    if (accepted == media_type) return true;
    if (accepted.ends_with("/*") && slash != std::string_view::npos &&
        accepted.compare(0, accepted.size() - 1, media_type.substr(0, slash + 1)) == 0)
      return true;
  }
  return false;
}

std::string_view sniff_media_type(std::string_view content) noexcept {
  const auto starts = [&](std::string_view magic, std::size_t at = 0) {
    return content.size() >= at + magic.size() && content.substr(at, magic.size()) == magic;
  };
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts("\x89PNG\r\n\x1A\n")) return "image/png";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (starts("RIFF") && starts("WEBP", 8)) return "image/webp";
  if (starts("ftypheic", 4) || starts("ftypheix", 4) || starts("ftypmif1", 4)) return "image/heic";
  if (starts("%PDF-")) return "application/pdf";
  return {};
}

}  // namespace ablauf
