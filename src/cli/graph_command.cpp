#include "commands.hpp"
#include "load.hpp"
#include "output.hpp"

#include <fstream>
#include <iostream>
#include <map>
#include <memory>

namespace ablauf::cli {
namespace {

enum class GraphFormat { dot, mermaid };

struct GraphFlags {
  std::string file;
  GraphFormat format = GraphFormat::dot;
  std::string language;
  std::string output;
  LimitFlags limits;
};

int run_graph(const GraphFlags& flags) {
  std::size_t warnings = 0;
  auto workflow = load_workflow(flags.file, flags.limits.options, warnings);
  if (!workflow) return exit_invalid;

  std::ofstream file;
  auto* opened = open_output(flags.output, file);
  if (!opened) return exit_usage;
  std::ostream& out = *opened;
  const ExportOptions options{.language = flags.language};
  if (flags.format == GraphFormat::dot)
    write_dot(out, *workflow, options);
  else
    write_mermaid(out, *workflow, options);
  return out.flush() ? exit_ok : exit_usage;
}

}  // namespace

void add_graph_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<GraphFlags>();
  auto* command = app.add_subcommand(
      "graph",
      "Draw a definition's step graph as Graphviz DOT (render with `dot -Tsvg`) or as a "
      "Mermaid flowchart.");
  command->add_option("file", flags->file, "Definition file (.json)")
      ->required()
      ->check(CLI::ExistingFile);
  const std::map<std::string, GraphFormat> formats{{"dot", GraphFormat::dot},
                                                   {"mermaid", GraphFormat::mermaid}};
  command->add_option("-f,--format", flags->format, "Output format: dot or mermaid")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->default_str("dot");
  command->add_option("--lang", flags->language,
                      "Language of titles (e.g. de, en); default: the definition's");
  command->add_option("-o,--output", flags->output, "Write to this file instead of stdout");
  flags->limits.add_to(*command);
  command->callback([flags, &run] { run = [flags] { return run_graph(*flags); }; });
}

}  // namespace ablauf::cli
