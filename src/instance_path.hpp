// The path an instance took through its step graph (internal), for drawing it over the graph.
#pragma once

#include "ablauf/event.hpp"
#include "ablauf/instance.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>

namespace ablauf::detail {

struct InstancePath {
  bool shown = false;  // a history was given
  std::set<std::string, std::less<>> visited;
  // (from, to) → how often a token moved along it.
  std::map<std::pair<std::string, std::string>, std::size_t, std::less<>> taken;
  // step → what a token there waits for.
  std::map<std::string, WaitingFor, std::less<>> waiting;
  std::string failed_at;  // the step whose failure ended the instance; "" if none
};

InstancePath path_of(std::span<const Event> history);

// What a token waits for in words of `language` (de or en), for a label: "waits for checklist".
std::string waiting_label(WaitingFor waiting_for, const std::string& language);

}  // namespace ablauf::detail
