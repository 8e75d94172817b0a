#include "ablauf/workflow.hpp"

#include "ablauf/step_type.hpp"
#include "suggest.hpp"
#include "workflow_data.hpp"

#include <algorithm>
#include <map>

namespace ablauf {

std::string_view to_string(EdgeKind kind) noexcept {
  switch (kind) {
    case EdgeKind::next: return "next";
    case EdgeKind::conditional: return "conditional";
    case EdgeKind::on_error: return "on_error";
    case EdgeKind::on_timeout: return "on_timeout";
    case EdgeKind::branch: return "branch";
  }
  return "?";
}

namespace detail {

void GraphFindings::add(Severity severity, ErrorCode code, std::string pointer, std::string message,
                        Anchor anchor) {
  if (full()) {
    omit(severity);
    return;
  }
  has_errors_ = has_errors_ || severity == Severity::error;
  SourceLocation location;
  if (definition_.source) location = definition_.source->locate(pointer, anchor);
  diagnostics_.add(severity, code, std::move(message), std::move(pointer), std::move(location));
}

}  // namespace detail

namespace {

// Resolves every reference to a step into an edge; reports the ones that name no step.
void add_edges(Workflow::Data& data, detail::GraphFindings& findings) {
  std::vector<std::string_view> ids;
  for (const auto& step : data.definition.steps) ids.push_back(step.id);

  const auto resolve = [&](std::string_view target, const std::string& pointer,
                           std::string_view what) -> std::optional<StepIndex> {
    if (auto it = data.index.find(target); it != data.index.end()) return it->second;
    if (findings.full()) {  // spare the suggestion's search over every step id
      findings.omit(Severity::error);
      return std::nullopt;
    }
    findings.add(Severity::error, ErrorCode::dangling_target, pointer,
                 std::string(what) + " '" + std::string(target) + "' is not a step of this " +
                     "definition" + detail::did_you_mean(target, ids));
    return std::nullopt;
  };
  const auto connect = [&](StepIndex from, std::string_view target, const std::string& pointer,
                           std::string_view what, EdgeKind kind, std::uint32_t index) {
    if (auto to = resolve(target, pointer, what)) data.edges.push_back({from, *to, kind, index});
  };

  data.first_edge.reserve(data.definition.steps.size() + 1);
  for (StepIndex i = 0; i < data.definition.steps.size(); ++i) {
    data.first_edge.push_back(static_cast<std::uint32_t>(data.edges.size()));
    const StepDefinition& step = data.definition.steps[i];
    for (std::uint32_t t = 0; t < step.next.size(); ++t) {
      const Transition& transition = step.next[t];
      connect(i, transition.to, transition.pointer, "next step",
              transition.when ? EdgeKind::conditional : EdgeKind::next, t);
    }
    for (std::uint32_t b = 0; b < step.branches.size(); ++b)
      connect(i, step.branches[b], step.pointer + "/branches/" + std::to_string(b), "branch",
              EdgeKind::branch, b);
    if (!step.on_timeout.empty())
      connect(i, step.on_timeout, step.pointer + "/on_timeout", "on_timeout step",
              EdgeKind::on_timeout, 0);
    if (!step.on_error.empty())
      connect(i, step.on_error, step.pointer + "/on_error", "on_error step", EdgeKind::on_error, 0);
    if (!step.join.empty()) {
      if (auto join = resolve(step.join, step.pointer + "/join", "join step");
          join && !data.step_types[*join]->gathers_branches) {
        findings.add(Severity::error, ErrorCode::invalid_value, step.pointer + "/join",
                     "the join of a parallel step must be a step of type join; '" + step.join +
                         "' is a " + data.definition.steps[*join].type + " step");
      }
    }
  }
  data.first_edge.push_back(static_cast<std::uint32_t>(data.edges.size()));
}

// Finds each step's type once, so that nothing after compile() looks a type up by its name.
void resolve_types(Workflow::Data& data, const StepTypeRegistry& registry) {
  std::map<std::string_view, std::shared_ptr<const StepTypeSpec>> resolved;
  data.step_types.reserve(data.definition.steps.size());
  for (const auto& step : data.definition.steps) {
    auto& type = resolved[step.type];
    if (!type) {
      const StepTypeSpec* spec = registry.find(step.type);
      type = spec ? std::make_shared<const StepTypeSpec>(*spec)
                  : std::make_shared<const StepTypeSpec>(StepTypeSpec{.name = step.type});
    }
    data.step_types.push_back(type);
  }
}

}  // namespace

tl::expected<Workflow, Diagnostics> Workflow::compile(WorkflowDefinition definition,
                                                      const StepTypeRegistry* step_types,
                                                      std::size_t max_errors) {
  auto data = std::make_shared<Data>();
  data->definition = std::move(definition);
  const auto& steps = data->definition.steps;
  detail::GraphFindings findings(data->definition, std::max<std::size_t>(max_errors, 1));

  data->index.reserve(steps.size());
  for (StepIndex i = 0; i < steps.size(); ++i) data->index.emplace(steps[i].id, i);
  resolve_types(*data, step_types ? *step_types : StepTypeRegistry::builtin());

  if (steps.empty()) {
    findings.add(Severity::error, ErrorCode::missing_field, "/steps",
                 "the definition has no steps");
    return tl::make_unexpected(findings.take());
  }
  if (auto start = data->index.find(data->definition.start); start != data->index.end()) {
    data->start = start->second;
  } else {
    findings.add(Severity::error, ErrorCode::dangling_target, "/start",
                 "start step '" + data->definition.start + "' is not a step of this definition");
  }
  add_edges(*data, findings);
  // Reachability and loops mean little while edges are missing: report those first.
  if (!findings.has_errors()) detail::check_graph(*data, findings);

  Diagnostics diagnostics = findings.take();
  if (diagnostics.has_errors()) return tl::make_unexpected(std::move(diagnostics));
  data->warnings = data->definition.warnings;
  data->warnings.append(diagnostics);
  return Workflow(std::move(data));
}

const WorkflowDefinition& Workflow::definition() const noexcept {
  return data_->definition;
}
std::span<const StepEdge> Workflow::edges() const noexcept {
  return data_->edges;
}
std::span<const StepEdge> Workflow::edges_from(StepIndex index) const noexcept {
  return std::span(data_->edges)
      .subspan(data_->first_edge[index], data_->first_edge[index + 1] - data_->first_edge[index]);
}
const Diagnostics& Workflow::warnings() const noexcept {
  return data_->warnings;
}
std::size_t Workflow::step_count() const noexcept {
  return data_->definition.steps.size();
}

const StepTypeSpec& Workflow::step_type(StepIndex index) const noexcept {
  return *data_->step_types[index];
}

const StepDefinition& Workflow::step(StepIndex index) const noexcept {
  return data_->definition.steps[index];
}

std::optional<StepIndex> Workflow::find(std::string_view step_id) const noexcept {
  auto it = data_->index.find(step_id);
  if (it == data_->index.end()) return std::nullopt;
  return it->second;
}

StepIndex Workflow::start() const noexcept {
  return data_->start;
}

}  // namespace ablauf
