// How the engine keeps instances: the deployed registry, instance locks, the state cache,
// storing events, and scheduling work on the executor.
#include "engine_impl.hpp"

#include "ablauf/history.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace ablauf::detail {
namespace json = boost::json;

std::shared_ptr<const Workflow> Registry::find(std::string_view workflow,
                                               std::uint32_t version) const {
  const auto versions = workflows.find(workflow);
  if (versions == workflows.end() || versions->second.empty()) return nullptr;
  if (version == 0) return versions->second.rbegin()->second;
  const auto chosen = versions->second.find(version);
  return chosen == versions->second.end() ? nullptr : chosen->second;
}

void Batch::add() {
  std::lock_guard lock(mutex_);
  ++pending_;
}

void Batch::done(const Advanced& advanced) {
  std::lock_guard lock(mutex_);
  fired_ += advanced.fired;
  if (advanced.error && !error_) error_ = advanced.error;
  if (--pending_ == 0) finished_.notify_all();
}

tl::expected<std::size_t, Error> Batch::wait() {
  std::unique_lock lock(mutex_);
  finished_.wait(lock, [&] { return pending_ == 0; });
  if (error_) return tl::make_unexpected(*error_);
  return fired_;
}

EngineParts::EngineParts(EngineConfig c)
    : config(std::move(c)),
      store(config.store ? *config.store : own_store),
      queue(store.work_queue()),
      record_source(config.records ? static_cast<const RecordSource&>(*config.records) : store),
      clock(config.clock ? *config.clock : own_clock),
      mailer(config.mailer),
      records(config.records),
      executor(config.executor ? *config.executor : own_executor),
      work_in_call(dynamic_cast<InlineExecutor*>(&executor) != nullptr) {
  auto initial = std::make_shared<Registry>();
  if (records) {  // else the store keeps the records, written with the steps' outcomes
    initial->adapters.emplace("save_record", make_save_record(*records));
    initial->adapters.emplace("update_record", make_update_record(*records));
  }
  registry_ = std::move(initial);
  worker_name = config.worker.name.empty() ? default_worker_name() : config.worker.name;
}

std::shared_ptr<const Registry> EngineParts::registry() const {
  std::lock_guard lock(registry_mutex_);
  return registry_;
}

std::string EngineParts::new_id(std::string_view prefix) {
  return ids_.next(prefix);
}

std::mutex& EngineParts::lock_for(std::string_view instance) const {
  return instance_locks_[std::hash<std::string_view>{}(instance) % instance_locks_.size()];
}

tl::expected<Run, Error> EngineParts::load(std::string_view instance) const {
  // The state as last seen, brought up to date with the events stored since: a call costs what
  // changed, not the whole history. Another engine on the same store only adds to the tail.
  Run run;
  {
    std::lock_guard lock(cache_mutex_);
    if (const auto cached = states_.find(instance); cached != states_.end()) {
      const auto where = cached->second;
      states_.erase(cached);  // before its key, which views the state's id, goes
      run.state = std::move(*where);
      recent_.erase(where);
    }
  }
  auto& state = run.state;
  if (state.last_sequence == 0) {  // not in the cache: start from the latest snapshot
    auto snapshot = store.load_snapshot(instance);
    if (!snapshot) return tl::make_unexpected(std::move(snapshot.error()));
    if (*snapshot) {
      auto restored = state_from_json(std::string(instance), (*snapshot)->state);
      if (!restored) return tl::make_unexpected(std::move(restored.error()));
      state = std::move(*restored);
    }
  }
  state.id = instance;
  // Checking reads the event the state ends with too: the anchor the events after it chain to.
  const auto known = state.last_sequence;
  const bool verify = config.verify_history && store.durable();
  auto events = store.load(instance, verify && known > 0 ? known - 1 : known);
  if (!events) return tl::make_unexpected(std::move(events.error()));
  if (verify)
    if (const auto broken = verify_history(instance, *events))
      return error(ErrorCode::invalid_event, broken->describe());
  for (const auto& event : *events)
    if (event.sequence > known)
      if (auto ok = state.apply(event); !ok) return tl::make_unexpected(std::move(ok.error()));
  if (state.last_sequence == 0)
    return error(ErrorCode::not_found, "there is no instance '" + std::string(instance) + "'");
  run.registry = registry();
  run.workflow = run.registry->find(state.workflow_id, state.version);
  if (!run.workflow || run.workflow->definition().version != state.version)
    return error(ErrorCode::not_found,
                 "instance '" + std::string(instance) + "' runs workflow '" + state.workflow_id +
                     "' version " + std::to_string(state.version) + ", which is not deployed");
  run.base_sequence = state.last_sequence;
  run.max_history_events = config.limits.max_history_events;
  return run;
}

void EngineParts::keep(Run&& run) const {
  // A run with events it could not store no longer matches the store: read it afresh next time.
  if (run.base_sequence != run.state.last_sequence || run.state.last_sequence == 0) return;
  // A finished instance never changes again: the store answers the rare read, and the cache
  // stays the size of the work in flight.
  if (run.state.finished() || config.cached_instances == 0) return;
  std::lock_guard lock(cache_mutex_);
  // An instance leaves the cache while it is changed; were it kept twice, the newer state wins.
  if (const auto stale = states_.find(run.state.id); stale != states_.end()) {
    const auto where = stale->second;
    states_.erase(stale);
    recent_.erase(where);
  }
  recent_.push_front(std::move(run.state));
  states_.emplace(recent_.front().id, recent_.begin());
  while (recent_.size() > config.cached_instances) {
    states_.erase(recent_.back().id);
    recent_.pop_back();
  }
}

FollowUp EngineParts::release(Run&& run) const {
  FollowUp next{std::move(run.wake), run.mail_queued};
  keep(std::move(run));
  return next;
}

void EngineParts::follow_up(FollowUp next) {
  for (auto& id : next.wake) schedule(std::move(id));
  if (next.mail) deliver_mail_reporting();
}

tl::expected<void, Error> EngineParts::commit(Run& run) {
  if (run.events.empty()) return {};
  // The store takes the events; an observer sees them once they are stored.
  std::vector<Event> observed;
  if (config.observer) observed = run.events;
  const bool mails = !run.mails.empty();
  Commit stored{std::exchange(run.events, {}),  summarize(run.state),         std::nullopt,
                std::exchange(run.records, {}), std::exchange(run.mails, {}), run.fence};
  const auto every = config.snapshot_every;
  if (every != 0 && run.base_sequence / every != run.state.last_sequence / every &&
      store.wants_snapshots())
    stored.snapshot = to_json(run.state);
  if (auto ok = store.append(run.state.id, run.base_sequence, std::move(stored)); !ok) return ok;
  for (const auto& event : observed) config.observer(run.state.id, event);
  if (run.state.finished() && !run.state.parent.empty()) run.wake.push_back(run.state.parent);
  if (mails) run.mail_queued = true;
  run.base_sequence = run.state.last_sequence;
  return {};
}

tl::expected<void, Error> EngineParts::store_attempt(Run& run) {
  if (!store.durable()) return {};
  return commit(run);
}

tl::expected<void, Error> EngineParts::settle(Run& run, bool advance) {
  const auto before = run.base_sequence;
  tl::expected<void, Error> ok;
  if (work_in_call && advance)
    if (auto worked = work(run); !worked) ok = tl::make_unexpected(std::move(worked.error()));
  if (ok) ok = commit(run);
  // Once what the caller recorded is stored (before a step's action ran), the call succeeded;
  // what went wrong after is the engine's to report, as for work on an executor.
  if (!ok && run.base_sequence > before) {
    report(run.state.id, ok.error());
    return {};
  }
  return ok;
}

tl::expected<InstanceState, Error> EngineParts::read(std::string_view instance) const {
  std::lock_guard lock(lock_for(instance));
  auto run = load(instance);
  if (!run) return tl::make_unexpected(std::move(run.error()));
  InstanceState state = run->state;
  keep(std::move(*run));
  return state;
}

tl::expected<Run, Error> EngineParts::begin(std::shared_ptr<const Workflow> workflow,
                                            std::string id, json::object started,
                                            std::string actor) {
  Run run;
  run.registry = registry();
  run.workflow = std::move(workflow);
  run.state.id = std::move(id);
  run.max_history_events = config.limits.max_history_events;
  if (const auto* input = started.if_contains("input")) {
    const auto size = serialized_size(*input);
    if (size > config.limits.max_data_bytes)
      return error(ErrorCode::data_too_large, "the input is " + std::to_string(size) +
                                                  " bytes as JSON, more than the limit of " +
                                                  std::to_string(config.limits.max_data_bytes) +
                                                  " (max_data_bytes)");
  }
  started.insert_or_assign("start", run.workflow->definition().start);
  if (auto ok = run.emit(EventType::instance_started, {}, std::move(started), clock.now(),
                         std::move(actor));
      !ok)
    return tl::make_unexpected(std::move(ok.error()));
  return run;
}

bool EngineParts::has_work(const InstanceState& state) const {
  if (state.finished()) return false;
  const Time now = clock.now();
  return std::any_of(state.tokens.begin(), state.tokens.end(),
                     [](const Token& t) { return t.state == Token::State::ready; }) ||
         std::any_of(state.timers.begin(), state.timers.end(),
                     [&](const Timer& t) { return t.due <= now; });
}

void EngineParts::schedule(std::string instance, std::shared_ptr<Batch> batch) {
  {
    std::lock_guard lock(schedule_mutex_);
    auto [slot, fresh] = slots_.try_emplace(instance);
    if (batch) {
      batch->add();
      slot->second.waiting.push_back(std::move(batch));
    }
    if (!fresh) {
      slot->second.again = true;  // its work is under way: one more pass takes this along
      return;
    }
  }
  executor.post([this, id = std::move(instance)] { work_loop(id); });
}

tl::expected<std::size_t, Error> EngineParts::advance_all(std::vector<std::string> instances) {
  auto batch = std::make_shared<Batch>();
  batch->add();  // held until every instance is scheduled
  for (auto& id : instances) schedule(std::move(id), batch);
  batch->done({});
  return batch->wait();
}

Advanced EngineParts::advance_one(const std::string& instance, const std::optional<Claim>& claim) {
  Advanced advanced;
  std::size_t& fired = advanced.fired;
  FollowUp next;
  {
    std::lock_guard lock(lock_for(instance));
    auto run = load(instance);
    tl::expected<void, Error> ok;
    if (run) {
      if (claim) run->fence = claim->fence;
      auto worked = work(*run);
      if (worked) fired = *worked;
      ok = worked ? commit(*run) : tl::make_unexpected(worked.error());
      // A run that could not store its events is not kept: the next load reads the store.
      next = release(std::move(*run));
    } else {
      ok = tl::make_unexpected(std::move(run.error()));
    }
    if (!ok && ok.error().code == ErrorCode::lease_lost) {
      ++fenced;  // the new owner carries on; nothing of this run was stored
    } else if (!ok) {
      report(instance, ok.error());
      advanced.error = std::move(ok.error());
    }
  }
  let_go(claim);
  follow_up(std::move(next));
  return advanced;
}

void EngineParts::work_loop(const std::string& instance) {
  for (;;) {
    std::vector<std::shared_ptr<Batch>> waiting;
    {
      std::lock_guard lock(schedule_mutex_);
      auto& slot = slots_.at(instance);
      slot.again = false;
      waiting.swap(slot.waiting);
    }
    Advanced advanced;
    if (!queue) {
      advanced = advance_one(instance, std::nullopt);
    } else if (auto claim = claim_one(instance); !claim) {
      report(instance, claim.error());
      advanced.error = std::move(claim.error());
    } else if (*claim) {
      advanced = advance_one(instance, *claim);
    }  // else another worker holds it and is at it
    for (auto& batch : waiting) batch->done(advanced);
    std::lock_guard lock(schedule_mutex_);
    if (!slots_.at(instance).again) {
      slots_.erase(instance);
      if (slots_.empty()) idle_.notify_all();
      return;
    }
  }
}

void EngineParts::wait_idle() {
  std::unique_lock lock(schedule_mutex_);
  idle_.wait(lock, [&] { return slots_.empty(); });
}

void EngineParts::report(const std::string& instance, const Error& error) const {
  // Work runs on the executor, where no caller is waiting for an answer.
  if (config.on_error)
    config.on_error(instance, error);
  else
    std::fprintf(stderr, "ablauf: instance %s: %s\n", instance.c_str(), error.message.c_str());
}

}  // namespace ablauf::detail
