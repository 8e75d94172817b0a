// Browser sessions and the limit on failed sign-ins (sessions.hpp).
#include "http/sessions.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace ablauf::http::detail {

std::string random_token() {
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::string hex(random.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

Sessions::Sessions(std::size_t capacity, std::chrono::seconds idle)
    : capacity_(capacity), idle_(idle) {}

std::pair<std::string, Sessions::Session> Sessions::open(User user, Clock::time_point now) {
  Session session{std::move(user), random_token(), now};
  std::string id = random_token();
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& entry) { return now - entry.second.last_used > idle_; });
  if (sessions_.size() >= capacity_) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
    sessions_.erase(oldest);
  }
  sessions_.emplace(id, session);
  return {std::move(id), std::move(session)};
}

std::optional<Sessions::Session> Sessions::use(std::string_view id, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(std::string(id));
  if (found == sessions_.end()) return std::nullopt;
  if (now - found->second.last_used > idle_) {
    sessions_.erase(found);
    return std::nullopt;
  }
  found->second.last_used = now;
  return found->second;
}

void Sessions::close(std::string_view id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(std::string(id));
}

SignInLimiter::SignInLimiter(std::size_t max_failures, std::chrono::seconds window)
    : max_failures_(max_failures), window_(window) {}

std::chrono::seconds SignInLimiter::wait(const std::string& remote, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto found = failures_.find(remote);
  if (found == failures_.end()) return {};
  const auto until = found->second.first + window_;
  if (now >= until) {
    failures_.erase(found);
    return {};
  }
  if (found->second.count < max_failures_) return {};
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void SignInLimiter::failed(const std::string& remote, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  // Forgetting addresses whose window has passed keeps the table as small as the addresses
  // that failed lately.
  if (failures_.size() > 4096)
    std::erase_if(failures_, [&](const auto& entry) { return now - entry.second.first > window_; });
  // Failures from more addresses than that within one window are a flood no table per address
  // holds back; the memory stays bounded and the count starts again.
  if (failures_.size() > 65'536) failures_.clear();
  auto& failures = failures_[remote];
  if (failures.count == 0 || now - failures.first > window_) failures = {0, now};
  ++failures.count;
}

void SignInLimiter::succeeded(const std::string& remote) {
  std::lock_guard lock(mutex_);
  failures_.erase(remote);
}

}  // namespace ablauf::http::detail
