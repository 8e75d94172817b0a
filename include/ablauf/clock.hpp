/// @file
/// Time, injected: every timer, due date, retry and timeout of the engine asks a Clock.
///
/// SystemClock is the wall clock. ManualClock moves only when told, so a test skips sixty days
/// of payment reminders in microseconds and gets the same result every run.
///
/// Thread-safety: both clocks may be read and (ManualClock) moved from any thread.
#pragma once

#include <tl/expected.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace ablauf {

/// A moment, to the millisecond, in UTC.
using Time = std::chrono::sys_time<std::chrono::milliseconds>;

/// The source of the current time, as the engine reads it (EngineConfig::clock). Implement it
/// to run the engine on a time of the host's own.
class Clock {
 public:
  virtual ~Clock() = default;
  /// The current moment. Must be safe to call from several threads at once.
  virtual Time now() const = 0;
};

/// The wall clock: std::chrono::system_clock, cut to whole milliseconds.
class SystemClock final : public Clock {
 public:
  /// The system's current time, in whole milliseconds.
  Time now() const override;
};

/// A clock that stands still until set or advanced: for tests and simulations.
class ManualClock final : public Clock {
 public:
  /// A clock that reads `start` until moved.
  explicit ManualClock(Time start) : millis_(start.time_since_epoch().count()) {}

  /// The time it was last set or advanced to.
  Time now() const override { return Time(std::chrono::milliseconds(millis_.load())); }
  /// Moves it to `time`, which may also lie in the past.
  void set(Time time) { millis_.store(time.time_since_epoch().count()); }
  /// Moves it on by `by` (back, if negative). It fires nothing itself: Engine::run_due() does.
  void advance(std::chrono::milliseconds by) { millis_.fetch_add(by.count()); }

 private:
  std::atomic<std::int64_t> millis_;
};

/// RFC 3339 in UTC: "2026-11-23T10:15:00Z", with ".250" only when there are milliseconds.
std::string to_rfc3339(Time time);

/// Reads an RFC 3339 date-time with any offset; a full-date reads as its midnight in UTC.
tl::expected<Time, std::string> parse_rfc3339(std::string_view text);

}  // namespace ablauf
