// What a compiled Workflow holds (internal), and the graph checks compile() runs.
#pragma once

#include "ablauf/workflow.hpp"

#include <unordered_map>

namespace ablauf {

struct Workflow::Data {
  WorkflowDefinition definition;
  StepGraph graph;
  // Keys view the ids inside `definition`, which never changes once the index is built.
  std::unordered_map<std::string_view, StepIndex> index;
  StepIndex start = 0;
  Diagnostics warnings;
};

namespace detail {

// Collects graph findings, located in the definition's source.
class GraphFindings {
 public:
  explicit GraphFindings(const WorkflowDefinition& definition) : definition_(definition) {}

  void add(Severity severity, ErrorCode code, std::string pointer, std::string message,
           Anchor anchor = Anchor::value);
  Diagnostics take() { return std::move(diagnostics_); }
  bool has_errors() const noexcept { return diagnostics_.has_errors(); }

 private:
  const WorkflowDefinition& definition_;
  Diagnostics diagnostics_;
};

// The checks on a graph whose edges all resolved: reachability, a way to an end from every
// step, loops with a waiting step, branches meeting their join, default transitions.
void check_graph(const Workflow::Data& data, const StepTypeRegistry& step_types,
                 GraphFindings& findings);

}  // namespace detail
}  // namespace ablauf
