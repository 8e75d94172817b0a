// Tokens of the text expression language.
#pragma once

#include "ablauf/expression.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace ablauf::detail {

enum class Token : std::uint8_t {
  end,
  number,
  string,
  identifier,
  // keywords
  true_,
  false_,
  null,
  in,
  // punctuation
  left_paren,
  right_paren,
  left_bracket,
  right_bracket,
  comma,
  dot,
  question,
  colon,
  bang,
  and_,
  or_,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  plus,
  minus,
  star,
  slash,
  percent,
};

struct Lexeme {
  Token token = Token::end;
  std::size_t offset = 0;
  std::string_view text;     // as written
  boost::json::value value;  // number and string literals
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // The next token, or an error at the character that cannot start or continue one.
  tl::expected<Lexeme, ExpressionError> next();

 private:
  tl::expected<Lexeme, ExpressionError> number(std::size_t start);
  tl::expected<Lexeme, ExpressionError> string(std::size_t start);
  tl::expected<Lexeme, ExpressionError> punctuation(std::size_t start);

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string_view describe(Token token) noexcept;

}  // namespace ablauf::detail
