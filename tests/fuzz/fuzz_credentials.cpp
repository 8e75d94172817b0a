// Fuzzes what the server reads of who sends a request: the Authorization and Cookie headers
// and the CSRF token at the gate, and the Ablauf-Signature of a webhook. An input is four header
// values on the first four lines (Authorization, Cookie, X-CSRF-Token, Ablauf-Signature), the
// method on the fifth, the path on the sixth and the body after; "$TOKEN", "$SESSION" and "$CSRF"
// stand for a valid API token, session id and CSRF token. Whatever the bytes, the gate must let
// through only the user they prove, and a signature must verify only with the source's secret.
#include <ablauf/http_server.hpp>
#include <ablauf/http_users.hpp>

#include "http/authentication.hpp"
#include "http/webhooks.hpp"

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view token =
    "ablauf_0123456789abcdef_"
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// A users file whose token is hashed at libsodium's least cost, so that a run verifies it quickly.
const ablauf::http::UsersFile& users() {
  static const auto file = [] {
    if (sodium_init() < 0) std::abort();
    std::array<char, crypto_pwhash_STRBYTES> hash{};
    if (crypto_pwhash_str(hash.data(), token.data(), token.size(), crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) != 0)
      std::abort();
    auto read = ablauf::http::UsersFile::read(
        std::string(R"({"users": [{"name": "bank", "roles": ["integration"], "tokens": [)") +
            R"({"id": "0123456789abcdef", "hash": ")" + hash.data() + R"("}]}]})",
        "users.json");
    if (!read) std::abort();
    return std::move(*read);
  }();
  return *file;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The next line of `input`, taken off it.
std::string take_line(std::string_view& input) {
  const auto end = input.find('\n');
  std::string line(input.substr(0, end));
  input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ablauf::http::ServerOptions options;
  options.authenticator = &users();
  options.webhook_sources = {{"bank", "0123456789abcdef0123456789abcdef", {"paid"}}};
  ablauf::http::detail::Authentication authentication(options);
  const auto [session, opened] =
      authentication.sessions.open(*users().by_token(token), ablauf::http::detail::Clock::now());

  ablauf::http::Request request;
  request.remote = "fuzz";
  for (const char* name : {"Authorization", "Cookie", "X-CSRF-Token", "Ablauf-Signature"}) {
    std::string value = take_line(input);
    replace_all(value, "$TOKEN", token);
    replace_all(value, "$SESSION", session);
    replace_all(value, "$CSRF", opened.csrf_token);
    request.headers.emplace_back(name, std::move(value));
  }
  request.method = take_line(input);
  request.path = take_line(input);
  request.body = std::string(input);

  const auto refused =
      ablauf::http::detail::authenticate(authentication, request, ablauf::http::Access::signed_in);
  if (!refused && (!request.user || request.user->name != "bank")) std::abort();
  if (refused && (refused->status < 400 || refused->status > 499)) std::abort();
  if (auto verified = ablauf::http::detail::verify_signature(request, options);
      verified && verified->source->name != "bank")
    std::abort();
  return 0;
}
