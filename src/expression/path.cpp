#include "path.hpp"

#include <charconv>

namespace ablauf::detail {

PathSegment make_segment(std::string name) {
  PathSegment segment{std::move(name)};
  const char* end = segment.name.data() + segment.name.size();
  std::int64_t index = 0;
  const auto r = std::from_chars(segment.name.data(), end, index);
  // Only plain decimal indexes: "01" or "+1" name members, never elements.
  const bool canonical = segment.name.size() == 1 || segment.name.front() != '0';
  if (!segment.name.empty() && r.ec == std::errc{} && r.ptr == end && index >= 0 && canonical)
    segment.index = index;
  return segment;
}

const boost::json::value* resolve(const boost::json::value* root,
                                  const PathSegment& segment) noexcept {
  if (!root) return nullptr;
  if (const auto* object = root->if_object()) return object->if_contains(segment.name);
  if (const auto* array = root->if_array()) {
    if (segment.index < 0 || static_cast<std::size_t>(segment.index) >= array->size())
      return nullptr;
    return &(*array)[static_cast<std::size_t>(segment.index)];
  }
  return nullptr;
}

const boost::json::value* resolve(const boost::json::value* root,
                                  std::span<const PathSegment> segments) noexcept {
  for (const auto& segment : segments) {
    root = resolve(root, segment);
    if (!root) return nullptr;
  }
  return root;
}

std::vector<PathSegment> split_dotted(std::string_view path) {
  std::vector<PathSegment> segments;
  if (path.empty()) return segments;
  for (;;) {
    const auto dot = path.find('.');
    segments.push_back(make_segment(std::string(path.substr(0, dot))));
    if (dot == std::string_view::npos) return segments;
    path.remove_prefix(dot + 1);
  }
}

}  // namespace ablauf::detail
