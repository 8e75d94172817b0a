#include "claims.hpp"

#include <unistd.h>

namespace ablauf::detail {

std::string default_worker_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(::getpid());
}

Claims::Claims(WorkQueue* queue, std::string worker, std::chrono::milliseconds lease, Report report)
    : queue_(queue), worker_(std::move(worker)), lease_(lease), report_(std::move(report)) {}

void Claims::hold(const Claim& claim) {
  ++claimed_;
  std::lock_guard lock(held_mutex_);
  held_.insert_or_assign(claim.instance, claim.fence);
}

tl::expected<std::optional<Claim>, Error> Claims::claim_one(std::string_view instance) {
  if (!queue_) return std::optional<Claim>();
  auto claim = queue_->claim_instance(instance, worker_, lease_);
  if (claim && *claim) hold(**claim);
  return claim;
}

tl::expected<std::vector<Claim>, Error> Claims::claim_batch(Time now, std::size_t most) {
  if (!queue_)
    return tl::make_unexpected(Error{ErrorCode::store_error,
                                     "claim_and_run() needs a store that shares work between "
                                     "processes (PostgresStore)",
                                     {},
                                     {}});
  auto claims = queue_->claim(worker_, now, lease_, most);
  if (claims)
    for (const auto& claim : *claims) hold(claim);
  return claims;
}

void Claims::let_go(const std::optional<Claim>& claim) {
  if (!claim) return;
  {
    std::lock_guard lock(held_mutex_);
    if (const auto it = held_.find(claim->instance);
        it != held_.end() && it->second == claim->fence)
      held_.erase(it);
  }
  // A claim not let go expires with its lease; nothing is lost, it only waits longer.
  if (auto ok = queue_->release(*claim); !ok) report_(claim->instance, ok.error());
}

void Claims::renew() {
  std::vector<Claim> claims;
  {
    std::lock_guard lock(held_mutex_);
    for (const auto& [instance, fence] : held_) claims.push_back({instance, fence});
  }
  if (claims.empty()) return;
  auto gone = queue_->renew(claims, lease_);
  if (!gone) return report_(claims.front().instance, gone.error());
  lost_ += gone->size();
}

WorkerStats Claims::stats() const noexcept {
  return {claimed_.load(), fenced_.load(), lost_.load()};
}

}  // namespace ablauf::detail
