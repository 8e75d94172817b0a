// The delivery of queued mail: send_email (src/steps/send_email.cpp) queues each mail in the
// store's outbox with its step's outcome, and this hands the outbox to the host's Mailer once
// that is stored.
#include "mail_delivery.hpp"

#include "value_text.hpp"

#include <algorithm>

namespace ablauf::detail {
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

std::string describe(const OutboxMail& entry) {
  return "mail " + std::to_string(entry.id) + " of instance '" + entry.instance + "'";
}

// The mail as the Mailer gets it: its attachments' content read from `files`, or why it cannot
// be. Content missing or changed is a refusal like the Mailer's own: the mail stays queued and
// is tried again after its backoff (a BlobStore on a network share may come back), and never
// goes out without the file it claims to carry.
tl::expected<Mail, std::string> with_content(const Mail& queued, const BlobStore* files) {
  Mail mail = queued;
  for (auto& attachment : mail.attachments) {
    const auto what = "its attachment '" + attachment.name + "' (" + attachment.sha256 + ")";
    if (!files) return tl::make_unexpected(what + " cannot be read: this engine keeps no files");
    auto content = files->get(attachment.sha256);
    if (!content) return tl::make_unexpected(what + " cannot be read: " + content.error().message);
    if (!*content) return tl::make_unexpected(what + " is no longer kept");
    attachment.content = std::move(**content);
  }
  return mail;
}

}  // namespace

MailDelivery::MailDelivery(Store& store, WorkQueue* queue, Mailer* mailer, const BlobStore* files,
                           Clock& clock, MailRetry retry, std::string worker,
                           std::chrono::milliseconds lease)
    : store_(store),
      queue_(queue),
      mailer_(mailer),
      files_(files),
      clock_(clock),
      retry_(retry),
      worker_(std::move(worker)),
      lease_(lease) {}

tl::expected<std::size_t, Error> MailDelivery::deliver(bool report_waiting) {
  if (!mailer_) return 0;
  pending_ = true;
  std::size_t delivered = 0;
  std::size_t refused = 0;  // now, or earlier and still waiting out the backoff
  bool refused_now = false;
  std::string first_refusal;
  for (;;) {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock) return delivered;  // the thread delivering takes this mail along
    while (pending_.exchange(false))
      if (auto ok = deliver_queued(delivered, refused, refused_now, first_refusal); !ok)
        return tl::make_unexpected(std::move(ok.error()));
    lock.unlock();
    if (pending_) continue;  // mail came while the lock was being let go
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

tl::expected<std::string, std::string> MailDelivery::send(const Mail& queued) const {
  if (queued.attachments.empty()) return mailer_->send(queued);  // no copy for most mail
  auto mail = with_content(queued, files_);
  if (!mail) return tl::make_unexpected(std::move(mail.error()));
  return mailer_->send(*mail);
}

tl::expected<void, Error> MailDelivery::deliver_queued(std::size_t& delivered, std::size_t& refused,
                                                       bool& refused_now,
                                                       std::string& first_refusal) {
  // In a store that shares work, each mail goes to one process's Mailer at a time.
  auto queued = queue_ ? queue_->claim_mail(worker_, lease_) : store_.outbox(true);
  if (!queued) return tl::make_unexpected(std::move(queued.error()));
  const Time now = clock_.now();
  for (const auto& entry : *queued) {
    auto handed = handed_over_.find(entry.id);
    if (handed == handed_over_.end()) {
      if (const auto refusal = refused_.find(entry.id);
          refusal != refused_.end() && now < refusal->second.not_before) {
        if (refused++ == 0)  // refused a moment ago: its backoff has not passed
          first_refusal =
              describe(entry) + ", to be tried again at " + to_rfc3339(refusal->second.not_before);
        continue;
      }
      auto sent = send(entry.mail);
      if (!sent) {  // it stays queued, to be tried again after its backoff
        refused_now = true;
        auto& refusal = refused_[entry.id];
        ++refusal.count;
        refusal.not_before = now + backoff(retry_, refusal.count);
        if (refused++ == 0) first_refusal = describe(entry) + ": " + sent.error();
        continue;
      }
      refused_.erase(entry.id);
      handed = handed_over_.emplace(entry.id, std::move(*sent)).first;
    }
    // Handed over: only its confirmation is left, however often this must be tried.
    if (auto ok = store_.mark_sent(entry.id, handed->second); !ok)
      return tl::make_unexpected(
          Error{ok.error().code,
                describe(entry) + " was handed to the mailer, but the store could not record it (" +
                    ok.error().message + "); it will not be handed over again, only recorded",
                {},
                {}});
    handed_over_.erase(handed);
    ++delivered;
  }
  return {};
}

}  // namespace ablauf::detail
