#include "store_codec.hpp"

#include "ablauf/history.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

json::array strings(const std::vector<std::string>& list) {
  return json::array(list.begin(), list.end());
}

std::vector<std::string> strings(const json::value* list) {
  std::vector<std::string> out;
  if (list && list->is_array())
    for (const auto& item : list->get_array())
      if (item.is_string()) out.emplace_back(item.get_string());
  return out;
}

}  // namespace

json::array attachments_to_json(const std::vector<MailAttachment>& attachments) {
  json::array out;
  for (const auto& file : attachments)
    out.push_back(json::object{{"name", file.name},
                               {"media_type", file.media_type},
                               {"sha256", file.sha256},
                               {"size", file.size}});
  return out;
}

std::vector<MailAttachment> attachments_from_json(const json::value* attachments) {
  std::vector<MailAttachment> out;
  if (!attachments || !attachments->is_array()) return out;
  for (const auto& entry : attachments->get_array()) {
    const auto* object = entry.if_object();
    if (!object) continue;
    const auto* name = object->if_contains("name");
    const auto* media_type = object->if_contains("media_type");
    const auto* sha256 = object->if_contains("sha256");
    const auto* size = object->if_contains("size");
    if (!name || !name->is_string() || !media_type || !media_type->is_string() || !sha256 ||
        !sha256->is_string() || !size || !(size->is_uint64() || size->is_int64()))
      continue;
    out.push_back({.name = std::string(name->get_string()),
                   .media_type = std::string(media_type->get_string()),
                   .sha256 = std::string(sha256->get_string()),
                   .size = size->to_number<std::uint64_t>(),
                   .content = {}});
  }
  return out;
}

std::string mail_to_text(const Mail& mail) {
  json::object text{{"to", strings(mail.to)},      {"cc", strings(mail.cc)},
                    {"bcc", strings(mail.bcc)},    {"from", mail.from},
                    {"reply_to", mail.reply_to},   {"subject", mail.subject},
                    {"body", mail.body},           {"html", mail.html},
                    {"key", mail.idempotency_key}, {"date", mail.date.time_since_epoch().count()}};
  if (!mail.attachments.empty()) text["attachments"] = attachments_to_json(mail.attachments);
  return json::serialize(text);
}

std::optional<Mail> mail_from_text(std::string_view text) {
  boost::system::error_code parse_error;
  const auto value = json::parse(text, parse_error);
  const auto* object = parse_error ? nullptr : value.if_object();
  if (!object) return std::nullopt;
  const auto string = [&](std::string_view name) {
    const auto* field = object->if_contains(name);
    return field && field->is_string() ? std::string(field->get_string()) : std::string();
  };
  Mail mail;
  mail.to = strings(object->if_contains("to"));
  mail.cc = strings(object->if_contains("cc"));
  mail.bcc = strings(object->if_contains("bcc"));
  mail.reply_to = string("reply_to");
  mail.subject = string("subject");
  mail.body = string("body");
  const auto* html = object->if_contains("html");
  mail.html = html && html->is_bool() && html->get_bool();
  mail.idempotency_key = string("key");
  mail.from = string("from");
  if (const auto* date = object->if_contains("date"); date && date->is_int64())
    mail.date = Time(std::chrono::milliseconds(date->get_int64()));
  mail.attachments = attachments_from_json(object->if_contains("attachments"));
  return mail;
}

tl::expected<json::object, Error> object_from_text(std::string_view text, const std::string& what) {
  boost::system::error_code parse_error;
  auto value = json::parse(text, parse_error);
  if (parse_error || !value.is_object())
    return tl::make_unexpected(
        Error{ErrorCode::invalid_event, what + " is not a JSON object", {}, {}});
  return std::move(value.get_object());
}

std::string stored_event_hash(std::string_view previous, const Event& event,
                              std::string_view text) {
  boost::system::error_code parse_error;
  const auto value = json::parse(text, parse_error);
  if (!parse_error)
    if (const auto read = event_from_json(value)) return event_hash(previous, *read);
  return event_hash(previous, event);
}

}  // namespace ablauf::detail
