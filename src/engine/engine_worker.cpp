// Sharing work between processes: claims, the worker loop, and renewing leases.
//
// In a store that shares work (PostgresStore), an instance is advanced only under a claim: a
// lease with a fence. Every commit carries the fence, and the store refuses it once another
// worker has claimed the instance since, so a worker that stalled past its lease (a pause, a
// SIGSTOP) cannot write over the new owner's work: it drops the instance and goes on.
#include "engine_impl.hpp"

#include <algorithm>
#include <condition_variable>
#include <thread>

#include <unistd.h>

namespace ablauf::detail {

std::string default_worker_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(::getpid());
}

tl::expected<std::optional<Claim>, Error> EngineParts::claim_one(std::string_view instance) {
  if (!queue) return std::optional<Claim>();
  auto claim = queue->claim_instance(instance, worker_name, config.worker.lease);
  if (claim && *claim) {
    ++claimed;
    std::lock_guard lock(held_mutex);
    held_claims.insert_or_assign((*claim)->instance, (*claim)->fence);
  }
  return claim;
}

void EngineParts::let_go(const std::optional<Claim>& claim) {
  if (!claim) return;
  {
    std::lock_guard lock(held_mutex);
    if (const auto it = held_claims.find(claim->instance);
        it != held_claims.end() && it->second == claim->fence)
      held_claims.erase(it);
  }
  // A claim not let go expires with its lease; nothing is lost, it only waits longer.
  if (auto ok = queue->release(*claim); !ok) report(claim->instance, ok.error());
}

void EngineParts::renew_claims() {
  std::vector<Claim> claims;
  {
    std::lock_guard lock(held_mutex);
    for (const auto& [instance, fence] : held_claims) claims.push_back({instance, fence});
  }
  if (claims.empty()) return;
  auto gone = queue->renew(claims, config.worker.lease);
  if (!gone) return report(claims.front().instance, gone.error());
  lost += gone->size();
}

}  // namespace ablauf::detail

namespace ablauf {

tl::expected<std::size_t, Error> Engine::claim_and_run() {
  auto& parts = *impl_;
  if (!parts.queue)
    return tl::make_unexpected(Error{ErrorCode::store_error,
                                     "claim_and_run() needs a store that shares work between "
                                     "processes (PostgresStore)",
                                     {},
                                     {}});
  auto claims = parts.queue->claim(parts.worker_name, parts.clock.now(), parts.config.worker.lease,
                                   parts.config.worker.batch);
  if (!claims) return tl::make_unexpected(std::move(claims.error()));
  parts.claimed += claims->size();
  {
    std::lock_guard lock(parts.held_mutex);
    for (const auto& claim : *claims)
      parts.held_claims.insert_or_assign(claim.instance, claim.fence);
  }
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
      if (!done.stop_requested()) parts.renew_claims();
    }
  });
  // After a failure (the database away, its disk full) the worker waits before it tries
  // again, twice as long each time up to a lease, instead of claiming the same work at once.
  std::uint32_t failures = 0;
  while (!stop.stop_requested()) {
    auto ran = claim_and_run();
    if (!ran) {
      parts.report(parts.worker_name, ran.error());
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
      parts.queue->wait_for_work(stop, parts.config.worker.poll_interval);
    }
  }
}

WorkerStats Engine::worker_stats() const {
  return {impl_->claimed.load(), impl_->fenced.load(), impl_->lost.load()};
}

}  // namespace ablauf
