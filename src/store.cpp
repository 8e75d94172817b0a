#include "ablauf/store.hpp"

#include <algorithm>

namespace ablauf {

InstanceSummary summarize(const InstanceState& state) {
  InstanceSummary summary{state.workflow_id, state.version, state.business_key, state.status, {}};
  if (!state.finished() && !state.timers.empty())
    summary.next_due =
        std::min_element(state.timers.begin(), state.timers.end(),
                         [](const Timer& a, const Timer& b) { return a.due < b.due; })
            ->due;
  return summary;
}

}  // namespace ablauf
