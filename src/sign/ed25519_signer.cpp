#include "ablauf/ed25519_signer.hpp"

#include "failure.hpp"

#include <sodium.h>

#include <optional>


namespace ablauf {
namespace {

static_assert(crypto_sign_PUBLICKEYBYTES == 32 && crypto_sign_SECRETKEYBYTES == 64 &&
              crypto_sign_BYTES == 64);

// sodium_init() is safe to call more than once and from several threads; it fails only when
// the system gives no random numbers, and then no key can be trusted.
std::optional<Error> initialise_sodium() {
  if (sodium_init() >= 0) return std::nullopt;
  return Error{ErrorCode::io_error, "libsodium cannot be initialised: no random source", {}, {}};
}

std::string to_hex(const std::uint8_t* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();  // the terminating NUL
  return hex;
}

// Reads exactly `size` bytes from `hex`; false if it is another length or not hex.
bool from_hex(std::string_view hex, std::uint8_t* bytes, std::size_t size) {
  if (hex.size() != size * 2) return false;
  std::size_t read = 0;
  const char* end = nullptr;
  return sodium_hex2bin(bytes, size, hex.data(), hex.size(), nullptr, &read, &end) == 0 &&
         read == size && end == hex.data() + hex.size();
}

tl::unexpected<Error> bad_key(std::string_view what, std::size_t hex_length) {
  return detail::error(ErrorCode::invalid_value,
                       "an Ed25519 " + std::string(what) + " is " + std::to_string(hex_length) +
                           " hexadecimal characters, as Ed25519Signer::generate_key_pair() "
                           "writes it");
}

}  // namespace

tl::expected<Ed25519KeyPair, Error> Ed25519Signer::generate_key_pair() {
  if (auto failed = initialise_sodium()) return tl::make_unexpected(std::move(*failed));
  std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> secret_key{};
  crypto_sign_keypair(public_key.data(), secret_key.data());
  Ed25519KeyPair pair{to_hex(public_key.data(), public_key.size()),
                      to_hex(secret_key.data(), secret_key.size())};
  sodium_memzero(secret_key.data(), secret_key.size());
  return pair;
}

tl::expected<Ed25519Signer, Error> Ed25519Signer::from_secret_key(std::string_view secret_key) {
  if (auto failed = initialise_sodium()) return tl::make_unexpected(std::move(*failed));
  Ed25519Signer signer;
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> secret{};
  if (!from_hex(secret_key, secret.data(), secret.size())) return bad_key("secret key", 128);
  // The secret key carries its public key in its second half; derive it from the seed
  // instead of trusting that half, so that a pasted-together key is caught here.
  std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> derived{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> rebuilt{};
  crypto_sign_seed_keypair(derived.data(), rebuilt.data(), secret.data());
  const bool consistent = sodium_memcmp(rebuilt.data(), secret.data(), secret.size()) == 0;
  sodium_memzero(rebuilt.data(), rebuilt.size());
  if (!consistent) {
    sodium_memzero(secret.data(), secret.size());
    return detail::error(ErrorCode::invalid_value,
                         "the Ed25519 secret key's second half is not the public key of its "
                         "first: the key is damaged");
  }
  signer.public_ = derived;
  signer.secret_ = secret;
  sodium_memzero(secret.data(), secret.size());
  return signer;
}

tl::expected<Ed25519Signer, Error> Ed25519Signer::from_public_key(std::string_view public_key) {
  if (auto failed = initialise_sodium()) return tl::make_unexpected(std::move(*failed));
  Ed25519Signer signer;
  if (!from_hex(public_key, signer.public_.data(), signer.public_.size()))
    return bad_key("public key", 64);
  return signer;
}

Ed25519Signer::~Ed25519Signer() {
  if (secret_) sodium_memzero(secret_->data(), secret_->size());
}

std::string Ed25519Signer::public_key() const { return to_hex(public_.data(), public_.size()); }

tl::expected<std::string, Error> Ed25519Signer::sign(const ChainHead& head) {
  if (!secret_)
    return detail::error(ErrorCode::invalid_value,
                         "this Ed25519 signer holds only a public key: it verifies, it cannot "
                         "sign");
  const std::string text = head.signing_text();
  std::array<std::uint8_t, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       secret_->data());
  return to_hex(signature.data(), signature.size());
}

tl::expected<bool, Error> Ed25519Signer::verify(const ChainHead& head,
                                                std::string_view signature) const {
  std::array<std::uint8_t, crypto_sign_BYTES> bytes{};
  if (!from_hex(signature, bytes.data(), bytes.size())) return false;
  const std::string text = head.signing_text();
  return crypto_sign_verify_detached(bytes.data(),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size(), public_.data()) == 0;
}

}  // namespace ablauf
