// send_email: queues a mail. It does not send: the mail goes into the store's outbox in the same
// append as the step's outcome, and the engine hands the outbox to the host's Mailer once that
// is stored (queued → handed over → confirmed; EngineParts::deliver_mail). A crash before the
// append loses the mail together with the outcome, and the step runs again; a crash after it
// finds both there. So each mail is queued exactly once; the Mailer sees it again only if a
// crash fell between its taking the mail and the store marking it sent, and then under the same
// idempotency key.
#include "engine/engine_impl.hpp"
#include "steps/mail_attachments.hpp"
#include "steps/parameters.hpp"
#include "steps/step_behavior.hpp"
#include "store_codec.hpp"

#include <cstdio>
#include <optional>
#include <utility>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

std::vector<std::string> recipients(const json::object& parameters, std::string_view name) {
  std::vector<std::string> out;
  const auto* value = parameters.if_contains(name);
  if (!value) return out;
  if (value->is_string()) {
    if (!value->get_string().empty()) out.emplace_back(value->get_string());
  } else if (value->is_array()) {
    for (const auto& v : value->get_array())
      if (v.is_string() && !v.get_string().empty()) out.emplace_back(v.get_string());
  }
  return out;
}

// Whether an address entry names more than one address: a ',' or ';' outside a quoted display
// name. A comma in a rendered value would otherwise add recipients nobody declared.
bool several_addresses(std::string_view entry) {
  bool quoted = false;
  for (std::size_t i = 0; i < entry.size(); ++i) {
    if (entry[i] == '\\' && quoted)
      ++i;
    else if (entry[i] == '"')
      quoted = !quoted;
    else if (!quoted && (entry[i] == ',' || entry[i] == ';'))
      return true;
  }
  return false;
}

// The first control character in a header field, if any. A line break would let a rendered
// value (a customer's name, say) add headers of its own, such as a Bcc; a NUL cuts the field
// short in most readers; none of them belongs in a header.
std::optional<unsigned char> control_character(std::string_view value) {
  for (const unsigned char c : value)
    if (c < 0x20 || c == 0x7f) return c;
  return std::nullopt;
}

// The mail the rendered parameters describe, or why there is none. Localized texts are taken in
// `language`, else in `fallback` (the definition's default), else the first. Refuses control
// characters in header fields, an entry naming several addresses, a NUL in the body, and more
// than `max_recipients` recipients in all.
tl::expected<Mail, std::string> compose_mail(const json::object& p, bool html,
                                             std::string_view language, std::string_view fallback,
                                             std::string key, std::size_t max_recipients,
                                             std::string_view from) {
  Mail mail;
  mail.from = text_parameter(p, "from");
  if (mail.from.empty()) mail.from = from;
  mail.to = recipients(p, "to");
  mail.cc = recipients(p, "cc");
  mail.bcc = recipients(p, "bcc");
  if (mail.to.empty()) return tl::make_unexpected(std::string("the mail has no recipient"));
  mail.reply_to = text_parameter(p, "reply_to");
  mail.subject = text_in(p.at("subject"), language, fallback);
  mail.body = text_in(p.at("body"), language, fallback);
  mail.html = html;
  mail.idempotency_key = std::move(key);
  const auto refuse = [](std::string_view name, unsigned char c) {
    char code[8];
    std::snprintf(code, sizeof code, "U+%04X", c);
    return tl::make_unexpected("'" + std::string(name) + "' holds " +
                               (c == '\r' || c == '\n'
                                    ? std::string("a line break")
                                    : "the control character " + std::string(code)) +
                               ", which a mail header must not");
  };
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"to", &mail.to}, {"cc", &mail.cc}, {"bcc", &mail.bcc}};
  for (const auto& [name, list] : lists)
    for (const auto& entry : *list) {
      if (const auto c = control_character(entry)) return refuse(name, *c);
      if (several_addresses(entry))
        return tl::make_unexpected("'" + std::string(name) + "' entry '" + entry +
                                   "' names more than one address; give each recipient as an "
                                   "entry of its own");
    }
  if (const auto c = control_character(mail.from)) return refuse("from", *c);
  if (several_addresses(mail.from))
    return tl::make_unexpected("'from' names more than one address");
  if (const auto c = control_character(mail.reply_to)) return refuse("reply_to", *c);
  if (several_addresses(mail.reply_to))
    return tl::make_unexpected("'reply_to' names more than one address");
  if (const auto c = control_character(mail.subject)) return refuse("subject", *c);
  if (mail.body.find('\0') != std::string::npos)
    return tl::make_unexpected(std::string("'body' holds a NUL character"));
  const std::size_t count = mail.to.size() + mail.cc.size() + mail.bcc.size();
  if (count > max_recipients)
    return tl::make_unexpected("the mail has " + std::to_string(count) +
                               " recipients, more than the limit of " +
                               std::to_string(max_recipients) + " (max_recipients)");
  return mail;
}

class SendEmail final : public StepBehavior {
 public:
  bool replaceable() const override { return true; }

  // With "format": "html" the body is HTML, and what its templates insert is HTML-escaped. The
  // format is a choice, not a template, so it is read from the step as written.
  Escape escape(const StepDefinition& step, std::string_view parameter) const override {
    return is_html(step) && parameter == "body" ? Escape::html : Escape::none;
  }

  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    const auto& limits = engine.config.limits;
    auto mail = compose_mail(call.parameters, is_html(call.step), engine.config.language,
                             call.run.workflow->definition().default_language, call.key,
                             limits.max_recipients, engine.config.mail_from);
    if (!mail)
      return engine.fail(call.run, call.token, call.step, call.attempt, std::move(mail.error()),
                         false);
    mail->date = call.now;
    // Kept before the mail is queued with the step's outcome: a crash in between leaves kept
    // files no mail names (swept as orphans), never a queued mail without its files.
    auto attachments = gather_attachments(engine, call);
    if (!attachments)
      return engine.fail(call.run, call.token, call.step, call.attempt,
                         std::move(attachments.error().message), attachments.error().retryable);
    mail->attachments = std::move(*attachments);
    json::object output{{"message_id", call.key},
                        {"to", json::array(mail->to.begin(), mail->to.end())},
                        {"subject", mail->subject}};
    if (!mail->attachments.empty()) output["attachments"] = attachments_to_json(mail->attachments);
    call.run.mails.push_back(std::move(*mail));
    return engine.complete(call.run, call.token, call.step, std::move(output));
  }

 private:
  static bool is_html(const StepDefinition& step) {
    const auto* format = step.parameters.if_contains("format");
    return format && *format == "html";
  }
};

}  // namespace

StepTypeSpec send_email_step() {
  using T = ParameterType;
  static const SendEmail behavior;
  return {.name = "send_email",
          .parameters = {param("to", T::recipients, required), param("cc", T::recipients),
                         param("bcc", T::recipients), param("from", T::string),
                         param("reply_to", T::string), param("subject", T::text, required),
                         param("body", T::text, required),
                         // html: the body is HTML, and {{x}} in it is HTML-escaped.
                         param("format", T::string, false, {"text", "html"}),
                         // Files the mail carries: answered, a filled form, a document.
                         param("attachments", T::any)},
          // The message id is the step's idempotency key, which the mail carries.
          .output = declared_output(R"({
            "type": "object",
            "properties": {
              "message_id": {"type": "string"},
              "to": {"type": "array", "items": {"type": "string"}},
              "subject": {"type": "string"},
              "attachments": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "name": {"type": "string"},
                    "media_type": {"type": "string"},
                    "sha256": {"type": "string"},
                    "size": {"type": "integer"}
                  }
                }
              }
            },
            "required": ["message_id", "to", "subject"],
            "additionalProperties": false
          })"),
          .behavior = &behavior};
}

}  // namespace ablauf::detail
