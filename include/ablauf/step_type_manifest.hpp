/// @file
/// Step types declared in JSON: a host's manifest, read into a StepTypeRegistry.
///
/// A host that adds its own step types declares them once, in a manifest, so that the
/// command line checks its definitions as it checks the built-in ones (`ablauf validate
/// --step-types FILE`) and its C++ code need not repeat the declaration:
///
///     {"step_types": [
///       {"name": "check_credit", "title": {"de": "Bonität prüfen", "en": "Check credit"},
///        "parameters": [
///          {"name": "customer", "type": "string", "required": true},
///          {"name": "limit", "type": "number", "default": 1000},
///          {"name": "mode", "type": "string", "allowed_values": ["quick", "full"]}]}]}
///
/// docs/adapters.md describes every field. A manifest declares; it runs nothing: the host
/// registers the adapter that runs the steps of each type (Engine::register_adapter), and
/// Engine::deploy() refuses a workflow with a step whose type has none.
///
/// Thread-safety: free functions; safe to call concurrently on different registries.
#pragma once

#include <ablauf/definition.hpp>
#include <ablauf/error.hpp>
#include <ablauf/step_type.hpp>

#include <tl/expected.hpp>

#include <filesystem>
#include <string>

namespace ablauf {

/// Reads a manifest from its text and adds its step types to `registry`: every one of them,
/// or none when any problem is found. `source_name` names the text in diagnostics (usually a
/// path). Every problem is reported at once, located (line, column, JSON pointer), as the
/// loader reports a definition's: a malformed field, an unknown parameter type, a default that
/// does not fit its parameter, a name the registry already has (a built-in one, or one from an
/// earlier manifest), a key written twice. `options` gives the JSON limits, max_identifier_length
/// (for parameter names) and max_errors; its other fields are checked (check_load_options())
/// but not used.
tl::expected<void, Diagnostics> add_step_types(StepTypeRegistry& registry, std::string text,
                                               std::string source_name,
                                               const LoadOptions& options = {});

/// Reads the manifest at `path` (at most options.json.max_document_bytes) and adds its step
/// types to `registry`, as add_step_types() does.
tl::expected<void, Diagnostics> add_step_types_file(StepTypeRegistry& registry,
                                                    const std::filesystem::path& path,
                                                    const LoadOptions& options = {});

}  // namespace ablauf
