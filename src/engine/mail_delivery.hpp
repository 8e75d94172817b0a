// Hands the outbox's queued mail to the host's Mailer (internal): queued → handed over →
// confirmed, with a backoff for mail the Mailer refused (docs/engine.md, "Mail and records").
#pragma once

#include "ablauf/blob_store.hpp"
#include "ablauf/clock.hpp"
#include "ablauf/engine.hpp"
#include "ablauf/store.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ablauf::detail {

class MailDelivery {
 public:
  // Delivers `store`'s outbox to `mailer` (none: nothing is delivered). In a store that shares
  // work, each mail is claimed through `queue` for `lease` under the name `worker`, so that it
  // goes to one process's Mailer at a time. The content of the mail's attachments is read from
  // `files` as each is handed over.
  MailDelivery(Store& store, WorkQueue* queue, Mailer* mailer, const BlobStore* files, Clock& clock,
               MailRetry retry, std::string worker, std::chrono::milliseconds lease);

  // Hands the outbox's queued mail to the mailer, each marked sent once it took it; returns how
  // many. One thread delivers at a time; others leave their mail to it. A mail whose hand-over
  // the store could not record is never handed over again by this engine, only confirmed later;
  // one the mailer refused waits out its backoff before it is tried again. The error names the
  // mail refused now, and with `report_waiting` also that still waiting.
  tl::expected<std::size_t, Error> deliver(bool report_waiting = true);

 private:
  // Hands `queued` to the mailer, its attachments' content read back first.
  tl::expected<std::string, std::string> send(const Mail& queued) const;
  // Under mutex_: one pass over the mail queued now.
  tl::expected<void, Error> deliver_queued(std::size_t& delivered, std::size_t& refused,
                                           bool& refused_now, std::string& first_refusal);

  Store& store_;
  WorkQueue* const queue_;
  Mailer* const mailer_;
  const BlobStore* const files_;
  Clock& clock_;
  const MailRetry retry_;
  const std::string worker_;
  const std::chrono::milliseconds lease_;

  std::mutex mutex_;
  std::atomic<bool> pending_{false};
  // Under mutex_: mail the mailer took whose hand-over the store has not recorded yet, by
  // outbox id, with the message id the mailer gave.
  std::map<std::int64_t, std::string> handed_over_;
  // Under mutex_: mail the mailer refused, by outbox id: how often, and when to try again.
  struct Refusal {
    std::uint32_t count = 0;
    Time not_before{};
  };
  std::map<std::int64_t, Refusal> refused_;
};

}  // namespace ablauf::detail
