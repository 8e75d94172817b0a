#include "ablauf/event.hpp"

#include <array>
#include <limits>

namespace ablauf {
namespace json = boost::json;
namespace {

constexpr std::array<std::string_view, 21> type_names = {
    "instance_started", "step_started",       "step_waiting",       "step_completed",
    "step_failed",      "answer_recorded",    "signature_recorded", "task_created",
    "task_completed",   "timer_set",          "timer_fired",        "signal_received",
    "vars_assigned",    "instance_completed", "instance_failed",    "instance_cancelled",
    "task_claimed",     "task_released",      "task_verified",      "task_reminded",
    "task_escalated"};

static_assert(type_names.size() == static_cast<std::size_t>(EventType::task_escalated) + 1,
              "every event type has a name");

tl::unexpected<Error> invalid(std::string message, std::string pointer) {
  return tl::make_unexpected(
      Error{ErrorCode::invalid_event, std::move(message), std::move(pointer), {}});
}

}  // namespace

std::string_view to_string(EventType type) noexcept {
  return type_names[static_cast<std::size_t>(type)];
}

std::optional<EventType> event_type_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < type_names.size(); ++i)
    if (type_names[i] == name) return static_cast<EventType>(i);
  return std::nullopt;
}

json::value to_json(const Event& event) {
  json::object out;
  out["seq"] = event.sequence;
  out["type"] = to_string(event.type);
  out["time"] = to_rfc3339(event.time);
  out["actor"] = event.actor;
  if (!event.step.empty()) out["step"] = event.step;
  if (event.attempt != 0) out["attempt"] = event.attempt;
  if (event.token != 0) out["token"] = event.token;
  if (event.next) {
    json::array next;
    next.reserve(event.next->size());
    for (const auto& step : *event.next) next.emplace_back(step);
    out["next"] = std::move(next);
  }
  auto& data = out["data"].emplace_object();
  data = event.data;
  if (event.due && !data.contains("due")) data["due"] = to_rfc3339(*event.due);
  return out;
}

tl::expected<Event, Error> event_from_json(const json::value& value) {
  const auto* object = value.if_object();
  if (!object) return invalid("an event must be a JSON object", "");
  Event event;

  const auto* seq = object->if_contains("seq");
  if (!seq || !(seq->is_uint64() || (seq->is_int64() && seq->get_int64() >= 0)))
    return invalid("'seq' must be a non-negative integer", "/seq");
  event.sequence = seq->to_number<std::uint64_t>();

  const auto* type = object->if_contains("type");
  const auto parsed_type =
      type && type->is_string() ? event_type_from_string(type->get_string()) : std::nullopt;
  if (!parsed_type) return invalid("'type' must name an event type", "/type");
  event.type = *parsed_type;

  const auto* time = object->if_contains("time");
  if (!time || !time->is_string()) return invalid("'time' must be an RFC 3339 string", "/time");
  auto parsed_time = parse_rfc3339(time->get_string());
  if (!parsed_time) return invalid("'time' is not a date-time: " + parsed_time.error(), "/time");
  event.time = *parsed_time;

  const auto* actor = object->if_contains("actor");
  if (!actor || !actor->is_string()) return invalid("'actor' must be a string", "/actor");
  event.actor = actor->get_string();

  if (const auto* step = object->if_contains("step")) {
    if (!step->is_string()) return invalid("'step' must be a string", "/step");
    event.step = step->get_string();
  }
  if (const auto* attempt = object->if_contains("attempt")) {
    const bool whole = attempt->is_int64() || attempt->is_uint64();
    if (!whole || attempt->to_number<double>() < 1 ||
        attempt->to_number<double>() > std::numeric_limits<std::uint32_t>::max())
      return invalid("'attempt' must be a positive integer", "/attempt");
    event.attempt = static_cast<std::uint32_t>(attempt->to_number<std::uint64_t>());
  }
  const auto* data = object->if_contains("data");
  if (!data || !data->is_object()) return invalid("'data' must be an object", "/data");
  event.data = data->get_object();

  // Token and next, at the top or, in the earlier form, inside "data".
  const auto take = [&](std::string_view name) -> std::pair<const json::value*, std::string> {
    if (const auto* field = object->if_contains(name)) return {field, "/" + std::string(name)};
    if (const auto* field = event.data.if_contains(name))
      return {field, "/data/" + std::string(name)};
    return {nullptr, {}};
  };
  if (const auto [token, pointer] = take("token"); token) {
    const bool whole = token->is_int64() || token->is_uint64();
    if (!whole || token->to_number<double>() < 1 ||
        token->to_number<double>() > std::numeric_limits<std::uint32_t>::max())
      return invalid("'token' must be a positive integer", pointer);
    event.token = static_cast<std::uint32_t>(token->to_number<std::uint64_t>());
  }
  if (const auto [next, pointer] = take("next"); next) {
    const auto* steps = next->if_array();
    if (!steps) return invalid("'next' must be an array of step ids", pointer);
    event.next.emplace();
    for (const auto& step : *steps) {
      if (!step.is_string()) return invalid("'next' must be an array of step ids", pointer);
      event.next->emplace_back(step.get_string());
    }
  }
  event.data.erase("token");
  event.data.erase("next");

  if (const auto* due = event.data.if_contains("due")) {
    auto parsed = due->is_string() ? parse_rfc3339(due->get_string())
                                   : tl::expected<Time, std::string>(tl::unexpect, "not a string");
    if (!parsed)
      return invalid("'due' must be an RFC 3339 date-time: " + parsed.error(), "/data/due");
    event.due = *parsed;
    // Written another way (an offset, say), it stays as written too: the history's hashes cover
    // the stored text.
    if (to_rfc3339(*parsed) == due->get_string()) event.data.erase("due");
  }
  return event;
}

}  // namespace ablauf
