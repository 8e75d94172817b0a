// The claims an engine holds in a store that shares work (internal): taking them, renewing
// them every third of a lease, and letting them go.
//
// In such a store an instance is advanced only under a claim: a lease with a fence. Every
// commit carries the fence, and the store refuses it once another worker has claimed the
// instance since, so a worker that stalled past its lease (a pause, a SIGSTOP) cannot write
// over the new owner's work: it drops the instance and goes on.
#pragma once

#include "ablauf/error.hpp"
#include "ablauf/work_queue.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

class Claims {
 public:
  // Hears of an error no caller waits for: the instance (or the worker) and the error.
  using Report = std::function<void(const std::string&, const Error&)>;

  // Claims through `queue` (none: a store that serves one process, where nothing is claimed)
  // under the name `worker`, each claim for `lease`.
  Claims(WorkQueue* queue, std::string worker, std::chrono::milliseconds lease, Report report);

  // Whether the store shares work, so that instances advance only under claims.
  bool shared() const noexcept { return queue_ != nullptr; }
  const std::string& worker() const noexcept { return worker_; }

  // A claim on the instance, in a store that shares work; none when another worker holds it,
  // and none needed elsewhere.
  tl::expected<std::optional<Claim>, Error> claim_one(std::string_view instance);
  // Up to `most` instances with work at `now`, claimed.
  tl::expected<std::vector<Claim>, Error> claim_batch(Time now, std::size_t most);
  // Lets a claim go (if any).
  void let_go(const std::optional<Claim>& claim);
  // Renews every claim held; counts those lost.
  void renew();
  // A write was refused because another worker had taken the claim over.
  void fenced() noexcept { ++fenced_; }
  WorkerStats stats() const noexcept;

 private:
  void hold(const Claim& claim);

  WorkQueue* const queue_;
  const std::string worker_;
  const std::chrono::milliseconds lease_;
  const Report report_;
  std::atomic<std::uint64_t> claimed_{0}, fenced_{0}, lost_{0};
  std::mutex held_mutex_;
  std::map<std::string, std::uint64_t, std::less<>> held_;  // instance → fence
};

// "<host name>:<process id>": the name a worker's claims go under unless the host gives one.
std::string default_worker_name();

}  // namespace ablauf::detail
