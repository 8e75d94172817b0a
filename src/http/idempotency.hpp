// The Idempotency-Key header of a mutating call: the key the engine commits with the change,
// and the answer to a call that repeats one (internal; docs/http.md).
#pragma once

#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>

#include <tl/expected.hpp>

#include <cstddef>
#include <functional>

namespace ablauf::http::detail {

// The longest Idempotency-Key taken, in bytes.
inline constexpr std::size_t max_idempotency_key_bytes = 255;

// The request's Idempotency-Key as the engine's RequestKey: the key as sent, under "http:" so
// that it cannot meet a host's own keys, with the SHA-256 of the method, path and body as its
// fingerprint. An empty key (no header) is none; 400 for an empty header or one past
// max_idempotency_key_bytes or with control characters.
tl::expected<RequestKey, Response> idempotency_key(const Request& request);

// How a call answers: `made` the response for the instance the call changed.
using Answer = std::function<Response(const std::string& instance)>;

// The answer to a call whose change failed with `error`. For duplicate_request, the call was
// made before with this key: the same call is answered as the first was, with the instance as
// it is now and `Idempotent-Replayed: true`; another call with the same key is 422. Any other
// error is its problem document.
Response refused_or_replayed(Engine& engine, const Error& error, const RequestKey& key,
                             const Answer& answer);

}  // namespace ablauf::http::detail
