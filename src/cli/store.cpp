#include "store.hpp"

#include "commands.hpp"

#include <filesystem>
#include <iostream>

namespace ablauf::cli {

void StoreFlag::add_to(CLI::App& command) {
  command
      .add_option("--store", path,
                  "SQLite database of instances, :memory: for none, or a postgresql:// URL to "
                  "share instances with other processes")
      ->capture_default_str();
}

std::unique_ptr<Store> open_store(const std::string& path, bool read_only) {
  if (path.starts_with("postgresql://") || path.starts_with("postgres://")) {
    auto shared = PostgresStore::open(path);
    if (!shared) {
      std::cerr << "error: " << shared.error().message << '\n';
      return nullptr;
    }
    return std::move(*shared);
  }
  if (read_only && path != ":memory:" && !std::filesystem::exists(path)) {
    std::cerr << "error: there is no store '" << path << "' (give one with --store PATH)\n";
    return nullptr;
  }
  auto store = SqliteStore::open(path, {.read_only = read_only});
  if (!store) {
    std::cerr << "error: " << store.error().message << '\n';
    return nullptr;
  }
  return std::move(*store);
}

tl::expected<StoredInstance, Error> read_instance(const Store& store, const std::string& id) {
  auto history = store.load(id);
  if (!history) return tl::make_unexpected(std::move(history.error()));
  auto state = fold(id, *history);
  if (!state) return tl::make_unexpected(std::move(state.error()));
  return StoredInstance{std::move(*state), std::move(*history)};
}

tl::expected<std::vector<StoredDefinition>, Error> kept_definitions(const Store& store) {
  if (auto* archive = store.definition_archive()) return archive->definitions();
  return std::vector<StoredDefinition>();
}

tl::expected<WorkflowDefinition, int> kept_definition(const Store& store,
                                                      const std::string& workflow,
                                                      std::uint32_t version,
                                                      const LoadOptions& options,
                                                      std::string_view severity) {
  const auto kept = kept_definitions(store);
  if (!kept) {
    std::cerr << severity << ": " << kept.error().message << '\n';
    return tl::make_unexpected(exit_usage);
  }
  for (const auto& definition : *kept) {
    if (definition.workflow != workflow || definition.version != version) continue;
    auto loaded = load_definition(definition.source,
                                  workflow + " version " + std::to_string(version), options);
    if (!loaded) {
      std::cerr << loaded.error();
      return tl::make_unexpected(exit_invalid);
    }
    return std::move(*loaded);
  }
  std::cerr << severity << ": the store keeps no definition of " << workflow << " version "
            << version << '\n';
  return tl::make_unexpected(exit_usage);
}

std::optional<std::vector<Workflow>> deploy_kept(Engine& engine, const Store& store,
                                                 const LoadOptions& options) {
  const auto kept = kept_definitions(store);
  if (!kept) {
    std::cerr << "error: " << kept.error().message << '\n';
    return std::nullopt;
  }
  std::vector<Workflow> deployed;
  bool ok = true;
  for (const auto& definition : *kept) {
    const std::string name = definition.workflow + " version " + std::to_string(definition.version);
    auto loaded = load_definition(definition.source, name, options);
    if (!loaded) {
      std::cerr << loaded.error();
      ok = false;
      continue;
    }
    auto workflow = Workflow::compile(std::move(*loaded), options.step_types, options.max_errors);
    if (!workflow) {
      std::cerr << workflow.error();
      ok = false;
      continue;
    }
    deployed.push_back(*workflow);  // shares the compiled form with the engine's copy
    if (auto done = engine.deploy(std::move(*workflow)); !done) {
      std::cerr << Diagnostic{done.error()} << '\n';  // located, when the error is
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return deployed;
}

}  // namespace ablauf::cli
