/// @file
/// A HistorySigner with Ed25519 keys (libsodium): the key a host keeps outside the store signs
/// the head of an instance's hash chain, and anyone holding the public key checks it.
///
/// It comes as its own target, `ablauf::ed25519`, so that hosts that sign no history need not
/// link libsodium. Keys and signatures travel as lowercase hex: a public key is 64 characters,
/// a secret key 128 (libsodium's form: the 32-byte seed followed by the public key), a
/// signature 128.
///
/// Thread-safety: a signer is immutable after it is made; sign() and verify() may run on any
/// number of threads at once.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/history.hpp>

#include <tl/expected.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ablauf {

/// A new Ed25519 key pair, in hex.
struct Ed25519KeyPair {
  std::string public_key;  ///< 64 hex characters; give it to whoever verifies
  std::string secret_key;  ///< 128 hex characters; keep it where the store's writers cannot read it
};

/// Signs chain heads (ChainHead::signing_text()) with Ed25519 and checks such signatures.
class Ed25519Signer final : public HistorySigner {
 public:
  /// A fresh key pair from the operating system's random source. Fails (io_error) only when
  /// libsodium cannot start, which means the system gives no random numbers; so do the
  /// factories below.
  static tl::expected<Ed25519KeyPair, Error> generate_key_pair();

  /// A signer that signs and verifies with `secret_key` (hex, as generate_key_pair() gives
  /// it). An invalid_value error says what is wrong with a key of the wrong length or not hex.
  static tl::expected<Ed25519Signer, Error> from_secret_key(std::string_view secret_key);

  /// A signer that only verifies, with `public_key` (hex); its sign() fails.
  static tl::expected<Ed25519Signer, Error> from_public_key(std::string_view public_key);

  Ed25519Signer(const Ed25519Signer& other) = default;             ///< Copies the keys.
  Ed25519Signer& operator=(const Ed25519Signer& other) = default;  ///< Copies the keys.
  /// Wipes the secret key from memory.
  ~Ed25519Signer() override;

  /// The public key, in hex: what verifies this signer's signatures.
  std::string public_key() const;
  /// Whether this signer holds a secret key and so can sign.
  bool can_sign() const noexcept { return secret_.has_value(); }

  /// The detached signature of head.signing_text(), 128 hex characters. Fails with
  /// invalid_value when the signer was made from a public key only.
  tl::expected<std::string, Error> sign(const ChainHead& head) override;

  /// Whether `signature` (hex) signs head.signing_text() under this signer's public key. A
  /// signature that is not 128 hex characters is not valid (false), not an error.
  tl::expected<bool, Error> verify(const ChainHead& head,
                                   std::string_view signature) const override;

 private:
  Ed25519Signer() = default;
  std::array<std::uint8_t, 32> public_{};
  std::optional<std::array<std::uint8_t, 64>> secret_;
};

}  // namespace ablauf
