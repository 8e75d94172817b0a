// The answers file of `ablauf run` (docs/cli.md): checklist answers, task outcomes, events.
#pragma once

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ablauf::cli {

struct ScriptedEvent {
  std::chrono::milliseconds after{0};  // since the instance started
  std::string name;
  boost::json::value payload;
};

struct Script {
  std::string actor = "cli";
  std::string business_key;  // empty: every run starts a new instance
  boost::json::value input;  // null when the file gives none
  boost::json::object answers;
  std::map<std::string, std::deque<std::string>> tasks;
  std::deque<ScriptedEvent> events;  // in order of `after`

  const boost::json::object* answers_for(const std::string& step) const;
  std::optional<std::string> next_outcome(const std::string& step);
  std::optional<ScriptedEvent> next_event() const;
  void delivered() { events.pop_front(); }
};

// Reads an answers file; an error names the field at fault.
tl::expected<Script, std::string> read_script(const boost::json::value& file);

// Reads the answers file at `path` (none when empty); prints why not and returns nothing if it
// cannot.
std::optional<Script> load_script(const std::string& path);

}  // namespace ablauf::cli
