/// @file
/// The compiled workflow: a definition turned into an immutable, validated step graph.
///
/// compile() indexes the steps (0..n-1, in definition order), resolves every reference to a
/// step into an edge, and checks the graph: dangling targets, steps the start cannot reach,
/// steps from which no final step can be reached, loops that contain no waiting step (they
/// would spin), and parallel branches that can finish without meeting their join. The result
/// is cheap to copy and shared: instances refer to its steps by index and never copy
/// definition data.
///
/// Thread-safety: a Workflow is immutable; any number of threads may read it at once.
#pragma once

#include <ablauf/definition.hpp>
#include <ablauf/error.hpp>
#include <ablauf/event.hpp>
#include <ablauf/step_type.hpp>

#include <tl/expected.hpp>

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// A step's position in WorkflowDefinition::steps, by which the step graph names it.
using StepIndex = std::uint32_t;

/// Why a token may move from one step to another.
enum class EdgeKind {
  next,         ///< an unconditional "next" (or the default transition)
  conditional,  ///< a transition with "when"
  on_error,     ///< the step failed after its retries
  on_timeout,   ///< the step's timeout passed (an escalation)
  branch,       ///< a parallel step starts a branch here
};

/// The kind's name, e.g. "on_timeout".
std::string_view to_string(EdgeKind kind) noexcept;

/// An edge of the step graph: a token may move from step `from` to step `to`.
struct StepEdge {
  StepIndex from = 0;              ///< the step it leaves
  StepIndex to = 0;                ///< the step it enters
  EdgeKind kind = EdgeKind::next;  ///< why a token may move along it
  /// For next and conditional: the index into the step's "next"; for branch: into its
  /// "branches"; else 0.
  std::uint32_t index = 0;

  /// Member by member.
  friend bool operator==(const StepEdge&, const StepEdge&) = default;
};

/// A compiled, validated definition: its steps by index and the graph between them. Cheap to
/// copy: copies share one immutable compiled form.
class Workflow {
 public:
  /// Compiles and validates a definition. Errors and warnings are located in the definition's
  /// source when it has one. On success, warnings() holds the loader's and the graph's
  /// warnings. `step_types` says which steps wait (null: the built-in types); pass the registry
  /// the definition was loaded with. At most `max_errors` findings are kept, the rest
  /// counted, as LoadOptions::max_errors does for the loader (0 counts as 1).
  static tl::expected<Workflow, Diagnostics> compile(WorkflowDefinition definition,
                                                     const StepTypeRegistry* step_types = nullptr,
                                                     std::size_t max_errors = 1'000);

  /// The definition it was compiled from.
  const WorkflowDefinition& definition() const noexcept;
  /// Every edge of the step graph, grouped by the step it leaves in index order; each step's
  /// edges in the order of its definition: transitions ("next"), branches, on_timeout,
  /// on_error.
  std::span<const StepEdge> edges() const noexcept;
  /// The edges leaving step `index`, in the order of its definition.
  /// REQUIRES: index < step_count()
  std::span<const StepEdge> edges_from(StepIndex index) const noexcept;
  /// The loader's and the graph's warnings (errors would have made compile() fail).
  const Diagnostics& warnings() const noexcept;

  /// How many steps there are; their indices are 0 to step_count() - 1.
  std::size_t step_count() const noexcept;
  /// The step at `index`.
  /// REQUIRES: index < step_count()
  const StepDefinition& step(StepIndex index) const noexcept;
  /// The type of the step at `index`, as the registry given to compile() declares it, found
  /// once here so that running, drawing and listing steps never look a type up by its name. A
  /// type the registry does not know (a definition built in code) has a spec with only its name.
  /// REQUIRES: index < step_count()
  const StepTypeSpec& step_type(StepIndex index) const noexcept;
  /// The index of the step with this id, or none.
  std::optional<StepIndex> find(std::string_view step_id) const noexcept;
  /// The step with this id, or null; by index, unlike WorkflowDefinition::find_step.
  const StepDefinition* find_step(std::string_view step_id) const noexcept {
    const auto index = find(step_id);
    return index ? &step(*index) : nullptr;
  }
  /// The index of the step a new instance starts at.
  StepIndex start() const noexcept;

  /// The compiled representation; internal, defined in src/.
  struct Data;

 private:
  explicit Workflow(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

/// The workflows a definition's call steps name as written, each once, sorted; a callee named by
/// a template or an expression is not known before the call runs and is left out.
std::vector<std::string> called_workflows(const WorkflowDefinition& definition);

/// A cycle of calls that deploying `workflow` beside `deployed` would close: the workflow ids
/// from `workflow` back to it (`a`, `b`, `a`), or empty when there is none. `deployed` maps each
/// other workflow's id to the workflows it calls (called_workflows() of its newest version).
/// Works through the calls with a list, not recursion, however long the chain.
std::vector<std::string> call_cycle(
    const WorkflowDefinition& workflow,
    const std::map<std::string, std::vector<std::string>, std::less<>>& deployed);

/// How exports present a workflow.
struct ExportOptions {
  /// The language of titles and labels; "" picks the definition's default language.
  std::string language;
  /// An instance's events (Engine::history), to draw the path it took: the steps it ran and the
  /// transitions it followed stand out (with how often, where more than once), the steps where
  /// it waits are marked with what they wait for, a step that failed it is red, and the rest is
  /// grey. Empty: the plain graph.
  std::span<const Event> history;
};

/// Graphviz DOT, for `dot -Tsvg`. Deterministic: nodes are named by step id, in definition
/// order, so the output suits golden files and diffs.
void write_dot(std::ostream& out, const Workflow& workflow, const ExportOptions& options = {});
/// write_dot()'s output as a string.
std::string to_dot(const Workflow& workflow, const ExportOptions& options = {});

/// A Mermaid flowchart, for Markdown renderers that draw Mermaid (GitHub, GitLab, …).
void write_mermaid(std::ostream& out, const Workflow& workflow, const ExportOptions& options = {});
/// write_mermaid()'s output as a string.
std::string to_mermaid(const Workflow& workflow, const ExportOptions& options = {});

}  // namespace ablauf
