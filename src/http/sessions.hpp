// Who is signed in: browser sessions by cookie, and the failed sign-ins a client address may
// make before it must wait (internal; docs/http.md#signing-in).
#pragma once

#include <ablauf/http_users.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ablauf::http::detail {

using Clock = std::chrono::steady_clock;

// The sessions of signed-in people, in memory: a restarted server signs everyone out. Each has
// a random id (the cookie) and a random CSRF token the pages send back with every change.
class Sessions {
 public:
  struct Session {
    User user;
    std::string csrf_token;
    Clock::time_point last_used;
  };

  // At most `capacity` at once (the one used longest ago ends for a new one); each ends after
  // `idle` without use.
  Sessions(std::size_t capacity, std::chrono::seconds idle);

  // A new session for `user`: its id and the session.
  std::pair<std::string, Session> open(User user, Clock::time_point now);
  // The session with that id, marked as used now; none when there is none or it has ended.
  std::optional<Session> use(std::string_view id, Clock::time_point now);
  void close(std::string_view id);

 private:
  std::size_t capacity_;
  std::chrono::seconds idle_;
  std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;
};

// Counts failed sign-ins (a wrong password, an unknown token) per client address; past
// `max_failures` within `window` the address must wait until the window has passed since its
// first failure. A success forgets its failures.
class SignInLimiter {
 public:
  SignInLimiter(std::size_t max_failures, std::chrono::seconds window);

  // How long `remote` must still wait; zero when it may try.
  std::chrono::seconds wait(const std::string& remote, Clock::time_point now);
  void failed(const std::string& remote, Clock::time_point now);
  void succeeded(const std::string& remote);

 private:
  struct Failures {
    std::size_t count = 0;
    Clock::time_point first;
  };
  std::size_t max_failures_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> failures_;
};

// A random value of 32 bytes in hexadecimal, from libsodium: session ids and CSRF tokens.
std::string random_token();

}  // namespace ablauf::http::detail
