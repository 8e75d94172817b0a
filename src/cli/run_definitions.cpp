#include "run_definitions.hpp"

#include "commands.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace ablauf::cli {
namespace fs = std::filesystem;
namespace {

// The files `path` stands for: itself, or a folder's .json files in name order.
std::optional<std::vector<fs::path>> files_of(const std::string& path) {
  std::error_code failed;
  if (!fs::is_directory(path, failed)) return std::vector<fs::path>{path};
  std::vector<fs::path> files;
  for (fs::directory_iterator it(path, failed), end; !failed && it != end; it.increment(failed))
    if (it->path().extension() == ".json" && it->is_regular_file(failed)) files.push_back(*it);
  if (failed) {
    std::cerr << path << ": error: cannot read the folder: " << failed.message() << '\n';
    return std::nullopt;
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) std::cerr << path << ": warning: the folder holds no .json files\n";
  return files;
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path.string() << ": error: cannot read the file\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

std::string name_of(const WorkflowDefinition& definition) {
  return "version " + std::to_string(definition.version) + " of '" + definition.id + "'";
}

}  // namespace

void DefinitionsFlag::add_to(CLI::App& command) {
  command
      .add_option("--definitions", paths,
                  "Definitions the run may call (a file, or a folder of .json definitions; "
                  "repeatable); kept in the store with the one run")
      ->check(CLI::ExistingPath)
      ->type_name("PATH");
}

std::optional<std::vector<DefinitionFile>> load_definitions(const std::vector<std::string>& paths,
                                                            const LoadOptions& options,
                                                            std::size_t& warnings) {
  std::vector<DefinitionFile> loaded;
  std::set<fs::path> read;
  bool ok = true;
  for (const auto& path : paths) {
    const auto files = files_of(path);
    if (!files) {
      ok = false;
      continue;
    }
    for (const auto& file : *files) {
      std::error_code failed;
      const auto canonical = fs::weakly_canonical(file, failed);
      if (!read.insert(failed ? file : canonical).second) continue;
      auto text = read_text(file);
      if (!text) {
        ok = false;
        continue;
      }
      auto definition = load_definition(*text, file.string(), options);
      if (!definition) {
        std::cerr << definition.error();
        ok = false;
        continue;
      }
      auto workflow =
          Workflow::compile(std::move(*definition), options.step_types, options.max_errors);
      if (!workflow) {
        std::cerr << workflow.error();
        ok = false;
        continue;
      }
      std::cerr << workflow->warnings();
      warnings += workflow->warnings().size();
      const auto& added = workflow->definition();
      const auto same = std::find_if(loaded.begin(), loaded.end(), [&](const DefinitionFile& d) {
        return d.workflow.definition().id == added.id &&
               d.workflow.definition().version == added.version;
      });
      if (same == loaded.end()) {
        loaded.push_back({file.string(), std::move(*text), std::move(*workflow)});
      } else if (same->text != *text) {
        std::cerr << file.string() << ": error: " << name_of(added) << " is also in " << same->path
                  << ", with another text; give one of them a new version\n";
        ok = false;
      }
    }
  }
  if (!ok) return std::nullopt;
  return loaded;
}

bool callees_given(std::span<const DefinitionFile> given, std::span<const Workflow> deployed) {
  std::set<std::string, std::less<>> known;
  for (const auto& d : given) known.insert(d.workflow.definition().id);
  for (const auto& w : deployed) known.insert(w.definition().id);
  bool all = true;
  for (const auto& d : given)
    for (const auto& callee : called_workflows(d.workflow.definition())) {
      if (known.contains(callee)) continue;
      std::cerr << d.path << ": error: '" << d.workflow.definition().id << "' calls the workflow '"
                << callee << "', which none of the definitions given is; give its file too "
                << "(after the file to run, or with --definitions PATH)\n";
      all = false;
    }
  return all;
}

int deploy_and_keep(Engine& engine, Store& store, std::span<const DefinitionFile> definitions,
                    std::span<const Workflow> deployed) {
  auto* archive = store.definition_archive();
  if (!archive) {
    std::cerr << "error: this store keeps no definitions, so its instances could not be resumed\n";
    return exit_stopped;
  }
  const auto kept = archive->definitions();
  if (!kept) {
    std::cerr << "error: " << kept.error().message << '\n';
    return exit_stopped;
  }
  // Checked for all before any is deployed or kept.
  std::vector<const DefinitionFile*> new_ones;
  for (const auto& d : definitions) {
    const auto& definition = d.workflow.definition();
    const auto earlier = std::find_if(kept->begin(), kept->end(), [&](const StoredDefinition& s) {
      return s.workflow == definition.id && s.version == definition.version;
    });
    if (earlier == kept->end()) {
      new_ones.push_back(&d);
    } else if (earlier->source != d.text) {
      std::cerr << d.path << ": error: " << name_of(definition)
                << " is in the store with another text; give the changed definition a new "
                   "version\n";
      return exit_invalid;
    }
  }
  for (const auto& d : definitions) {
    const auto& definition = d.workflow.definition();
    // A version the store keeps was deployed from it, with the same text.
    if (std::any_of(deployed.begin(), deployed.end(), [&](const Workflow& w) {
          return w.definition().id == definition.id && w.definition().version == definition.version;
        }))
      continue;
    if (auto ok = engine.deploy(d.workflow); !ok) {
      std::cerr << Diagnostic{ok.error()} << '\n';  // located, when the error is
      return exit_invalid;
    }
  }
  // Kept only once deployed: `instances resume` deploys what the store keeps, and a definition
  // the engine refuses (a host type without an adapter) would stop it for every instance.
  for (const auto* d : new_ones) {
    const auto& definition = d->workflow.definition();
    if (auto ok = archive->keep_definition({definition.id, definition.version, d->text}); !ok) {
      std::cerr << Diagnostic{ok.error()} << '\n';  // located, when the error is
      return exit_stopped;
    }
  }
  return exit_ok;
}

}  // namespace ablauf::cli
