// The store the commands share: a SQLite file, ./ablauf.db unless --store says otherwise.
#pragma once

#include <ablauf/engine.hpp>
#include <ablauf/postgres_store.hpp>
#include <ablauf/sqlite_store.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::cli {

struct StoreFlag {
  std::string path = "ablauf.db";
  void add_to(CLI::App& command);
};

// Opens the store: a SQLite file, or a PostgreSQL database for a connection string starting
// with postgresql:// or postgres:// (shared with other processes). `read_only` opens SQLite for
// reading only, beside a process that runs the instances. Prints why not and returns null if it
// cannot.
std::unique_ptr<Store> open_store(const std::string& path, bool read_only = false);

// An instance as its events make it: read straight from the store, without its definition.
struct StoredInstance {
  InstanceState state;
  std::vector<Event> history;
};
tl::expected<StoredInstance, Error> read_instance(const Store& store, const std::string& id);

// Every definition the store keeps (see DefinitionArchive); none in a store that keeps none.
tl::expected<std::vector<StoredDefinition>, Error> kept_definitions(const Store& store);

// The definition the store keeps for `workflow` in `version`, as it was deployed. Prints why
// not, as `severity` ("error" or "warning"), and returns the exit status that says it:
// exit_usage when the store keeps none (or cannot be read), exit_invalid when the one it keeps
// does not load.
tl::expected<WorkflowDefinition, int> kept_definition(const Store& store,
                                                      const std::string& workflow,
                                                      std::uint32_t version,
                                                      const LoadOptions& options,
                                                      std::string_view severity = "error");

// Deploys every definition kept in the store, so that its instances can run, and returns them;
// prints what does not load and returns nothing.
std::optional<std::vector<Workflow>> deploy_kept(Engine& engine, const Store& store,
                                                 const LoadOptions& options);

}  // namespace ablauf::cli
