// Which steps have surely completed when another runs (internal), for the warning on paths into
// steps that may not have run yet. Step S has completed when step T starts if every way from the
// start to T passes S's completion: a step that fails or times out into T has not completed,
// and at a join every branch of its parallel step has arrived.
//
// The graph has two nodes per step, entered and completed; "S has completed at T" is "S's
// completed node dominates T's entered node". Dominators are worked out iteratively (Cooper,
// Harvey and Kennedy, "A Simple, Fast Dominance Algorithm"), and the dominator tree is numbered
// in one walk, so that each question is answered in constant time. No recursion.
#pragma once

#include "ablauf/definition.hpp"

#include <cstdint>
#include <vector>

namespace ablauf::detail {

class CompletionOrder {
 public:
  // The order of the steps of `definition`; transitions to steps it lacks are left out.
  explicit CompletionOrder(const WorkflowDefinition& definition);

  // Whether step `s` has surely completed when step `t` starts, or, with `t_completed`, once
  // `t` completed (its conditions and assignments). Indices into definition.steps.
  bool completed_before(std::size_t s, std::size_t t, bool t_completed) const noexcept;

 private:
  using Node = std::uint32_t;
  static constexpr Node none = UINT32_MAX;
  static Node entered(std::size_t step) { return static_cast<Node>(2 * step); }
  static Node completed(std::size_t step) { return static_cast<Node>(2 * step + 1); }

  // In the dominator tree: when each node is first and last visited by a walk from the root.
  std::vector<std::uint32_t> first_, last_;
};

}  // namespace ablauf::detail
