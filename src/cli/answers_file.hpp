// The answers file of `ablauf run` (docs/cli.md): checklist answers, task outcomes, events.
// Read and checked here without touching files, so that the fuzz target reads it as `run` does.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/workflow.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {
class Source;
}

namespace ablauf::cli {

struct ScriptedEvent {
  std::chrono::milliseconds after{0};  // since the instance started
  std::string name;
  boost::json::value payload;
  std::string pointer;  // of the event in the answers file, "/events/2"
};

// Who closes a corrective action an item raised: who does it, and who verifies it where it is
// to be verified.
struct ScriptedAction {
  std::string done_by;
  std::string verified_by;  // "" when the file names none
};

struct Script {
  std::string path;  // the answers file; "" when none was given
  std::string actor = "cli";
  std::string business_key;  // empty: every run starts a new instance
  boost::json::value input;  // null when the file gives none
  boost::json::object answers;
  std::map<std::string, std::deque<std::string>> tasks;
  // "actions": step id → item id → who closes the corrective actions that item raised.
  std::map<std::string, std::map<std::string, ScriptedAction>> actions;
  std::deque<ScriptedEvent> events;  // in order of `after`

  const boost::json::object* answers_for(const std::string& step) const;
  const ScriptedAction* action_for(const std::string& step, const std::string& item) const;
  std::optional<std::string> next_outcome(const std::string& step);
  std::optional<ScriptedEvent> next_event() const;
  void delivered() { events.pop_front(); }
};

// Reads an answers file; an error names the field at fault by its JSON pointer.
tl::expected<Script, Diagnostic> read_script(const boost::json::value& file);

// What in `input` does not fit the input the workflow declares (nothing when it declares
// none), each problem at `pointer` followed by its place in the input: "/input/customer/email"
// in an answers file, "/customer/email" in an input file of its own.
Diagnostics check_input(const boost::json::value& input, const Workflow& workflow,
                        std::string_view pointer);

// What in the script does not fit the definitions, each with its pointer in the answers file:
// the input (check_input()), steps, items and tasks none of them has (with "did you mean"),
// answers the items refuse (check_answer()), signatures without a signer's name, outcomes a task
// does not declare, actions for items that raise none, events no wait step waits for. `workflows`
// are the workflow run, first, and those it may call: the file answers their steps by id too.
// `language` picks the labels quoted in messages. REQUIRES: !workflows.empty().
Diagnostics check_script(const Script& script, std::span<const Workflow> workflows,
                         std::string_view language);

// Puts into each problem the line and column its pointer names in the answers file `source`:
// unknown names at their key, values at fault at the value.
// REQUIRES: source.text() is valid JSON.
void locate_answers(const Source& source, Diagnostics& problems);

}  // namespace ablauf::cli
