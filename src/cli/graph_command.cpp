// `ablauf graph`: a definition's step graph as DOT, Mermaid or SVG, with an instance's path.
#include "commands.hpp"
#include "load.hpp"
#include "output.hpp"
#include "store.hpp"

#include <ablauf/graph_svg.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace ablauf::cli {
namespace {

enum class GraphFormat { dot, mermaid, svg };

struct GraphFlags {
  std::string file;
  std::string instance;
  StoreFlag store;
  GraphFormat format = GraphFormat::dot;
  std::string language;
  std::string output;
  LimitFlags limits;
};

// The workflow to draw: the file, or the definition the store keeps for the instance. Else
// the exit status that says why not (the store keeps none, or a file for another workflow, is
// bad usage; a definition with errors is invalid).
tl::expected<Workflow, int> workflow_to_draw(const GraphFlags& flags,
                                             const StoredInstance* instance, const Store* store) {
  if (flags.file.empty()) {
    auto kept = kept_definition(*store, instance->state.workflow_id, instance->state.version,
                                flags.limits.options);
    if (!kept) return tl::make_unexpected(kept.error());
    auto compiled = Workflow::compile(std::move(*kept), flags.limits.options.step_types);
    if (!compiled) {
      std::cerr << compiled.error();
      return tl::make_unexpected(exit_invalid);
    }
    return std::move(*compiled);
  }
  std::size_t warnings = 0;
  auto workflow = load_workflow(flags.file, flags.limits.options, warnings);
  if (!workflow) return tl::make_unexpected(exit_invalid);
  if (!instance) return std::move(*workflow);
  const auto& definition = workflow->definition();
  if (definition.id != instance->state.workflow_id) {
    std::cerr << "error: instance " << flags.instance << " runs '" << instance->state.workflow_id
              << "', not '" << definition.id << "' of " << flags.file << '\n';
    return tl::make_unexpected(exit_usage);
  }
  if (definition.version != instance->state.version)
    std::cerr << "warning: instance " << flags.instance << " runs version "
              << instance->state.version << ", " << flags.file << " is version "
              << definition.version << '\n';
  return std::move(*workflow);
}

int run_graph(const GraphFlags& flags) {
  std::unique_ptr<Store> store;
  std::optional<StoredInstance> instance;
  if (!flags.instance.empty()) {
    store = open_store(flags.store.path, true);
    if (!store) return exit_usage;
    auto read = read_instance(*store, flags.instance);
    if (!read) {
      std::cerr << "error: " << read.error().message << '\n';
      return exit_usage;
    }
    instance = std::move(*read);
  }
  const auto workflow = workflow_to_draw(flags, instance ? &*instance : nullptr, store.get());
  if (!workflow) return workflow.error();
  warn_if_untranslated(workflow->definition(), flags.language);

  std::ofstream file;
  auto* opened = open_output(flags.output, file);
  if (!opened) return exit_usage;
  std::ostream& out = *opened;
  ExportOptions options{.language = flags.language, .history = {}};
  if (instance) options.history = instance->history;
  switch (flags.format) {
    case GraphFormat::dot: write_dot(out, *workflow, options); break;
    case GraphFormat::mermaid: write_mermaid(out, *workflow, options); break;
    case GraphFormat::svg: {
      auto svg = render_svg(to_dot(*workflow, options));
      if (!svg) {
        std::cerr << "error: " << svg.error().message << '\n';
        return exit_usage;
      }
      out << *svg;
      break;
    }
  }
  return out.flush() ? exit_ok : exit_usage;
}

}  // namespace

void add_graph_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<GraphFlags>();
  auto* command = app.add_subcommand(
      "graph",
      "Draw a definition's step graph as Graphviz DOT, as SVG (through Graphviz's dot) or as a "
      "Mermaid flowchart; with --instance, the path an instance took and where it waits.");
  auto* file = command
                   ->add_option("file", flags->file,
                                "Definition file (.json); with --instance, "
                                "default: the definition the store keeps")
                   ->check(CLI::ExistingFile);
  auto* instance = command->add_option(
      "--instance", flags->instance,
      "Draw this instance's path over the graph: steps it ran and transitions it took in green "
      "(with how often), where it waits in yellow, the step that failed it in red");
  flags->store.add_to(*command);
  add_choice(
      *command, "-f,--format", flags->format,
      {{"dot", GraphFormat::dot}, {"mermaid", GraphFormat::mermaid}, {"svg", GraphFormat::svg}},
      "Output format: dot (the default), mermaid, or svg (needs Graphviz's dot on the PATH)");
  command->add_option("--lang", flags->language,
                      "Language of titles (e.g. de, en); default: the definition's");
  command->add_option("-o,--output", flags->output, "Write to this file instead of stdout");
  flags->limits.add_to(*command);
  command->callback([flags, file, instance, &run] {
    if (file->count() + instance->count() == 0)
      throw CLI::RequiredError("a definition FILE or --instance ID");
    run = [flags] { return flags->limits.load_step_types() ? run_graph(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
