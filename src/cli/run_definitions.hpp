// The definitions a run deploys besides the one it runs (`run FILE [CALLEE…]`, `--definitions
// PATH`): so that a workflow that calls another runs without storing the callee by hand, and so
// that `instances resume` can be given a callee its store does not keep yet.
#pragma once

#include <ablauf/engine.hpp>
#include <ablauf/workflow.hpp>

#include <CLI/CLI.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ablauf::cli {

// `--definitions PATH`, repeatable: a definition file, or a folder whose .json files are all
// definitions.
struct DefinitionsFlag {
  std::vector<std::string> paths;
  void add_to(CLI::App& command);
};

// A definition as read from its file: its text is what the store keeps.
struct DefinitionFile {
  std::string path;
  std::string text;
  Workflow workflow;
};

// Loads `paths` in order, a folder as its .json files in name order (not its subfolders). A
// file named twice (a folder that holds the file run) is read once, and two files with the same
// text for one version of a workflow count as one. Prints every diagnostic to stderr and
// returns nothing if a file does not load, or two give one version of a workflow different
// texts.
std::optional<std::vector<DefinitionFile>> load_definitions(const std::vector<std::string>& paths,
                                                            const LoadOptions& options,
                                                            std::size_t& warnings);

// Whether every workflow that one of `given` calls by name (a call step whose `workflow` is
// written out, not computed) is among `given` or `deployed`; says on stderr which are not and
// how to give them.
bool callees_given(std::span<const DefinitionFile> given, std::span<const Workflow> deployed);

// Deploys each definition in the engine, but those `deployed` already, and keeps its text in the
// store, so that `instances resume` can run its instances later. Returns exit_ok; exit_invalid for
// a definition the engine refuses or a version the store keeps with another text (instances of it
// must not change their definition under their feet); exit_stopped for a store that cannot keep it
// (a full disk). Each says why on stderr.
int deploy_and_keep(Engine& engine, Store& store, std::span<const DefinitionFile> definitions,
                    std::span<const Workflow> deployed = {});

}  // namespace ablauf::cli
