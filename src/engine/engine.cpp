#include "engine_impl.hpp"

#include "engine/checklist_items.hpp"
#include "engine/corrective_actions.hpp"
#include "sha256.hpp"
#include "steps/mail_attachments.hpp"
#include "suggest.hpp"
#include "value_text.hpp"

#include "ablauf/answer.hpp"
#include "ablauf/executor.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <span>

namespace ablauf {
namespace json = boost::json;
using detail::error;
using detail::find_item;
using detail::no_item;
using detail::Run;

namespace {

// The token of `run` waiting at step `step_id` for `why`, or null. The host names the step;
// the engine looks it up once and compares indices.
const Token* waiting_token(const Run& run, std::string_view step_id, WaitingFor why) {
  const auto index = run.workflow->find(step_id);
  if (!index) return nullptr;
  for (const auto& token : run.state.tokens)
    if (token.step_index == *index && token.state == Token::State::waiting &&
        token.waiting_for == why)
      return &token;
  return nullptr;
}

// The token waiting at a checklist step of `run`, and the step.
struct AtChecklist {
  std::uint32_t token = 0;
  const StepDefinition* step = nullptr;
};

tl::expected<AtChecklist, Error> at_checklist(const Run& run, std::string_view step_id,
                                              std::string_view what) {
  const Token* token = waiting_token(run, step_id, WaitingFor::checklist);
  if (!token)
    return error(ErrorCode::invalid_value, "instance '" + run.state.id + "' does not wait for " +
                                               std::string(what) + " at step '" +
                                               std::string(step_id) + "'");
  return AtChecklist{token->id, &run.workflow->step(token->step_index)};
}

// The answers to the items of `step` before `item`, in the order of the form: what a
// signature of `item` signs.
json::object answers_before(const Run& run, const StepDefinition& step,
                            const ItemDefinition& item) {
  const auto& steps = run.state.data.at("steps").as_object();
  const json::object* answers = nullptr;
  if (const auto* entry = steps.if_contains(step.id))
    if (const auto* a = entry->as_object().if_contains("answers")) answers = a->if_object();
  json::object signed_answers;
  for (const auto& section : step.checklist->sections)
    for (const auto& i : section.items) {
      if (&i == &item) return signed_answers;
      if (const auto* answer = answers ? answers->if_contains(i.id) : nullptr)
        signed_answers[i.id] = *answer;
    }
  return signed_answers;
}

// Records a form of one step, whole or not at all: checks every answer and every sign-off
// before it emits any event, so that a refusal leaves the run as it was (and change() stores
// nothing of a run whose change failed).
tl::expected<void, Error> record_form(detail::EngineParts& parts, Run& run,
                                      std::string_view step_id, const json::object& answers,
                                      std::span<const FormSignature> signatures,
                                      std::string_view actor) {
  auto at =
      at_checklist(run, step_id, answers.empty() && !signatures.empty() ? "a sign-off" : "answers");
  if (!at) return tl::make_unexpected(std::move(at.error()));
  const StepDefinition& step = *at->step;
  if (auto ok = parts.limits.admit(run.state, answers, "the answers to step '" + step.id + "'");
      !ok)
    return ok;

  std::vector<std::pair<std::string, json::value>> checked;
  for (const auto& [item_id, value] : answers) {
    const ItemDefinition* item = find_item(step, item_id);
    if (!item) return no_item(step, item_id);
    if (item->kind == ItemKind::signature)
      return error(ErrorCode::invalid_value,
                   "'" + item->id + "' is a signature: sign it with sign(), not answer()");
    auto canonical = check_answer(*item, value, parts.config.language,
                                  run.workflow->definition().default_language);
    if (!canonical) return error(ErrorCode::invalid_value, std::move(canonical.error().message));
    if (takes_files(item->kind))
      if (auto kept = parts.check_files_kept(*item, *canonical); !kept) return kept;
    checked.emplace_back(item->id, std::move(*canonical));
  }
  // Sign-offs in the order of the form's items, so that the record reads as the form does.
  std::vector<std::pair<const ItemDefinition*, std::string_view>> signoffs;
  for (const auto& signature : signatures) {
    const ItemDefinition* item = find_item(step, signature.item);
    if (!item) return no_item(step, signature.item);
    if (item->kind != ItemKind::signature)
      return error(ErrorCode::invalid_value,
                   "'" + item->id + "' is not a signature; give it a value with answer()");
    if (signature.signer.empty())
      return error(ErrorCode::invalid_value,
                   "a signature needs the signer: '" + item->id + "' names nobody");
    if (std::any_of(signoffs.begin(), signoffs.end(),
                    [&](const auto& earlier) { return earlier.first == item; }))
      return error(ErrorCode::invalid_value, "'" + item->id + "' is signed twice in one form");
    signoffs.emplace_back(item, signature.signer);
  }
  const auto position = [&](const ItemDefinition* item) {
    std::size_t index = 0;
    for (const auto& section : step.checklist->sections)
      for (const auto& i : section.items) {
        if (&i == item) return index;
        ++index;
      }
    return index;
  };
  std::sort(signoffs.begin(), signoffs.end(),
            [&](const auto& a, const auto& b) { return position(a.first) < position(b.first); });

  std::vector<std::string> answered;
  answered.reserve(checked.size());
  for (const auto& [item_id, value] : checked) answered.push_back(item_id);
  for (auto& [item_id, value] : checked)
    if (auto ok = run.emit(EventType::answer_recorded, step.id,
                           json::object{{"item", item_id}, {"value", std::move(value)}},
                           parts.clock.now(), std::string(actor));
        !ok)
      return ok;
  if (auto ok = detail::raise_corrective_actions(parts, run, at->token, step, answered); !ok)
    return ok;
  if (!signoffs.empty())
    if (auto held = detail::signing_held_back(run.state, step))
      return tl::make_unexpected(std::move(*held));
  // A sign-off signs the answers before its item (this form's own included) and the history
  // before the form: the hash of its last stored event, which chains every event before it
  // (history.hpp). The form's own events are not stored yet, and the answers cover them.
  std::string chain;
  if (!signoffs.empty() && run.base_sequence > 0) {
    auto last = parts.store.load(run.state.id, run.base_sequence - 1);
    if (!last) return tl::make_unexpected(std::move(last.error()));
    if (!last->empty()) chain = last->back().hash;
  }
  for (const auto& [item, signer] : signoffs) {
    const std::string hash =
        detail::sha256_hex(to_json_text(answers_before(run, step, *item)) + "\n" + chain);
    if (auto ok = run.emit(EventType::signature_recorded, step.id,
                           json::object{{"item", item->id}, {"hash", hash}, {"chain", chain}},
                           parts.clock.now(), std::string(signer));
        !ok)
      return ok;
  }
  return parts.complete_checklist_if_done(run, at->token, step);
}

}  // namespace

Engine::Engine(EngineConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Engine::~Engine() {
  impl_->scheduler.wait_idle();  // work on the executor refers to the engine
}

namespace {

// The first step that nothing would run: a host's type without an adapter, in the step type or
// registered with the engine. Located at the step's "type".
std::optional<Error> step_without_adapter(
    const Workflow& workflow,
    const std::map<std::string, std::shared_ptr<Adapter>, std::less<>>& adapters) {
  for (StepIndex i = 0; i < workflow.step_count(); ++i) {
    const auto& type = workflow.step_type(i);
    const auto registered = adapters.find(type.name);
    if (type.behavior || type.adapter || (registered != adapters.end() && registered->second))
      continue;
    const auto& step = workflow.step(i);
    Error error{ErrorCode::unknown_step_type,
                "step '" + step.id + "' has type '" + type.name +
                    "', which has no adapter to run it: give the type one "
                    "(StepTypeSpec::adapter), or register one with Engine::register_adapter() "
                    "before deploying",
                step.pointer + "/type",
                {}};
    if (const auto& source = workflow.definition().source)
      error.location = source->locate(error.pointer);
    return error;
  }
  return std::nullopt;
}

}  // namespace

tl::expected<void, Error> Engine::deploy(Workflow workflow) {
  if (auto checked = check_config(impl_->config); !checked) return checked;
  const auto& definition = workflow.definition();
  // An edit that fails leaves what is deployed as it was.
  return impl_->deployments.edit([&](detail::Registry& registry) -> tl::expected<void, Error> {
    // Every step must have something to run it: checked here, where the engine's adapters are
    // known, rather than when an instance first reaches the step.
    if (auto unrunnable = step_without_adapter(workflow, registry.adapters))
      return tl::make_unexpected(std::move(*unrunnable));
    // The same for a mail's attachments, unless the host sends mail with its own adapter.
    if (!registry.adapters.contains("send_email"))
      if (auto unrunnable =
              detail::attachments_unrunnable(workflow, impl_->files != nullptr,
                                             static_cast<bool>(impl_->config.render_attachment)))
        return tl::make_unexpected(std::move(*unrunnable));
    auto& versions = registry.workflows[definition.id];
    if (versions.count(definition.version))
      return error(ErrorCode::invalid_value, "workflow '" + definition.id + "' version " +
                                                 std::to_string(definition.version) +
                                                 " is already deployed; deploy a new version");
    // A cycle of calls among deployed workflows would nest instances until max_call_depth fails
    // them: refused here, as the loader refuses a workflow that calls itself.
    std::map<std::string, std::vector<std::string>, std::less<>> calls;
    for (const auto& [id, deployed] : registry.workflows)
      if (id != definition.id && !deployed.empty())
        calls.emplace(id, called_workflows(deployed.rbegin()->second->definition()));
    if (const auto cycle = call_cycle(definition, calls); !cycle.empty()) {
      std::string path;
      for (const auto& id : cycle) path += (path.empty() ? "" : " → ") + id;
      return error(ErrorCode::recursive_call,
                   "workflow '" + definition.id + "' version " +
                       std::to_string(definition.version) +
                       " would close a cycle of calls among the deployed workflows (" + path +
                       "): each instance would start another, without end");
    }
    const auto version = definition.version;
    versions.emplace(version, std::make_shared<const Workflow>(std::move(workflow)));
    return {};
  });
}

std::vector<Workflow> Engine::workflows() const {
  std::vector<Workflow> all;
  for (const auto& [id, versions] : impl_->deployments.current()->workflows)
    for (const auto& [version, workflow] : versions) all.push_back(*workflow);
  return all;
}

tl::expected<Workflow, Error> Engine::workflow(std::string_view id, std::uint32_t version) const {
  const auto registry = impl_->deployments.current();
  if (auto found = registry->find(id, version)) return *found;
  const auto versions = registry->workflows.find(id);
  if (versions == registry->workflows.end() || versions->second.empty())
    return error(ErrorCode::not_found, "no workflow '" + std::string(id) + "' is deployed");
  return error(ErrorCode::not_found, "workflow '" + std::string(id) + "' has no version " +
                                         std::to_string(version) + "; the newest is " +
                                         std::to_string(versions->second.rbegin()->first));
}

void Engine::register_adapter(std::string type, std::shared_ptr<Adapter> adapter) {
  impl_->deployments.edit([&](detail::Registry& registry) {
    registry.adapters[std::move(type)] = std::move(adapter);
    return true;
  });
}

tl::expected<std::string, Error> Engine::start(std::string_view workflow, json::value input,
                                               const StartOptions& options) {
  auto& parts = *impl_;
  const auto request = parts.admit_request(options.request);
  if (!request) return tl::make_unexpected(request.error());
  if (!options.business_key.empty()) {
    auto existing = parts.store.find_by_key(workflow, options.business_key);
    if (!existing) return tl::make_unexpected(std::move(existing.error()));
    if (*existing) return **existing;
  }
  const auto registry = parts.deployments.current();
  const auto versions = registry->workflows.find(workflow);
  if (versions == registry->workflows.end()) {
    std::vector<std::string_view> names;
    for (const auto& [name, _] : registry->workflows) names.push_back(name);
    return error(ErrorCode::not_found, "no workflow '" + std::string(workflow) + "' is deployed" +
                                           detail::did_you_mean(workflow, names));
  }
  auto chosen = registry->find(workflow, options.version);
  if (!chosen)
    return error(ErrorCode::not_found, "workflow '" + std::string(workflow) + "' has no version " +
                                           std::to_string(options.version));
  if (!input.is_object())
    return error(ErrorCode::wrong_type, "an instance's input must be a JSON object");

  const auto version = chosen->definition().version;
  json::object started{
      {"workflow", std::string(workflow)}, {"version", version}, {"input", std::move(input)}};
  if (!options.business_key.empty()) started["business_key"] = options.business_key;
  std::string id = parts.new_id("i");
  detail::FollowUp next;
  // Where workers share the store, the new instance is stored first and then advanced under a
  // claim, by this call or by a worker that took it first. Enqueued, it is only stored.
  const bool store_first = parts.claims.shared() || options.enqueue;
  {
    std::lock_guard lock(parts.cache.lock_for(id));
    auto run = parts.begin(std::move(chosen), id, std::move(started), options.actor);
    if (!run) return tl::make_unexpected(std::move(run.error()));
    run->request = *request;
    if (auto ok = parts.settle(*run, !store_first); !ok) {
      // Started by another caller at the same moment: theirs is the instance.
      if (ok.error().code == ErrorCode::duplicate_key)
        if (auto existing = parts.store.find_by_key(workflow, options.business_key);
            existing && *existing)
          return **existing;
      return tl::make_unexpected(std::move(ok.error()));
    }
    next = parts.release(std::move(*run));
  }
  if (options.enqueue) return id;
  if (store_first) {
    if (auto ok = parts.change(id, [](Run&) { return tl::expected<void, Error>(); }); !ok)
      parts.report(id, ok.error());  // stored: a worker carries it on
    return id;
  }
  if (!parts.work_in_call) next.wake.push_back(id);
  parts.follow_up(std::move(next));
  return id;
}

tl::expected<InstanceState, Error> Engine::get(std::string_view instance) const {
  return impl_->read(instance);
}

tl::expected<std::vector<Event>, Error> Engine::history(std::string_view instance) const {
  return impl_->store.load(instance);
}

tl::expected<std::vector<std::string>, Error> Engine::instance_ids() const {
  return impl_->store.instance_ids();
}

tl::expected<std::optional<std::string>, Error> Engine::find(std::string_view workflow,
                                                             std::string_view business_key) const {
  return impl_->store.find_by_key(workflow, business_key);
}

tl::expected<std::optional<RequestRecord>, Error> Engine::find_request(std::string_view key) const {
  return impl_->store.find_request(key);
}

tl::expected<std::vector<InstanceState>, Error> Engine::list(const InstanceFilter& filter) const {
  // A workflow and a business key name one instance at most, which the store's index finds
  // without reading the others; the rest of the filter is then checked on it alone.
  auto ids = [&]() -> tl::expected<std::vector<std::string>, Error> {
    if (filter.workflow.empty() || filter.business_key.empty()) return impl_->store.instance_ids();
    auto found = impl_->store.find_by_key(filter.workflow, filter.business_key);
    if (!found) return tl::make_unexpected(std::move(found.error()));
    return *found ? std::vector<std::string>{std::move(**found)} : std::vector<std::string>{};
  }();
  if (!ids) return tl::make_unexpected(ids.error());
  std::vector<InstanceState> out;
  for (const auto& id : *ids) {
    auto state = impl_->read(id);
    if (!state) return tl::make_unexpected(std::move(state.error()));
    if (!filter.workflow.empty() && state->workflow_id != filter.workflow) continue;
    if (filter.status && state->status != *filter.status) continue;
    if (!filter.business_key.empty() && state->business_key != filter.business_key) continue;
    if (filter.started_from && state->started_at < *filter.started_from) continue;
    if (filter.started_until && state->started_at >= *filter.started_until) continue;
    if (filter.updated_from && state->updated_at < *filter.updated_from) continue;
    if (filter.updated_until && state->updated_at >= *filter.updated_until) continue;
    if (!filter.waiting_for.empty() &&
        std::none_of(state->tasks.begin(), state->tasks.end(), [&](const Task& task) {
          // Open, for its assignee; a corrective action done, for its verifier.
          return !task.closed() &&
                 (task.completed ? task.verify_by : task.assignee) == filter.waiting_for;
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
  auto& parts = *impl_;
  return parts.change(
      instance, [&](Run& run) { return record_form(parts, run, step_id, answers, {}, actor); });
}

tl::expected<void, Error> Engine::submit(std::string_view instance, std::string_view step_id,
                                         const Form& form, std::string_view actor,
                                         const RequestKey& request) {
  auto& parts = *impl_;
  return parts.change_once(instance, request, [&](Run& run) {
    return record_form(parts, run, step_id, form.answers, form.signatures, actor);
  });
}

tl::expected<void, Error> Engine::sign(std::string_view instance, std::string_view step_id,
                                       std::string_view item_id, std::string_view actor) {
  auto& parts = *impl_;
  const FormSignature signature{std::string(item_id), std::string(actor)};
  return parts.change(instance, [&](Run& run) {
    return record_form(parts, run, step_id, {}, std::span(&signature, 1), actor);
  });
}

namespace {

// The task of the instance, while it is open; not_found or invalid_value (completed) else.
tl::expected<const Task*, Error> open_task(const Run& run, std::string_view instance,
                                           std::string_view task) {
  const Task* open = run.state.find_task(task);
  if (!open)
    return error(ErrorCode::not_found, "instance '" + std::string(instance) + "' has no task '" +
                                           std::string(task) + "'");
  if (open->completed)
    return error(ErrorCode::invalid_value, "task '" + std::string(task) + "' is already completed");
  return open;
}

// Takes (`claim`) or gives back an open task: one event by `actor`, or nothing when taking a
// task one has taken already.
tl::expected<void, Error> change_claim(detail::EngineParts& parts, std::string_view instance,
                                       std::string_view task, std::string_view actor, bool claim,
                                       const RequestKey& request) {
  return parts.change_once(instance, request, [&](Run& run) -> tl::expected<void, Error> {
    auto found = open_task(run, instance, task);
    if (!found) return tl::make_unexpected(std::move(found.error()));
    const Task* open = *found;
    if (claim && open->claimed_by == actor) return {};
    if (claim && !open->claimed_by.empty())
      return error(ErrorCode::invalid_value,
                   "task '" + std::string(task) + "' is taken by " + open->claimed_by);
    if (!claim && open->claimed_by.empty())
      return error(ErrorCode::invalid_value, "task '" + std::string(task) + "' is taken by no one");
    return run.emit(claim ? EventType::task_claimed : EventType::task_released, open->step,
                    json::object{{"task", std::string(task)}}, parts.clock.now(),
                    std::string(actor));
  });
}

}  // namespace

tl::expected<void, Error> Engine::claim_task(std::string_view instance, std::string_view task,
                                             std::string_view actor, const RequestKey& request) {
  return change_claim(*impl_, instance, task, actor, true, request);
}

tl::expected<void, Error> Engine::release_task(std::string_view instance, std::string_view task,
                                               std::string_view actor, const RequestKey& request) {
  return change_claim(*impl_, instance, task, actor, false, request);
}

tl::expected<void, Error> Engine::complete_task(std::string_view instance, std::string_view task,
                                                std::string_view outcome, std::string_view actor,
                                                const RequestKey& request) {
  return complete_task(instance, task, outcome, json::object(), actor, request);
}

tl::expected<void, Error> Engine::complete_task(std::string_view instance, std::string_view task,
                                                std::string_view outcome, const json::object& data,
                                                std::string_view actor, const RequestKey& request) {
  auto& parts = *impl_;
  return parts.change_once(instance, request, [&](Run& run) -> tl::expected<void, Error> {
    auto found = open_task(run, instance, task);
    if (!found) return tl::make_unexpected(std::move(found.error()));
    const Task* open = *found;
    const std::string step_id = open->step;
    const StepDefinition& step = *run.workflow->find_step(step_id);
    if (const auto* outcomes = step.parameters.if_contains("outcomes")) {
      std::vector<std::string_view> allowed;
      for (const auto& o : outcomes->as_array()) allowed.push_back(o.as_string());
      if (std::find(allowed.begin(), allowed.end(), outcome) == allowed.end())
        return error(ErrorCode::invalid_value,
                     "'" + std::string(outcome) + "' is not an outcome of task '" + step_id + "'" +
                         detail::did_you_mean_or_list(outcome, allowed, "its outcomes"));
    }
    json::object completed{{"task", std::string(task)}, {"outcome", std::string(outcome)}};
    json::object output{{"outcome", std::string(outcome)}};
    if (!data.empty()) {
      if (auto ok = parts.limits.admit(run.state, data,
                                       "the data completing task '" + std::string(task) + "'");
          !ok)
        return ok;
      completed["data"] = data;
      output["data"] = data;
    }
    if (auto ok = run.emit(EventType::task_completed, step_id, std::move(completed),
                           parts.clock.now(), std::string(actor));
        !ok)
      return ok;
    if (const Token* token = waiting_token(run, step_id, WaitingFor::task))
      return parts.complete(run, token->id, step, std::move(output));
    return detail::end_once_actions_closed(parts, run);
  });
}

tl::expected<void, Error> Engine::verify_task(std::string_view instance, std::string_view task,
                                              std::string_view actor, const RequestKey& request) {
  auto& parts = *impl_;
  return parts.change_once(instance, request, [&](Run& run) -> tl::expected<void, Error> {
    const Task* found = run.state.find_task(task);
    if (!found)
      return error(ErrorCode::not_found, "instance '" + std::string(instance) + "' has no task '" +
                                             std::string(task) + "'");
    if (found->verify_by.empty())
      return error(ErrorCode::invalid_value,
                   "task '" + std::string(task) + "' is not verified: it closes when it is done");
    if (!found->completed)
      return error(ErrorCode::invalid_value,
                   "task '" + std::string(task) + "' is not done yet: it is verified once done");
    if (!found->verified_by.empty())
      return error(ErrorCode::invalid_value, "task '" + std::string(task) +
                                                 "' is verified already, by " + found->verified_by);
    if (found->completed_by == actor)
      return error(ErrorCode::invalid_value, "task '" + std::string(task) + "' was done by " +
                                                 std::string(actor) +
                                                 ", who cannot also verify it: a second person (" +
                                                 found->verify_by + ") does");
    if (auto ok = run.emit(EventType::task_verified, found->step,
                           json::object{{"task", std::string(task)}}, parts.clock.now(),
                           std::string(actor));
        !ok)
      return ok;
    return detail::end_once_actions_closed(parts, run);
  });
}

tl::expected<void, Error> Engine::finish_step(std::string_view instance, std::string_view step_id,
                                              StepResult result) {
  auto& parts = *impl_;
  return parts.change(instance, [&](Run& run) -> tl::expected<void, Error> {
    const Token* token = waiting_token(run, step_id, WaitingFor::adapter);
    if (!token)
      return error(ErrorCode::invalid_value, "instance '" + std::string(instance) +
                                                 "' does not wait for its adapter at step '" +
                                                 std::string(step_id) + "'");
    const StepDefinition& step = run.workflow->step(token->step_index);
    const std::uint32_t id = token->id;
    const std::uint32_t attempt = token->attempt;
    switch (result.kind) {
      case StepResult::Kind::completed:
        if (auto ok = parts.limits.admit(run.state, result.output,
                                         "the output of step '" + step.id + "'");
            !ok)
          return ok;
        return parts.complete(run, id, step, std::move(result.output));
      case StepResult::Kind::failed:
        return parts.fail(run, id, step, attempt, std::move(result.error), result.retryable);
      case StepResult::Kind::pending: break;
    }
    return error(ErrorCode::invalid_value, "a step is finished as completed or failed");
  });
}

namespace {

// The token of `run` waiting at a wait step for `event`, whose correlation (if `key` is given)
// evaluates to `key`; or none.
std::optional<std::uint32_t> awaiting(const Run& run, std::string_view event,
                                      std::optional<std::string_view> key,
                                      const EvaluationOptions& options) {
  for (const auto& token : run.state.tokens) {
    if (token.state != Token::State::waiting || token.waiting_for != WaitingFor::event) continue;
    const StepDefinition& step = run.workflow->step(token.step_index);
    const auto* name = step.parameters.if_contains("event");
    if (!name || !name->is_string() || name->get_string() != event) continue;
    if (key) {
      const auto correlation = step.expressions.find("correlation");
      if (correlation == step.expressions.end()) continue;
      auto value = evaluate(correlation->second, run.state.data, options);
      if (!value || detail::to_text(*value) != *key) continue;
    }
    return token.id;
  }
  return std::nullopt;
}

}  // namespace

tl::expected<void, Error> Engine::signal(std::string_view target, std::string_view event,
                                         json::value payload, const RequestKey& request) {
  auto& parts = *impl_;
  const auto admitted = parts.admit_request(request);
  if (!admitted) return tl::make_unexpected(admitted.error());
  const RequestKey* request_key = *admitted ? &**admitted : nullptr;
  bool loaded = false;  // `target` is an instance's id
  bool found = false;   // a token waits for the event
  const auto deliver = [&](std::optional<std::string_view> key) {
    return [&, key](Run& run) -> tl::expected<void, Error> {
      loaded = true;
      const Time now = parts.clock.now();
      const auto token = awaiting(run, event, key, parts.limits.evaluation(now));
      // Failing the change leaves the instance as stored: a signal it does not wait for must
      // not advance it (fire its due timers, say) on the way to being refused.
      if (!token) return error(ErrorCode::not_found, "not waiting");
      found = true;
      const StepDefinition& step = run.workflow->step(run.state.find_token(*token)->step_index);
      if (auto ok = parts.limits.admit(run.state, payload,
                                       "the payload of event '" + std::string(event) + "'");
          !ok)
        return ok;
      if (auto ok = run.emit(EventType::signal_received, step.id,
                             json::object{{"name", std::string(event)}, {"payload", payload}}, now);
          !ok)
        return ok;
      return parts.complete(run, *token, step, payload);
    };
  };
  // An instance id, or else a correlation key such as an invoice number.
  auto direct = parts.change(target, deliver(std::nullopt), request_key);
  if (found || (!direct && direct.error().code != ErrorCode::not_found)) return direct;
  if (!loaded) {
    const auto ids = parts.store.instance_ids();
    if (!ids) return tl::make_unexpected(ids.error());
    for (const auto& id : *ids) {
      auto delivered = parts.change(id, deliver(target), request_key);
      if (found) return delivered;
    }
  }
  return error(ErrorCode::not_found, "no instance '" + std::string(target) +
                                         "', and none correlated by it, waits for the event '" +
                                         std::string(event) + "'");
}

tl::expected<std::size_t, Error> Engine::run_due() {
  auto& parts = *impl_;
  // Schedules first, so that an occurrence and a timer due at once both move in this call.
  auto started =
      parts.config.tick_schedules ? run_schedules() : tl::expected<std::size_t, Error>(0u);
  auto due = parts.store.due(parts.clock.now());
  if (!due) return tl::make_unexpected(std::move(due.error()));
  auto fired = parts.scheduler.advance_all(std::move(*due));
  // Also what a Mailer refused before, or took while the store could not record it. Work that
  // failed (the store refusing its outcome) is the caller's to hear of first.
  auto delivered = parts.mail.deliver();
  if (!started) return tl::make_unexpected(std::move(started.error()));
  if (!fired) return fired;
  if (!delivered) return tl::make_unexpected(std::move(delivered.error()));
  return fired;
}

tl::expected<std::size_t, Error> Engine::resume(std::string_view instance) {
  auto& parts = *impl_;
  std::vector<std::string> ids;
  if (instance.empty()) {
    auto unfinished = parts.store.unfinished();
    if (!unfinished) return tl::make_unexpected(std::move(unfinished.error()));
    ids = std::move(*unfinished);
  } else {
    if (auto found = parts.read(instance); !found) return tl::make_unexpected(found.error());
    ids.emplace_back(instance);
  }
  const std::size_t count = ids.size();
  auto advanced = parts.scheduler.advance_all(std::move(ids));
  // Mail an earlier process queued and could not hand over (it was killed, or the Mailer
  // refused) goes out now, whether or not its instance had work left.
  auto delivered = parts.mail.deliver();
  if (!advanced) return tl::make_unexpected(std::move(advanced.error()));
  if (!delivered) return tl::make_unexpected(std::move(delivered.error()));
  return count;
}

void Engine::wait_idle() {
  impl_->scheduler.wait_idle();
}

tl::expected<void, Error> Engine::cancel(std::string_view instance, std::string_view actor,
                                         std::string_view reason, const RequestKey& request) {
  auto& parts = *impl_;
  const auto admitted = parts.admit_request(request);
  if (!admitted) return tl::make_unexpected(admitted.error());
  // The instance, then the sub-workflows its calls wait for, theirs in turn: a list worked
  // through rather than recursion, so a deep chain of calls cannot exhaust the stack.
  std::vector<std::pair<std::string, std::string>> pending{
      {std::string(instance), std::string(reason)}};
  for (std::size_t next = 0; next < pending.size(); ++next) {
    const auto [id, why] = pending[next];
    std::vector<std::string> calls;
    auto cancelled = parts.change(
        id,
        [&](Run& run) -> tl::expected<void, Error> {
          if (run.state.finished())
            return error(ErrorCode::invalid_value, "instance '" + id + "' has already " +
                                                       std::string(to_string(run.state.status)));
          for (const auto& token : run.state.tokens)
            if (token.waiting_for == WaitingFor::call) calls.push_back(token.waiting_on);
          return run.emit(EventType::instance_cancelled, {}, json::object{{"reason", why}},
                          parts.clock.now(), std::string(actor));
        },
        next == 0 && *admitted ? &**admitted : nullptr);  // the key goes with the first
    // Only the instance asked for must be cancellable; a sub-workflow may have ended already.
    if (!cancelled && next == 0) return cancelled;
    // Its sub-workflows are not needed any more.
    for (auto& call : calls)
      pending.emplace_back(std::move(call), "instance '" + id + "' was cancelled");
  }
  return {};
}

tl::expected<std::size_t, Error> Engine::deliver_mail() {
  return impl_->mail.deliver();
}

tl::expected<std::vector<OutboxMail>, Error> Engine::outbox() const {
  return impl_->store.outbox(false);
}

tl::expected<std::optional<json::object>, Error> Engine::record(std::string_view collection,
                                                                std::string_view key) const {
  return impl_->record_source.find_record(collection, key);
}

}  // namespace ablauf
