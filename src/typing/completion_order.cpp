#include "typing/completion_order.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace ablauf::detail {
namespace {

using Node = std::uint32_t;
constexpr Node none = UINT32_MAX;
using Edges = std::vector<std::vector<Node>>;  // successors of each node

// The immediate dominator of every node reachable from `root`; `none` for the others.
std::vector<Node> immediate_dominators(const Edges& successors, Node root) {
  const std::size_t count = successors.size();
  // Reverse postorder, by a depth-first walk with an explicit stack.
  std::vector<Node> postorder;
  std::vector<std::uint8_t> state(count, 0);  // 0 unseen, 1 on the stack, 2 done
  std::vector<std::pair<Node, std::size_t>> stack{{root, 0}};
  state[root] = 1;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < successors[node].size()) {
      const Node successor = successors[node][next++];
      if (state[successor] == 0) {
        state[successor] = 1;
        stack.emplace_back(successor, 0);
      }
      continue;
    }
    state[node] = 2;
    postorder.push_back(node);
    stack.pop_back();
  }
  std::vector<std::uint32_t> number(count, none);  // position in postorder
  for (std::uint32_t i = 0; i < postorder.size(); ++i) number[postorder[i]] = i;
  std::vector<std::vector<Node>> predecessors(count);
  for (Node from = 0; from < count; ++from)
    if (number[from] != none)
      for (const Node to : successors[from]) predecessors[to].push_back(from);

  std::vector<Node> idom(count, none);
  idom[root] = root;
  const auto intersect = [&](Node a, Node b) {
    while (a != b) {
      while (number[a] < number[b]) a = idom[a];
      while (number[b] < number[a]) b = idom[b];
    }
    return a;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = postorder.rbegin(); it != postorder.rend(); ++it) {
      const Node node = *it;
      if (node == root) continue;
      Node candidate = none;
      for (const Node p : predecessors[node]) {
        if (idom[p] == none) continue;
        candidate = candidate == none ? p : intersect(p, candidate);
      }
      if (candidate != idom[node]) {
        idom[node] = candidate;
        changed = true;
      }
    }
  }
  return idom;
}

}  // namespace

CompletionOrder::CompletionOrder(const WorkflowDefinition& definition) {
  const auto& steps = definition.steps;
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < steps.size(); ++i) index.emplace(steps[i].id, i);
  const auto find = [&](const std::string& id) -> std::optional<std::size_t> {
    const auto found = index.find(id);
    if (found == index.end()) return std::nullopt;
    return found->second;
  };
  const auto start = find(definition.start);
  first_.assign(2 * steps.size(), none);
  last_.assign(2 * steps.size(), none);
  if (!start) return;

  // The steps' own edges: a step completes, then leads on; failing or timing out, it leads on
  // from where it was entered.
  Edges successors(2 * steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    successors[entered(i)].push_back(completed(i));
    for (const auto& transition : step.next)
      if (const auto to = find(transition.to)) successors[completed(i)].push_back(entered(*to));
    for (const auto* escape : {&step.on_error, &step.on_timeout})
      if (const auto to = find(*escape)) successors[entered(i)].push_back(entered(*to));
    for (const auto& branch : step.branches)
      if (const auto to = find(branch)) successors[completed(i)].push_back(entered(*to));
  }
  std::vector<Node> idom = immediate_dominators(successors, entered(*start));

  // A join completes once every branch of its parallel step arrived. Chaining the branches one
  // after the other says as much to the dominators: the parallel step leads to its first
  // branch, each branch's arrivals at the join lead to the next branch instead, and only the
  // last branch's reach the join.
  bool chained = false;
  for (std::size_t p = 0; p < steps.size(); ++p) {
    const auto& parallel = steps[p];
    const auto join = find(parallel.join);
    if (!join || parallel.branches.size() < 2) continue;
    std::vector<Node> starts;
    for (const auto& branch : parallel.branches)
      if (const auto to = find(branch)) starts.push_back(entered(*to));
    if (starts.size() < 2) continue;
    auto& leads = successors[completed(p)];
    leads.erase(std::remove_if(leads.begin(), leads.end(),
                               [&](Node n) {
                                 return n != starts.front() &&
                                        std::find(starts.begin(), starts.end(), n) != starts.end();
                               }),
                leads.end());
    for (Node from = 0; from < successors.size(); ++from)
      for (Node& to : successors[from]) {
        if (to != entered(*join) || idom[from] == none) continue;
        // The branch `from` lies in: the one whose first step dominates it.
        for (std::size_t b = 0; b + 1 < starts.size(); ++b) {
          bool inside = false;
          for (Node up = from; !inside; up = idom[up]) {
            inside = up == starts[b];
            if (up == idom[up]) break;
          }
          if (inside) {
            to = starts[b + 1];
            break;
          }
        }
      }
    chained = true;
  }
  if (chained) idom = immediate_dominators(successors, entered(*start));

  // Number the dominator tree: a node dominates another when its interval holds the other's.
  std::vector<std::vector<Node>> children(successors.size());
  for (Node n = 0; n < successors.size(); ++n)
    if (idom[n] != none && idom[n] != n) children[idom[n]].push_back(n);
  std::uint32_t clock = 0;
  std::vector<std::pair<Node, std::size_t>> stack{{entered(*start), 0}};
  first_[entered(*start)] = clock++;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < children[node].size()) {
      const Node child = children[node][next++];
      first_[child] = clock++;
      stack.emplace_back(child, 0);
      continue;
    }
    last_[node] = clock++;
    stack.pop_back();
  }
}

bool CompletionOrder::completed_before(std::size_t s, std::size_t t,
                                       bool t_completed) const noexcept {
  const Node dominator = completed(s);
  const Node node = t_completed ? completed(t) : entered(t);
  if (first_[dominator] == none || first_[node] == none) return true;  // unreachable: no claim
  return first_[dominator] <= first_[node] && last_[node] <= last_[dominator];
}

}  // namespace ablauf::detail
