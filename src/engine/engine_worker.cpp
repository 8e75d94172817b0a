// An engine as a worker in a store that shares work (PostgresStore): it claims instances with
// work in batches and advances them, renewing its claims as it goes (claims.hpp).
#include "engine_impl.hpp"

#include <algorithm>
#include <condition_variable>
#include <thread>

namespace ablauf {

tl::expected<std::size_t, Error> Engine::claim_and_run() {
  auto& parts = *impl_;
  auto claims = parts.claims.claim_batch(parts.clock.now(), parts.config.worker.batch);
  if (!claims) return tl::make_unexpected(std::move(claims.error()));
  std::optional<Error> failed;
  for (const auto& claim : *claims)
    if (auto advanced = parts.advance_one(claim.instance, claim); advanced.error && !failed)
      failed = std::move(advanced.error);  // reported already
  if (failed) return tl::make_unexpected(std::move(*failed));
  return claims->size();
}

void Engine::run_worker(std::stop_token stop) {
  auto& parts = *impl_;
  std::mutex mutex;
  std::condition_variable_any wake;
  const auto pause = [&](std::stop_token until, std::chrono::milliseconds how_long) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, until, how_long, [] { return false; });
  };
  // Renews what this worker holds every third of a lease, so that a step may take longer than
  // one; a process that stops renewing loses its claims to the others.
  std::jthread renewer([&](std::stop_token done) {
    while (!done.stop_requested()) {
      pause(done, parts.config.worker.lease / 3);
      if (!done.stop_requested()) parts.claims.renew();
    }
  });
  // After a failure (the database away, its disk full) the worker waits before it tries
  // again, twice as long each time up to a lease, instead of claiming the same work at once.
  std::uint32_t failures = 0;
  while (!stop.stop_requested()) {
    // Occurrences due start enqueued for whichever worker claims them; a schedule not due yet
    // costs no query (ScheduleTimes).
    auto ran =
        (parts.config.tick_schedules ? run_schedules() : tl::expected<std::size_t, Error>(0u))
            .and_then([&](std::size_t) { return claim_and_run(); });
    if (!ran) {
      parts.report(parts.claims.worker(), ran.error());
      auto wait = parts.config.worker.poll_interval;
      for (std::uint32_t i = 0; i < failures && wait < parts.config.worker.lease; ++i) wait *= 2;
      ++failures;
      pause(stop, std::min(wait, parts.config.worker.lease));
      continue;
    }
    failures = 0;
    if (*ran == 0) {
      // Idle: mail refused earlier, or left by a process that died, goes out now.
      parts.deliver_mail_reporting();
      parts.store.work_queue()->wait_for_work(stop, parts.config.worker.poll_interval);
    }
  }
}

WorkerStats Engine::worker_stats() const {
  return impl_->claims.stats();
}

}  // namespace ablauf
