/// @file
/// The hash chain over an instance's history: each stored event carries a SHA-256 that covers
/// its own content and the hash of the event before it, so that an event edited in the store,
/// one removed from the middle, or two swapped, no longer match and verify_history() names the
/// first that breaks.
///
/// What this proves, and what it does not: the chain is not a signature with a key. Anyone who
/// can write to the store can recompute every hash after an edit, and cutting events off the
/// end leaves a shorter chain that still matches. It detects accidental corruption (a damaged
/// page, a restore that mixed two backups) and naive edits (a row changed by SQL). A host that
/// must prove more signs the chain's head with a key it keeps elsewhere (HistorySigner).
///
/// How the hash is made (docs/operations.md, "Tamper-evident history"):
///   hash(event) = SHA-256 hex of  previous + "\n" + canonical_json(to_json(event))
/// where `previous` is the hash of the event before it, or history_origin(instance) for the
/// first event, and canonical_json() writes object keys sorted at every level.
///
/// Thread-safety: pure functions; a HistorySigner says its own.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/event.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ablauf {

/// What the first event of an instance chains to: the SHA-256 (in lowercase hex) of the
/// instance's id, so that a history copied under another id no longer matches.
std::string history_origin(std::string_view instance);

/// JSON text that is the same for equal values whatever order their objects were built in:
/// no whitespace; object keys sorted by their UTF-8 bytes, at every level; strings with `"`,
/// `\` and the control characters escaped (`\b \f \n \r \t`, others as `\u00xx`), every other
/// character as it is; integers in decimal; other numbers as Boost.JSON writes them (the
/// shortest text that reads back as the same double, e.g. `1.5E0`); true, false, null.
std::string canonical_json(const boost::json::value& value);

/// The hash of `event` following an event whose hash is `previous`: the SHA-256, in lowercase
/// hex, of `previous + "\n" + canonical_json(to_json(event))`. The event's own `hash` field is
/// not part of it (to_json leaves it out).
std::string event_hash(std::string_view previous, const Event& event);

/// Where a history's chain breaks: the first event that does not match.
struct HistoryBreak {
  std::string instance;        ///< the instance's id
  std::uint64_t sequence = 0;  ///< the event that breaks the chain
  std::string expected;        ///< the hash its content and its predecessor give
  std::string found;           ///< the hash stored with it
  /// Why, when not a plain mismatch: e.g. "event 4 is missing" where sequence numbers skip.
  std::string reason;

  /// One line for a person: "instance 'x', event 5: stored hash 3f1a… but its content gives
  /// 9c0e…", or the reason.
  std::string describe() const;
};

/// Checks the chain of `events`, which are consecutive events of `instance` in order, as
/// Store::load() returns them. If the first is event 1, it is checked against
/// history_origin(instance); otherwise it is the anchor: its stored hash is taken as given and
/// the events after it are checked against it. Returns the first break, or none if every hash
/// matches. An empty list has none.
std::optional<HistoryBreak> verify_history(std::string_view instance,
                                           std::span<const Event> events);

/// The head of an instance's chain: its last event and that event's hash. What a
/// HistorySigner signs, since the head's hash covers every event before it.
struct ChainHead {
  std::string instance;        ///< the instance's id
  std::uint64_t sequence = 0;  ///< the last event
  std::string hash;            ///< that event's hash

  /// The text a signer signs: "ablauf-chain-head\n" + instance + "\n" + sequence + "\n" + hash.
  std::string signing_text() const;
};

/// Signs chain heads with a key the host keeps outside the store, and checks such signatures,
/// so that a history rewritten by someone who can write to the store but lacks the key no
/// longer verifies. The library ships no implementation: the host brings its key management
/// (an HSM, a KMS, libsodium's Ed25519 over ChainHead::signing_text()) and keeps the
/// signatures it makes where the store's writers cannot change them, e.g. in an append-only
/// log. The engine does not call it: the host signs heads when it chooses (e.g. once an
/// instance finishes), and verify_signed_history() calls verify() on the caller's thread.
/// Thread-safety: as the implementation says.
class HistorySigner {
 public:
  virtual ~HistorySigner() = default;
  /// A signature over `head`, e.g. of head.signing_text(), in a form the host can store.
  virtual tl::expected<std::string, Error> sign(const ChainHead& head) = 0;
  /// Whether `signature` is a valid signature of `head` by this signer.
  virtual tl::expected<bool, Error> verify(const ChainHead& head,
                                           std::string_view signature) const = 0;
};

/// Checks the chain of `events` (as verify_history()) and, if it holds, that `signature`
/// signs its head: an invalid_event error naming the break or the bad signature otherwise.
/// REQUIRES: `events` starts at event 1 (a signature vouches for the whole history).
tl::expected<ChainHead, Error> verify_signed_history(std::string_view instance,
                                                     std::span<const Event> events,
                                                     const HistorySigner& signer,
                                                     std::string_view signature);

}  // namespace ablauf
