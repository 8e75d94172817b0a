// The built-in steps whose effects commit with their outcomes, and the delivery of queued mail.
//
// send_email does not send: it queues its mail in the store's outbox in the same append as the
// step's outcome, and the engine hands the outbox to the host's Mailer once that is stored.
// save_record and update_record write into the store the same way. A crash before the append
// loses the effect together with the outcome, and the step runs again; a crash after it finds
// both there. So each happens exactly once, as far as the store is concerned; the Mailer sees a
// mail again only if a crash fell between its taking the mail and the store marking it sent,
// and then with the same idempotency key.
#include "engine_impl.hpp"

#include "value_text.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

std::string text(const json::object& parameters, std::string_view name) {
  const auto* value = parameters.if_contains(name);
  return value ? to_text(*value) : std::string();
}

bool flag(const json::object& parameters, std::string_view name) {
  const auto* value = parameters.if_contains(name);
  return value && value->is_bool() && value->get_bool();
}

}  // namespace

tl::expected<void, Error> EngineParts::effect(Run& run, std::uint32_t token,
                                              const StepDefinition& step,
                                              const json::object& parameters, std::uint32_t attempt,
                                              const std::string& key) {
  if (step.type == "send_email") {
    auto mail = compose_mail(parameters, is_html_mail(step), config.language,
                             run.workflow->definition().default_language, key);
    if (!mail) return fail(run, token, step, attempt, std::move(mail.error()), false);
    json::object output{{"message_id", key},
                        {"to", json::array(mail->to.begin(), mail->to.end())},
                        {"subject", mail->subject}};
    run.mails.push_back(std::move(*mail));
    return complete(run, token, step, std::move(output));
  }

  const std::string collection = text(parameters, "collection");
  // Whether the record exists: in the store, or written earlier in this same run.
  const auto exists = [&](const std::string& id) -> tl::expected<bool, Error> {
    for (const auto& write : run.records)
      if (write.collection == collection && write.key == id) return true;
    auto found = store.find_record(collection, id);
    if (!found) return tl::make_unexpected(std::move(found.error()));
    return found->has_value();
  };

  if (step.type == "save_record") {
    const auto* record = parameters.if_contains("record");
    if (!record || !record->is_object())
      return fail(run, token, step, attempt, "'record' did not render to an object", false);
    std::string id = text(parameters, "key");
    if (id.empty()) id = key;  // the attempt's key: unique, and names where the record came from
    auto taken = exists(id);
    if (!taken) return tl::make_unexpected(std::move(taken.error()));
    if (*taken)
      return fail(run, token, step, attempt,
                  "a record '" + id + "' already exists in '" + collection + "'", false);
    run.records.push_back({collection, id, record->get_object(), false});
    return complete(run, token, step, json::object{{"key", id}});
  }

  // update_record
  const auto* fields = parameters.if_contains("set");
  if (!fields || !fields->is_object())
    return fail(run, token, step, attempt, "'set' did not render to an object", false);
  const std::string id = text(parameters, "key");
  if (!flag(parameters, "upsert")) {
    auto found = exists(id);
    if (!found) return tl::make_unexpected(std::move(found.error()));
    if (!*found)
      return fail(run, token, step, attempt,
                  "there is no record '" + id + "' in '" + collection + "'", false);
  }
  run.records.push_back({collection, id, fields->get_object(), true});
  return complete(run, token, step, json::object{{"key", id}});
}

tl::expected<std::size_t, Error> EngineParts::deliver_mail() {
  if (!mailer) return 0;
  mail_pending_ = true;
  std::size_t delivered = 0;
  for (;;) {
    std::unique_lock lock(mail_mutex_, std::try_to_lock);
    if (!lock) return delivered;  // the thread delivering takes this mail along
    while (mail_pending_.exchange(false)) {
      // In a store that shares work, each mail goes to one process's Mailer at a time.
      auto queued = store.claim_mail(worker_name, config.worker.lease);
      if (!queued) return tl::make_unexpected(std::move(queued.error()));
      for (const auto& entry : *queued) {
        auto sent = mailer->send(entry.mail);
        if (!sent)  // it stays queued for the next delivery
          return tl::make_unexpected(Error{ErrorCode::io_error,
                                           "the mailer refused mail " + std::to_string(entry.id) +
                                               " of instance '" + entry.instance +
                                               "': " + sent.error(),
                                           {},
                                           {}});
        if (auto ok = store.mark_sent(entry.id, *sent); !ok) return tl::make_unexpected(ok.error());
        ++delivered;
      }
    }
    lock.unlock();
    if (!mail_pending_) return delivered;  // none came while the lock was being let go
  }
}

void EngineParts::deliver_mail_reporting() {
  if (auto delivered = deliver_mail(); !delivered) report({}, delivered.error());
}

}  // namespace ablauf::detail
