/// @file
/// Definitions a durable store keeps for tools that run instances without a host of their own.
///
/// A host deploys its definitions itself each time it starts, and needs none of this. The
/// ablauf command line has no such home: it keeps the text of each definition it ran in the
/// store, so that `ablauf instances resume` can deploy it again. SqliteStore and PostgresStore
/// provide an archive (Store::definition_archive()); MemoryStore does not.
///
/// Thread-safety: every DefinitionArchive may be called from several threads at once.
#pragma once

#include <ablauf/error.hpp>

#include <tl/expected.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ablauf {

/// A definition kept in a durable store.
struct StoredDefinition {
  std::string workflow;       ///< the workflow's id
  std::uint32_t version = 0;  ///< the definition's version
  std::string source;         ///< the definition's JSON text
};

/// The definitions a store keeps.
class DefinitionArchive {
 public:
  virtual ~DefinitionArchive() = default;

  /// Keeps a definition's text under its id and version. Keeping a version again changes
  /// nothing: the text first kept stays.
  virtual tl::expected<void, Error> keep_definition(const StoredDefinition& definition) = 0;
  /// The definitions kept, by workflow and then version.
  virtual tl::expected<std::vector<StoredDefinition>, Error> definitions() const = 0;
};

}  // namespace ablauf
