// Ed25519Signer: keys as RFC 8032 makes them, a signed history that verifies, and every way a
// signature, a key or a history can be wrong.
#include <ablauf/ed25519_signer.hpp>

#include "engine_support.hpp"

namespace ablauf {
namespace {

namespace json = boost::json;

// RFC 8032, section 7.1, test 1: the secret seed and the public key it gives.
constexpr std::string_view rfc8032_seed =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr std::string_view rfc8032_public =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

const char* checklist = R"({"id": "c", "version": 1, "kind": "workflow", "title": "C",
  "steps": [{"id": "check", "type": "fill_checklist", "items": [{"id": "a", "label": "A"}],
             "next": "done"},
            {"id": "done", "type": "end"}]})";

// An instance run to its end, and its history as the store keeps it.
struct Finished {
  std::string instance;
  std::vector<Event> history;
};

Finished finish_one(test::Fixture& f) {
  REQUIRE(f.engine.deploy(test::compile_text(checklist)));
  const auto id = f.engine.start("c", json::object{});
  REQUIRE(id);
  f.answer(*id, "check", "a", true);
  auto events = f.store.load(*id);
  REQUIRE(events);
  return {*id, std::move(*events)};
}

TEST_CASE("an Ed25519 secret key gives the public key RFC 8032 says", "[history][ed25519]") {
  const auto signer =
      Ed25519Signer::from_secret_key(std::string(rfc8032_seed) + std::string(rfc8032_public));
  REQUIRE(signer);
  CHECK(signer->public_key() == rfc8032_public);
  CHECK(signer->can_sign());
}

TEST_CASE("a history signed with Ed25519 verifies with the public key alone",
          "[history][ed25519]") {
  test::Fixture f;
  const auto [instance, history] = finish_one(f);
  const auto pair = Ed25519Signer::generate_key_pair();
  REQUIRE(pair);
  CHECK(pair->public_key.size() == 64);
  CHECK(pair->secret_key.size() == 128);
  auto signer = Ed25519Signer::from_secret_key(pair->secret_key);
  REQUIRE(signer);
  CHECK(signer->public_key() == pair->public_key);

  const ChainHead head{instance, history.back().sequence, history.back().hash};
  const auto signature = signer->sign(head);
  REQUIRE(signature);
  CHECK(signature->size() == 128);

  const auto verifier = Ed25519Signer::from_public_key(pair->public_key);
  REQUIRE(verifier);
  CHECK_FALSE(verifier->can_sign());
  const auto verified = verify_signed_history(instance, history, *verifier, *signature);
  REQUIRE(verified);
  CHECK(verified->sequence == history.back().sequence);

  SECTION("a verifier cannot sign") {
    auto copy = *verifier;
    const auto refused = copy.sign(head);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::invalid_value);
    CHECK_THAT(refused.error().message, Catch::Contains("only a public key"));
  }
  SECTION("another key's public key does not verify it") {
    const auto other = Ed25519Signer::generate_key_pair();
    REQUIRE(other);
    const auto stranger = Ed25519Signer::from_public_key(other->public_key);
    REQUIRE(stranger);
    const auto refused = verify_signed_history(instance, history, *stranger, *signature);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message,
               Catch::Contains("the signature does not sign event"));
  }
  SECTION("a signature with one bit flipped does not verify") {
    auto flipped = *signature;
    flipped[10] = flipped[10] == '0' ? '1' : '0';
    for (const std::string& wrong : {flipped, std::string("not hex"), signature->substr(2)}) {
      const auto valid = verifier->verify(head, wrong);
      REQUIRE(valid);
      CHECK_FALSE(*valid);
    }
    const auto genuine = verifier->verify(head, *signature);
    REQUIRE(genuine);
    CHECK(*genuine);
  }
  SECTION("a history rewritten with every hash recomputed is refused") {
    auto rewritten = history;
    rewritten.back().actor = "mallory";
    std::string previous = history_origin(instance);
    for (auto& e : rewritten) previous = e.hash = event_hash(previous, e);
    CHECK_FALSE(verify_history(instance, rewritten));  // the chain itself holds
    CHECK_FALSE(verify_signed_history(instance, rewritten, *verifier, *signature));
  }
  SECTION("the same head signed twice gives the same signature") {
    const auto again = signer->sign(head);  // Ed25519 is deterministic
    REQUIRE(again);
    CHECK(*again == *signature);
  }
}

TEST_CASE("Ed25519 keys of the wrong length, not hex, or pasted together are refused",
          "[history][ed25519]") {
  const std::string valid = std::string(rfc8032_seed) + std::string(rfc8032_public);
  for (const std::string& key : {std::string(), valid.substr(1), valid + "00",
                                 "zz" + valid.substr(2)}) {
    const auto refused = Ed25519Signer::from_secret_key(key);
    INFO(key);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::invalid_value);
    CHECK_THAT(refused.error().message, Catch::Contains("128 hexadecimal"));
  }
  // The second half is another key's public key: the pair does not belong together.
  auto other = Ed25519Signer::generate_key_pair();
  REQUIRE(other);
  const auto pasted = Ed25519Signer::from_secret_key(std::string(rfc8032_seed) + other->public_key);
  REQUIRE_FALSE(pasted);
  CHECK_THAT(pasted.error().message, Catch::Contains("damaged"));

  for (const std::string& key : {std::string(), std::string(rfc8032_public.substr(2)),
                                 std::string(rfc8032_public) + "ab"}) {
    const auto refused = Ed25519Signer::from_public_key(key);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("64 hexadecimal"));
  }
}

}  // namespace
}  // namespace ablauf
