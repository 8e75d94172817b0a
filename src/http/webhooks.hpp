// The signature of a webhook: which source signed a request, checked against its secret and the
// clock (internal; http_webhooks.hpp).
#pragma once

#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>

#include <tl/expected.hpp>

#include <string_view>

namespace ablauf::http::detail {

// The header a signed webhook carries.
inline constexpr std::string_view signature_header = "Ablauf-Signature";

// The source whose secret signed `request` within `options.webhook_tolerance` of now, and the
// key that makes the request's change once: "webhook:<source>:<signature>". 400 for a header
// that is not `source=…,t=…,v1=…`; 401 for an unknown source, a wrong signature or a time too far
// off.
struct Signed {
  const WebhookSource* source;
  RequestKey key;
};
tl::expected<Signed, Response> verify_signature(const Request& request,
                                                const ServerOptions& options);

}  // namespace ablauf::http::detail
