// The text syntax, parsed by precedence climbing into a Program.
//
//   ternary        or ('?' ternary ':' ternary)?
//   or             and ('||' and)*
//   and            equality ('&&' equality)*
//   equality       relational (('==' | '!=') relational)*
//   relational     additive (('<' | '<=' | '>' | '>=' | 'in') additive)*
//   additive       multiplicative (('+' | '-') multiplicative)*
//   multiplicative unary (('*' | '/' | '%') unary)*
//   unary          ('!' | '-') unary | postfix
//   postfix        primary ('.' name | '[' ternary ']')*
//   primary        literal | name | call | '(' ternary ')' | '[' (ternary (',' ternary)*)? ']'
#pragma once

#include "program.hpp"

#include <tl/expected.hpp>

namespace ablauf::detail {

tl::expected<Program, ExpressionError> parse_text(std::string_view text,
                                                  const CompileOptions& options);

}  // namespace ablauf::detail
