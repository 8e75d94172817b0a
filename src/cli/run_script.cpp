#include "run_script.hpp"

#include "load.hpp"

#include <ablauf/duration.hpp>

#include <algorithm>
#include <iostream>

namespace ablauf::cli {
namespace json = boost::json;

const json::object* Script::answers_for(const std::string& step) const {
  const auto* given = answers.if_contains(step);
  return given ? given->if_object() : nullptr;
}

std::optional<std::string> Script::next_outcome(const std::string& step) {
  auto it = tasks.find(step);
  if (it == tasks.end() || it->second.empty()) return std::nullopt;
  std::string outcome = std::move(it->second.front());
  it->second.pop_front();
  return outcome;
}

std::optional<ScriptedEvent> Script::next_event() const {
  if (events.empty()) return std::nullopt;
  return events.front();
}

tl::expected<Script, std::string> read_script(const json::value& file) {
  const auto fail = [](std::string message) { return tl::make_unexpected(std::move(message)); };
  const auto* object = file.if_object();
  if (!object) return fail("an answers file is a JSON object");
  Script script;
  for (const auto& [key, value] : *object) {
    if (key == "actor") {
      if (!value.is_string() || value.get_string().empty())
        return fail("'actor' must be a person's name or id");
      script.actor = value.get_string();
    } else if (key == "business_key") {
      if (!value.is_string() || value.get_string().empty())
        return fail("'business_key' must be a non-empty string, such as an invoice number");
      script.business_key = value.get_string();
    } else if (key == "input") {
      if (!value.is_object()) return fail("'input' must be an object");
      script.input = value;
    } else if (key == "answers") {
      if (!value.is_object()) return fail("'answers' must map step ids to objects of answers");
      for (const auto& [step, given] : value.get_object())
        if (!given.is_object())
          return fail("'answers." + std::string(step) + "' must map item ids to answers");
      script.answers = value.get_object();
    } else if (key == "tasks") {
      if (!value.is_object()) return fail("'tasks' must map step ids to lists of outcomes");
      for (const auto& [step, outcomes] : value.get_object()) {
        auto& queue = script.tasks[std::string(step)];
        if (!outcomes.is_array())
          return fail("'tasks." + std::string(step) + "' must be a list of outcomes");
        for (const auto& o : outcomes.get_array()) {
          if (!o.is_string()) return fail("'tasks." + std::string(step) + "' holds a non-string");
          queue.emplace_back(o.get_string());
        }
      }
    } else if (key == "events") {
      if (!value.is_array()) return fail("'events' must be a list");
      for (const auto& e : value.get_array()) {
        const auto* event = e.if_object();
        const auto* name = event ? event->if_contains("name") : nullptr;
        if (!name || !name->is_string()) return fail("each event needs a 'name'");
        ScriptedEvent scripted{std::chrono::milliseconds(0), std::string(name->get_string()),
                               nullptr};
        if (const auto* after = event->if_contains("after")) {
          auto duration = parse_duration(*after);
          if (!duration || duration->is_calendar())
            return fail("event '" + scripted.name +
                        "': 'after' must be a duration in days, hours, minutes or seconds");
          scripted.after = duration->exact();
        }
        if (const auto* payload = event->if_contains("payload")) scripted.payload = *payload;
        script.events.push_back(std::move(scripted));
      }
      std::stable_sort(script.events.begin(), script.events.end(),
                       [](const auto& a, const auto& b) { return a.after < b.after; });
    } else if (key != "$comment") {
      return fail("unknown field '" + std::string(key) +
                  "'; an answers file has actor, business_key, input, answers, tasks and events");
    }
  }
  return script;
}

std::optional<Script> load_script(const std::string& path) {
  if (path.empty()) return Script{};
  auto read = read_json_file(path);
  if (!read) return std::nullopt;
  auto parsed = read_script(*read);
  if (!parsed) {
    std::cerr << path << ": error: " << parsed.error() << '\n';
    return std::nullopt;
  }
  return std::move(*parsed);
}

}  // namespace ablauf::cli
