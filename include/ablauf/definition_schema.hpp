/// The JSON Schema of definitions, for editors and linters, with a host's step types in it.
#pragma once

#include <ablauf/step_type.hpp>

#include <boost/json/value.hpp>

namespace ablauf {

/// The JSON Schema (draft 2020-12) that definitions follow: docs/schema/definition.schema.json,
/// with each type of `types` that is not built in added as the built-in types are. A step of
/// such a type is then checked like a built-in one: its parameters' JSON types, the required
/// ones, allowed values, groups of which exactly one is given, whether it may have `next`, and
/// no parameter it does not declare. A computed value (`{"=": …}`) passes wherever the loader
/// accepts one. Types the schema cannot tell apart from the built-in ones (a parameter's
/// expression syntax, a duration's range) are left to the loader, as for the built-in types.
boost::json::value definition_schema(const StepTypeRegistry& types = StepTypeRegistry::builtin());

}  // namespace ablauf
