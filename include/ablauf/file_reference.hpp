/// @file
/// Answers to file and photo items: references to content a BlobStore keeps.
///
/// Such an answer is an array of FileReference objects as JSON (to_json()), in the order they
/// were given:
///
///   [{"sha256": "3a7bd3e2…", "name": "vertrag.pdf", "media_type": "application/pdf",
///     "size": 182044, "taken_at": "2026-12-07T10:15:00+01:00"}]
///
/// The content is kept first (Engine::keep_file()), which returns the reference, and then
/// answered with it; the engine refuses a reference whose content its BlobStore does not hold
/// in that size. Because the answer holds the hash, a signature over the answers covers the
/// content itself: a swapped photo no longer matches what was signed.
///
/// Thread-safety: pure functions.
#pragma once

#include <ablauf/definition.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// One file as an answer names it.
struct FileReference {
  std::string sha256;      ///< of its content: 64 lowercase hex digits, its name in the BlobStore
  std::string name;        ///< as its person named it, without folders: "vertrag.pdf"
  std::string media_type;  ///< "application/pdf", "image/jpeg"
  std::uint64_t size = 0;  ///< in bytes
  /// When it was taken or written, RFC 3339 with its UTC offset, as the person's device said;
  /// "" when not known.
  std::string taken_at;
};

/// The reference as an answer holds it: sha256, name, media_type, size and, when known,
/// taken_at.
boost::json::object to_json(const FileReference& file);

/// The references an answer to a file or photo item holds, as check_answer() returned it; none
/// for "not applicable" or a value of another shape.
std::vector<FileReference> file_references(const boost::json::value& answer);

/// Whether `item` takes files of `media_type`: its `media_types` lists it, or its type with
/// "/*", or lists none.
bool accepts_media_type(const ItemDefinition& item, std::string_view media_type);

/// The media type `content` shows by its first bytes, for the kinds people answer with: JPEG,
/// PNG, GIF, WebP, HEIC, PDF; "" when it shows none of them. Keeping a file compares it with
/// the media type its sender claims, so that a script named "photo.jpg" is not kept as one.
std::string_view sniff_media_type(std::string_view content) noexcept;

}  // namespace ablauf
