#include "instance_path.hpp"

#include "ablauf/instance.hpp"

namespace ablauf::detail {

InstancePath path_of(std::span<const Event> history) {
  InstancePath path;
  if (history.empty()) return path;
  path.shown = true;
  // Where an instance that fails stood: the step of the last event about one, or the step its
  // token moved on to, where a failure such as "no transition holds" leaves no event of its own.
  std::string last_step;
  for (const auto& event : history) {
    if (!event.step.empty())
      last_step = event.next && !event.next->empty() ? event.next->front() : event.step;
    switch (event.type) {
      case EventType::step_started: path.visited.insert(event.step); break;
      case EventType::step_completed:
      case EventType::step_failed:
        path.visited.insert(event.step);
        if (event.next)
          for (const auto& to : *event.next) ++path.taken[{event.step, to}];
        break;
      default: break;
    }
  }
  // Where tokens stand now comes from the instance's state, as the engine would see it.
  if (const auto state = fold("", history)) {
    for (const auto& token : state->tokens)
      if (token.state == Token::State::waiting) path.waiting[token.step] = token.waiting_for;
    if (state->status == InstanceStatus::failed) path.failed_at = last_step;
  }
  return path;
}

std::string waiting_label(WaitingFor waiting_for, const std::string& language) {
  if (language != "de") return "waits for " + std::string(to_string(waiting_for));
  switch (waiting_for) {
    case WaitingFor::nothing: break;
    case WaitingFor::checklist: return "wartet auf Checkliste";
    case WaitingFor::task: return "wartet auf Aufgabe";
    case WaitingFor::timer: return "wartet auf Zeitpunkt";
    case WaitingFor::event: return "wartet auf Ereignis";
    case WaitingFor::join: return "wartet auf übrige Zweige";
    case WaitingFor::call: return "wartet auf Untervorgang";
    case WaitingFor::adapter: return "wartet auf Adapter";
  }
  return "wartet";
}

}  // namespace ablauf::detail
