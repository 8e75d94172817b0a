#include "eml.hpp"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>

namespace ablauf::cli {
namespace {

// GMime's objects are reference-counted GObjects: each is let go by the owner that made it.
struct Unref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <class T>
using Owned = std::unique_ptr<T, Unref>;

struct FreeText {
  void operator()(char* text) const { g_free(text); }
};

void initialize() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// Control characters would end a header line early or hide in it (a NUL cuts the field in
// most readers); the engine refuses them, and so does the file they would be written to.
bool has_control(std::string_view text) {
  for (const unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// Adds one recipient entry to `type`, refusing an entry that is not exactly one mailbox.
tl::expected<void, std::string> add_recipient(GMimeMessage* message, GMimeAddressType type,
                                              const std::string& entry, const char* field) {
  if (has_control(entry))
    return tl::make_unexpected(std::string(field) + " address holds a control character");
  Owned<InternetAddressList> parsed(internet_address_list_parse(nullptr, entry.c_str()));
  const int count = parsed ? internet_address_list_length(parsed.get()) : 0;
  if (count != 1 ||
      !INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(parsed.get(), 0)))
    return tl::make_unexpected(
        "'" + entry + "' in " + field + " is " +
        (count == 0 ? std::string("not an address") : std::to_string(count) + " addresses") +
        "; give each recipient as an entry of its own");
  internet_address_list_append(g_mime_message_get_addresses(message, type), parsed.get());
  return {};
}

// A file as a MIME part: its media type, Base64, shown as an attachment under its name (which
// GMime encodes per RFC 2231 where it is not ASCII). Its content must have been read: an empty
// part would claim a file the mail does not carry.
tl::expected<Owned<GMimePart>, std::string> attachment_part(const MailAttachment& attachment) {
  if (attachment.content.size() != attachment.size)
    return tl::make_unexpected("the attachment '" + attachment.name + "' has " +
                               std::to_string(attachment.content.size()) + " bytes, not the " +
                               std::to_string(attachment.size) + " it was kept with");
  if (has_control(attachment.name) || has_control(attachment.media_type))
    return tl::make_unexpected("the attachment '" + attachment.name +
                               "' holds a control character in its name or type");
  const auto slash = attachment.media_type.find('/');
  const bool typed =
      slash != std::string::npos && slash > 0 && slash + 1 < attachment.media_type.size();
  const std::string type = typed ? attachment.media_type.substr(0, slash) : "application";
  const std::string subtype = typed ? attachment.media_type.substr(slash + 1) : "octet-stream";
  Owned<GMimePart> part(g_mime_part_new_with_type(type.c_str(), subtype.c_str()));
  Owned<GMimeStream> stream(
      g_mime_stream_mem_new_with_buffer(attachment.content.data(), attachment.content.size()));
  Owned<GMimeDataWrapper> content(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part.get(), content.get());
  if (type == "text")  // the engine writes its documents' text in UTF-8
    g_mime_object_set_content_type_parameter(GMIME_OBJECT(part.get()), "charset", "utf-8");
  g_mime_part_set_content_encoding(part.get(), GMIME_CONTENT_ENCODING_BASE64);
  g_mime_object_set_disposition(GMIME_OBJECT(part.get()), GMIME_DISPOSITION_ATTACHMENT);
  g_mime_part_set_filename(part.get(), attachment.name.c_str());
  return part;
}

}  // namespace

tl::expected<std::string, std::string> compose_eml(const Mail& mail) {
  initialize();
  if (mail.to.empty()) return tl::make_unexpected("the mail has no recipient");
  if (has_control(mail.subject))
    return tl::make_unexpected("the subject holds a control character");
  if (has_control(mail.reply_to))
    return tl::make_unexpected("the reply-to address holds a control character");
  if (mail.body.find('\0') != std::string::npos)
    return tl::make_unexpected("the body holds a NUL character");
  if (has_control(mail.idempotency_key))
    return tl::make_unexpected("the idempotency key holds a control character");

  Owned<GMimeMessage> message(g_mime_message_new(TRUE));
  for (const auto& [entries, type, field] : {std::tuple{&mail.to, GMIME_ADDRESS_TYPE_TO, "To"},
                                             std::tuple{&mail.cc, GMIME_ADDRESS_TYPE_CC, "Cc"}})
    for (const auto& entry : *entries)
      if (auto ok = add_recipient(message.get(), type, entry, field); !ok) return ok.error();
  if (!mail.reply_to.empty())
    if (auto ok =
            add_recipient(message.get(), GMIME_ADDRESS_TYPE_REPLY_TO, mail.reply_to, "Reply-To");
        !ok)
      return tl::make_unexpected(ok.error());
  // RFC 5322 asks for From and Date. Mail whose step and engine name no sender is from the
  // tool itself; mail queued before the outbox kept dates has none to give.
  const std::string from = mail.from.empty() ? std::string(default_sender) : mail.from;
  if (auto ok = add_recipient(message.get(), GMIME_ADDRESS_TYPE_FROM, from, "From"); !ok)
    return tl::make_unexpected(ok.error());
  if (mail.date != Time{}) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(mail.date.time_since_epoch()).count();
    std::unique_ptr<GDateTime, void (*)(GDateTime*)> date(
        g_date_time_new_from_unix_utc(static_cast<gint64>(seconds)), &g_date_time_unref);
    if (date) g_mime_message_set_date(message.get(), date.get());
  }
  // Bcc stays off the file: it is an envelope matter, and the others must not read it.
  g_mime_message_set_subject(message.get(), mail.subject.c_str(), "utf-8");
  g_mime_message_set_message_id(message.get(), (mail.idempotency_key + "@ablauf").c_str());

  Owned<GMimeTextPart> body(g_mime_text_part_new_with_subtype(mail.html ? "html" : "plain"));
  g_mime_text_part_set_text(body.get(), mail.body.c_str());
  g_mime_text_part_set_charset(body.get(), "utf-8");
  // 8bit keeps the body readable in the file; GMime falls back to quoted-printable where a
  // line is too long for it.
  g_mime_part_set_content_encoding(GMIME_PART(body.get()),
                                   g_mime_part_get_best_content_encoding(
                                       GMIME_PART(body.get()), GMIME_ENCODING_CONSTRAINT_8BIT));
  if (mail.attachments.empty()) {
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(body.get()));
  } else {
    // The text first, then each file, as mail programs show them: multipart/mixed.
    Owned<GMimeMultipart> mixed(g_mime_multipart_new_with_subtype("mixed"));
    g_mime_multipart_add(mixed.get(), GMIME_OBJECT(body.get()));
    for (const auto& attachment : mail.attachments) {
      auto part = attachment_part(attachment);
      if (!part) return tl::make_unexpected(std::move(part.error()));
      g_mime_multipart_add(mixed.get(), GMIME_OBJECT(part->get()));
    }
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(mixed.get()));
  }

  GMimeFormatOptions* options = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
  std::unique_ptr<char, FreeText> text(
      g_mime_object_to_string(GMIME_OBJECT(message.get()), options));
  g_mime_format_options_free(options);
  if (!text) return tl::make_unexpected("GMime could not write the mail");
  return std::string(text.get());
}

}  // namespace ablauf::cli
