// The step graph as Boost.Graph sees it (internal), for the graph checks of Workflow::compile()
// and the DOT export. Public headers carry no Boost.Graph: a Workflow keeps its edges as a
// plain list (Workflow::edges()), and this builds the graph from it where a search needs one.
#pragma once

#include "ablauf/workflow.hpp"

#include <boost/graph/adjacency_list.hpp>

#include <span>

namespace ablauf::detail {

// Vertices are step indices; each step's out-edges keep the order of its definition.
using StepGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                        boost::no_property, StepEdge>;

inline StepGraph make_step_graph(std::size_t steps, std::span<const StepEdge> edges) {
  StepGraph graph(steps);
  for (const StepEdge& edge : edges) boost::add_edge(edge.from, edge.to, edge, graph);
  return graph;
}

}  // namespace ablauf::detail
