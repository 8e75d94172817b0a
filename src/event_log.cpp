#include "ablauf/event_log.hpp"

#include <algorithm>

namespace ablauf {

InstanceSummary summarize(const InstanceState& state) {
  InstanceSummary summary{state.workflow_id, state.version, state.business_key, state.status, {}};
  summary.parent = state.parent;
  if (!state.finished() && !state.timers.empty())
    summary.next_due =
        std::min_element(state.timers.begin(), state.timers.end(),
                         [](const Timer& a, const Timer& b) { return a.due < b.due; })
            ->due;
  for (const auto& token : state.tokens)
    if (token.state == Token::State::waiting && token.waiting_for == WaitingFor::call)
      summary.awaiting.push_back(token.waiting_on);
  return summary;
}

tl::expected<std::optional<RequestRecord>, Error> EventLog::find_request(std::string_view) const {
  return std::nullopt;  // a log that keeps no request keys has committed none
}

tl::expected<std::size_t, Error> EventLog::forget_requests(Time) {
  return 0;
}

}  // namespace ablauf
