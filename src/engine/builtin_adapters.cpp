// The mail of send_email, and save_record and update_record as adapters over a host's own
// RecordStore.
#include "engine_impl.hpp"

#include <cstdio>
#include <optional>

#include "value_text.hpp"

#include <algorithm>
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

std::string string_parameter(const json::object& parameters, std::string_view name) {
  const auto* value = parameters.if_contains(name);
  return value ? to_text(*value) : std::string();
}

class SaveRecord final : public Adapter {
 public:
  explicit SaveRecord(RecordStore& records) : records_(records) {}

  StepResult execute(const StepContext& context) override {
    const auto& p = context.parameters;
    const auto* record = p.if_contains("record");
    if (!record || !record->is_object())
      return StepResult::failed("'record' did not render to an object", false);
    auto key = records_.save(string_parameter(p, "collection"), string_parameter(p, "key"),
                             record->get_object(), context.idempotency_key);
    if (!key) return StepResult::failed(std::move(key.error()), false);
    return StepResult::completed(json::object{{"key", *key}});
  }

 private:
  RecordStore& records_;
};

class UpdateRecord final : public Adapter {
 public:
  explicit UpdateRecord(RecordStore& records) : records_(records) {}

  StepResult execute(const StepContext& context) override {
    const auto& p = context.parameters;
    const auto* fields = p.if_contains("set");
    if (!fields || !fields->is_object())
      return StepResult::failed("'set' did not render to an object", false);
    const std::string key = string_parameter(p, "key");
    const auto* upsert = p.if_contains("upsert");
    auto updated = records_.update(string_parameter(p, "collection"), key, fields->get_object(),
                                   upsert && upsert->is_bool() && upsert->get_bool());
    if (!updated) return StepResult::failed(std::move(updated.error()), false);
    return StepResult::completed(json::object{{"key", key}});
  }

 private:
  RecordStore& records_;
};

}  // namespace

bool is_html_mail(const StepDefinition& step) {
  const auto* format = step.parameters.if_contains("format");
  return format && *format == "html";
}

namespace {

// Whether an address entry names more than one address: a ',' or ';' outside a quoted display
// name. A comma in a rendered value would otherwise add recipients nobody declared.
bool several_addresses(std::string_view entry) {
  bool quoted = false;
  for (std::size_t i = 0; i < entry.size(); ++i) {
    if (entry[i] == '\\' && quoted) ++i;
    else if (entry[i] == '"') quoted = !quoted;
    else if (!quoted && (entry[i] == ',' || entry[i] == ';')) return true;
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

}  // namespace

tl::expected<Mail, std::string> compose_mail(const json::object& p, bool html,
                                             std::string_view language, std::string_view fallback,
                                             std::string key, std::size_t max_recipients) {
  Mail mail;
  mail.to = recipients(p, "to");
  mail.cc = recipients(p, "cc");
  mail.bcc = recipients(p, "bcc");
  if (mail.to.empty()) return tl::make_unexpected(std::string("the mail has no recipient"));
  mail.reply_to = string_parameter(p, "reply_to");
  mail.subject = text_in(p.at("subject"), language, fallback);
  mail.body = text_in(p.at("body"), language, fallback);
  mail.html = html;
  mail.idempotency_key = std::move(key);
  const auto refuse = [](std::string_view name, unsigned char c) {
    char code[8];
    std::snprintf(code, sizeof code, "U+%04X", c);
    return tl::make_unexpected(
        "'" + std::string(name) + "' holds " +
        (c == '\r' || c == '\n' ? std::string("a line break") : "the control character " + std::string(code)) +
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

std::shared_ptr<Adapter> make_save_record(RecordStore& records) {
  return std::make_shared<SaveRecord>(records);
}
std::shared_ptr<Adapter> make_update_record(RecordStore& records) {
  return std::make_shared<UpdateRecord>(records);
}

std::string text_in(const json::value& value, std::string_view language,
                    std::string_view fallback) {
  if (const auto* object = value.if_object()) {
    for (const auto wanted : {language, fallback})
      if (!wanted.empty())
        if (const auto* chosen = object->if_contains(wanted)) return to_text(*chosen);
    return object->empty() ? std::string() : to_text(object->begin()->value());
  }
  return to_text(value);
}

}  // namespace ablauf::detail
