// What people and systems give waiting instances: a checklist step's form, a task's completion,
// a signal (`/api/v1/instances/{id}/steps/{step}/form`, `/api/v1/tasks`,
// `/api/v1/instances/{id}/tasks/{task}/complete`, `/api/v1/signals/{name}`).
#include "http/api_v1.hpp"
#include "http/idempotency.hpp"
#include "http/request_body.hpp"
#include "http/roles.hpp"
#include "http/router.hpp"
#include "http/webhooks.hpp"

#include <ablauf/answer.hpp>
#include <ablauf/source.hpp>

#include <algorithm>

namespace ablauf::http::detail {
namespace json = boost::json;
namespace {

// The step `step_id` of the instance's workflow, when it is a checklist; null when the instance
// or its workflow does not load or the step is no checklist (the engine then decides).
struct ChecklistStep {
  Workflow workflow;
  const StepDefinition* step = nullptr;
};
std::optional<ChecklistStep> checklist_step(Engine& engine, std::string_view instance,
                                            std::string_view step_id) {
  const auto state = engine.get(instance);
  if (!state) return std::nullopt;
  auto workflow = engine.workflow(state->workflow_id, state->version);
  if (!workflow) return std::nullopt;
  const StepDefinition* step = workflow->find_step(step_id);
  if (!step || !step->checklist) return std::nullopt;
  return ChecklistStep{std::move(*workflow), step};
}

// The item `item_id` of the checklist and its section; nulls when it has none.
std::pair<const SectionDefinition*, const ItemDefinition*> find_item(const StepDefinition& step,
                                                                     std::string_view item_id) {
  for (const auto& section : step.checklist->sections)
    for (const auto& item : section.items)
      if (item.id == item_id) return {&section, &item};
  return {nullptr, nullptr};
}

json::object refusal(std::string pointer, std::string_view item, std::string detail) {
  return json::object{
      {"pointer", std::move(pointer)}, {"item", item}, {"detail", std::move(detail)}};
}

// Every answer and signature of `form` the caller may not give, each with its pointer: 403
// when there is one.
std::optional<Response> forbidden_answers(const ChecklistStep& checklist, const Form& form,
                                          const User& user) {
  json::array refused;
  for (const auto& [item_id, value] : form.answers) {
    const auto [section, item] = find_item(*checklist.step, item_id);
    if (item && !may_answer(user, *checklist.step, *section, *item))
      refused.push_back(refusal("/answers/" + escape_pointer_token(item_id), item_id,
                                user.name + " may not answer '" + std::string(item_id) + "'"));
  }
  for (std::size_t i = 0; i < form.signatures.size(); ++i) {
    const auto& signature = form.signatures[i];
    const auto [section, item] = find_item(*checklist.step, signature.item);
    if (item && !may_answer(user, *checklist.step, *section, *item))
      refused.push_back(refusal("/signatures/" + std::to_string(i), signature.item,
                                user.name + " may not sign '" + signature.item + "'"));
  }
  if (refused.empty()) return std::nullopt;
  return Response::problem(403, "Forbidden",
                           std::to_string(refused.size()) +
                               " answer(s) or signature(s) are not the caller's to give; "
                               "nothing was recorded",
                           {{"errors", std::move(refused)}});
}

}  // namespace

json::array refused_answers(const Workflow& workflow, const StepDefinition& step,
                            const json::object& answers, std::string_view language) {
  json::array refused;
  const auto& definition = workflow.definition();
  for (const auto& [item_id, value] : answers) {
    const auto [section, item] = find_item(step, item_id);
    std::string problem;
    if (!item) {
      problem = "step '" + step.id + "' has no item '" + std::string(item_id) + "'";
    } else if (item->kind != ItemKind::signature) {
      if (auto checked =
              check_answer(*item, value, language.empty() ? definition.default_language : language,
                           definition.default_language, language);
          !checked)
        problem = std::move(checked.error().message);
    }
    if (!problem.empty())
      refused.push_back(refusal("/answers/" + escape_pointer_token(item_id), item_id, problem));
  }
  return refused;
}

namespace {

// The form of a request's body. With users, a signature is the caller's own: "signer" may be
// left out, and naming another is 403; without, "signer" names who signs.
tl::expected<Form, Response> read_form(const json::object& body, const Api& api, const User& user) {
  const bool signed_in = api.options.authenticator != nullptr;
  Form form;
  if (const auto* answers = body.if_contains("answers")) {
    if (!answers->is_object())
      return tl::make_unexpected(unprocessable("\"answers\" must be an object: item id → value"));
    form.answers = answers->get_object();
  }
  if (const auto* signatures = body.if_contains("signatures")) {
    if (!signatures->is_array())
      return tl::make_unexpected(
          unprocessable("\"signatures\" must be an array of {\"item\", \"signer\"}"));
    for (std::size_t i = 0; i < signatures->get_array().size(); ++i) {
      const auto& entry = signatures->get_array()[i];
      const std::string at = "\"signatures\"[" + std::to_string(i) + "]";
      if (!entry.is_object())
        return tl::make_unexpected(unprocessable(at + " must be {\"item\", \"signer\"}"));
      auto item = string_member(entry.get_object(), "item", true);
      if (!item) return tl::make_unexpected(std::move(item.error()));
      auto signer = string_member(entry.get_object(), "signer", !signed_in);
      if (!signer) return tl::make_unexpected(std::move(signer.error()));
      if (signed_in && signer->has_value() && **signer != user.name)
        return tl::make_unexpected(forbidden(at + " signs as '" + **signer + "', but " + user.name +
                                             " signs only as themselves"));
      form.signatures.push_back({std::move(**item), signer->value_or(user.name)});
    }
  }
  if (form.answers.empty() && form.signatures.empty())
    return tl::make_unexpected(
        unprocessable("the form has neither \"answers\" nor \"signatures\": nothing to record"));
  return form;
}

Response submit_form(const Api& api, const Request& request) {
  Engine& engine = api.engine;
  const User& user = caller(request);
  auto body = object_body(request);
  if (!body) return std::move(body.error());
  auto form = read_form(*body, api, user);
  if (!form) return std::move(form.error());
  auto key = idempotency_key(request);
  if (!key) return std::move(key.error());
  const auto& id = request.parameters.at("id");
  const auto& step = request.parameters.at("step");
  if (const auto checklist = checklist_step(engine, id, step)) {
    if (auto refused = forbidden_answers(*checklist, *form, user)) return std::move(*refused);
    if (auto refused = refused_answers(checklist->workflow, *checklist->step, form->answers,
                                       language_parameter(request));
        !refused.empty()) {
      const std::string detail =
          std::to_string(refused.size()) + " answer(s) are refused; nothing was recorded";
      return Response::problem(422, "The form is refused", detail,
                               {{"errors", std::move(refused)}});
    }
  }
  const auto answer = [&](const std::string& changed) { return instance_response(api, changed); };
  if (auto submitted = engine.submit(id, step, *form, user.name, *key); !submitted)
    return refused_or_replayed(engine, submitted.error(), *key, answer);
  return answer(id);
}

json::object task_body(const InstanceState& state, const Task& task) {
  json::object out{{"instance", state.id},
                   {"workflow", state.workflow_id},
                   {"id", task.id},
                   {"step", task.step},
                   {"title", task.title}};
  if (!task.assignee.empty()) out["assignee"] = task.assignee;
  if (!task.claimed_by.empty()) out["claimed_by"] = task.claimed_by;
  if (task.due) out["due"] = to_rfc3339(*task.due);
  if (!state.business_key.empty()) out["business_key"] = state.business_key;
  // Task ids hold slashes ("<instance>/<step>/<n>"): the link has them escaped.
  const std::string link =
      "/api/v1/instances/" + path_segment(state.id) + "/tasks/" + path_segment(task.id);
  out["complete"] = link + "/complete";
  out["claim"] = link + "/claim";
  if (task.is_action()) {
    out["item"] = task.item;
    out["raised_by"] = task.raised_by;
    out["priority"] = to_string(task.priority);
    out["status"] = task.status();
    if (!task.verify_by.empty()) {
      out["verify_by"] = task.verify_by;
      out["verify"] = link + "/verify";
    }
  }
  return out;
}

// The open tasks of `?assignee=`, or else the caller's (theirs, their roles' and everyone's;
// without users: every task), in the order their instances started and they were made; paged
// like the instances, the cursor naming the last task's instance and id.
Response inbox(const Api& api, const Request& request) {
  auto limit = page_limit(request, api.options.max_page_size);
  if (!limit) return std::move(limit.error());
  InstanceFilter filter;
  if (const auto assignee = request.query.find("assignee"); assignee != request.query.end())
    filter.waiting_for = assignee->second;
  const bool mine = filter.waiting_for.empty() && api.options.authenticator != nullptr;
  std::string cursor;
  if (const auto given = request.query.find("cursor"); given != request.query.end())
    cursor = given->second;
  auto instances = api.engine.list(filter);
  if (!instances) return Response::problem(instances.error());
  json::array page;
  std::string next;
  bool past_cursor = cursor.empty();
  for (const auto& state : *instances) {
    for (const auto& task : state.tasks) {
      if (!past_cursor) {
        past_cursor = cursor == state.id + " " + task.id;
        continue;
      }
      if (task.closed() || state.finished()) continue;
      // The caller's own: theirs or their roles', unless someone else has taken it; or a
      // corrective action done, for its verifier.
      const auto& waits_for = task.completed ? task.verify_by : task.assignee;
      if (!filter.waiting_for.empty() ? waits_for != filter.waiting_for
                                      : mine && !awaits(caller(request), task))
        continue;
      if (page.size() == *limit) {  // full: one more task there is, and the cursor to it
        const auto& last = page.back().as_object();
        next = std::string(last.at("instance").as_string()) + " " +
               std::string(last.at("id").as_string());
        break;
      }
      page.push_back(task_body(state, task));
    }
    if (!next.empty()) break;
  }
  if (!past_cursor)
    return bad_parameter("'cursor' names no task: pass the \"next_cursor\" of a page");
  json::object body{{"tasks", std::move(page)}};
  if (!next.empty()) body["next_cursor"] = next;
  return Response::json(200, body);
}

// 403 unless the caller may complete the task (`complete`) or take it; the engine answers for
// a task or instance that does not exist.
std::optional<Response> check_assignee(Engine& engine, const Request& request, bool complete) {
  const auto state = engine.get(request.parameters.at("id"));
  if (!state) return std::nullopt;
  const auto& task_id = request.parameters.at("task");
  const auto task = std::find_if(state->tasks.begin(), state->tasks.end(),
                                 [&](const Task& t) { return t.id == task_id; });
  if (task == state->tasks.end()) return std::nullopt;
  const User& user = caller(request);
  if (!may_claim(user, *task))
    return forbidden("task '" + task_id + "' is for " + task->assignee + ", which " + user.name +
                     " is not and has no role of");
  if (complete && !may_complete(user, *task))
    return forbidden("task '" + task_id + "' is taken by " + task->claimed_by +
                     ", who completes it or gives it back");
  return std::nullopt;
}

// Takes the task for the caller (POST), or gives it back (DELETE: the one who took it, or an
// admin).
Response claim_task(const Api& api, const Request& request, bool claim) {
  Engine& engine = api.engine;
  auto key = idempotency_key(request);
  if (!key) return std::move(key.error());
  if (auto refused = check_assignee(engine, request, !claim)) return std::move(*refused);
  const auto& id = request.parameters.at("id");
  const auto& task = request.parameters.at("task");
  const auto& actor = caller(request).name;
  const auto answer = [&](const std::string& changed) { return instance_response(api, changed); };
  auto done =
      claim ? engine.claim_task(id, task, actor, *key) : engine.release_task(id, task, actor, *key);
  if (!done) return refused_or_replayed(engine, done.error(), *key, answer);
  return answer(id);
}

// Verifies a corrective action that was done: for its verify_by (or an admin); the engine
// refuses the one who did it, and an action not done or not to be verified.
Response verify_task(const Api& api, const Request& request) {
  Engine& engine = api.engine;
  auto key = idempotency_key(request);
  if (!key) return std::move(key.error());
  const auto& id = request.parameters.at("id");
  const auto& task_id = request.parameters.at("task");
  if (const auto state = engine.get(id))
    if (const Task* task = state->find_task(task_id))
      if (!task->verify_by.empty() && !may_verify(caller(request), *task))
        return forbidden("task '" + task_id + "' is verified by " + task->verify_by + ", which " +
                         caller(request).name + " is not and has no role of");
  const auto answer = [&](const std::string& changed) { return instance_response(api, changed); };
  if (auto done = engine.verify_task(id, task_id, caller(request).name, *key); !done)
    return refused_or_replayed(engine, done.error(), *key, answer);
  return answer(id);
}

Response complete_task(const Api& api, const Request& request) {
  Engine& engine = api.engine;
  auto body = object_body(request, true);
  if (!body) return std::move(body.error());
  auto outcome = string_member(*body, "outcome");
  if (!outcome) return std::move(outcome.error());
  json::object data;  // what the person gives beside the outcome
  if (const auto* given = body->if_contains("data")) {
    if (!given->is_object())
      return unprocessable("\"data\" must be an object: what is given beside the outcome");
    data = given->get_object();
  }
  auto key = idempotency_key(request);
  if (!key) return std::move(key.error());
  const auto& id = request.parameters.at("id");
  if (auto refused = check_assignee(engine, request, true)) return std::move(*refused);
  const auto answer = [&](const std::string& changed) { return instance_response(api, changed); };
  if (auto done = engine.complete_task(id, request.parameters.at("task"), outcome->value_or(""),
                                       data, caller(request).name, *key);
      !done)
    return refused_or_replayed(engine, done.error(), *key, answer);
  return answer(id);
}

// Who sends a signal and the key that makes it once: a webhook source by its signature (the
// key the signature itself), or a signed-in user with the role `integration` (the key their
// Idempotency-Key).
tl::expected<RequestKey, Response> signal_sender(const Api& api, const Request& request) {
  const auto& name = request.parameters.at("name");
  if (!request.header(signature_header).empty()) {
    auto verified = verify_signature(request, api.options);
    if (!verified) return tl::make_unexpected(std::move(verified.error()));
    const auto& allowed = verified->source->signals;
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return tl::make_unexpected(forbidden("webhook source '" + verified->source->name +
                                           "' may not send the signal '" + name + "'"));
    return std::move(verified->key);
  }
  if (!request.user)
    return tl::make_unexpected(
        unauthorized("a signal comes from a signed-in user, or as a webhook signed in the " +
                     std::string(signature_header) + " header"));
  if (auto refused = require_role(request, integration_role, "sending a signal"))
    return tl::make_unexpected(std::move(*refused));
  return idempotency_key(request);
}

Response signal(const Api& api, const Request& request) {
  auto key = signal_sender(api, request);
  if (!key) return std::move(key.error());
  auto body = object_body(request);
  if (!body) return std::move(body.error());
  auto instance = string_member(*body, "instance");
  if (!instance) return std::move(instance.error());
  auto correlation = string_member(*body, "correlation");
  if (!correlation) return std::move(correlation.error());
  if (instance->has_value() == correlation->has_value())
    return unprocessable(
        "name the receiver with exactly one of \"instance\" (its id) and \"correlation\" (the "
        "key its wait step correlates on)");
  const std::string target = instance->has_value() ? **instance : **correlation;
  const auto* payload = body->if_contains("payload");
  const auto& name = request.parameters.at("name");
  const auto answer = [&](const std::string&) {
    return Response::json(200, json::object{{"signal", name}, {"delivered_to", target}});
  };
  if (auto delivered = api.engine.signal(target, name, payload ? *payload : json::value(), *key);
      !delivered)
    return refused_or_replayed(api.engine, delivered.error(), *key, answer);
  return answer(target);
}

}  // namespace

void add_work_routes(Router& router, const Api& api) {
  router.add("POST", "/api/v1/instances/{id}/steps/{step}/form",
             [api](const Request& request) { return submit_form(api, request); });
  router.add("GET", "/api/v1/tasks", [api](const Request& request) { return inbox(api, request); });
  router.add("POST", "/api/v1/instances/{id}/tasks/{task}/complete",
             [api](const Request& request) { return complete_task(api, request); });
  router.add("POST", "/api/v1/instances/{id}/tasks/{task}/verify",
             [api](const Request& request) { return verify_task(api, request); });
  router.add("POST", "/api/v1/instances/{id}/tasks/{task}/claim",
             [api](const Request& request) { return claim_task(api, request, true); });
  router.add("DELETE", "/api/v1/instances/{id}/tasks/{task}/claim",
             [api](const Request& request) { return claim_task(api, request, false); });
  // Open at the gate: a webhook signs instead of signing in; signal_sender() checks either.
  router.add(
      "POST", "/api/v1/signals/{name}",
      [api](const Request& request) { return signal(api, request); }, Access::open);
}

}  // namespace ablauf::http::detail
