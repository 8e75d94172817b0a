// Webhook sources as read from their file, and the signatures of their requests (webhooks.hpp).
#include <ablauf/http_webhooks.hpp>

#include "definition/definition_parts.hpp"
#include "http/webhooks.hpp"
#include "sha256.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>

namespace ablauf::http {
namespace {

using ablauf::detail::DefinitionReader;
using ablauf::detail::Fields;

constexpr std::size_t min_secret_bytes = 32;

}  // namespace

tl::expected<std::vector<WebhookSource>, Diagnostics> read_webhook_sources(
    std::string text, std::string source_name) {
  const LoadOptions options;
  auto document = ablauf::detail::parse_document(std::move(text), std::move(source_name), options);
  if (!document) return tl::make_unexpected(std::move(document.error()));
  DefinitionReader reader(document->source, options);
  std::vector<WebhookSource> sources;
  if (!document->value.is_object()) {
    reader.error(ErrorCode::wrong_type, "",
                 "a webhooks file must be a JSON object with \"webhooks\"");
    return tl::make_unexpected(reader.take_diagnostics());
  }
  Fields root(reader, document->value.get_object(), "", {"$schema", "webhooks"}, "a webhooks file");
  root.check_unknown();
  ablauf::detail::IdScope names;
  const auto* list = root.array("webhooks", Fields::required);
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    const std::string pointer = ablauf::detail::element_pointer("/webhooks", i);
    if (!(*list)[i].is_object()) {
      reader.error(ErrorCode::wrong_type, pointer, "a webhook source must be an object");
      continue;
    }
    Fields fields(reader, (*list)[i].get_object(), pointer, {"source", "secret", "signals"},
                  "a webhook source");
    WebhookSource source;
    if (auto name = fields.identifier("source", Fields::required);
        name && ablauf::detail::claim_id(reader, names, *name, fields.pointer_of("source"),
                                         "webhook source"))
      source.name = std::move(*name);
    if (auto secret = fields.string("secret", Fields::required)) {
      if (secret->size() < min_secret_bytes)
        reader.error(ErrorCode::invalid_value, fields.pointer_of("secret"),
                     "a secret of " + std::to_string(secret->size()) +
                         " characters is too easily guessed: give at least " +
                         std::to_string(min_secret_bytes) + " (openssl rand -hex 32)");
      source.secret = std::move(*secret);
    }
    if (const auto* signals = fields.array("signals")) {
      for (std::size_t s = 0; s < signals->size(); ++s)
        if (auto signal = ablauf::detail::read_identifier(
                reader, (*signals)[s],
                ablauf::detail::element_pointer(fields.pointer_of("signals"), s), "signal"))
          source.signals.push_back(std::move(*signal));
    }
    fields.check_unknown();
    sources.push_back(std::move(source));
  }
  if (reader.has_errors()) return tl::make_unexpected(reader.take_diagnostics());
  return sources;
}

tl::expected<std::vector<WebhookSource>, Diagnostics> load_webhook_sources(
    const std::filesystem::path& path) {
  auto text = ablauf::detail::read_document(path, LoadOptions{});
  if (!text) return tl::make_unexpected(std::move(text.error()));
  return read_webhook_sources(std::move(*text), path.string());
}

namespace detail {
namespace {

// The parts of "source=bank,t=1733500000,v1=3f…"; empty ones when absent.
struct SignatureParts {
  std::string_view source, time, v1;
};
SignatureParts split_signature(std::string_view header) {
  SignatureParts parts;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (part.starts_with(' ')) part.remove_prefix(1);
    const auto equals = part.find('=');
    if (equals == std::string_view::npos) continue;
    const auto name = part.substr(0, equals);
    const auto value = part.substr(equals + 1);
    if (name == "source") parts.source = value;
    if (name == "t") parts.time = value;
    if (name == "v1") parts.v1 = value;
  }
  return parts;
}

std::array<unsigned char, crypto_auth_hmacsha256_BYTES> hmac(std::string_view secret,
                                                             std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  return out;
}

Response unsigned_problem(std::string detail) {
  return Response::problem(401, "Bad signature", detail);
}

}  // namespace

tl::expected<Signed, Response> verify_signature(const Request& request,
                                                const ServerOptions& options) {
  const auto parts = split_signature(request.header(signature_header));
  if (parts.source.empty() || parts.time.empty() || parts.v1.empty())
    return tl::make_unexpected(Response::problem(
        400, "Bad signature header",
        std::string(signature_header) + " is \"source=<name>,t=<unix seconds>,v1=<hex>\""));
  const auto source = std::find_if(options.webhook_sources.begin(), options.webhook_sources.end(),
                                   [&](const WebhookSource& s) { return s.name == parts.source; });
  if (source == options.webhook_sources.end())
    return tl::make_unexpected(
        unsigned_problem("no webhook source is named '" + std::string(parts.source) + "'"));
  std::int64_t seconds = 0;
  const auto [end, failed] =
      std::from_chars(parts.time.data(), parts.time.data() + parts.time.size(), seconds);
  if (failed != std::errc() || end != parts.time.data() + parts.time.size())
    return tl::make_unexpected(unsigned_problem("t is not a time in Unix seconds"));
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const auto off = now > seconds ? now - seconds : seconds - now;
  if (off > options.webhook_tolerance.count())
    return tl::make_unexpected(unsigned_problem(
        "the signature's time is " + std::to_string(off) + " s from the server's, more than the " +
        std::to_string(options.webhook_tolerance.count()) +
        " s taken: sign each request when it is sent, with a clock that is right"));
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> given{};
  std::size_t read = 0;
  if (parts.v1.size() != given.size() * 2 ||
      sodium_hex2bin(given.data(), given.size(), parts.v1.data(), parts.v1.size(), nullptr, &read,
                     nullptr) != 0 ||
      read != given.size())
    return tl::make_unexpected(unsigned_problem("v1 is not 64 hexadecimal characters"));
  const std::string message = std::string(parts.time) + "." + request.path + "." + request.body;
  const auto expected = hmac(source->secret, message);
  if (sodium_memcmp(expected.data(), given.data(), given.size()) != 0)
    return tl::make_unexpected(
        unsigned_problem("the signature does not verify with the secret of '" + source->name +
                         "': it is HMAC-SHA256 of \"<t>.<path>.<body>\", in hexadecimal"));
  const std::string fingerprint = ablauf::detail::sha256_hex(request.path + "\n" + request.body);
  return Signed{
      &*source,
      RequestKey{"webhook:" + source->name + ":" + std::string(parts.v1), fingerprint, {}}};
}

}  // namespace detail
}  // namespace ablauf::http
