#include "ablauf/history.hpp"

#include "failure.hpp"
#include "sha256.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <vector>

namespace ablauf {
namespace json = boost::json;
namespace {

// Escapes as canonical_json() documents; Boost.JSON's serializer escapes the same set, but the
// hash must not change should its choices change.
void write_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += hex[static_cast<unsigned char>(c) >> 4];
          out += hex[static_cast<unsigned char>(c) & 0x0F];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// An array or object being written, and how many of its values are written. An array is read
// in place; an object's members are listed once, sorted by key.
struct OpenContainer {
  const json::array* array = nullptr;  // null for an object
  std::vector<const json::key_value_pair*> members;
  std::size_t written = 0;

  std::size_t size() const { return array ? array->size() : members.size(); }
};

// Writes a scalar, or writes a container's opening bracket and pushes it for write_canonical.
void write_or_open(std::string& out, const json::value& value, std::vector<OpenContainer>& open) {
  switch (value.kind()) {
    case json::kind::null: out += "null"; return;
    case json::kind::bool_: out += value.get_bool() ? "true" : "false"; return;
    case json::kind::int64: out += std::to_string(value.get_int64()); return;
    case json::kind::uint64: out += std::to_string(value.get_uint64()); return;
    case json::kind::double_: out += json::serialize(value); return;
    case json::kind::string: write_string(out, value.get_string()); return;
    case json::kind::array:
      out += '[';
      open.push_back({&value.get_array(), {}, 0});
      return;
    case json::kind::object: {
      OpenContainer object;
      object.members.reserve(value.get_object().size());
      for (const auto& member : value.get_object()) object.members.push_back(&member);
      std::sort(object.members.begin(), object.members.end(),
                [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out += '{';
      open.push_back(std::move(object));
      return;
    }
  }
}

// With a stack of its own rather than the call stack: values may nest as deep as the reader's
// max_depth allows.
void write_canonical(std::string& out, const json::value& value) {
  std::vector<OpenContainer> open;
  open.reserve(8);  // an event's usual depth, in one allocation rather than growing to it
  write_or_open(out, value, open);
  while (!open.empty()) {
    auto& container = open.back();
    if (container.written == container.size()) {
      out += container.array ? ']' : '}';
      open.pop_back();
      continue;
    }
    const std::size_t index = container.written++;
    if (index > 0) out += ',';
    const json::value* next = nullptr;
    if (container.array) {
      next = &(*container.array)[index];
    } else {
      write_string(out, container.members[index]->key());
      out += ':';
      next = &container.members[index]->value();
    }
    write_or_open(out, *next, open);  // may grow `open`: `container` is not used after it
  }
}

std::string shortened(const std::string& hash) {
  return hash.size() > 12 ? hash.substr(0, 12) + "…" : hash;
}

}  // namespace

std::string history_origin(std::string_view instance) {
  return detail::sha256_hex(instance);
}

std::string canonical_json(const json::value& value) {
  std::string out;
  write_canonical(out, value);
  return out;
}

std::string event_hash(std::string_view previous, const Event& event) {
  std::string text;
  text.reserve(previous.size() + 256);
  text.append(previous);
  text += '\n';
  write_canonical(text, to_json(event));
  return detail::sha256_hex(text);
}

std::string HistoryBreak::describe() const {
  std::string out = "instance '" + instance + "', event " + std::to_string(sequence) + ": ";
  if (!reason.empty()) return out + reason;
  if (found.empty()) return out + "no hash is stored with it (expected " + expected + ")";
  return out + "stored hash " + found + " but its content and the event before it give " +
         expected + " (the event or one before it was changed)";
}

std::optional<HistoryBreak> verify_history(std::string_view instance,
                                           std::span<const Event> events) {
  if (events.empty()) return std::nullopt;
  const auto broken = [&](const Event& event, std::string expected, std::string reason) {
    return HistoryBreak{std::string(instance), event.sequence, std::move(expected), event.hash,
                        std::move(reason)};
  };
  std::string previous;
  std::uint64_t sequence = events.front().sequence;
  std::size_t next = 0;
  if (sequence == 1) {
    previous = history_origin(instance);
  } else {
    previous = events.front().hash;  // the anchor, taken as given
    next = 1;
  }
  for (; next < events.size(); ++next) {
    const auto& event = events[next];
    const auto expected_sequence = next == 0 ? 1 : sequence + 1;
    if (event.sequence != expected_sequence)
      return broken(event, {},
                    "it follows event " + std::to_string(sequence) + ": event " +
                        std::to_string(expected_sequence) + " is missing or out of order");
    auto expected = event_hash(previous, event);
    if (expected != event.hash) return broken(event, std::move(expected), {});
    previous = event.hash;
    sequence = event.sequence;
  }
  return std::nullopt;
}

std::string ChainHead::signing_text() const {
  return "ablauf-chain-head\n" + instance + "\n" + std::to_string(sequence) + "\n" + hash;
}

tl::expected<ChainHead, Error> verify_signed_history(std::string_view instance,
                                                     std::span<const Event> events,
                                                     const HistorySigner& signer,
                                                     std::string_view signature) {
  if (events.empty() || events.front().sequence != 1)
    return detail::error(ErrorCode::invalid_event,
                         "instance '" + std::string(instance) +
                             "': a signed history is checked from its first event");
  if (const auto broken = verify_history(instance, events))
    return detail::error(ErrorCode::invalid_event, broken->describe());
  ChainHead head{std::string(instance), events.back().sequence, events.back().hash};
  auto valid = signer.verify(head, signature);
  if (!valid) return tl::make_unexpected(std::move(valid.error()));
  if (!*valid)
    return detail::error(ErrorCode::invalid_event,
                         "instance '" + head.instance + "': the signature does not sign event " +
                             std::to_string(head.sequence) + " with hash " + shortened(head.hash));
  return head;
}

}  // namespace ablauf
