#include "engine_impl.hpp"

#include "suggest.hpp"
#include "value_text.hpp"

#include "ablauf/answer.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>

namespace ablauf {
namespace json = boost::json;
using detail::Run;

namespace {

tl::unexpected<Error> error(ErrorCode code, std::string message) {
  return tl::make_unexpected(Error{code, std::move(message), {}, {}});
}

std::string token_step(const InstanceState& state, std::uint32_t token) {
  const Token* t = state.find_token(token);
  return t ? t->step : std::string();
}

const Token* waiting_token(const InstanceState& state, std::string_view step,
                           std::string_view why) {
  for (const auto& token : state.tokens)
    if (token.step == step && token.state == Token::State::waiting && token.waiting_for == why)
      return &token;
  return nullptr;
}

// An instance loaded to change the checklist step a token of it waits at.
struct AtChecklist {
  Run run;
  std::uint32_t token = 0;
  const StepDefinition* step = nullptr;
};

tl::expected<AtChecklist, Error> load_at_checklist(const detail::EngineParts& parts,
                                                   std::string_view instance,
                                                   std::string_view step_id,
                                                   std::string_view what) {
  auto run = parts.load(instance);
  if (!run) return tl::make_unexpected(std::move(run.error()));
  const Token* token = waiting_token(run->state, step_id, "checklist");
  if (!token)
    return error(ErrorCode::invalid_value, "instance '" + std::string(instance) +
                                               "' does not wait for " + std::string(what) +
                                               " at step '" + std::string(step_id) + "'");
  AtChecklist at{std::move(*run), token->id, nullptr};
  at.step = at.run.workflow->find_step(step_id);
  return at;
}

const ItemDefinition* find_item(const StepDefinition& step, std::string_view id) {
  for (const auto& section : step.checklist->sections)
    for (const auto& item : section.items)
      if (item.id == id) return &item;
  return nullptr;
}

// The error for an item the step does not have, with a suggestion.
tl::unexpected<Error> no_item(const StepDefinition& step, std::string_view id) {
  std::vector<std::string_view> ids;
  for (const auto& section : step.checklist->sections)
    for (const auto& item : section.items) ids.push_back(item.id);
  return error(ErrorCode::not_found, "step '" + step.id + "' has no item '" + std::string(id) +
                                         "'" + detail::did_you_mean(id, ids));
}

}  // namespace

namespace detail {

EngineParts::EngineParts(EngineConfig c)
    : config(std::move(c)),
      store(config.store ? *config.store : own_store),
      clock(config.clock ? *config.clock : own_clock),
      mailer(config.mailer ? *config.mailer : own_outbox),
      records(config.records ? *config.records : own_records) {
  adapters.emplace("send_email", make_send_email(mailer, config.language));
  adapters.emplace("save_record", make_save_record(records));
  adapters.emplace("update_record", make_update_record(records));
}

std::string EngineParts::new_id(std::string_view prefix) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(ids()));
  return std::string(prefix) + "-" + buffer;
}

tl::expected<Run, Error> EngineParts::load(std::string_view instance) const {
  // The state as last seen, brought up to date with the events stored since: a call costs what
  // changed, not the whole history. Another engine on the same store only adds to the tail.
  InstanceState state;
  const auto cached = states.find(instance);
  if (cached != states.end()) state = cached->second;
  state.id = instance;
  auto events = store.load(instance, state.last_sequence);
  if (!events) return tl::make_unexpected(std::move(events.error()));
  for (const auto& event : *events)
    if (auto ok = state.apply(event); !ok) return tl::make_unexpected(std::move(ok.error()));
  if (state.last_sequence == 0)
    return error(ErrorCode::not_found, "there is no instance '" + std::string(instance) + "'");
  const auto versions = workflows.find(state.workflow_id);
  if (versions == workflows.end() || !versions->second.count(state.version))
    return error(ErrorCode::not_found,
                 "instance '" + std::string(instance) + "' runs workflow '" + state.workflow_id +
                     "' version " + std::to_string(state.version) + ", which is not deployed");
  Run run;
  run.workflow = versions->second.at(state.version);
  run.base_sequence = state.last_sequence;
  run.state = std::move(state);
  return run;
}

tl::expected<void, Error> EngineParts::settle(Run& run) {
  if (auto ok = advance(run); !ok) return ok;
  return commit(run);
}

tl::expected<void, Error> EngineParts::commit(Run& run) {
  if (run.events.empty()) return {};
  if (auto ok = store.append(run.state.id, run.base_sequence, run.events); !ok) {
    states.erase(run.state.id);  // someone else moved it on: read it afresh next time
    return ok;
  }
  if (config.observer)
    for (const auto& event : run.events) config.observer(run.state.id, event);
  run.base_sequence = run.state.last_sequence;
  states.insert_or_assign(run.state.id, run.state);
  run.events.clear();
  return {};
}

}  // namespace detail

struct Engine::Impl : detail::EngineParts {
  using EngineParts::EngineParts;
};

Engine::Engine(EngineConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Engine::~Engine() = default;

tl::expected<void, Error> Engine::deploy(Workflow workflow) {
  std::lock_guard lock(impl_->mutex);
  const auto& definition = workflow.definition();
  auto& versions = impl_->workflows[definition.id];
  if (versions.count(definition.version))
    return error(ErrorCode::invalid_value, "workflow '" + definition.id + "' version " +
                                               std::to_string(definition.version) +
                                               " is already deployed; deploy a new version");
  const auto version = definition.version;
  versions.emplace(version, std::make_shared<const Workflow>(std::move(workflow)));
  return {};
}

void Engine::register_adapter(std::string type, std::shared_ptr<Adapter> adapter) {
  std::lock_guard lock(impl_->mutex);
  impl_->adapters[std::move(type)] = std::move(adapter);
}

tl::expected<std::string, Error> Engine::start(std::string_view workflow, json::value input,
                                               const StartOptions& options) {
  std::lock_guard lock(impl_->mutex);
  auto& parts = *impl_;
  if (!options.business_key.empty())
    if (auto existing = parts.store.find_by_key(workflow, options.business_key)) return *existing;
  const auto versions = parts.workflows.find(workflow);
  if (versions == parts.workflows.end()) {
    std::vector<std::string_view> names;
    for (const auto& [name, _] : parts.workflows) names.push_back(name);
    return error(ErrorCode::not_found, "no workflow '" + std::string(workflow) + "' is deployed" +
                                           detail::did_you_mean(workflow, names));
  }
  const auto chosen = options.version == 0 ? std::prev(versions->second.end())
                                           : versions->second.find(options.version);
  if (chosen == versions->second.end())
    return error(ErrorCode::not_found, "workflow '" + std::string(workflow) + "' has no version " +
                                           std::to_string(options.version));
  if (!input.is_object())
    return error(ErrorCode::wrong_type, "an instance's input must be a JSON object");

  Run run;
  run.workflow = chosen->second;
  run.state.id = parts.new_id("i");
  json::object data{{"workflow", std::string(workflow)},
                    {"version", chosen->first},
                    {"start", run.workflow->definition().start},
                    {"input", std::move(input)}};
  if (!options.business_key.empty()) data["business_key"] = options.business_key;
  if (auto ok = run.emit(EventType::instance_started, {}, std::move(data), parts.clock.now(),
                         options.actor);
      !ok)
    return tl::make_unexpected(ok.error());
  if (auto ok = parts.advance(run); !ok) return tl::make_unexpected(ok.error());
  if (auto ok = parts.commit(run); !ok) return tl::make_unexpected(ok.error());
  return run.state.id;
}

tl::expected<InstanceState, Error> Engine::get(std::string_view instance) const {
  std::lock_guard lock(impl_->mutex);
  auto run = impl_->load(instance);
  if (!run) return tl::make_unexpected(std::move(run.error()));
  return std::move(run->state);
}

tl::expected<std::vector<Event>, Error> Engine::history(std::string_view instance) const {
  return impl_->store.load(instance);
}

std::vector<std::string> Engine::instances() const {
  return impl_->store.instances();
}

tl::expected<std::vector<InstanceState>, Error> Engine::list(const InstanceFilter& filter) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<InstanceState> out;
  for (const auto& id : impl_->store.instances()) {
    auto run = impl_->load(id);
    if (!run) return tl::make_unexpected(std::move(run.error()));
    auto* state = &run->state;
    if (!filter.workflow.empty() && state->workflow_id != filter.workflow) continue;
    if (filter.status && state->status != *filter.status) continue;
    if (!filter.waiting_for.empty() &&
        std::none_of(state->tasks.begin(), state->tasks.end(), [&](const Task& task) {
          return !task.completed && task.assignee == filter.waiting_for;
        }))
      continue;
    out.push_back(std::move(*state));
  }
  return out;
}

tl::expected<void, Error> Engine::answer(std::string_view instance, std::string_view step,
                                         std::string_view item, json::value value,
                                         std::string_view actor) {
  return submit(instance, step, json::object{{item, std::move(value)}}, actor);
}

tl::expected<void, Error> Engine::submit(std::string_view instance, std::string_view step_id,
                                         const json::object& answers, std::string_view actor) {
  std::lock_guard lock(impl_->mutex);
  auto& parts = *impl_;
  auto at = load_at_checklist(parts, instance, step_id, "answers");
  if (!at) return tl::make_unexpected(std::move(at.error()));
  const StepDefinition& step = *at->step;

  // Check every answer before recording any.
  std::vector<std::pair<std::string, json::value>> checked;
  for (const auto& [item_id, value] : answers) {
    const ItemDefinition* item = find_item(step, item_id);
    if (!item) return no_item(step, item_id);
    if (item->kind == ItemKind::signature)
      return error(ErrorCode::invalid_value,
                   "'" + item->id + "' is a signature: sign it with sign(), not answer()");
    auto canonical = check_answer(*item, value, parts.config.language);
    if (!canonical) return error(ErrorCode::invalid_value, std::move(canonical.error().message));
    checked.emplace_back(item->id, std::move(*canonical));
  }
  for (auto& [item_id, value] : checked)
    if (auto ok = at->run.emit(EventType::answer_recorded, step.id,
                               json::object{{"item", item_id}, {"value", std::move(value)}},
                               parts.clock.now(), std::string(actor));
        !ok)
      return ok;
  if (auto ok = parts.complete_checklist_if_done(at->run, at->token, step); !ok) return ok;
  return parts.settle(at->run);
}

tl::expected<void, Error> Engine::sign(std::string_view instance, std::string_view step_id,
                                       std::string_view item_id, std::string_view actor) {
  std::lock_guard lock(impl_->mutex);
  auto& parts = *impl_;
  auto at = load_at_checklist(parts, instance, step_id, "a sign-off");
  if (!at) return tl::make_unexpected(std::move(at.error()));
  const StepDefinition& step = *at->step;
  const ItemDefinition* item = find_item(step, item_id);
  if (!item) return no_item(step, item_id);
  if (item->kind != ItemKind::signature)
    return error(ErrorCode::invalid_value,
                 "'" + item->id + "' is not a signature; give it a value with answer()");
  if (actor.empty()) return error(ErrorCode::invalid_value, "a signature needs the signer");

  // What the signature signs: the answers to the items before it, in the order of the form.
  const auto& steps = at->run.state.data.at("steps").as_object();
  const json::object* answers = nullptr;
  if (const auto* entry = steps.if_contains(step.id))
    if (const auto* a = entry->as_object().if_contains("answers")) answers = a->if_object();
  json::object signed_answers;
  bool before = true;
  for (const auto& section : step.checklist->sections)
    for (const auto& i : section.items) {
      before = before && &i != item;
      if (!before) break;
      if (const auto* answer = answers ? answers->if_contains(i.id) : nullptr)
        signed_answers[i.id] = *answer;
    }
  const std::string hash = detail::sha256_hex(to_json_text(signed_answers));
  if (auto ok = at->run.emit(EventType::signature_recorded, step.id,
                             json::object{{"item", item->id}, {"hash", hash}}, parts.clock.now(),
                             std::string(actor));
      !ok)
    return ok;
  if (auto ok = parts.complete_checklist_if_done(at->run, at->token, step); !ok) return ok;
  return parts.settle(at->run);
}

tl::expected<void, Error> Engine::complete_task(std::string_view instance, std::string_view task,
                                                std::string_view outcome, std::string_view actor) {
  std::lock_guard lock(impl_->mutex);
  auto& parts = *impl_;
  auto run = parts.load(instance);
  if (!run) return tl::make_unexpected(std::move(run.error()));
  const Task* open = run->state.find_task(task);
  if (!open)
    return error(ErrorCode::not_found, "instance '" + std::string(instance) + "' has no task '" +
                                           std::string(task) + "'");
  if (open->completed)
    return error(ErrorCode::invalid_value, "task '" + std::string(task) + "' is already completed");
  const std::string step_id = open->step;
  const StepDefinition& step = *run->workflow->find_step(step_id);
  if (const auto* outcomes = step.parameters.if_contains("outcomes")) {
    std::vector<std::string_view> allowed;
    for (const auto& o : outcomes->as_array()) allowed.push_back(o.as_string());
    if (std::find(allowed.begin(), allowed.end(), outcome) == allowed.end())
      return error(ErrorCode::invalid_value,
                   "'" + std::string(outcome) + "' is not an outcome of task '" + step_id + "'" +
                       detail::did_you_mean_or_list(outcome, allowed, "its outcomes"));
  }
  if (auto ok =
          run->emit(EventType::task_completed, step_id,
                    json::object{{"task", std::string(task)}, {"outcome", std::string(outcome)}},
                    parts.clock.now(), std::string(actor));
      !ok)
    return ok;
  if (const Token* token = waiting_token(run->state, step_id, "task"))
    if (auto ok =
            parts.complete(*run, token->id, step, json::object{{"outcome", std::string(outcome)}});
        !ok)
      return ok;
  return parts.settle(*run);
}

namespace {

// The token of `run` waiting at a wait step for `event`, whose correlation (if `key` is given)
// evaluates to `key`; or none.
std::optional<std::uint32_t> awaiting(const Run& run, std::string_view event,
                                      std::optional<std::string_view> key, Time now) {
  for (const auto& token : run.state.tokens) {
    if (token.state != Token::State::waiting || token.waiting_for != "event") continue;
    const StepDefinition& step = *run.workflow->find_step(token.step);
    const auto* name = step.parameters.if_contains("event");
    if (!name || !name->is_string() || name->get_string() != event) continue;
    if (key) {
      const auto correlation = step.expressions.find("correlation");
      if (correlation == step.expressions.end()) continue;
      auto value = evaluate(correlation->second, run.state.data, {.now = now});
      if (!value || detail::to_text(*value) != *key) continue;
    }
    return token.id;
  }
  return std::nullopt;
}

}  // namespace

tl::expected<void, Error> Engine::signal(std::string_view target, std::string_view event,
                                         json::value payload) {
  std::lock_guard lock(impl_->mutex);
  auto& parts = *impl_;
  const Time now = parts.clock.now();
  // An instance id, or else a correlation key such as an invoice number.
  auto run = parts.load(target);
  std::optional<std::uint32_t> token;
  if (run) {
    token = awaiting(*run, event, std::nullopt, now);
  } else if (run.error().code == ErrorCode::not_found) {
    for (const auto& id : parts.store.instances()) {
      run = parts.load(id);
      if (!run) continue;
      if ((token = awaiting(*run, event, target, now))) break;
    }
  } else {
    return tl::make_unexpected(std::move(run.error()));
  }
  if (!token)
    return error(ErrorCode::not_found, "no instance '" + std::string(target) +
                                           "', and none correlated by it, waits for the event '" +
                                           std::string(event) + "'");
  const std::string step_id = token_step(run->state, *token);
  const StepDefinition& step = *run->workflow->find_step(step_id);
  if (auto ok = run->emit(EventType::signal_received, step.id,
                          json::object{{"name", std::string(event)}, {"payload", payload}}, now);
      !ok)
    return ok;
  if (auto ok = parts.complete(*run, *token, step, std::move(payload)); !ok) return ok;
  return parts.settle(*run);
}

tl::expected<std::size_t, Error> Engine::run_due() {
  std::lock_guard lock(impl_->mutex);
  auto& parts = *impl_;
  std::size_t fired = 0;
  for (const auto& id : parts.store.instances()) {
    auto run = parts.load(id);
    if (!run) return tl::make_unexpected(std::move(run.error()));
    // Fire in order of due time; firing may set new timers, which fire too once due.
    for (;;) {
      const Time now = parts.clock.now();
      const auto& timers = run->state.timers;
      const auto next =
          std::min_element(timers.begin(), timers.end(),
                           [](const Timer& a, const Timer& b) { return a.due < b.due; });
      if (next == timers.end() || next->due > now || run->state.finished()) break;
      if (auto ok = parts.fire(*run, *next); !ok) return tl::make_unexpected(ok.error());
      ++fired;
      if (auto ok = parts.advance(*run); !ok) return tl::make_unexpected(ok.error());
    }
    if (auto ok = parts.commit(*run); !ok) return tl::make_unexpected(ok.error());
  }
  return fired;
}

tl::expected<void, Error> Engine::cancel(std::string_view instance, std::string_view actor,
                                         std::string_view reason) {
  std::lock_guard lock(impl_->mutex);
  auto& parts = *impl_;
  auto run = parts.load(instance);
  if (!run) return tl::make_unexpected(std::move(run.error()));
  if (run->state.finished())
    return error(ErrorCode::invalid_value, "instance '" + std::string(instance) + "' has already " +
                                               std::string(to_string(run->state.status)));
  if (auto ok = run->emit(EventType::instance_cancelled, {},
                          json::object{{"reason", std::string(reason)}}, parts.clock.now(),
                          std::string(actor));
      !ok)
    return ok;
  return parts.commit(*run);
}

const Outbox& Engine::outbox() const {
  return impl_->own_outbox;
}

const MemoryRecordStore& Engine::records() const {
  return impl_->own_records;
}

}  // namespace ablauf
