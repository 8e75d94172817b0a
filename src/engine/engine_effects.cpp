// The delivery of queued mail: send_email (src/steps/send_email.cpp) queues each mail in the
// store's outbox with its step's outcome, and this hands the outbox to the host's Mailer once
// that is stored (queued → handed over → confirmed; see EngineParts::deliver_mail).
#include "engine_impl.hpp"

#include "value_text.hpp"

#include <algorithm>

namespace ablauf::detail {
namespace json = boost::json;
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
      auto queued =
          queue ? queue->claim_mail(worker_name, config.worker.lease) : store.outbox(true);
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
          return tl::make_unexpected(
              Error{ok.error().code,
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
    return tl::make_unexpected(Error{ErrorCode::io_error,
                                     std::to_string(refused) +
                                         " mail(s) the mailer refused stay queued, to be tried "
                                         "again after a backoff; the first: " +
                                         first_refusal,
                                     {},
                                     {}});
  }
}

void EngineParts::deliver_mail_reporting() {
  // Mail still waiting out its backoff was reported when it was refused.
  if (auto delivered = deliver_mail(false); !delivered) report({}, delivered.error());
}

}  // namespace ablauf::detail
