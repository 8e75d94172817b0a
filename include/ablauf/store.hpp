/// @file
/// Stores: where instances live, as the events that made them.
///
/// A store appends events per instance under an expected sequence number (optimistic
/// concurrency: two writers cannot both extend the same history) and hands them back in order.
/// Beside the events, a store keeps a summary of each instance (its workflow, status and next
/// timer), written with every append, so that it can find due work without folding histories.
/// MemoryStore keeps them in memory, for tests and for hosts that need no persistence; the
/// durable stores implement the same interface.
///
/// Thread-safety: every Store may be called from several threads at once.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/event.hpp>
#include <ablauf/instance.hpp>
#include <ablauf/services.hpp>

#include <tl/expected.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// What a store indexes about an instance; the state's own fields, as of the events appended.
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

/// A record that save_record or update_record writes, committed with the step's outcome.
struct RecordWrite {
  std::string collection;  ///< the collection it goes into, e.g. "orders"
  /// Its key within the collection. save_record's must be free: if it is taken, the whole
  /// commit is refused with duplicate_key.
  std::string key;
  boost::json::object fields;  ///< the fields to write
  bool merge = false;          ///< update_record: set these fields (making the record if need be);
                               ///< save_record: the whole record
};

/// A record the built-in steps wrote, with its key in its collection.
struct StoredRecord {
  std::string key;             ///< its key within the collection
  boost::json::object record;  ///< its fields

  /// Compares every field.
  friend bool operator==(const StoredRecord&, const StoredRecord&) = default;
};

/// What one append stores, all or nothing. The store takes it over: one that keeps events in
/// memory moves them in rather than copying them.
struct Commit {
  std::vector<Event> events;  ///< in order; the store numbers them
  InstanceSummary summary;    ///< the instance's summary after these events (see summarize())
  /// Now and then, the state after these events (to_json(InstanceState)), so that loading a long
  /// history reads the snapshot and the events after it.
  std::optional<boost::json::value> snapshot;
  /// The effects of the built-in steps whose outcomes these events record: written exactly
  /// once, because they commit with them.
  std::vector<RecordWrite> records;
  std::vector<Mail> mails;  ///< queued in the outbox
  /// The fence of the writer's claim (see Store::claim), in a store that shares work: the
  /// append is refused with lease_lost unless the instance is still under that claim.
  std::optional<std::uint64_t> fence;
};

/// An instance a worker claimed: it alone may advance it. Every claim of an instance raises its
/// fence, so a worker that paused past its lease and wakes up writes with an old fence, and the
/// store refuses it.
struct Claim {
  std::string instance;     ///< the instance's id
  std::uint64_t fence = 0;  ///< the claim's fence: Commit::fence for every write under it
};

/// A mail in a store's outbox.
struct OutboxMail {
  std::int64_t id = 0;                    ///< in the order queued
  std::string instance;                   ///< the instance whose send_email step queued it
  Mail mail;                              ///< the mail itself
  std::optional<std::string> message_id;  ///< set once handed to the Mailer
};

/// A definition kept in a durable store by tools that run instances without a host of their own
/// (the ablauf command line), so that they can resume them later.
struct StoredDefinition {
  std::string workflow;       ///< the workflow's id
  std::uint32_t version = 0;  ///< the definition's version
  std::string source;         ///< the definition's JSON text
};

/// An instance's state as a store kept it, so that loading need not fold every event again.
struct Snapshot {
  std::uint64_t sequence = 0;  ///< the last event it includes
  boost::json::value state;    ///< the state, as to_json(InstanceState) wrote it
};

/// Where instances live: the interface every store implements. A host may implement its own:
/// the pure virtual members are required; the others default to a durable store that serves one
/// process and keeps no definitions.
class Store {
 public:
  virtual ~Store() = default;

  /// Appends the commit's events (numbered last + 1, …, and chained to the events before them
  /// with event_hash(), history.hpp; their own hash fields are ignored), replaces the instance's summary and
  /// keeps its snapshot, all at once, if the instance's last sequence number is `expected_last`
  /// (0 for a new instance); else a sequence_conflict error and nothing changes. A new instance
  /// with the business key of another instance of the same workflow is refused with
  /// duplicate_key.
  virtual tl::expected<void, Error> append(std::string_view instance, std::uint64_t expected_last,
                                           Commit commit) = 0;

  /// The instance's events after sequence number `after`, in order, each with its hash in the
  /// instance's chain (Event::hash, history.hpp); not_found for an unknown instance.
  virtual tl::expected<std::vector<Event>, Error> load(std::string_view instance,
                                                       std::uint64_t after = 0) const = 0;

  /// The instance's latest snapshot, if it has one.
  virtual tl::expected<std::optional<Snapshot>, Error> load_snapshot(
      std::string_view instance) const = 0;

  /// A record the built-in steps wrote, if there is one.
  virtual tl::expected<std::optional<boost::json::object>, Error> find_record(
      std::string_view collection, std::string_view key) const = 0;

  /// Every record of a collection, by key: for reports such as the KPIs (kpi.hpp). A store that
  /// cannot list them (the default) fails with store_error.
  virtual tl::expected<std::vector<StoredRecord>, Error> records(std::string_view collection) const;

  /// The outbox, oldest first: every mail, or those not yet handed on.
  virtual tl::expected<std::vector<OutboxMail>, Error> outbox(bool unsent_only) const = 0;
  /// Records that a mail was handed to the Mailer, under the message id it gave.
  virtual tl::expected<void, Error> mark_sent(std::int64_t mail, std::string_view message_id) = 0;

  /// Whether snapshots spare this store work. A store that holds its events in memory reads
  /// them as fast as a snapshot, and making one would only cost.
  virtual bool wants_snapshots() const noexcept { return true; }

  /// Whether what it holds outlives the process. The engine stores each attempt before its
  /// action leaves the engine only in a durable store: elsewhere a crash would lose the attempt
  /// along with everything else, and storing it would only cost.
  virtual bool durable() const noexcept { return true; }

  /// Every instance id, in the order they were created.
  virtual tl::expected<std::vector<std::string>, Error> instances() const = 0;

  /// The instance started for `workflow` with `business_key`, if any.
  virtual tl::expected<std::optional<std::string>, Error> find_by_key(
      std::string_view workflow, std::string_view business_key) const = 0;

  /// The unfinished instances with a timer due by `now`, the most overdue first.
  virtual tl::expected<std::vector<std::string>, Error> due(Time now) const = 0;

  /// The instances that are neither completed, failed nor cancelled, in the order they were
  /// created: what an engine resumes after a restart.
  virtual tl::expected<std::vector<std::string>, Error> unfinished() const = 0;

  /// Definitions kept for tools that run instances without a host of their own (the ablauf
  /// command line), so that they can resume them later; the durable stores keep them. Keeping
  /// a version again changes nothing. A store that keeps none refuses with store_error.
  virtual tl::expected<void, Error> keep_definition(const StoredDefinition& definition);
  /// The definitions kept, by workflow and then version; none in a store that keeps none.
  virtual tl::expected<std::vector<StoredDefinition>, Error> definitions() const;

  /// Whether it shares work between processes (PostgresStore). A store that serves one process
  /// shares nothing: claim() is an error and a commit's fence is not checked.
  virtual bool shares_work() const noexcept { return false; }

  /// Claims, for `worker`, up to `most` unclaimed instances with work: a token not waiting (a
  /// crash cut its step off, or it was left to workers), or a timer due by `now`. A claim lasts
  /// `lease` by the store's own clock, unless renewed; an expired one may be claimed again.
  virtual tl::expected<std::vector<Claim>, Error> claim(std::string_view worker, Time now,
                                                        std::chrono::milliseconds lease,
                                                        std::size_t most);
  /// Claims one instance, e.g. for a call that changes it, if no live claim holds it.
  virtual tl::expected<std::optional<Claim>, Error> claim_instance(std::string_view instance,
                                                                   std::string_view worker,
                                                                   std::chrono::milliseconds lease);
  /// Extends claims by `lease` from now; returns the instances whose claim was lost.
  virtual tl::expected<std::vector<std::string>, Error> renew(std::span<const Claim> claims,
                                                              std::chrono::milliseconds lease);
  /// Lets a claim go, so that any worker may claim the instance at once.
  virtual tl::expected<void, Error> release(const Claim& claim);
  /// The queued mail to hand to a Mailer now. A store that shares work gives each unsent mail to
  /// one caller at a time, for `lease` (then to anyone again, if it was not marked sent); the
  /// others give every unsent mail, oldest first, as outbox(true) does.
  virtual tl::expected<std::vector<OutboxMail>, Error> claim_mail(std::string_view worker,
                                                                  std::chrono::milliseconds lease);
  /// How an idle worker waits: until another process may have stored work for it (PostgresStore
  /// hears of new instances and of work left to workers at once), `at_most` passed, or `stop`
  /// was requested. Due timers are found by looking again, so `at_most` bounds how late they
  /// fire. A store that hears of nothing just waits.
  virtual void wait_for_work(std::stop_token stop, std::chrono::milliseconds at_most);
};

/// A store in memory: fast, and gone with the process. The engine's default, for tests and for
/// hosts that need no persistence. It keeps no definitions and shares no work. Its events carry
/// their hashes (history.hpp) as every store's do, made when they are first loaded.
class MemoryStore final : public Store {
 public:
  tl::expected<void, Error> append(std::string_view instance, std::uint64_t expected_last,
                                   Commit commit) override;
  tl::expected<std::vector<Event>, Error> load(std::string_view instance,
                                               std::uint64_t after = 0) const override;
  tl::expected<std::optional<Snapshot>, Error> load_snapshot(
      std::string_view instance) const override;
  tl::expected<std::optional<boost::json::object>, Error> find_record(
      std::string_view collection, std::string_view key) const override;
  tl::expected<std::vector<StoredRecord>, Error> records(
      std::string_view collection) const override;
  tl::expected<std::vector<OutboxMail>, Error> outbox(bool unsent_only) const override;
  tl::expected<void, Error> mark_sent(std::int64_t mail, std::string_view message_id) override;
  /// Keeps the snapshots it is given, but asks for none.
  bool wants_snapshots() const noexcept override { return false; }
  /// Gone with the process.
  bool durable() const noexcept override { return false; }
  tl::expected<std::vector<std::string>, Error> instances() const override;
  tl::expected<std::optional<std::string>, Error> find_by_key(
      std::string_view workflow, std::string_view business_key) const override;
  tl::expected<std::vector<std::string>, Error> due(Time now) const override;
  tl::expected<std::vector<std::string>, Error> unfinished() const override;

 private:
  mutable std::mutex mutex_;
  // Mutable: each event's hash is made when it is first loaded, so that an engine that never
  // reads its history back (it keeps its instances in memory) does not pay for the chain.
  mutable std::map<std::string, std::vector<Event>, std::less<>> events_;
  std::vector<std::string> order_;
  std::map<std::pair<std::string, std::string>, std::string> keys_;
  std::set<std::pair<Time, std::string>> timers_;  ///< (next due, instance)
  std::map<std::string, InstanceSummary, std::less<>> summaries_;
  std::map<std::string, Snapshot, std::less<>> snapshots_;
  std::map<std::pair<std::string, std::string>, boost::json::object, std::less<>> records_;
  std::vector<OutboxMail> outbox_;
};

}  // namespace ablauf
