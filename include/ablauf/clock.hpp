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
#include <string>
#include <string_view>

namespace ablauf {

/// A moment, to the millisecond, in UTC.
using Time = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Time now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Time start) : millis_(start.time_since_epoch().count()) {}

  Time now() const override { return Time(std::chrono::milliseconds(millis_.load())); }
  void set(Time time) { millis_.store(time.time_since_epoch().count()); }
  void advance(std::chrono::milliseconds by) { millis_.fetch_add(by.count()); }

 private:
  std::atomic<std::int64_t> millis_;
};

/// RFC 3339 in UTC: "2026-11-23T10:15:00Z", with ".250" only when there are milliseconds.
std::string to_rfc3339(Time time);

/// Reads an RFC 3339 date-time with any offset; a full-date reads as its midnight in UTC.
tl::expected<Time, std::string> parse_rfc3339(std::string_view text);

}  // namespace ablauf
