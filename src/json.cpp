#include "ablauf/json.hpp"

#include <boost/json/parser.hpp>

#include <string>
#include <vector>

namespace ablauf {
namespace {

Diagnostic make_error(const Source& source, ErrorCode code, std::string message, std::size_t offset,
                      std::string pointer = {}) {
  Diagnostic d;
  d.code = code;
  d.message = std::move(message);
  d.pointer = std::move(pointer);
  d.location = source.location_at(offset);
  return d;
}

// Finds the first string or key longer than the limit, depth first: sets its pointer, and
// `anchor` to say whether the key is at fault. Recursion is bounded by the depth limit the
// parser already enforced.
bool find_long_string(const boost::json::value& value, std::size_t limit, std::string& pointer,
                      Anchor& anchor) {
  switch (value.kind()) {
    case boost::json::kind::string: return value.get_string().size() > limit;
    case boost::json::kind::array: {
      const auto& array = value.get_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        const auto length = pointer.size();
        pointer += '/' + std::to_string(i);
        if (find_long_string(array[i], limit, pointer, anchor)) return true;
        pointer.resize(length);
      }
      return false;
    }
    case boost::json::kind::object:
      for (const auto& member : value.get_object()) {
        const auto length = pointer.size();
        pointer += '/' + escape_pointer_token(member.key());
        if (member.key().size() > limit) {
          anchor = Anchor::key;
          return true;
        }
        if (find_long_string(member.value(), limit, pointer, anchor)) return true;
        pointer.resize(length);
      }
      return false;
    default: return false;
  }
}

}  // namespace

tl::expected<boost::json::value, Diagnostic> parse_json(const Source& source,
                                                        const JsonLimits& limits) {
  std::string_view text = source.text();
  if (text.size() > limits.max_document_bytes) {
    return tl::make_unexpected(make_error(
        source, ErrorCode::document_too_large,
        "document is " + std::to_string(text.size()) + " bytes, more than the limit of " +
            std::to_string(limits.max_document_bytes) + " (max_document_bytes)",
        0));
  }
  std::size_t skipped = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    skipped = 3;
    text.remove_prefix(3);
  }

  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::parser parser({}, options);
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (ec) {
    const std::size_t offset = skipped + consumed;
    if (ec == boost::json::error::too_deep) {
      return tl::make_unexpected(make_error(source, ErrorCode::too_deep,
                                            "nesting is deeper than the limit of " +
                                                std::to_string(limits.max_depth) +
                                                " levels (max_depth)",
                                            offset));
    }
    std::string message = "invalid JSON: " + ec.message();
    if (offset >= source.text().size()) {
      message += " (the document ends too early)";
    } else if (const unsigned char found = static_cast<unsigned char>(source.text()[offset]);
               found > ' ' && found < 0x7F) {
      message += " at '" + std::string(1, static_cast<char>(found)) + "'";
      if (found == '"' || found == '{' || found == '[')
        message += " (is a comma missing before it?)";
    }
    return tl::make_unexpected(
        make_error(source, ErrorCode::syntax_error, std::move(message), offset));
  }
  boost::json::value value = parser.release();

  std::string pointer;
  Anchor anchor = Anchor::value;
  if (find_long_string(value, limits.max_string_length, pointer, anchor)) {
    return tl::make_unexpected(make_error(source, ErrorCode::string_too_long,
                                          "string is longer than the limit of " +
                                              std::to_string(limits.max_string_length) +
                                              " bytes (max_string_length)",
                                          source.offset_of(pointer, anchor), pointer));
  }
  return value;
}

}  // namespace ablauf
