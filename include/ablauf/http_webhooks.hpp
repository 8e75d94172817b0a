/// @file
/// Signals as webhooks: systems that post `POST /api/v1/signals/{name}` without a user, each
/// request signed with HMAC-SHA256 under a secret the system shares with the server (docs/http.md,
/// "Webhooks").
///
/// A signed request carries `Ablauf-Signature: source=<name>,t=<unix seconds>,v1=<hex>`, where
/// the hex is HMAC-SHA256(secret, "<t>.<path>.<body>") over the path as sent (without the query)
/// and the body as sent. The server refuses a signature that does not verify (401), a timestamp
/// further than ServerOptions::webhook_tolerance from its clock (401: a captured request cannot
/// be sent again later), and a signal the source may not send (403); a request sent again within
/// the tolerance is answered as the first was and not delivered again (its signature is its
/// idempotency key).
///
/// Thread-safety: values and a free function.
#pragma once

#include <ablauf/error.hpp>

#include <tl/expected.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace ablauf::http {

/// A system that sends signals as webhooks.
struct WebhookSource {
  std::string name;    ///< an identifier, named in the signature header
  std::string secret;  ///< shared with the system, at least 32 bytes
  /// The signals it may send; empty: any.
  std::vector<std::string> signals;
};

/// Reads the webhook sources of a JSON file (`ablauf serve --webhooks FILE`):
///
///     {"webhooks": [{"source": "bank_feed", "secret": "…64 hex characters…",
///                    "signals": ["payment_received"]}]}
///
/// Every problem at once, located: a source that is not an identifier or is given twice, a
/// secret shorter than 32 characters, a signal name that is not an identifier.
tl::expected<std::vector<WebhookSource>, Diagnostics> read_webhook_sources(std::string text,
                                                                           std::string source_name);
/// Reads the file at `path`, as read_webhook_sources() does.
tl::expected<std::vector<WebhookSource>, Diagnostics> load_webhook_sources(
    const std::filesystem::path& path);

}  // namespace ablauf::http
