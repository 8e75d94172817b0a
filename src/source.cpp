#include "ablauf/source.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
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

// Every value's offset, and every object member's key offset, by JSON pointer; for a key
// written twice, the later one's, as Boost.JSON keeps the later value.
struct Source::Index {
  EntryMap entries;
  std::vector<DuplicateKey> duplicates;
};

Source::Source(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {}

Source::~Source() = default;

// Where each line starts, and how many code points precede every stride-th byte: enough to
// give any offset its line (by binary search) and its column (by counting at most a stride of
// bytes), so that locating every finding of a large document costs time linear in their
// number, not in their number times the document's length.
struct Source::Lines {
  static constexpr std::size_t stride = 256;
  std::vector<std::size_t> starts;       // byte offset of each line's first character
  std::vector<std::size_t> code_points;  // code points before byte i * stride

  std::size_t code_points_before(std::string_view text, std::size_t offset) const {
    std::size_t count = code_points[offset / stride];
    for (std::size_t i = offset / stride * stride; i < offset; ++i)
      if (!is_continuation(text[i])) ++count;
    return count;
  }

  // UTF-8 continuation bytes (10xxxxxx) do not start a code point.
  static bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
};

const Source::Lines& Source::lines() const {
  std::call_once(lines_once_, [this] {
    auto lines = std::make_unique<Lines>();
    lines->starts.push_back(utf8_bom_length(text_));
    lines->code_points.reserve(text_.size() / Lines::stride + 1);
    std::size_t count = 0;
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if (i % Lines::stride == 0) lines->code_points.push_back(count);
      if (!Lines::is_continuation(text_[i])) ++count;
      if (text_[i] == '\n') lines->starts.push_back(i + 1);
    }
    if (text_.size() % Lines::stride == 0) lines->code_points.push_back(count);
    lines_ = std::move(lines);
  });
  return *lines_;
}

SourceLocation Source::location_at(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  SourceLocation where;
  where.file = name_;
  const Lines& index = lines();
  // The last line starting at or before the offset (the first, inside a byte order mark).
  const auto after = std::upper_bound(index.starts.begin(), index.starts.end(), offset);
  const std::size_t line = after == index.starts.begin() ? 0 : after - index.starts.begin() - 1;
  const std::size_t line_start = std::min(index.starts[line], offset);
  where.line = static_cast<std::uint32_t>(line + 1);
  where.column = static_cast<std::uint32_t>(index.code_points_before(text_, offset) -
                                            index.code_points_before(text_, line_start) + 1);
  return where;
}

namespace {

// Scans text that Boost.JSON has already accepted, so it needs no error handling: it only
// has to find where values and keys start. Iterative, so depth cannot overflow the stack.
class Indexer {
 public:
  Indexer(std::string_view text, EntryMap& out, std::vector<DuplicateKey>& duplicates)
      : text_(text), out_(out), duplicates_(duplicates) {}

  void run() {
    pos_ = utf8_bom_length(text_);
    skip_space();
    if (pos_ >= text_.size()) return;
    std::size_t key = npos;
    for (;;) {
      // A value starts at pos_; pointer_ is its pointer.
      Entry& entry = out_[pointer_];
      // Seen before within this same object: a repeated key (not a member of a repeated
      // object, whose first occurrence lies before the current object began).
      if (key != npos && entry.key != npos && entry.key > frames_.back().start)
        duplicates_.push_back({pointer_, entry.key, key});
      entry = {key, pos_};
      const char c = text_[pos_];
      if (c == '{' || c == '[') {
        frames_.push_back({c == '{', pointer_.size(), 0, pos_});
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
    std::size_t start;  // of the '{' or '['
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
  std::vector<DuplicateKey>& duplicates_;
  std::size_t pos_ = 0;
  std::string pointer_;
  std::vector<Frame> frames_;
};

}  // namespace

const Source::Index& Source::index() const {
  std::call_once(index_once_, [this] {
    auto index = std::make_unique<Index>();
    Indexer(text_, index->entries, index->duplicates).run();
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

const std::vector<DuplicateKey>& Source::duplicate_keys() const {
  return index().duplicates;
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
