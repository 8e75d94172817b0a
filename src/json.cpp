#include "ablauf/json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

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

// Builds the value as boost::json::parser does, and counts the members the text gives its
// objects: where the built objects hold fewer, a key was repeated (an object keeps the last).
// Counting costs nothing; only a document with a repeat pays for finding where it is.
class CountingHandler {
 public:
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  boost::json::value_stack stack;
  std::size_t members = 0;

  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;
  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t n, error_code&) {
    members += n;
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    stack.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double d, string_view, error_code&) {
    stack.push_double(d);
    return true;
  }
  bool on_bool(bool b, error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

// What one walk over a parsed value finds: the first string or key longer than the limit
// (depth first), and how many members its objects hold. Iterative, so that no depth a host
// allows can exhaust the stack.
struct Walk {
  std::string long_string;  // pointer of the first string or key past the limit
  Anchor anchor = Anchor::value;
  bool found_long = false;
  std::size_t members = 0;
};

Walk walk(const boost::json::value& root, std::size_t limit) {
  Walk out;
  // Each frame: a value, its pointer's length, and the next child to visit.
  struct Frame {
    const boost::json::value* value;
    std::size_t pointer_length;
    std::size_t next = 0;
  };
  std::string pointer;
  std::vector<Frame> frames{{&root, 0}};
  while (!frames.empty()) {
    Frame& frame = frames.back();
    pointer.resize(frame.pointer_length);
    const boost::json::value& value = *frame.value;
    if (value.is_string()) {
      if (!out.found_long && value.get_string().size() > limit) {
        out.found_long = true;
        out.long_string = pointer;
      }
      frames.pop_back();
    } else if (const auto* array = value.if_array(); array && frame.next < array->size()) {
      pointer += '/' + std::to_string(frame.next);
      const auto* child = &(*array)[frame.next++];
      frames.push_back({child, pointer.size()});
    } else if (const auto* object = value.if_object(); object && frame.next < object->size()) {
      if (frame.next == 0) out.members += object->size();
      const auto& member = object->begin()[frame.next++];
      pointer += '/' + escape_pointer_token(member.key());
      if (!out.found_long && member.key().size() > limit) {
        out.found_long = true;
        out.long_string = pointer;
        out.anchor = Anchor::key;
      }
      frames.push_back({&member.value(), pointer.size()});
    } else {
      frames.pop_back();
    }
  }
  return out;
}

// The last reference token of a JSON pointer, unescaped: the key it names.
std::string last_token(std::string_view pointer) {
  std::string out;
  const std::string_view token = pointer.substr(pointer.rfind('/') + 1);
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[++i] == '1' ? '/' : '~';
    } else {
      out += token[i];
    }
  }
  return out;
}

// Zero, or more than the ceiling: a mistake (a negative number wrapped round, say), not a
// limit. Returns the message naming the field, or "".
std::string check_limit(std::string_view field, std::size_t value, std::size_t ceiling) {
  if (value >= 1 && value <= ceiling) return {};
  return std::string(field) + " must be between 1 and " + std::to_string(ceiling) + ", not " +
         std::to_string(value);
}

}  // namespace

std::string check_json_limits(const JsonLimits& limits) {
  for (auto message :
       {check_limit("max_document_bytes", limits.max_document_bytes, JsonLimits::max_bytes_ceiling),
        check_limit("max_depth", limits.max_depth, JsonLimits::max_depth_ceiling),
        check_limit("max_string_length", limits.max_string_length, JsonLimits::max_bytes_ceiling)})
    if (!message.empty()) return message;
  return {};
}

tl::expected<boost::json::value, Diagnostic> parse_json(const Source& source,
                                                        const JsonLimits& limits) {
  if (auto message = check_json_limits(limits); !message.empty()) {
    Diagnostic d;
    d.code = ErrorCode::invalid_value;
    d.message = "JsonLimits::" + message;
    d.location.file = source.name();
    return tl::make_unexpected(std::move(d));
  }
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
  boost::json::basic_parser<CountingHandler> parser(options);
  parser.handler().stack.reset();
  boost::system::error_code ec;
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = boost::json::error::extra_data;
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
  boost::json::value value = parser.handler().stack.release();

  const Walk found = walk(value, limits.max_string_length);
  if (found.members != parser.handler().members && !source.duplicate_keys().empty()) {
    const DuplicateKey& repeat = source.duplicate_keys().front();
    const SourceLocation first = source.location_at(repeat.first);
    return tl::make_unexpected(make_error(
        source, ErrorCode::syntax_error,
        "the key '" + last_token(repeat.pointer) + "' is given twice in one object (first at " +
            std::to_string(first.line) + ":" + std::to_string(first.column) +
            "); give each key once",
        repeat.second, repeat.pointer));
  }
  if (found.found_long) {
    return tl::make_unexpected(make_error(source, ErrorCode::string_too_long,
                                          "string is longer than the limit of " +
                                              std::to_string(limits.max_string_length) +
                                              " bytes (max_string_length)",
                                          source.offset_of(found.long_string, found.anchor),
                                          found.long_string));
  }
  return value;
}

}  // namespace ablauf
