// The engine's inner parts (internal): the state of one call, how instances are locked and
// scheduled, and how steps run.
#pragma once

#include "ablauf/engine.hpp"
#include "ablauf/executor.hpp"
#include "engine/id_generator.hpp"
#include "failure.hpp"
#include "sha256.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <unordered_map>

namespace ablauf::detail {

// The length of `value` as compact JSON, without building the text.
std::size_t serialized_size(const boost::json::value& value);

// What is deployed. Replaced whole when something is deployed or registered, so that a call
// reads one consistent snapshot and a step looks up its adapter without taking a lock.
struct Registry {
  std::map<std::string, std::map<std::uint32_t, std::shared_ptr<const Workflow>>, std::less<>>
      workflows;
  std::map<std::string, std::shared_ptr<Adapter>, std::less<>> adapters;

  // The version asked for, or the newest when `version` is 0; null if not deployed.
  std::shared_ptr<const Workflow> find(std::string_view workflow, std::uint32_t version) const;
};

// One instance while a call changes it: its state, its workflow, and the events made so far.
// Each event is applied at once, so later decisions in the same call see it; the events are
// appended to the store together at the next commit.
struct Run {
  InstanceState state;
  std::shared_ptr<const Workflow> workflow;
  std::shared_ptr<const Registry> registry;
  std::uint64_t base_sequence = 0;  // the store's last sequence number for the instance
  std::vector<Event> events;        // made since the last commit
  // The claim this run writes under, in a store that shares work (see Commit::fence).
  std::optional<std::uint64_t> fence;
  // The limit on the history's length; the event that passes it is refused (see emit).
  std::uint64_t max_history_events = EngineLimits{}.max_history_events;
  // The effects of built-in steps, stored with the next commit (see Commit).
  std::vector<RecordWrite> records;
  std::vector<Mail> mails;
  // Other instances to advance once this one is let go: sub-workflows it started, and the
  // caller of a sub-workflow that finished.
  std::vector<std::string> wake;
  bool mail_queued = false;  // a commit queued mail: deliver it once the instance is let go

  // Numbers the event, applies it, and keeps it for the next commit. An event past
  // max_history_events is a history_too_long error, unless it ends the instance.
  tl::expected<void, Error> emit(Event event, Time now);
  tl::expected<void, Error> emit(EventType type, std::string step, boost::json::object data,
                                 Time now, std::string actor = "system");
};

// What a run leaves to do once its instance's lock is let go: advance the instances it woke,
// deliver the mail it queued (see EngineParts::release and follow_up).
struct FollowUp {
  std::vector<std::string> wake;
  bool mail = false;
};

// What advancing one instance came to: the timers it fired, and the error that stopped it (the
// store failing, say), if one did.
struct Advanced {
  std::size_t fired = 0;
  std::optional<Error> error;
};

// Callers waiting for a set of scheduled instances (run_due()): counts what is left to do, and
// keeps the first error, so that a caller learns that work it asked for was not done.
class Batch {
 public:
  void add();
  void done(const Advanced& advanced);
  // Waits until every instance is done; returns the timers fired, or the first error.
  tl::expected<std::size_t, Error> wait();

 private:
  std::mutex mutex_;
  std::condition_variable finished_;
  std::size_t pending_ = 0;
  std::size_t fired_ = 0;
  std::optional<Error> error_;
};

struct EngineParts {
  EngineConfig config;
  MemoryStore own_store;
  SystemClock own_clock;
  InlineExecutor own_executor;
  Store& store;
  // The store's work queue, if it shares work between processes (see WorkQueue); else null.
  WorkQueue* const queue;
  // Where records are read: the host's RecordStore, or the store that commits them.
  const RecordSource& record_source;
  Clock& clock;
  Mailer* mailer;        // the host's, which queued mail is delivered to; or none
  RecordStore* records;  // the host's, which save_record writes through; or the store
  Executor& executor;
  // With an InlineExecutor, the work a call causes is done under the call's own lock and
  // stored with what it recorded: one append instead of two, and the same order of events.
  const bool work_in_call;

  explicit EngineParts(EngineConfig c);

  // --- what is deployed
  std::shared_ptr<const Registry> registry() const;
  template <class Edit>
  void edit_registry(Edit&& edit) {
    std::lock_guard lock(registry_mutex_);
    auto copy = std::make_shared<Registry>(*registry_);
    edit(*copy);
    registry_ = std::move(copy);
  }

  // --- instances, each changed by one thread at a time
  // The lock of an instance. Locks are striped (an instance shares its lock with others), so
  // no code may hold two: work on another instance is scheduled, never done in place.
  std::mutex& lock_for(std::string_view instance) const;
  // The instance as of its last stored event, for a caller holding its lock. Takes the state
  // out of the cache; keep() puts it back.
  tl::expected<Run, Error> load(std::string_view instance) const;
  // Returns the state of a fully committed run to the cache.
  void keep(Run&& run) const;
  // keep(), and what the run leaves to do once the lock is let go.
  FollowUp release(Run&& run) const;
  // Does it, with no instance locked.
  void follow_up(FollowUp next);
  // Appends the run's events to the store.
  tl::expected<void, Error> commit(Run& run);
  // Before a step's action leaves the engine (an adapter, the host's task list): stores the
  // attempt, so that after a crash it runs again under the same key, never lost. In a store
  // that does not outlive the process there is nothing to recover, and this stores nothing.
  tl::expected<void, Error> store_attempt(Run& run);
  // How a call ends: with work_in_call (and `advance`), the run advances first; then its events
  // are stored.
  tl::expected<void, Error> settle(Run& run, bool advance = true);
  // Hands an error no caller waits for to config.on_error.
  void report(const std::string& instance, const Error& error) const;

  // --- mail (engine_effects.cpp)
  // Hands the outbox's queued mail to the mailer, each marked sent once it took it; returns how
  // many. One thread delivers at a time; others leave their mail to it. A mail is queued, then
  // handed over, then confirmed (marked sent in the store): one whose confirmation the store
  // could not record is never handed over again by this engine, only confirmed later; one the
  // mailer refused waits out a backoff (EngineConfig::mail_retry) before it is tried again. The
  // error names the mail refused now, and with `report_waiting` also that still waiting.
  tl::expected<std::size_t, Error> deliver_mail(bool report_waiting = true);
  // The same, for work no caller waits for: a refusal goes to on_error, once.
  void deliver_mail_reporting();

  // Under the instance's lock: applies `change` (which records what a caller did), stores its
  // events, then has the instance advance (see work_in_call). If `change` fails, nothing is
  // stored. In a store that shares work, the call claims the instance first; if another worker
  // holds it, the change is recorded and the advancing left to that worker. A change that lost
  // a race with another writer is tried again on the instance as it now is.
  template <class Change>
  tl::expected<void, Error> change(std::string_view instance, Change&& change_run) {
    FollowUp next;
    for (int attempt = 1;; ++attempt) {
      std::lock_guard lock(lock_for(instance));
      auto claim = claim_one(instance);
      if (!claim) return tl::make_unexpected(std::move(claim.error()));
      const bool may_advance = !queue || claim->has_value();
      auto run = load(instance);
      if (!run) {
        let_go(*claim);
        return tl::make_unexpected(std::move(run.error()));
      }
      if (*claim) run->fence = (*claim)->fence;
      const auto before = run->base_sequence;
      tl::expected<void, Error> ok = change_run(*run);
      if (ok) ok = settle(*run, may_advance);
      const bool raced = !ok && ok.error().code == ErrorCode::sequence_conflict &&
                         run->base_sequence == before && attempt < 5;
      const bool more = ok && may_advance && !work_in_call && has_work(run->state);
      next = release(std::move(*run));
      let_go(*claim);
      if (raced) continue;
      if (!ok) return ok;
      if (more) next.wake.emplace_back(instance);
      break;
    }
    follow_up(std::move(next));
    return {};
  }

  // --- sharing work (engine_worker.cpp)
  // A claim on the instance, in a store that shares work; none when another worker holds it,
  // and none needed elsewhere.
  tl::expected<std::optional<Claim>, Error> claim_one(std::string_view instance);
  // Lets a claim go (if any).
  void let_go(const std::optional<Claim>& claim);
  // Renews every claim this engine holds; counts those lost.
  void renew_claims();
  std::string worker_name;
  std::atomic<std::uint64_t> claimed{0}, fenced{0}, lost{0};
  std::mutex held_mutex;
  std::map<std::string, std::uint64_t, std::less<>> held_claims;  // instance → fence

  // Under the instance's lock: a copy of its state.
  tl::expected<InstanceState, Error> read(std::string_view instance) const;

  // --- scheduling
  // Has the executor advance the instance: run its ready steps, fire its due timers, take the
  // results of finished sub-workflows. Work already scheduled for it takes this along.
  void schedule(std::string instance, std::shared_ptr<Batch> batch = nullptr);
  // Schedules every instance given and waits until each is done; returns the timers fired, or
  // the first error that stopped one of them (all of them are advanced as far as they go).
  tl::expected<std::size_t, Error> advance_all(std::vector<std::string> instances);
  // Under the instance's lock, and under its claim if one is given: loads it, works it, stores
  // the outcome; lets the claim go. An error is reported (config.on_error) and returned.
  Advanced advance_one(const std::string& instance, const std::optional<Claim>& claim);
  void wait_idle();
  bool has_work(const InstanceState& state) const;

  // --- limits (engine_limits.cpp)
  // The options of an evaluation, or a rendering, at `now` within config.limits.
  EvaluationOptions evaluation(Time now) const;
  DynamicEvaluationOptions rendering(Time now, Escape escape) const;
  // Lets `value` (described by `what`, e.g. "the output of step 'fetch'") into the run's
  // data, or says which limit it would pass: max_output_bytes or max_data_bytes.
  tl::expected<void, Error> admit(const Run& run, const boost::json::value& value,
                                  std::string_view what) const;
  // Refuses a timer or due date (`what`) farther ahead of `now` than max_timer_horizon.
  tl::expected<void, Error> check_horizon(Time due, Time now, std::string_view what) const;
  // Refuses to start `step` once the instance has run max_activations steps.
  tl::expected<void, Error> check_activations(const Run& run, const std::string& step) const;

  // --- running steps (engine_run.cpp)
  // One pass of scheduled work; returns the number of timers fired.
  tl::expected<std::size_t, Error> work(Run& run);
  tl::expected<std::size_t, Error> work_once(Run& run);  // work(), up to a full history
  // Runs every ready token until each waits or ends.
  tl::expected<void, Error> advance(Run& run);
  // Runs the step a token is at (again, for a retry): through its type's behaviour
  // (src/steps/), or the adapter registered for its type.
  tl::expected<void, Error> execute(Run& run, std::uint32_t token);
  // The step is done: moves the token by the first transition that holds.
  tl::expected<void, Error> complete(Run& run, std::uint32_t token, const StepDefinition& step,
                                     boost::json::value output);
  // The step failed: retry it, take on_error, or fail the instance.
  tl::expected<void, Error> fail(Run& run, std::uint32_t token, const StepDefinition& step,
                                 std::uint32_t attempt, std::string error, bool retryable);
  tl::expected<void, Error> fail_instance(Run& run, std::string error);
  // Why a token waits, as its step_waiting event and timer record it.
  struct Waiting {
    WaitingFor what;
    boost::json::object details;    // added to the event: the task, the sub-workflow, the event
    std::optional<Time> timer_due;  // a timer to set, and when it falls due
    TimerPurpose purpose = TimerPurpose::wait;
  };
  // The token waits; a step with a timeout also gets its timeout timer (not for a retry).
  tl::expected<void, Error> wait(Run& run, std::uint32_t token, const StepDefinition& step,
                                 Waiting why);
  // Fires one due timer.
  tl::expected<void, Error> fire(Run& run, const Timer& timer);
  // Completes a checklist step once every required, visible item is answered.
  tl::expected<void, Error> complete_checklist_if_done(Run& run, std::uint32_t token,
                                                       const StepDefinition& step);

  // --- sub-workflows (engine_call.cpp; src/steps/call.cpp starts them)
  // Moves on every token whose sub-workflow has finished.
  tl::expected<void, Error> return_from_calls(Run& run);

  // A new instance of `workflow`, with its instance_started event.
  tl::expected<Run, Error> begin(std::shared_ptr<const Workflow> workflow, std::string id,
                                 boost::json::object started, std::string actor);
  std::string new_id(std::string_view prefix);

 private:
  void work_loop(const std::string& instance);

  mutable std::mutex registry_mutex_;
  std::shared_ptr<const Registry> registry_;

  mutable std::array<std::mutex, 64> instance_locks_;
  mutable std::mutex cache_mutex_;
  // The states of instances not being changed, most recently used first, and where each is.
  mutable std::list<InstanceState> recent_;
  mutable std::map<std::string_view, std::list<InstanceState>::iterator> states_;

  struct Slot {
    bool again = false;  // scheduled again while its work ran
    std::vector<std::shared_ptr<Batch>> waiting;
  };
  std::mutex schedule_mutex_;
  std::condition_variable idle_;
  std::unordered_map<std::string, Slot> slots_;  // instances scheduled or being advanced

  std::mutex mail_mutex_;
  std::atomic<bool> mail_pending_{false};
  // Under mail_mutex_: mail the mailer took whose hand-over the store has not recorded yet, by
  // outbox id, with the message id the mailer gave.
  std::map<std::int64_t, std::string> handed_over_;
  // Under mail_mutex_: mail the mailer refused, by outbox id: how often, and when to try again.
  struct MailRetry {
    std::uint32_t refusals = 0;
    Time not_before{};
  };
  std::map<std::int64_t, MailRetry> refused_mail_;

  detail::IdGenerator ids_;
};

// "<host name>:<process id>": the name a worker's claims go under unless the host gives one.
std::string default_worker_name();

// The idempotency key of the attempt a token is at: "<instance>/<step>/<sequence of its
// step_started event>", the same when the attempt runs again after a crash.
std::string attempt_key(const Run& run, std::uint32_t token);

// An event about a token at a step.
Event token_event(EventType type, const std::string& step, std::uint32_t token,
                  boost::json::object data = {});
// An event of a token leaving its step for `next` (none: it ends there).
Event moving_event(EventType type, const std::string& step, std::uint32_t token,
                   std::vector<std::string> next, boost::json::object data = {});
// `from` moved on by `duration`: days, months and years in the calendar, the rest exactly.
Time add_duration(Time from, const Duration& duration);

// save_record and update_record as adapters over a host's own RecordStore (src/steps/).
std::shared_ptr<Adapter> make_save_record(RecordStore& records);
std::shared_ptr<Adapter> make_update_record(RecordStore& records);

}  // namespace ablauf::detail

namespace ablauf {

struct Engine::Impl : detail::EngineParts {
  using EngineParts::EngineParts;
};

}  // namespace ablauf
