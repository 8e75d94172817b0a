// How the engine keeps instances: loading them through the cache, storing their events, and
// advancing them, under claims where the store shares work.
#include "engine_impl.hpp"

#include "ablauf/history.hpp"

#include <algorithm>
#include <cstdio>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

// What is deployed at first: with a host's RecordStore, save_record and update_record write
// through it; else the store keeps the records, written with the steps' outcomes.
Registry initial_registry(RecordStore* records) {
  Registry registry;
  if (records) {
    registry.adapters.emplace("save_record", make_save_record(*records));
    registry.adapters.emplace("update_record", make_update_record(*records));
  }
  return registry;
}

}  // namespace

std::shared_ptr<const Workflow> Registry::find(std::string_view workflow,
                                               std::uint32_t version) const {
  const auto versions = workflows.find(workflow);
  if (versions == workflows.end() || versions->second.empty()) return nullptr;
  if (version == 0) return versions->second.rbegin()->second;
  const auto chosen = versions->second.find(version);
  return chosen == versions->second.end() ? nullptr : chosen->second;
}

EngineParts::EngineParts(EngineConfig c)
    : config(std::move(c)),
      store(config.store ? *config.store : own_store),
      record_source(config.records ? static_cast<const RecordSource&>(*config.records) : store),
      clock(config.clock ? *config.clock : own_clock),
      executor(config.executor ? *config.executor : own_executor),
      files(config.files ? config.files : store.blob_store()),
      work_in_call(dynamic_cast<InlineExecutor*>(&executor) != nullptr),
      limits(config.limits),
      deployments(initial_registry(config.records)),
      cache(config.cached_instances),
      claims(store.work_queue(),
             config.worker.name.empty() ? default_worker_name() : config.worker.name,
             config.worker.lease,
             [this](const std::string& instance, const Error& error) { report(instance, error); }),
      mail(store, store.work_queue(), config.mailer, files, clock, config.mail_retry,
           claims.worker(), config.worker.lease),
      scheduler(executor,
                [this](const std::string& instance) { return advance_scheduled(instance); }) {}

std::string EngineParts::new_id(std::string_view prefix) {
  return ids_.next(prefix);
}

tl::expected<Run, Error> EngineParts::load(std::string_view instance) {
  // The state as last seen, brought up to date with the events stored since: a call costs what
  // changed, not the whole history. Another engine on the same store only adds to the tail.
  Run run;
  if (auto cached = cache.take(instance)) run.state = std::move(*cached);
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
  run.registry = deployments.current();
  run.workflow = run.registry->find(state.workflow_id, state.version);
  if (!run.workflow || run.workflow->definition().version != state.version)
    return error(ErrorCode::not_found,
                 "instance '" + std::string(instance) + "' runs workflow '" + state.workflow_id +
                     "' version " + std::to_string(state.version) + ", which is not deployed");
  if (auto ok = state.index_steps(*run.workflow); !ok)
    return tl::make_unexpected(std::move(ok.error()));
  run.base_sequence = state.last_sequence;
  run.max_history_events = config.limits.max_history_events;
  return run;
}

void EngineParts::keep(Run&& run) {
  // A run with events it could not store no longer matches the store: read it afresh next time.
  if (run.base_sequence != run.state.last_sequence || run.state.last_sequence == 0) return;
  // A finished instance never changes again: the store answers the rare read, and the cache
  // stays the size of the work in flight.
  if (run.state.finished()) return;
  cache.put(std::move(run.state));
}

FollowUp EngineParts::release(Run&& run) {
  FollowUp next{std::move(run.wake), run.mail_queued};
  keep(std::move(run));
  return next;
}

void EngineParts::follow_up(FollowUp next) {
  for (auto& id : next.wake) scheduler.schedule(std::move(id));
  if (next.mail) deliver_mail_reporting();
}

tl::expected<InstanceState, Error> EngineParts::read(std::string_view instance) {
  std::lock_guard lock(cache.lock_for(instance));
  auto run = load(instance);
  if (!run) return tl::make_unexpected(std::move(run.error()));
  InstanceState state = run->state;
  keep(std::move(*run));
  return state;
}

tl::expected<void, Error> EngineParts::commit(Run& run) {
  if (run.events.empty()) return {};
  // The store takes the events; an observer sees them once they are stored.
  std::vector<Event> observed;
  if (config.observer) observed = run.events;
  const bool mails = !run.mails.empty();
  Commit stored{std::exchange(run.events, {}),  summarize(run.state),         std::nullopt,
                std::exchange(run.records, {}), std::exchange(run.mails, {}), run.fence};
  stored.request = std::exchange(run.request, std::nullopt);
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

tl::expected<std::optional<RequestKey>, Error> EngineParts::admit_request(
    const RequestKey& request) const {
  if (request.key.empty()) return std::nullopt;
  if (!store.keeps_requests())
    return error(ErrorCode::invalid_value,
                 "the store keeps no idempotency keys: call without one, or use a store that "
                 "keeps them (MemoryStore, SqliteStore, PostgresStore)");
  auto found = store.find_request(request.key);
  if (!found) return tl::make_unexpected(std::move(found.error()));
  if (*found)
    return error(ErrorCode::duplicate_request, "the call with the idempotency key '" + request.key +
                                                   "' was made already: it changed instance '" +
                                                   (*found)->instance + "'");
  RequestKey admitted = request;
  admitted.time = clock.now();
  return admitted;
}

void EngineParts::report(const std::string& instance, const Error& error) const {
  // Work runs on the executor, where no caller is waiting for an answer.
  if (config.on_error)
    config.on_error(instance, error);
  else
    std::fprintf(stderr, "ablauf: instance %s: %s\n", instance.c_str(), error.message.c_str());
}

void EngineParts::deliver_mail_reporting() {
  // Mail still waiting out its backoff was reported when it was refused.
  if (auto delivered = mail.deliver(false); !delivered) report({}, delivered.error());
}

tl::expected<Run, Error> EngineParts::begin(std::shared_ptr<const Workflow> workflow,
                                            std::string id, json::object started,
                                            std::string actor) {
  Run run;
  run.registry = deployments.current();
  run.workflow = std::move(workflow);
  run.state.id = std::move(id);
  run.max_history_events = config.limits.max_history_events;
  const auto* input = started.if_contains("input");
  if (input)
    if (auto ok = limits.admit_input(*input); !ok)
      return tl::make_unexpected(std::move(ok.error()));
  if (const auto& declared = run.workflow->definition().input) {
    const auto problems = declared->check(input ? *input : json::value(json::object()));
    if (!problems.empty()) {
      const auto& definition = run.workflow->definition();
      return tl::make_unexpected(Error{ErrorCode::invalid_value,
                                       "the input does not fit what workflow '" + definition.id +
                                           "' version " + std::to_string(definition.version) +
                                           " declares: " + describe_problems(problems),
                                       problems.front().pointer,
                                       {}});
    }
  }
  // The document number, counted in the store before the instance is: a start that fails
  // after this leaves its number unused (Store::next_number).
  if (const auto& numbering = run.workflow->definition().document_number) {
    const Time now = clock.now();
    const auto& workflow_id = run.workflow->definition().id;
    auto n = store.next_number(workflow_id + "/" + numbering->sequence(now));
    if (!n)
      return tl::make_unexpected(Error{n.error().code,
                                       "workflow '" + workflow_id +
                                           "' numbers its instances (document_number), but " +
                                           n.error().message,
                                       {},
                                       {}});
    started.insert_or_assign("document_number", numbering->format(now, *n));
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

Advanced EngineParts::advance_one(const std::string& instance, const std::optional<Claim>& claim) {
  Advanced advanced;
  FollowUp next;
  {
    std::lock_guard lock(cache.lock_for(instance));
    auto run = load(instance);
    tl::expected<void, Error> ok;
    if (run) {
      if (claim) run->fence = claim->fence;
      auto worked = work(*run);
      if (worked) advanced.fired = *worked;
      ok = worked ? commit(*run) : tl::make_unexpected(worked.error());
      // A run that could not store its events is not kept: the next load reads the store.
      next = release(std::move(*run));
    } else {
      ok = tl::make_unexpected(std::move(run.error()));
    }
    if (!ok && ok.error().code == ErrorCode::lease_lost) {
      claims.fenced();  // the new owner carries on; nothing of this run was stored
    } else if (!ok) {
      report(instance, ok.error());
      advanced.error = std::move(ok.error());
    }
  }
  claims.let_go(claim);
  follow_up(std::move(next));
  return advanced;
}

Advanced EngineParts::advance_scheduled(const std::string& instance) {
  if (!claims.shared()) return advance_one(instance, std::nullopt);
  auto claim = claims.claim_one(instance);
  if (!claim) {
    report(instance, claim.error());
    return {0, std::move(claim.error())};
  }
  if (*claim) return advance_one(instance, *claim);
  return {};  // another worker holds it and is at it
}

}  // namespace ablauf::detail
