// The store the commands share: a SQLite file, ./ablauf.db unless --store says otherwise.
#pragma once

#include <ablauf/engine.hpp>
#include <ablauf/sqlite_store.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ablauf::cli {

struct StoreFlag {
  std::string path = "ablauf.db";
  void add_to(CLI::App& command);
};

// Opens the store (for reading only: beside a process that runs the instances); prints why not
// and returns null if it cannot.
std::unique_ptr<SqliteStore> open_store(const std::string& path, bool read_only = false);

// Deploys every definition kept in the store, so that its instances can run, and returns them;
// prints what does not load and returns nothing.
std::optional<std::vector<Workflow>> deploy_kept(Engine& engine, const SqliteStore& store,
                                                 const LoadOptions& options);

}  // namespace ablauf::cli
