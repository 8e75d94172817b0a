#include "ablauf/instance.hpp"

#include "ablauf/workflow.hpp"

#include <algorithm>
#include <array>

namespace ablauf {
namespace json = boost::json;
namespace {

tl::unexpected<Error> invalid(const Event& event, std::string message) {
  return tl::make_unexpected(Error{ErrorCode::invalid_event,
                                   "event " + std::to_string(event.sequence) + " (" +
                                       std::string(to_string(event.type)) + "): " + message,
                                   {},
                                   {}});
}

const json::value* field(const Event& event, std::string_view name) {
  return event.data.if_contains(name);
}

std::string string_field(const Event& event, std::string_view name) {
  const auto* v = field(event, name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The entry of a step in data.steps, made on first use.
json::object& step_entry(json::value& data, const std::string& step) {
  auto& steps = data.as_object()["steps"];
  if (!steps.is_object()) steps = json::object();
  auto& entry = steps.as_object()[step];
  if (!entry.is_object()) {
    json::object fresh(2);  // visits, and the output or answers that usually follow
    fresh.emplace("visits", 0);
    entry = std::move(fresh);
  }
  return entry.as_object();
}

}  // namespace

std::string_view to_string(InstanceStatus status) noexcept {
  switch (status) {
    case InstanceStatus::running: return "running";
    case InstanceStatus::waiting: return "waiting";
    case InstanceStatus::completed: return "completed";
    case InstanceStatus::failed: return "failed";
    case InstanceStatus::cancelled: return "cancelled";
  }
  return "?";
}

namespace {

// Indexed by the enumerators' values.
constexpr std::array<std::string_view, 8> waiting_for_names = {
    "", "checklist", "task", "timer", "event", "join", "call", "adapter"};
constexpr std::array<std::string_view, 5> timer_purpose_names = {"wait", "retry", "timeout",
                                                                 "remind", "escalate"};

template <class Enum, std::size_t N>
std::optional<Enum> enumerator_named(const std::array<std::string_view, N>& names,
                                     std::string_view name) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<Enum>(i);
  return std::nullopt;
}

}  // namespace

std::string_view to_string(WaitingFor waiting) noexcept {
  return waiting_for_names[static_cast<std::size_t>(waiting)];
}

std::optional<WaitingFor> waiting_for_from_string(std::string_view name) noexcept {
  return enumerator_named<WaitingFor>(waiting_for_names, name);
}

std::string_view to_string(TimerPurpose purpose) noexcept {
  return timer_purpose_names[static_cast<std::size_t>(purpose)];
}

std::optional<TimerPurpose> timer_purpose_from_string(std::string_view name) noexcept {
  return enumerator_named<TimerPurpose>(timer_purpose_names, name);
}

const Token* InstanceState::find_token(std::uint32_t token_id) const noexcept {
  for (const auto& token : tokens)
    if (token.id == token_id) return &token;
  return nullptr;
}

bool InstanceState::has_open_actions() const noexcept {
  return std::any_of(tasks.begin(), tasks.end(),
                     [](const Task& task) { return task.is_action() && !task.closed(); });
}

const Task* InstanceState::find_task(std::string_view task_id) const noexcept {
  for (const auto& task : tasks)
    if (task.id == task_id) return &task;
  return nullptr;
}

tl::expected<void, Error> InstanceState::apply(const Event& event) {
  if (event.sequence != last_sequence + 1)
    return invalid(event, "expected event " + std::to_string(last_sequence + 1));
  const bool starting = event.type == EventType::instance_started;
  if (starting != (last_sequence == 0))
    return invalid(event, starting ? "the instance has already started"
                                   : "the first event must be instance_started");
  if (!starting && finished()) return invalid(event, "the instance has already finished");

  // What an event needs, checked before anything changes: the token it concerns, a version.
  Token* token = nullptr;
  switch (event.type) {
    case EventType::step_started:
    case EventType::step_waiting:
    case EventType::step_completed:
    case EventType::step_failed: {
      if (event.token == 0) return invalid(event, "'token' is missing");
      auto it = std::find_if(tokens.begin(), tokens.end(),
                             [&](const Token& t) { return t.id == event.token; });
      if (it == tokens.end()) return invalid(event, "no token " + std::to_string(event.token));
      token = &*it;
      break;
    }
    case EventType::instance_started:
      if (const auto* v = field(event, "version")) {
        boost::system::error_code not_whole;
        (void)v->to_number<std::uint32_t>(not_whole);
        if (not_whole) return invalid(event, "'version' must be a whole number from 0");
      }
      break;
    default: break;
  }

  switch (event.type) {
    case EventType::instance_started: {
      workflow_id = string_field(event, "workflow");
      business_key = string_field(event, "business_key");
      document_number = string_field(event, "document_number");
      started_by = event.actor;
      if (const auto* caller = field(event, "parent"); caller && caller->is_object()) {
        const auto& from = caller->get_object();
        if (const auto* caller_id = from.if_contains("instance");
            caller_id && caller_id->is_string())
          parent = caller_id->get_string();
        // Histories written before depths were kept count as one level deep.
        call_depth = 1;
        if (const auto* depth = from.if_contains("depth")) {
          json::error_code ec;
          const auto n = depth->to_number<std::uint32_t>(ec);
          if (!ec && n > 0) call_depth = n;
        }
      }
      const auto* v = field(event, "version");
      version = v ? v->to_number<std::uint32_t>() : 0;  // checked above
      const auto* input = field(event, "input");
      data = json::object{{"input", input ? *input : json::value(json::object())},
                          {"vars", json::object()},
                          {"steps", json::object()}};
      started_at = event.time;
      tokens.push_back({next_token++, string_field(event, "start")});
      break;
    }
    case EventType::step_started:
      token->state = Token::State::running;
      token->attempt = event.attempt;
      token->started = event.sequence;
      break;
    case EventType::step_waiting: {
      const auto waiting = waiting_for_from_string(string_field(event, "for"));
      if (!waiting || *waiting == WaitingFor::nothing)
        return invalid(event, "'for' names nothing a step waits for");
      token->state = Token::State::waiting;
      token->waiting_for = *waiting;
      token->waiting_on = string_field(event, *waiting == WaitingFor::call ? "instance" : "task");
      break;
    }
    case EventType::step_completed:
    case EventType::step_failed: {
      auto& entry = step_entry(data, event.step);
      // Tokens merged into another at a join count as neither visits nor activations.
      const bool merged = event.type == EventType::step_completed && field(event, "merged");
      if (event.type == EventType::step_completed) {
        if (const auto* output = field(event, "output")) entry["output"] = *output;
        if (const auto* score = field(event, "score")) entry["score"] = *score;  // a checklist's
        if (!merged) {
          auto& visits = entry["visits"];
          visits = (visits.is_int64() ? visits.get_int64() : 0) + 1;
        }
      } else {
        entry["error"] = string_field(event, "error");
      }
      if (!merged && (event.type == EventType::step_completed || event.next)) ++activations;
      // The token moves to the first next step; further ones start tokens of their own. A
      // failure without "next" leaves the token where it is (a retry or the instance's end
      // follows).
      const std::uint32_t moving = token->id;
      timers.erase(std::remove_if(timers.begin(), timers.end(),
                                  [&](const Timer& t) { return t.token == moving; }),
                   timers.end());
      const bool ends = event.next ? event.next->empty() : event.type == EventType::step_completed;
      if (ends) {
        tokens.erase(std::find_if(tokens.begin(), tokens.end(),
                                  [&](const Token& t) { return t.id == moving; }));
        break;
      }
      if (!event.next) break;
      const auto& targets = *event.next;
      *token = {token->id, targets[0]};
      for (std::size_t i = 1; i < targets.size(); ++i) tokens.push_back({next_token++, targets[i]});
      break;
    }
    case EventType::answer_recorded:
    case EventType::signature_recorded: {
      auto& answers = step_entry(data, event.step)["answers"];
      if (!answers.is_object()) answers = json::object();
      const std::string item = string_field(event, "item");
      if (event.type == EventType::answer_recorded) {
        const auto* value = field(event, "value");
        answers.as_object()[item] = value ? *value : json::value();
      } else {
        answers.as_object()[item] = json::object{{"signed_by", event.actor},
                                                 {"signed_at", to_rfc3339(event.time)},
                                                 {"hash", string_field(event, "hash")}};
      }
      break;
    }
    case EventType::task_created: {
      Task task{string_field(event, "task"), event.step, string_field(event, "title"),
                string_field(event, "assignee")};
      task.due = event.due;
      task.item = string_field(event, "item");
      if (task.is_action()) {
        task.raised_by = string_field(event, "raised_by");
        if (const auto* answer = field(event, "answer")) task.answer = *answer;
        task.priority =
            priority_from_string(string_field(event, "priority")).value_or(Priority::normal);
        task.verify_by = string_field(event, "verify_by");
        const auto* sign = field(event, "sign_while_open");
        task.sign_while_open = !(sign && sign->is_bool() && !sign->get_bool());
      }
      tasks.push_back(std::move(task));
      break;
    }
    case EventType::task_completed: {
      const std::string task_id = string_field(event, "task");
      auto it =
          std::find_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.id == task_id; });
      if (it == tasks.end()) return invalid(event, "no task '" + task_id + "'");
      it->completed = true;
      it->outcome = string_field(event, "outcome");
      it->completed_by = event.actor;
      // A corrective action's outcome is its own, not its checklist step's.
      if (!it->is_action()) step_entry(data, it->step)["outcome"] = it->outcome;
      break;
    }
    case EventType::task_verified: {
      const std::string task_id = string_field(event, "task");
      auto it =
          std::find_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.id == task_id; });
      if (it == tasks.end()) return invalid(event, "no task '" + task_id + "'");
      if (!it->completed) return invalid(event, "task '" + task_id + "' is not done yet");
      it->verified_by = event.actor;
      break;
    }
    case EventType::task_reminded:
    case EventType::task_escalated: {
      const std::string task_id = string_field(event, "task");
      auto it =
          std::find_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.id == task_id; });
      if (it == tasks.end()) return invalid(event, "no task '" + task_id + "'");
      if (event.type == EventType::task_reminded) {
        ++it->reminders;
      } else {
        it->escalated_from = it->assignee;
        it->assignee = string_field(event, "to");
        it->claimed_by.clear();  // the one it goes to takes it anew
      }
      break;
    }
    case EventType::task_claimed:
    case EventType::task_released: {
      const std::string task_id = string_field(event, "task");
      auto it =
          std::find_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.id == task_id; });
      if (it == tasks.end()) return invalid(event, "no task '" + task_id + "'");
      it->claimed_by = event.type == EventType::task_claimed ? event.actor : std::string();
      break;
    }
    case EventType::timer_set: {
      if (!event.due) return invalid(event, "it has no due time");
      // Without a purpose, a timer is a wait's, as it was read before purposes were checked.
      const auto named = string_field(event, "purpose");
      const auto purpose = named.empty() ? TimerPurpose::wait : timer_purpose_from_string(named);
      if (!purpose)
        return invalid(event, "'purpose' is not wait, retry, timeout, remind or escalate");
      timers.push_back(
          {string_field(event, "timer"), *event.due, event.step, event.token, *purpose});
      break;
    }
    case EventType::timer_fired: {
      const std::string timer_id = string_field(event, "timer");
      timers.erase(std::remove_if(timers.begin(), timers.end(),
                                  [&](const Timer& t) { return t.id == timer_id; }),
                   timers.end());
      break;
    }
    case EventType::signal_received: {
      // Expressions read the payload itself at event.… (docs/format.md); the name is in the
      // history.
      const auto* payload = field(event, "payload");
      data.as_object()["event"] = payload ? *payload : json::value();
      break;
    }
    case EventType::vars_assigned: {
      const auto* vars = field(event, "vars");
      if (!vars || !vars->is_object()) return invalid(event, "'vars' must be an object");
      auto& target = data.as_object()["vars"].as_object();
      for (const auto& [name, value] : vars->get_object()) target[name] = value;
      break;
    }
    case EventType::instance_completed:
    case EventType::instance_failed:
    case EventType::instance_cancelled:
      status = event.type == EventType::instance_completed ? InstanceStatus::completed
               : event.type == EventType::instance_failed  ? InstanceStatus::failed
                                                           : InstanceStatus::cancelled;
      error = string_field(event, "error");
      tokens.clear();
      timers.clear();
      break;
  }

  if (!finished()) {
    // With no token left, an instance that has not ended waits for its corrective actions.
    const bool all_waiting = tokens.empty()
                                 ? has_open_actions()
                                 : std::all_of(tokens.begin(), tokens.end(), [](const Token& t) {
                                     return t.state == Token::State::waiting;
                                   });
    status = all_waiting ? InstanceStatus::waiting : InstanceStatus::running;
  }
  last_sequence = event.sequence;
  updated_at = event.time;
  return {};
}

tl::expected<void, Error> InstanceState::index_steps(const Workflow& workflow) {
  for (auto& token : tokens) {
    if (token.step_index != Token::unindexed) continue;
    const auto index = workflow.find(token.step);
    if (!index)
      return tl::make_unexpected(
          Error{ErrorCode::invalid_event,
                "instance '" + id + "': token " + std::to_string(token.id) + " is at step '" +
                    token.step + "', which workflow '" + workflow.definition().id + "' version " +
                    std::to_string(workflow.definition().version) + " does not have",
                {},
                {}});
    token.step_index = *index;
  }
  return {};
}

tl::expected<InstanceState, Error> fold(std::string instance_id, std::span<const Event> events) {
  InstanceState state;
  state.id = std::move(instance_id);
  for (const auto& event : events)
    if (auto ok = state.apply(event); !ok) return tl::make_unexpected(std::move(ok.error()));
  if (state.last_sequence == 0)
    return tl::make_unexpected(Error{
        ErrorCode::invalid_event, "an instance needs at least its instance_started event", {}, {}});
  return state;
}

}  // namespace ablauf
