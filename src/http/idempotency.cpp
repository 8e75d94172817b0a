// The Idempotency-Key header of a mutating call (idempotency.hpp).
#include "http/idempotency.hpp"

#include "sha256.hpp"

#include <algorithm>
#include <cctype>

namespace ablauf::http::detail {

tl::expected<RequestKey, Response> idempotency_key(const Request& request) {
  constexpr std::string_view header = "idempotency-key";
  const auto named = [&](const std::string& name) {
    return std::equal(name.begin(), name.end(), header.begin(), header.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == b;
    });
  };
  const auto found = std::find_if(request.headers.begin(), request.headers.end(),
                                  [&](const auto& h) { return named(h.first); });
  if (found == request.headers.end()) return RequestKey{};
  const std::string_view key = found->second;
  const auto bad = [](std::string detail) {
    return tl::make_unexpected(Response::problem(400, "Bad Idempotency-Key", detail));
  };
  if (key.empty()) return bad("the Idempotency-Key header is empty: give a key, or no header");
  if (key.size() > max_idempotency_key_bytes)
    return bad("the Idempotency-Key is " + std::to_string(key.size()) + " bytes long; at most " +
               std::to_string(max_idempotency_key_bytes) + " are taken");
  for (const char c : key)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return bad("the Idempotency-Key holds a control character");
  const std::string fingerprint =
      ablauf::detail::sha256_hex(request.method + "\n" + request.path + "\n" + request.body);
  return RequestKey{"http:" + std::string(key), fingerprint, {}};
}

Response refused_or_replayed(Engine& engine, const Error& error, const RequestKey& key,
                             const Answer& answer) {
  if (error.code != ErrorCode::duplicate_request || key.key.empty())
    return Response::problem(error);
  auto first = engine.find_request(key.key);
  if (!first) return Response::problem(first.error());
  if (!*first) return Response::problem(error);  // forgotten since: cannot happen in one call
  if ((*first)->fingerprint != key.fingerprint)
    return Response::problem(422, "Idempotency-Key reused",
                             "the Idempotency-Key was sent before with another request (another "
                             "route or body); make a new key for each change");
  auto response = answer((*first)->instance);
  response.headers.emplace_back("Idempotent-Replayed", "true");
  return response;
}

}  // namespace ablauf::http::detail
