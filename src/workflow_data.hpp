// What a compiled Workflow holds (internal), and the graph checks compile() runs.
#pragma once

#include "ablauf/workflow.hpp"

#include <unordered_map>

namespace ablauf {

struct Workflow::Data {
  WorkflowDefinition definition;
  // The step graph: every edge grouped by the step it leaves, in index order; the edges of step
  // i are edges[first_edge[i]] to edges[first_edge[i + 1]].
  std::vector<StepEdge> edges;
  std::vector<std::uint32_t> first_edge;
  // The type of each step, by index; steps of one type share it.
  std::vector<std::shared_ptr<const StepTypeSpec>> step_types;
  // Keys view the ids inside `definition`, which never changes once the index is built.
  std::unordered_map<std::string_view, StepIndex> index;
  StepIndex start = 0;
  Diagnostics warnings;
};

namespace detail {

// Collects graph findings, located in the definition's source.
class GraphFindings {
 public:
  GraphFindings(const WorkflowDefinition& definition, std::size_t max_errors)
      : definition_(definition), max_errors_(max_errors) {}

  // Keeps the finding, or past max_errors only counts it.
  void add(Severity severity, ErrorCode code, std::string pointer, std::string message,
           Anchor anchor = Anchor::value);
  // Whether add() would only count: a caller may then skip composing a costly message.
  bool full() const noexcept { return diagnostics_.size() >= max_errors_; }
  void omit(Severity severity) noexcept {
    diagnostics_.omit(severity);
    has_errors_ = has_errors_ || severity == Severity::error;
  }
  Diagnostics take() { return std::move(diagnostics_); }
  bool has_errors() const noexcept { return has_errors_; }

 private:
  const WorkflowDefinition& definition_;
  std::size_t max_errors_;
  Diagnostics diagnostics_;
  bool has_errors_ = false;
};

// The checks on a graph whose edges all resolved: reachability, a way to an end from every
// step, loops with a waiting step, branches meeting their join, default transitions.
void check_graph(const Workflow::Data& data, GraphFindings& findings);

}  // namespace detail
}  // namespace ablauf
