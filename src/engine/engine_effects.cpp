// The built-in steps whose effects commit with their outcomes, and the delivery of queued mail.
//
// send_email does not send: it queues its mail in the store's outbox in the same append as the
// step's outcome, and the engine hands the outbox to the host's Mailer once that is stored
// (queued → handed over → confirmed; see EngineParts::deliver_mail).
// save_record and update_record write into the store the same way. A crash before the append
// loses the effect together with the outcome, and the step runs again; a crash after it finds
// both there. So each happens exactly once, as far as the store is concerned; the Mailer sees a
// mail again only if a crash fell between its taking the mail and the store marking it sent,
// and then with the same idempotency key.
#include "engine_impl.hpp"

#include "value_text.hpp"

#include <algorithm>

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
                             run.workflow->definition().default_language, key,
                             config.limits.max_recipients);
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

namespace {

// The wait before a mail refused `refusals` times is tried again: initial, doubled each time,
// capped at longest.
std::chrono::milliseconds backoff(const MailRetry& retry, std::uint32_t refusals) {
  const auto initial = std::max(retry.initial, std::chrono::milliseconds(1));
  const auto longest = std::max(retry.longest, initial);
  auto wait = initial;
  for (std::uint32_t i = 1; i < refusals && wait < longest; ++i) wait *= 2;
  return std::min(wait, longest);
}

}  // namespace

tl::expected<std::size_t, Error> EngineParts::deliver_mail(bool report_waiting) {
  if (!mailer) return 0;
  mail_pending_ = true;
  std::size_t delivered = 0;
  std::size_t refused = 0;  // now, or earlier and still waiting out the backoff
  bool refused_now = false;
  std::string first_refusal;
  for (;;) {
    std::unique_lock lock(mail_mutex_, std::try_to_lock);
    if (!lock) return delivered;  // the thread delivering takes this mail along
    while (mail_pending_.exchange(false)) {
      // In a store that shares work, each mail goes to one process's Mailer at a time.
      auto queued = store.claim_mail(worker_name, config.worker.lease);
      if (!queued) return tl::make_unexpected(std::move(queued.error()));
      const Time now = clock.now();
      for (const auto& entry : *queued) {
        auto handed = handed_over_.find(entry.id);
        if (handed == handed_over_.end()) {
          if (const auto retry = refused_mail_.find(entry.id);
              retry != refused_mail_.end() && now < retry->second.not_before) {
            if (refused++ == 0)  // refused a moment ago: its backoff has not passed
              first_refusal = "mail " + std::to_string(entry.id) + " of instance '" +
                              entry.instance + "', to be tried again at " +
                              to_rfc3339(retry->second.not_before);
            continue;
          }
          auto sent = mailer->send(entry.mail);
          if (!sent) {  // it stays queued, to be tried again after its backoff
            refused_now = true;
            auto& retry = refused_mail_[entry.id];
            ++retry.refusals;
            retry.not_before = now + backoff(config.mail_retry, retry.refusals);
            if (refused++ == 0)
              first_refusal = "mail " + std::to_string(entry.id) + " of instance '" +
                              entry.instance + "': " + sent.error();
            continue;
          }
          refused_mail_.erase(entry.id);
          handed = handed_over_.emplace(entry.id, std::move(*sent)).first;
        }
        // Handed over: only its confirmation is left, however often this must be tried.
        if (auto ok = store.mark_sent(entry.id, handed->second); !ok)
          return tl::make_unexpected(Error{
              ok.error().code,
              "mail " + std::to_string(entry.id) + " of instance '" + entry.instance +
                  "' was handed to the mailer, but the store could not record it (" +
                  ok.error().message + "); it will not be handed over again, only recorded",
              {},
              {}});
        handed_over_.erase(handed);
        ++delivered;
      }
    }
    lock.unlock();
    if (mail_pending_) continue;  // mail came while the lock was being let go
    if (refused == 0 || (!refused_now && !report_waiting)) return delivered;
    return tl::make_unexpected(
        Error{ErrorCode::io_error,
              std::to_string(refused) + " mail(s) the mailer refused stay queued, to be tried "
                  "again after a backoff; the first: " + first_refusal,
              {},
              {}});
  }
}

void EngineParts::deliver_mail_reporting() {
  // Mail still waiting out its backoff was reported when it was refused.
  if (auto delivered = deliver_mail(false); !delivered) report({}, delivered.error());
}

}  // namespace ablauf::detail
