/// @file
/// Work shared between processes: claims with leases and fences, mail given to one process at a
/// time, and waking idle workers.
///
/// Only a store that several processes share provides a work queue (PostgresStore; see
/// Store::work_queue()). Where there is one, an instance advances only under a claim, and every
/// commit carries the claim's fence (Commit::fence), so a worker that stalled past its lease
/// cannot write over the work of the one that claimed the instance after it.
///
/// Thread-safety: every WorkQueue may be called from several threads at once.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/event.hpp>
#include <ablauf/mail_queue.hpp>

#include <tl/expected.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// An instance a worker claimed: it alone may advance it. Every claim of an instance raises its
/// fence, so a worker that paused past its lease and wakes up writes with an old fence, and the
/// store refuses it.
struct Claim {
  std::string instance;     ///< the instance's id
  std::uint64_t fence = 0;  ///< the claim's fence: Commit::fence for every write under it
};

/// How workers in several processes share a store's instances and its outbox.
class WorkQueue {
 public:
  virtual ~WorkQueue() = default;

  /// Claims, for `worker`, up to `most` unclaimed instances with work: a token not waiting (a
  /// crash cut its step off, or it was left to workers), or a timer due by `now`. A claim lasts
  /// `lease` by the store's own clock, unless renewed; an expired one may be claimed again.
  virtual tl::expected<std::vector<Claim>, Error> claim(std::string_view worker, Time now,
                                                        std::chrono::milliseconds lease,
                                                        std::size_t most) = 0;
  /// Claims one instance, e.g. for a call that changes it, if no live claim holds it.
  virtual tl::expected<std::optional<Claim>, Error> claim_instance(
      std::string_view instance, std::string_view worker, std::chrono::milliseconds lease) = 0;
  /// Extends claims by `lease` from now; returns the instances whose claim was lost.
  virtual tl::expected<std::vector<std::string>, Error> renew(std::span<const Claim> claims,
                                                              std::chrono::milliseconds lease) = 0;
  /// Lets a claim go, so that any worker may claim the instance at once.
  virtual tl::expected<void, Error> release(const Claim& claim) = 0;
  /// The queued mail to hand to a Mailer now: each unsent mail to one caller at a time, for
  /// `lease`, then to anyone again if it was not marked sent (MailQueue::mark_sent).
  virtual tl::expected<std::vector<OutboxMail>, Error> claim_mail(
      std::string_view worker, std::chrono::milliseconds lease) = 0;
  /// How an idle worker waits: until another process may have stored work for it, `at_most`
  /// passed, or `stop` was requested. Due timers are found by looking again, so `at_most` bounds
  /// how late they fire. The default hears of nothing and just waits.
  virtual void wait_for_work(std::stop_token stop, std::chrono::milliseconds at_most);
};

/// What a worker did (Engine::worker_stats), since the engine was made.
struct WorkerStats {
  std::uint64_t claimed = 0;  ///< claims taken, by workers and calls
  std::uint64_t fenced = 0;   ///< writes refused because another worker had taken the claim over
  std::uint64_t lost = 0;     ///< claims found lost when renewing them
};

}  // namespace ablauf
