// The mail of send_email, and save_record and update_record as adapters over a host's own
// RecordStore.
#include "engine_impl.hpp"

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

tl::expected<Mail, std::string> compose_mail(const json::object& p, bool html,
                                             std::string_view language, std::string_view fallback,
                                             std::string key) {
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
  // A line break in a header would let a rendered value (a customer's name, say) add headers of
  // its own, such as a Bcc.
  const auto broken = [](std::string_view value) {
    return value.find_first_of("\r\n") != std::string_view::npos;
  };
  const auto refuse = [](std::string_view name) {
    return tl::make_unexpected("'" + std::string(name) +
                               "' holds a line break, which a mail header must not");
  };
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"to", &mail.to}, {"cc", &mail.cc}, {"bcc", &mail.bcc}};
  for (const auto& [name, list] : lists)
    if (std::any_of(list->begin(), list->end(), broken)) return refuse(name);
  if (broken(mail.reply_to)) return refuse("reply_to");
  if (broken(mail.subject)) return refuse("subject");
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
