// The graph checks of Workflow::compile(), on Boost.Graph's searches.
#include "ablauf/step_type.hpp"
#include "step_graph.hpp"
#include "steps/step_behavior.hpp"
#include "suggest.hpp"
#include "workflow_data.hpp"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>

#include <algorithm>
#include <map>
#include <optional>

namespace ablauf::detail {
namespace {

using Vertex = boost::graph_traits<StepGraph>::vertex_descriptor;

// Marks every vertex a breadth-first search from `sources` reaches.
template <class Graph>
std::vector<bool> reachable_from(const Graph& graph, const std::vector<Vertex>& sources) {
  std::vector<boost::default_color_type> colors(boost::num_vertices(graph), boost::white_color);
  auto color_map =
      boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph));
  boost::queue<Vertex> queue;
  for (Vertex source : sources)
    if (colors[source] == boost::white_color)
      boost::breadth_first_visit(graph, source, queue, boost::default_bfs_visitor(), color_map);
  std::vector<bool> reached(colors.size());
  for (std::size_t v = 0; v < colors.size(); ++v) reached[v] = colors[v] != boost::white_color;
  return reached;
}

bool leads_on(EdgeKind kind) {
  return kind == EdgeKind::next || kind == EdgeKind::conditional || kind == EdgeKind::branch;
}

// A final step ends its branch: it has no way on when it completes (an end step, or a step
// without "next").
bool is_final(const StepGraph& graph, Vertex v) {
  for (auto [e, last] = boost::out_edges(v, graph); e != last; ++e)
    if (leads_on(graph[*e].kind)) return false;
  return true;
}

std::string quoted(const std::string& id) {
  return "'" + id + "'";
}

void check_reachability(const Workflow::Data& data, const StepGraph& graph, GraphFindings& findings,
                        std::vector<bool>& reachable) {
  const auto& steps = data.definition.steps;
  reachable = reachable_from(graph, {data.start});
  for (std::size_t v = 0; v < steps.size(); ++v) {
    if (!reachable[v])
      findings.add(Severity::error, ErrorCode::unreachable_step, steps[v].pointer,
                   "step " + quoted(steps[v].id) + " can never run: no path from the start step " +
                       quoted(steps[data.start].id) + " leads to it");
  }
}

void check_way_to_end(const Workflow::Data& data, const StepGraph& graph, GraphFindings& findings,
                      const std::vector<bool>& reachable) {
  const auto& steps = data.definition.steps;
  std::vector<Vertex> finals;
  for (Vertex v = 0; v < steps.size(); ++v)
    if (is_final(graph, v)) finals.push_back(v);
  const auto ends = reachable_from(boost::make_reverse_graph(graph), finals);
  for (std::size_t v = 0; v < steps.size(); ++v) {
    if (reachable[v] && !ends[v])
      findings.add(Severity::error, ErrorCode::no_path_to_end, steps[v].pointer,
                   "no final step can be reached from step " + quoted(steps[v].id) +
                       ": every path from it loops forever; give the loop a way out");
  }
}

void check_loops_wait(const Workflow::Data& data, const StepGraph& graph, GraphFindings& findings) {
  const auto& steps = data.definition.steps;
  std::vector<std::size_t> component(steps.size());
  const std::size_t count = boost::strong_components(
      graph,
      boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph)));
  // Members of each component, in definition order.
  std::vector<std::vector<Vertex>> members(count);
  for (Vertex v = 0; v < steps.size(); ++v) members[component[v]].push_back(v);

  const auto waits = [&](Vertex v) {
    const StepTypeSpec& type = *data.step_types[v];
    return type.waits && type.waits(steps[v]);
  };
  const auto has_self_loop = [&](Vertex v) {
    for (auto [e, last] = boost::out_edges(v, graph); e != last; ++e)
      if (boost::target(*e, graph) == v) return true;
    return false;
  };

  for (const auto& loop : members) {
    if (loop.size() == 1 && !has_self_loop(loop.front())) continue;
    if (std::any_of(loop.begin(), loop.end(), waits)) continue;
    std::string names;
    for (Vertex v : loop) names += (names.empty() ? "" : ", ") + quoted(steps[v].id);
    findings.add(Severity::error, ErrorCode::spinning_cycle, steps[loop.front()].pointer,
                 "the loop through " + names +
                     " has no waiting step (wait, fill_checklist or a create_task that waits), "
                     "so it would spin without pause; add one to the loop");
  }
}

// Every path from each branch of a parallel step must reach the parallel's join before it
// can end, except a path that fails or times out into an end step: that ends the instance.
void check_branches_join(const Workflow::Data& data, const StepGraph& graph,
                         GraphFindings& findings) {
  const auto& steps = data.definition.steps;
  for (Vertex p = 0; p < steps.size(); ++p) {
    const StepDefinition& parallel = steps[p];
    if (parallel.join.empty()) continue;
    const auto join = data.index.find(parallel.join);
    if (join == data.index.end()) continue;
    for (std::size_t b = 0; b < parallel.branches.size(); ++b) {
      const Vertex first = data.index.at(parallel.branches[b]);
      // Depth-first over the branch, stopping at the join.
      std::vector<bool> seen(steps.size());
      std::vector<Vertex> stack{first};
      std::optional<Vertex> escape;
      while (!stack.empty() && !escape) {
        const Vertex v = stack.back();
        stack.pop_back();
        if (v == join->second || seen[v]) continue;
        seen[v] = true;
        if (is_final(graph, v)) escape = v;
        for (auto [e, last] = boost::out_edges(v, graph); e != last; ++e) {
          // Failing or timing out into an end step ends the whole instance on purpose.
          const Vertex target = boost::target(*e, graph);
          if (!leads_on(graph[*e].kind) && data.step_types[target]->ends_instance) continue;
          stack.push_back(target);
        }
      }
      if (escape)
        findings.add(Severity::error, ErrorCode::unjoined_branch,
                     parallel.pointer + "/branches/" + std::to_string(b),
                     "branch " + quoted(parallel.branches[b]) + " of parallel step " +
                         quoted(parallel.id) + " can end at step " + quoted(steps[*escape].id) +
                         " without reaching its join " + quoted(parallel.join));
    }
  }
}

void check_default_transitions(const Workflow::Data& data, GraphFindings& findings) {
  for (const auto& step : data.definition.steps) {
    if (step.next.empty() || !step.next.back().when) continue;
    findings.add(Severity::warning, ErrorCode::no_default_transition, step.pointer + "/next",
                 "step " + quoted(step.id) +
                     " has no default transition: when no 'when' holds, the instance fails "
                     "here; end 'next' with a transition without 'when'",
                 Anchor::key);
  }
}

// The workflow a step names as written, if its type calls one (StepBehavior::literal_callee).
// By the built-in registry: a definition's steps may not have been compiled yet, and a host's
// types call nothing.
std::optional<std::string> literal_callee(const StepDefinition& step) {
  const auto* type = StepTypeRegistry::builtin().find(step.type);
  if (!type || !type->behavior) return std::nullopt;
  return type->behavior->literal_callee(step);
}

// A workflow that calls itself would nest one instance inside the next until the call-depth
// limit fails it; cycles through other workflows are found where they are deployed together.
void check_self_calls(const Workflow::Data& data, GraphFindings& findings) {
  for (const auto& step : data.definition.steps)
    if (literal_callee(step) == data.definition.id)
      findings.add(Severity::error, ErrorCode::recursive_call, step.pointer + "/workflow",
                   "step " + quoted(step.id) + " calls its own workflow " +
                       quoted(data.definition.id) +
                       ": every instance would start another, without end; repeat work with a "
                       "transition back to an earlier step instead");
}

// A send_email step's `form` attachment names the fill_checklist step whose filled form it
// attaches: a step of this workflow with a checklist.
void check_attached_forms(const Workflow::Data& data, GraphFindings& findings) {
  for (const auto& step : data.definition.steps) {
    const auto* attachments =
        step.type == "send_email" ? step.parameters.if_contains("attachments") : nullptr;
    if (!attachments || !attachments->is_array()) continue;
    for (std::size_t i = 0; i < attachments->get_array().size(); ++i) {
      const auto* entry = attachments->get_array()[i].if_object();
      const auto* form = entry ? entry->if_contains("form") : nullptr;
      if (!form || !form->is_string()) continue;
      const std::string named(form->get_string());
      const auto found = data.index.find(named);
      if (found != data.index.end() && data.definition.steps[found->second].checklist) continue;
      std::vector<std::string_view> checklists;
      for (const auto& other : data.definition.steps)
        if (other.checklist) checklists.push_back(other.id);
      findings.add(
          Severity::error, ErrorCode::dangling_target,
          step.pointer + "/attachments/" + std::to_string(i) + "/form",
          "the attachment of step " + quoted(step.id) + " names " +
              (found == data.index.end() ? "no step " + quoted(named)
                                         : "step " + quoted(named) + ", which has no checklist") +
              did_you_mean_or_list(named, checklists, "the checklist steps"));
    }
  }
}

}  // namespace

void check_graph(const Workflow::Data& data, GraphFindings& findings) {
  const StepGraph graph = make_step_graph(data.definition.steps.size(), data.edges);
  std::vector<bool> reachable;
  check_reachability(data, graph, findings, reachable);
  check_way_to_end(data, graph, findings, reachable);
  check_loops_wait(data, graph, findings);
  check_branches_join(data, graph, findings);
  check_default_transitions(data, findings);
  check_self_calls(data, findings);
  check_attached_forms(data, findings);
}

}  // namespace ablauf::detail

namespace ablauf {

std::vector<std::string> called_workflows(const WorkflowDefinition& definition) {
  std::vector<std::string> callees;
  for (const auto& step : definition.steps)
    if (auto callee = detail::literal_callee(step)) callees.push_back(std::move(*callee));
  std::sort(callees.begin(), callees.end());
  callees.erase(std::unique(callees.begin(), callees.end()), callees.end());
  return callees;
}

std::vector<std::string> call_cycle(
    const WorkflowDefinition& workflow,
    const std::map<std::string, std::vector<std::string>, std::less<>>& deployed) {
  const auto calls_of = [&](const std::string& id) -> std::vector<std::string> {
    if (id == workflow.id) return called_workflows(workflow);
    const auto found = deployed.find(id);
    return found == deployed.end() ? std::vector<std::string>() : found->second;
  };
  // Breadth-first from the workflow's callees, remembering whence each was reached, so that
  // the shortest cycle back to the workflow can be named.
  std::map<std::string, std::string, std::less<>> reached_from;
  std::vector<std::string> queue;
  for (auto& callee : calls_of(workflow.id))
    if (reached_from.emplace(callee, workflow.id).second) queue.push_back(callee);
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const std::string current = queue[next];
    if (current == workflow.id) {
      std::vector<std::string> cycle{current};
      for (std::string at = reached_from.at(current); at != workflow.id; at = reached_from.at(at))
        cycle.push_back(at);
      cycle.push_back(workflow.id);
      std::reverse(cycle.begin(), cycle.end());
      return cycle;
    }
    for (auto& callee : calls_of(current))
      if (reached_from.emplace(callee, current).second) queue.push_back(callee);
  }
  return {};
}

}  // namespace ablauf
