// Type checking of one compiled expression (internal): the kinds of value each part gives,
// worked out from the types of the paths it reads, and the mistakes that shows — an order
// between a number and a string, arithmetic on a string, a comparison with a value an enum
// never takes, a condition that is a number, a value that may be missing where null fails.
// docs/expressions.md ("Type checking") gives the rules.
#pragma once

#include "expression/program.hpp"
#include "typing/schema_shape.hpp"
#include "typing/value_kinds.hpp"

#include "ablauf/error.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ablauf::detail {

// What the loader knows of a value.
struct ValueType {
  Kinds kinds = kind::any;
  SchemaShape shape;                 // what lies below, for paths into declared data
  std::vector<std::string> options;  // the strings it can be (an enum); empty: any
  bool may_be_missing = false;       // read from a path that may lead nowhere (null then)
  std::string path;                  // the path it was read from, for messages; else ""
  // For a path into a step that may not have completed where it is read: the warning to give
  // unless the expression tests the path first or gives it a default.
  std::string not_run;
};

// The type of a path from the instance data, with what is wrong with the path itself (an
// unknown field) when something is.
struct PathType {
  ValueType type;
  std::optional<Severity> severity;  // none: nothing is wrong
  ErrorCode code = ErrorCode::unknown_reference;
  std::string problem;
};

using PathResolver = std::function<PathType(std::span<const PathSegment> segments)>;

// A mistake found, where the expression's own errors are: at `offset` into a text expression,
// or at `pointer` into a JsonLogic rule.
struct TypeFinding {
  Severity severity = Severity::error;
  ErrorCode code = ErrorCode::type_mismatch;
  std::string message;
  std::size_t offset = 0;
  std::string pointer;
};

// What the value of a whole expression is expected to be.
enum class ExpectedValue : std::uint8_t {
  any,        // a value of its own type (assign, a template's data)
  condition,  // true or false (when, visible_if): a text expression that gives a number,
              // a string or a list by computing it is an error; a bare path tests presence
};

struct TypedExpression {
  ValueType type;
  std::vector<TypeFinding> findings;
};

// Types `expression`, reading its paths' types from `resolve`.
TypedExpression type_expression(const Expression& expression, const PathResolver& resolve,
                                ExpectedValue expected = ExpectedValue::any);

// Where a finding about node `origin` of `program` is: its offset or its rule pointer.
TypeFinding locate(const Program& program, std::uint32_t origin, Severity severity, ErrorCode code,
                   std::string message);

}  // namespace ablauf::detail
