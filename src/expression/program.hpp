// The compiled form of an expression: a tree of nodes in one vector, shared by both syntaxes.
#pragma once

#include "ablauf/expression.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ablauf::detail {

using NodeId = std::uint32_t;

enum class Op : std::uint8_t {
  literal,  // constant
  array,    // [args…], each evaluated
  path,     // a fixed path from a root; args = {default?}, used when the path is missing
  var,      // JsonLogic `var` with a computed path: args = {path, default?}
  index,    // args[0][args[1]]
  exists,   // whether a fixed path resolves (even to null)
  // logic
  not_,
  truthy,
  and_,  // returns the first falsy operand, or the last
  or_,   // returns the first truthy operand, or the last
  cond,  // c1, v1, c2, v2, …, else?
  // comparison
  equal,  // strict (text ==, JsonLogic ===)
  not_equal,
  loose_equal,  // JavaScript's == (JsonLogic)
  loose_not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  in,
  // arithmetic
  add,
  subtract,
  multiply,
  divide,
  remainder,
  negate,
  // lists: args = {list, body[, initial]}; the body sees each element as its scope
  map,
  filter,
  reduce,
  all,
  some,
  none,
  // errors as values (JsonLogic): try = {attempt, fallback…}; throw = {type}
  try_,
  throw_,
  call,  // a library function: args evaluated, then the function
};

// Numbers, comparisons and `+` follow one of two rule sets: the text language's strict ones,
// or JavaScript's coercions, which JsonLogic rules are written against.
enum class Semantics : std::uint8_t { strict, javascript };

// Where a path starts: the document, the element of an enclosing list operation (`it` in
// text, `var` inside a JsonLogic body), or the accumulator of an enclosing reduce. Inside a
// JsonLogic reduce, `var` reads an object {current, accumulator}: reduce_scope resolves a
// computed path's first segment that way.
enum class PathRoot : std::uint8_t { document, scope, accumulator, reduce_scope };

struct PathSegment {
  std::string name;
  std::int64_t index = -1;  // the name as an array index, or -1
};

struct Function;

struct Node {
  Op op = Op::literal;
  Semantics semantics = Semantics::strict;
  std::uint32_t origin = 0;  // offset in the text, or index into Program::pointers
  std::vector<NodeId> args;
  // literal
  boost::json::value value;
  // path / exists
  PathRoot root = PathRoot::document;
  std::uint32_t scope_up = 0;  // for PathRoot::scope: how many enclosing scopes to skip
  std::vector<PathSegment> segments;
  // call
  const Function* function = nullptr;
};

struct Program {
  ExpressionSyntax syntax = ExpressionSyntax::text;
  std::string text;
  std::vector<Node> nodes;
  NodeId root = 0;
  std::vector<std::string> pointers;  // JsonLogic: the rule pointer of each origin

  NodeId add(Node node) {
    nodes.push_back(std::move(node));
    return static_cast<NodeId>(nodes.size() - 1);
  }
};

PathSegment make_segment(std::string name);

}  // namespace ablauf::detail
