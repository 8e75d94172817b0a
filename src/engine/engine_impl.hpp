// The engine's inner parts (internal): one call's view of an instance (Run), and EngineParts,
// which runs steps with the help of the classes beside this header: what is deployed
// (deployments.hpp), the instance cache and locks (instance_cache.hpp), the scheduler
// (scheduler.hpp), claims in a store that shares work (claims.hpp), mail delivery
// (mail_delivery.hpp) and the limits of running instances (run_limits.hpp).
#pragma once

#include "ablauf/engine.hpp"
#include "ablauf/executor.hpp"
#include "engine/claims.hpp"
#include "engine/deployments.hpp"
#include "engine/id_generator.hpp"
#include "engine/instance_cache.hpp"
#include "engine/mail_delivery.hpp"
#include "engine/run_limits.hpp"
#include "engine/scheduler.hpp"
#include "failure.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace ablauf::detail {

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
  // The idempotency key of the call making this run's change, committed with its first commit
  // (see Commit::request).
  std::optional<RequestKey> request;

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

// When each schedule (workflow, version, schedule id) falls next, as this engine last saw it: a
// schedule not due yet is passed by without asking the store (see Engine::run_schedules()).
class ScheduleTimes {
 public:
  using Key = std::tuple<std::string, std::uint32_t, std::string>;
  std::optional<Time> next(const Key& key) const {
    std::lock_guard lock(mutex_);
    const auto it = next_.find(key);
    if (it == next_.end()) return std::nullopt;
    return it->second;
  }
  void set(const Key& key, Time next) {
    std::lock_guard lock(mutex_);
    next_.insert_or_assign(key, next);
  }

 private:
  mutable std::mutex mutex_;
  std::map<Key, Time> next_;
};

struct EngineParts {
  EngineConfig config;
  MemoryStore own_store;
  SystemClock own_clock;
  InlineExecutor own_executor;
  Store& store;
  // Where records are read: the host's RecordStore, or the store that commits them.
  const RecordSource& record_source;
  Clock& clock;
  Executor& executor;
  BlobStore* files;  // EngineConfig::files, else the store's; may be null
  // With an InlineExecutor, the work a call causes is done under the call's own lock and
  // stored with what it recorded: one append instead of two, and the same order of events.
  const bool work_in_call;

  RunLimits limits;
  Deployments deployments;
  InstanceCache cache;
  Claims claims;
  MailDelivery mail;
  Scheduler scheduler;
  ScheduleTimes schedule_times;

  explicit EngineParts(EngineConfig c);

  // --- instances, each changed by one thread at a time (engine_parts.cpp)
  // The instance as of its last stored event, for a caller holding its lock. Takes the state
  // out of the cache; keep() puts it back.
  tl::expected<Run, Error> load(std::string_view instance);
  // Returns the state of a fully committed run to the cache.
  void keep(Run&& run);
  // keep(), and what the run leaves to do once the lock is let go.
  FollowUp release(Run&& run);
  // Does it, with no instance locked.
  void follow_up(FollowUp next);
  // Under the instance's lock: a copy of its state.
  tl::expected<InstanceState, Error> read(std::string_view instance);
  // Appends the run's events to the store.
  tl::expected<void, Error> commit(Run& run);
  // Before a step's action leaves the engine (an adapter, the host's task list): stores the
  // attempt, so that after a crash it runs again under the same key, never lost. In a store
  // that does not outlive the process there is nothing to recover, and this stores nothing.
  tl::expected<void, Error> store_attempt(Run& run);
  // How a call ends: with work_in_call (and `advance`), the run advances first; then its events
  // are stored.
  tl::expected<void, Error> settle(Run& run, bool advance = true);
  // The key of a call that gives one (an empty key: none), with the engine's time, once it is
  // sure the call has not been made before: duplicate_request naming the instance the first
  // call changed; invalid_value from a store that keeps no request keys.
  tl::expected<std::optional<RequestKey>, Error> admit_request(const RequestKey& request) const;
  // Hands an error no caller waits for to config.on_error.
  void report(const std::string& instance, const Error& error) const;
  // Delivers queued mail for work no caller waits for: a refusal goes to on_error, once.
  void deliver_mail_reporting();

  // Under the instance's lock: applies `change` (which records what a caller did), stores its
  // events, then has the instance advance (see work_in_call). If `change` fails, nothing is
  // stored. In a store that shares work, the call claims the instance first; if another worker
  // holds it, the change is recorded and the advancing left to that worker. A change that lost
  // a race with another writer is tried again on the instance as it now is.
  // change() for a call that takes a RequestKey: refused as a duplicate_request when the key
  // committed a change already (admit_request()), else committed with the change.
  template <class Change>
  tl::expected<void, Error> change_once(std::string_view instance, const RequestKey& request,
                                        Change&& change_run) {
    const auto admitted = admit_request(request);
    if (!admitted) return tl::make_unexpected(admitted.error());
    return change(instance, std::forward<Change>(change_run), *admitted ? &**admitted : nullptr);
  }

  template <class Change>
  tl::expected<void, Error> change(std::string_view instance, Change&& change_run,
                                   const RequestKey* request = nullptr) {
    FollowUp next;
    for (int attempt = 1;; ++attempt) {
      std::lock_guard lock(cache.lock_for(instance));
      auto claim = claims.claim_one(instance);
      if (!claim) return tl::make_unexpected(std::move(claim.error()));
      const bool may_advance = !claims.shared() || claim->has_value();
      auto run = load(instance);
      if (!run) {
        claims.let_go(*claim);
        return tl::make_unexpected(std::move(run.error()));
      }
      if (*claim) run->fence = (*claim)->fence;
      if (request) run->request = *request;
      const auto before = run->base_sequence;
      tl::expected<void, Error> ok = change_run(*run);
      if (ok) ok = settle(*run, may_advance);
      const bool raced = !ok && ok.error().code == ErrorCode::sequence_conflict &&
                         run->base_sequence == before && attempt < 5;
      const bool more = ok && may_advance && !work_in_call && has_work(run->state);
      next = release(std::move(*run));
      claims.let_go(*claim);
      if (raced) continue;
      if (!ok) return ok;
      if (more) next.wake.emplace_back(instance);
      break;
    }
    follow_up(std::move(next));
    return {};
  }

  // --- advancing (engine_parts.cpp)
  // Under the instance's lock, and under its claim if one is given: loads it, works it, stores
  // the outcome; lets the claim go. An error is reported (config.on_error) and returned.
  Advanced advance_one(const std::string& instance, const std::optional<Claim>& claim);
  // What the scheduler runs for an instance: advance_one(), under a claim where the store
  // shares work (none if another worker holds the instance: it is at it).
  Advanced advance_scheduled(const std::string& instance);
  bool has_work(const InstanceState& state) const;

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
  // `completed_with` is recorded beside the output, each member at steps.<id>.<name>: a
  // checklist's "score".
  tl::expected<void, Error> complete(Run& run, std::uint32_t token, const StepDefinition& step,
                                     boost::json::value output,
                                     boost::json::object completed_with = {});
  // The step failed: retry it, take on_error, or fail the instance.
  tl::expected<void, Error> fail(Run& run, std::uint32_t token, const StepDefinition& step,
                                 std::uint32_t attempt, std::string error, bool retryable);
  tl::expected<void, Error> fail_instance(Run& run, std::string error);
  // Completes the instance, or fails it when its vars do not fit the output its workflow
  // declares: a caller relies on what the callee promised to hand back.
  tl::expected<void, Error> complete_instance(Run& run);
  // Why a token waits, as its step_waiting event and timer record it.
  struct Waiting {
    WaitingFor what;
    boost::json::object details;    // added to the event: the task, the sub-workflow, the event
    std::optional<Time> timer_due;  // a timer to set, and when it falls due
    TimerPurpose purpose = TimerPurpose::wait;
    // When the step's timeout falls, if not `timeout` from now: counted from a date in the data.
    std::optional<Time> timeout_due;
  };
  // The token waits; a step with a timeout also gets its timeout timer (not for a retry).
  tl::expected<void, Error> wait(Run& run, std::uint32_t token, const StepDefinition& step,
                                 Waiting why);
  // Sets a timer for the token at `step`, due at `due`.
  tl::expected<void, Error> set_timer(Run& run, std::uint32_t token, const StepDefinition& step,
                                      Time due, TimerPurpose purpose);
  // Fires one due timer.
  tl::expected<void, Error> fire(Run& run, const Timer& timer);
  // A create_task step's reminder or escalation timer fired: the task still open at its token
  // is reminded or handed on (src/steps/create_task.cpp).
  tl::expected<void, Error> follow_up_task(Run& run, const Timer& timer);
  // Completes a checklist step once every required, visible item is answered.
  tl::expected<void, Error> complete_checklist_if_done(Run& run, std::uint32_t token,
                                                       const StepDefinition& step);

  // --- files answered on checklists (engine_files.cpp)
  // Whether the BlobStore keeps every file of `answer`, an answer to `item` as check_answer()
  // returned it, in the size it names: refused (invalid_value) if not, so that no answer refers
  // to content that is not there.
  tl::expected<void, Error> check_files_kept(const ItemDefinition& item,
                                             const boost::json::value& answer) const;

  // --- sub-workflows (engine_call.cpp; src/steps/call.cpp starts them)
  // Moves on every token whose sub-workflow has finished.
  tl::expected<void, Error> return_from_calls(Run& run);

  // A new instance of `workflow`, with its instance_started event.
  tl::expected<Run, Error> begin(std::shared_ptr<const Workflow> workflow, std::string id,
                                 boost::json::object started, std::string actor);
  std::string new_id(std::string_view prefix);

 private:
  IdGenerator ids_;
};

// The idempotency key of the attempt a token is at: "<instance>/<step>/<sequence of its
// step_started event>", the same when the attempt runs again after a crash.
std::string attempt_key(const Run& run, std::uint32_t token);

// An event about a token at a step.
Event token_event(EventType type, const std::string& step, std::uint32_t token,
                  boost::json::object data = {});
// An event of a token leaving its step for `next` (none: it ends there).
Event moving_event(EventType type, const std::string& step, std::uint32_t token,
                   std::vector<std::string> next, boost::json::object data = {});
// `from` moved on by `duration`: years, months and business days on the wall clock of the
// definition's time zone and in its business calendar; days and time exactly.
Time add_duration(Time from, const Duration& duration, const WorkflowDefinition& definition);

// save_record and update_record as adapters over a host's own RecordStore (src/steps/).
std::shared_ptr<Adapter> make_save_record(RecordStore& records);
std::shared_ptr<Adapter> make_update_record(RecordStore& records);

}  // namespace ablauf::detail

namespace ablauf {

struct Engine::Impl : detail::EngineParts {
  using EngineParts::EngineParts;
};

}  // namespace ablauf
