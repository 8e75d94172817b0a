#include "ablauf/source.hpp"

#include <boost/json/parse.hpp>

#include <string>
#include <unordered_map>
#include <vector>

namespace ablauf {
namespace {

constexpr std::size_t npos = std::string::npos;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t utf8_bom_length(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

}  // namespace

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

namespace {

// Where a value starts, and for an object member where its key starts.
struct Entry {
  std::size_t key = npos;
  std::size_t value = npos;
};
using EntryMap = std::unordered_map<std::string, Entry>;

}  // namespace

// Every value's offset, and every object member's key offset, by JSON pointer.
struct Source::Index {
  EntryMap entries;
};

Source::Source(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {}

Source::~Source() = default;

SourceLocation Source::location_at(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  SourceLocation where;
  where.file = name_;
  where.line = 1;
  std::size_t line_start = utf8_bom_length(text_);
  for (std::size_t i = line_start; i < offset; ++i) {
    if (text_[i] == '\n') {
      ++where.line;
      line_start = i + 1;
    }
  }
  // Columns count code points: skip UTF-8 continuation bytes (10xxxxxx).
  std::uint32_t column = 1;
  for (std::size_t i = line_start; i < offset; ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  where.column = column;
  return where;
}

namespace {

// Scans text that Boost.JSON has already accepted, so it needs no error handling: it only
// has to find where values and keys start. Iterative, so depth cannot overflow the stack.
class Indexer {
 public:
  Indexer(std::string_view text, EntryMap& out) : text_(text), out_(out) {}

  void run() {
    pos_ = utf8_bom_length(text_);
    skip_space();
    if (pos_ >= text_.size()) return;
    std::size_t key = npos;
    for (;;) {
      // A value starts at pos_; pointer_ is its pointer.
      out_[pointer_] = {key, pos_};
      const char c = text_[pos_];
      if (c == '{' || c == '[') {
        frames_.push_back({c == '{', pointer_.size(), 0});
        ++pos_;
      } else {
        skip_scalar();
        if (!next_sibling()) return;
      }
      // Open the next member of the innermost container, or close containers until one has.
      for (;;) {
        skip_space();
        const char d = text_[pos_];
        if (d == '}' || d == ']') {
          ++pos_;
          frames_.pop_back();
          if (!next_sibling()) return;
          continue;
        }
        break;
      }
      Frame& frame = frames_.back();
      if (frame.object) {
        key = pos_;
        const std::string name = read_key();
        skip_space();
        ++pos_;  // ':'
        skip_space();
        pointer_ += '/';
        pointer_ += escape_pointer_token(name);
      } else {
        key = npos;
        pointer_ += '/';
        pointer_ += std::to_string(frame.index);
      }
    }
  }

 private:
  struct Frame {
    bool object;
    std::size_t pointer_length;
    std::size_t index;
  };

  // After a value: return to its container and step past a comma. False when the value was
  // the document itself.
  bool next_sibling() {
    if (frames_.empty()) return false;
    Frame& frame = frames_.back();
    pointer_.resize(frame.pointer_length);
    ++frame.index;
    skip_space();
    if (text_[pos_] == ',') ++pos_;
    return true;
  }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  // Steps past a string starting at pos_ and returns its raw text, quotes included.
  std::string_view skip_string() {
    const std::size_t start = pos_++;
    while (text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
    ++pos_;
    return text_.substr(start, pos_ - start);
  }

  std::string read_key() {
    const std::string_view raw = skip_string();
    if (raw.find('\\') == std::string_view::npos) return std::string(raw.substr(1, raw.size() - 2));
    // Let Boost.JSON undo the escapes, so keys match the parsed document's exactly.
    return std::string(boost::json::parse(raw).as_string());
  }

  void skip_scalar() {
    if (text_[pos_] == '"') {
      skip_string();
      return;
    }
    while (pos_ < text_.size() && !is_space(text_[pos_]) && text_[pos_] != ',' &&
           text_[pos_] != ']' && text_[pos_] != '}')
      ++pos_;
  }

  std::string_view text_;
  EntryMap& out_;
  std::size_t pos_ = 0;
  std::string pointer_;
  std::vector<Frame> frames_;
};

}  // namespace

const Source::Index& Source::index() const {
  std::call_once(index_once_, [this] {
    auto index = std::make_unique<Index>();
    Indexer(text_, index->entries).run();
    index_ = std::move(index);
  });
  return *index_;
}

std::size_t Source::offset_of(std::string_view pointer, Anchor anchor) const {
  const auto& entries = index().entries;
  std::string path(pointer);
  for (;;) {
    if (auto it = entries.find(path); it != entries.end()) {
      const auto& entry = it->second;
      if (anchor == Anchor::key && entry.key != npos) return entry.key;
      return entry.value == npos ? 0 : entry.value;
    }
    if (path.empty()) return utf8_bom_length(text_);
    path.resize(path.rfind('/'));
    anchor = Anchor::value;  // a parent stands in for a missing member: point at its start
  }
}

SourceLocation Source::locate(std::string_view pointer, Anchor anchor) const {
  return location_at(offset_of(pointer, anchor));
}

SourceLocation Source::locate_in_string(std::string_view pointer, std::size_t offset) const {
  std::size_t pos = offset_of(pointer);
  if (pos >= text_.size() || text_[pos] != '"') return location_at(pos);
  ++pos;
  // Walk the raw text, counting the bytes each piece decodes to, until `offset` is reached.
  std::size_t decoded = 0;
  while (pos < text_.size() && text_[pos] != '"' && decoded < offset) {
    if (text_[pos] != '\\') {
      ++pos;
      ++decoded;
      continue;
    }
    if (text_[pos + 1] != 'u') {
      pos += 2;
      ++decoded;
      continue;
    }
    const unsigned code = std::stoul(std::string(text_.substr(pos + 2, 4)), nullptr, 16);
    pos += 6;
    if (code < 0x80) {
      decoded += 1;
    } else if (code < 0x800) {
      decoded += 2;
    } else if (code >= 0xD800 && code < 0xDC00) {
      decoded += 4;  // a surrogate pair: the low half follows as a second escape
      pos += 6;
    } else {
      decoded += 3;
    }
  }
  return location_at(pos);
}

}  // namespace ablauf
