/// @file
/// The event log: where instances live, as the events that made them.
///
/// A log appends events per instance under an expected sequence number (optimistic
/// concurrency: two writers cannot both extend the same history) and hands them back in order.
/// Beside the events, it keeps a summary of each instance (its workflow, status and next timer),
/// written with every append, so that it can find due work without folding histories.
///
/// Thread-safety: every EventLog may be called from several threads at once.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/event.hpp>
#include <ablauf/instance.hpp>
#include <ablauf/record_source.hpp>
#include <ablauf/services.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// What a log indexes about an instance; the state's own fields, as of the events appended.
struct InstanceSummary {
  std::string workflow;                             ///< the id of the workflow it runs
  std::uint32_t version = 0;                        ///< the version of that workflow
  std::string business_key;                         ///< empty: none; else unique per workflow
  InstanceStatus status = InstanceStatus::running;  ///< as of the last event appended
  std::optional<Time> next_due;                     ///< the earliest timer set, if any
  /// The sub-workflows its call steps wait for: once one finishes, the instance has work.
  std::vector<std::string> awaiting;
  /// The instance whose call step started this one, if any: it has work once this one ends.
  std::string parent;
};

/// The summary of a state, as the engine commits it with each append. A finished instance has
/// no next_due.
InstanceSummary summarize(const InstanceState& state);

/// The idempotency key of a call that changed an instance (an API request a client may send
/// again after a timeout), committed with the change it made: a log that keeps_requests()
/// refuses a second commit under the same key with duplicate_request, so that the change is
/// made once however often the call is repeated, also across a crash.
struct RequestKey {
  std::string key;          ///< the caller's key, unique in the log (the host scopes it)
  std::string fingerprint;  ///< what the call was (a hash of it), to tell a key used again
  Time time{};              ///< when it was made, for forget_requests()
};

/// What a log keeps of a committed RequestKey.
struct RequestRecord {
  std::string instance;     ///< the instance whose commit carried it
  std::string fingerprint;  ///< as committed
  Time time{};              ///< as committed
};

/// What one append stores, all or nothing. The log takes it over: one that keeps events in
/// memory moves them in rather than copying them.
struct Commit {
  std::vector<Event> events;  ///< in order; the log numbers them
  InstanceSummary summary;    ///< the instance's summary after these events (see summarize())
  /// Now and then, the state after these events (to_json(InstanceState)), so that loading a long
  /// history reads the snapshot and the events after it.
  std::optional<boost::json::value> snapshot;
  /// The effects of the built-in steps whose outcomes these events record: written exactly
  /// once, because they commit with them (read back through RecordSource).
  std::vector<RecordWrite> records;
  std::vector<Mail> mails;  ///< queued in the outbox (read back through MailQueue)
  /// The fence of the writer's claim (see WorkQueue::claim), in a store that shares work: the
  /// append is refused with lease_lost unless the instance is still under that claim.
  std::optional<std::uint64_t> fence;
  /// The idempotency key of the call that made the change, if it gave one (see RequestKey).
  std::optional<RequestKey> request;
};

/// An instance's state as a log kept it, so that loading need not fold every event again.
struct Snapshot {
  std::uint64_t sequence = 0;  ///< the last event it includes
  boost::json::value state;    ///< the state, as to_json(InstanceState) wrote it
};

/// The events of every instance, with the summaries that find them.
class EventLog {
 public:
  virtual ~EventLog() = default;

  /// Appends the commit's events (numbered last + 1, …, and chained to the events before them
  /// with event_hash(), history.hpp; their own hash fields are ignored), replaces the
  /// instance's summary and keeps its snapshot, records and mail, all at once, if the
  /// instance's last sequence number is `expected_last` (0 for a new instance); else a
  /// sequence_conflict error and nothing changes. A new instance with the business key of
  /// another instance of the same workflow is refused with duplicate_key.
  virtual tl::expected<void, Error> append(std::string_view instance, std::uint64_t expected_last,
                                           Commit commit) = 0;

  /// The instance's events after sequence number `after`, in order, each with its hash in the
  /// instance's chain (Event::hash, history.hpp); not_found for an unknown instance.
  virtual tl::expected<std::vector<Event>, Error> load(std::string_view instance,
                                                       std::uint64_t after = 0) const = 0;

  /// The instance's latest snapshot, if it has one.
  virtual tl::expected<std::optional<Snapshot>, Error> load_snapshot(
      std::string_view instance) const = 0;

  /// Whether snapshots spare this log work. A log that holds its events in memory reads them
  /// as fast as a snapshot, and making one would only cost.
  virtual bool wants_snapshots() const noexcept { return true; }

  /// Whether what it holds outlives the process. The engine stores each attempt before its
  /// action leaves the engine only in a durable log: elsewhere a crash would lose the attempt
  /// along with everything else, and storing it would only cost.
  virtual bool durable() const noexcept { return true; }

  /// Every instance id, in the order they were created.
  virtual tl::expected<std::vector<std::string>, Error> instance_ids() const = 0;

  /// The instance started for `workflow` with `business_key`, if any.
  virtual tl::expected<std::optional<std::string>, Error> find_by_key(
      std::string_view workflow, std::string_view business_key) const = 0;

  /// Whether it keeps the RequestKey of a commit, refusing a second commit under one key. A
  /// log that does not ignores Commit::request, and the engine refuses calls that give a key.
  virtual bool keeps_requests() const noexcept { return false; }
  /// The commit that carried this request key, if one did (and it was not forgotten).
  virtual tl::expected<std::optional<RequestRecord>, Error> find_request(
      std::string_view key) const;
  /// Forgets the request keys committed before `before`, so that they do not pile up without
  /// end; returns how many. A call repeated with a forgotten key is made again.
  virtual tl::expected<std::size_t, Error> forget_requests(Time before);

  /// The unfinished instances with a timer due by `now`, the most overdue first.
  virtual tl::expected<std::vector<std::string>, Error> due(Time now) const = 0;

  /// The instances that are neither completed, failed nor cancelled, in the order they were
  /// created: what an engine resumes after a restart.
  virtual tl::expected<std::vector<std::string>, Error> unfinished() const = 0;
};

}  // namespace ablauf
