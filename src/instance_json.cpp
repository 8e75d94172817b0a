// An instance's state as JSON: what a store keeps as a snapshot, so that loading a long history
// reads the snapshot and the events after it instead of every event.
#include "ablauf/instance.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

namespace ablauf {
namespace json = boost::json;
namespace {

constexpr std::array<std::string_view, 5> status_names = {"running", "waiting", "completed",
                                                          "failed", "cancelled"};
constexpr std::array<std::string_view, 3> token_states = {"ready", "running", "waiting"};

// Reads the fields of one object; the first problem found is kept, with its JSON pointer, and
// later reads return empty values.
class Fields {
 public:
  Fields(const json::value& value, std::string pointer, std::optional<Error>& problem)
      : object_(value.if_object()), pointer_(std::move(pointer)), problem_(problem) {
    if (!object_) fail("", "must be an object");
  }

  bool has(std::string_view name) const { return object_ && object_->contains(name); }
  const json::value* any(std::string_view name) {
    const auto* value = object_ && !problem_ ? object_->if_contains(name) : nullptr;
    if (!value && object_) fail(name, "is missing");
    return value;
  }
  std::string text(std::string_view name) {
    const auto* value = any(name);
    if (value && !value->is_string()) fail(name, "must be a string");
    return value && value->is_string() ? std::string(value->get_string()) : std::string();
  }
  std::uint64_t count(std::string_view name) {
    const auto* value = any(name);
    if (value && (value->is_uint64() || (value->is_int64() && value->get_int64() >= 0)))
      return value->to_number<std::uint64_t>();
    if (value) fail(name, "must be a non-negative integer");
    return 0;
  }
  Time time(std::string_view name) {
    const auto parsed = parse_rfc3339(text(name));
    if (!parsed && !problem_) fail(name, "must be an RFC 3339 date-time");
    return parsed ? *parsed : Time{};
  }
  std::optional<Time> optional_time(std::string_view name) {
    if (object_ && object_->if_contains(name) && object_->at(name).is_null()) return std::nullopt;
    return time(name);
  }
  // An enumerator read by its name, with `from` (waiting_for_from_string, …).
  template <class Enum>
  Enum named(std::string_view name, std::optional<Enum> (*from)(std::string_view) noexcept) {
    const std::string value = text(name);
    const auto found = from(value);
    if (!found && !problem_) fail(name, "has an unknown value '" + value + "'");
    return found.value_or(Enum{});
  }
  template <std::size_t N>
  std::size_t one_of(std::string_view name, const std::array<std::string_view, N>& names) {
    const std::string value = text(name);
    for (std::size_t i = 0; i < N; ++i)
      if (names[i] == value) return i;
    if (!problem_) fail(name, "has an unknown value '" + value + "'");
    return 0;
  }
  const json::array& list(std::string_view name) {
    static const json::array none;
    const auto* value = any(name);
    if (value && !value->is_array()) fail(name, "must be an array");
    return value && value->is_array() ? value->get_array() : none;
  }
  std::string at(std::string_view name, std::size_t index) const {
    return pointer_ + "/" + std::string(name) + "/" + std::to_string(index);
  }

 private:
  void fail(std::string_view name, std::string what) {
    if (problem_) return;
    std::string where = pointer_;
    if (!name.empty()) where.append("/").append(name);
    std::string message = "snapshot: '";
    message.append(where.empty() ? "/" : where).append("' ").append(what);
    problem_ = Error{ErrorCode::invalid_event, std::move(message), std::move(where), {}};
  }

  const json::object* object_;
  std::string pointer_;
  std::optional<Error>& problem_;
};

}  // namespace

json::value to_json(const InstanceState& state) {
  json::array tokens, timers, tasks;
  for (const auto& t : state.tokens)
    tokens.push_back(json::object{{"id", t.id},
                                  {"step", t.step},
                                  {"state", token_states[static_cast<std::size_t>(t.state)]},
                                  {"waiting_for", to_string(t.waiting_for)},
                                  {"waiting_on", t.waiting_on},
                                  {"attempt", t.attempt},
                                  {"started", t.started}});
  for (const auto& t : state.timers)
    timers.push_back(json::object{{"id", t.id},
                                  {"due", to_rfc3339(t.due)},
                                  {"step", t.step},
                                  {"token", t.token},
                                  {"purpose", to_string(t.purpose)}});
  for (const auto& t : state.tasks) {
    json::object task{{"id", t.id},
                      {"step", t.step},
                      {"title", t.title},
                      {"assignee", t.assignee},
                      {"due", t.due ? json::value(to_rfc3339(*t.due)) : nullptr},
                      {"completed", t.completed},
                      {"outcome", t.outcome},
                      {"completed_by", t.completed_by}};
    // Only when claimed: states and snapshots from before claims read and write as they did.
    if (!t.claimed_by.empty()) task["claimed_by"] = t.claimed_by;
    if (t.reminders > 0) task["reminders"] = t.reminders;
    if (!t.escalated_from.empty()) task["escalated_from"] = t.escalated_from;
    if (t.is_action()) {
      task["item"] = t.item;
      task["raised_by"] = t.raised_by;
      task["answer"] = t.answer;
      task["priority"] = to_string(t.priority);
      task["verify_by"] = t.verify_by;
      task["verified_by"] = t.verified_by;
      task["sign_while_open"] = t.sign_while_open;
    }
    tasks.push_back(std::move(task));
  }
  json::object out{{"workflow", state.workflow_id},
                   {"version", state.version},
                   {"business_key", state.business_key},
                   {"parent", state.parent},
                   {"call_depth", state.call_depth},
                   {"status", status_names[static_cast<std::size_t>(state.status)]},
                   {"started_at", to_rfc3339(state.started_at)},
                   {"updated_at", to_rfc3339(state.updated_at)},
                   {"error", state.error},
                   {"data", state.data},
                   {"tokens", std::move(tokens)},
                   {"timers", std::move(timers)},
                   {"tasks", std::move(tasks)},
                   {"last_sequence", state.last_sequence},
                   {"next_token", state.next_token},
                   {"activations", state.activations}};
  // Written only where there are, so that states without them read and write as before.
  if (!state.document_number.empty()) out["document_number"] = state.document_number;
  if (!state.started_by.empty()) out["started_by"] = state.started_by;
  return out;
}

tl::expected<InstanceState, Error> state_from_json(std::string instance_id,
                                                   const json::value& json) {
  std::optional<Error> problem;
  Fields fields(json, "", problem);
  InstanceState state;
  state.id = std::move(instance_id);
  state.workflow_id = fields.text("workflow");
  state.version = static_cast<std::uint32_t>(fields.count("version"));
  state.business_key = fields.text("business_key");
  if (fields.has("document_number")) state.document_number = fields.text("document_number");
  if (fields.has("started_by")) state.started_by = fields.text("started_by");
  state.parent = fields.text("parent");
  state.status = static_cast<InstanceStatus>(fields.one_of("status", status_names));
  state.started_at = fields.time("started_at");
  state.updated_at = fields.time("updated_at");
  state.error = fields.text("error");
  if (const auto* data = fields.any("data")) state.data = *data;
  if (!problem && !state.data.is_object())
    return tl::make_unexpected(
        Error{ErrorCode::invalid_event, "snapshot: '/data' must be an object", "/data", {}});
  const auto& tokens = fields.list("tokens");
  for (std::size_t i = 0; i < tokens.size() && !problem; ++i) {
    Fields t(tokens[i], fields.at("tokens", i), problem);
    state.tokens.push_back({static_cast<std::uint32_t>(t.count("id")), t.text("step"),
                            static_cast<Token::State>(t.one_of("state", token_states)),
                            t.named("waiting_for", waiting_for_from_string), t.text("waiting_on"),
                            static_cast<std::uint32_t>(t.count("attempt")), t.count("started")});
  }
  const auto& timers = fields.list("timers");
  for (std::size_t i = 0; i < timers.size() && !problem; ++i) {
    Fields t(timers[i], fields.at("timers", i), problem);
    state.timers.push_back({t.text("id"), t.time("due"), t.text("step"),
                            static_cast<std::uint32_t>(t.count("token")),
                            t.named("purpose", timer_purpose_from_string)});
  }
  const auto& tasks = fields.list("tasks");
  for (std::size_t i = 0; i < tasks.size() && !problem; ++i) {
    Fields t(tasks[i], fields.at("tasks", i), problem);
    Task task{t.text("id"), t.text("step"), t.text("title"), t.text("assignee"),
              t.optional_time("due")};
    const auto* completed = t.any("completed");
    task.completed = completed && completed->is_bool() && completed->get_bool();
    task.outcome = t.text("outcome");
    task.completed_by = t.text("completed_by");
    if (t.has("claimed_by")) task.claimed_by = t.text("claimed_by");
    if (t.has("reminders")) {
      boost::system::error_code not_whole;
      const auto count = t.any("reminders")->to_number<std::uint32_t>(not_whole);
      if (!not_whole) task.reminders = count;
    }
    if (t.has("escalated_from")) task.escalated_from = t.text("escalated_from");
    if (t.has("item")) {
      task.item = t.text("item");
      task.raised_by = t.text("raised_by");
      if (const auto* answer = t.any("answer")) task.answer = *answer;
      task.priority = priority_from_string(t.text("priority")).value_or(Priority::normal);
      task.verify_by = t.text("verify_by");
      task.verified_by = t.text("verified_by");
      const auto* sign = t.any("sign_while_open");
      task.sign_while_open = !(sign && sign->is_bool() && !sign->get_bool());
    }
    state.tasks.push_back(std::move(task));
  }
  state.last_sequence = fields.count("last_sequence");
  state.next_token = static_cast<std::uint32_t>(fields.count("next_token"));
  // Snapshots written before activations were counted start again from 0.
  if (fields.has("activations")) state.activations = fields.count("activations");
  // Snapshots written before call depths were kept: a sub-workflow counts as one level deep.
  if (fields.has("call_depth"))
    state.call_depth =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(fields.count("call_depth"), UINT32_MAX));
  else if (!state.parent.empty())
    state.call_depth = 1;
  if (problem) return tl::make_unexpected(std::move(*problem));
  return state;
}

}  // namespace ablauf
