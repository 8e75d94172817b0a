#include "lexer.hpp"

#include "utf8.hpp"

#include <charconv>
#include <cmath>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_name_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) noexcept {
  return is_name_start(c) || is_digit(c);
}

tl::unexpected<ExpressionError> error_at(std::size_t offset, std::string message) {
  return tl::make_unexpected(ExpressionError{std::move(message), offset});
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Keyword {
  std::string_view text;
  Token token;
};
constexpr Keyword keywords[] = {
    {"true", Token::true_}, {"false", Token::false_}, {"null", Token::null}, {"in", Token::in}};

}  // namespace

std::string_view describe(Token token) noexcept {
  switch (token) {
    case Token::end: return "the end of the expression";
    case Token::number: return "a number";
    case Token::string: return "a string";
    case Token::identifier: return "a name";
    case Token::true_: return "'true'";
    case Token::false_: return "'false'";
    case Token::null: return "'null'";
    case Token::in: return "'in'";
    case Token::left_paren: return "'('";
    case Token::right_paren: return "')'";
    case Token::left_bracket: return "'['";
    case Token::right_bracket: return "']'";
    case Token::comma: return "','";
    case Token::dot: return "'.'";
    case Token::question: return "'?'";
    case Token::colon: return "':'";
    case Token::bang: return "'!'";
    case Token::and_: return "'&&'";
    case Token::or_: return "'||'";
    case Token::equal: return "'=='";
    case Token::not_equal: return "'!='";
    case Token::less: return "'<'";
    case Token::less_equal: return "'<='";
    case Token::greater: return "'>'";
    case Token::greater_equal: return "'>='";
    case Token::plus: return "'+'";
    case Token::minus: return "'-'";
    case Token::star: return "'*'";
    case Token::slash: return "'/'";
    case Token::percent: return "'%'";
  }
  return "a token";
}

tl::expected<Lexeme, ExpressionError> Lexer::next() {
  while (pos_ < text_.size() &&
         (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
    ++pos_;
  const std::size_t start = pos_;
  if (pos_ == text_.size()) return Lexeme{Token::end, start, {}};
  const char c = text_[pos_];
  if (is_digit(c)) return number(start);
  if (c == '"' || c == '\'') return string(start);
  if (is_name_start(c)) {
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    const auto word = text_.substr(start, pos_ - start);
    for (const auto& keyword : keywords)
      if (keyword.text == word) return Lexeme{keyword.token, start, word};
    return Lexeme{Token::identifier, start, word};
  }
  return punctuation(start);
}

tl::expected<Lexeme, ExpressionError> Lexer::number(std::size_t start) {
  while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  bool whole = true;
  if (pos_ + 1 < text_.size() && text_[pos_] == '.' && is_digit(text_[pos_ + 1])) {
    whole = false;
    ++pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    whole = false;
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (pos_ == text_.size() || !is_digit(text_[pos_]))
      return error_at(pos_, "expected the digits of an exponent");
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && is_name_char(text_[pos_]))
    return error_at(pos_, "a number cannot run into a name");
  const auto literal = text_.substr(start, pos_ - start);
  Lexeme lexeme{Token::number, start, literal};
  if (whole) {
    std::int64_t value = 0;
    const auto r = std::from_chars(literal.data(), literal.data() + literal.size(), value);
    if (r.ec == std::errc{}) {
      lexeme.value = value;
      return lexeme;
    }
  }
  double value = 0;
  const auto r = std::from_chars(literal.data(), literal.data() + literal.size(), value);
  if (r.ec != std::errc{} || !std::isfinite(value))
    return error_at(start, "the number " + std::string(literal) + " is too large");
  lexeme.value = value;
  return lexeme;
}

// Strings take single or double quotes (single ones need no escaping inside JSON) and JSON's
// escapes.
tl::expected<Lexeme, ExpressionError> Lexer::string(std::size_t start) {
  const char quote = text_[pos_++];
  std::string value;
  while (true) {
    if (pos_ == text_.size())
      return error_at(start, std::string("this string is never closed; end it with ") + quote);
    const char c = text_[pos_];
    if (c == quote) break;
    if (c == '\n') return error_at(pos_, "a string cannot span lines; write \\n");
    if (c != '\\') {
      value += c;
      ++pos_;
      continue;
    }
    const std::size_t escape = pos_++;
    if (pos_ == text_.size()) return error_at(escape, "a backslash ends the expression");
    switch (const char e = text_[pos_++]) {
      case '"':
      case '\'':
      case '\\':
      case '/': value += e; break;
      case 'b': value += '\b'; break;
      case 'f': value += '\f'; break;
      case 'n': value += '\n'; break;
      case 'r': value += '\r'; break;
      case 't': value += '\t'; break;
      case 'u': {
        const auto read_hex = [&](char32_t& out) {
          if (pos_ + 4 > text_.size()) return false;
          out = 0;
          for (int i = 0; i < 4; ++i) {
            const int h = hex_value(text_[pos_ + i]);
            if (h < 0) return false;
            out = out * 16 + static_cast<char32_t>(h);
          }
          pos_ += 4;
          return true;
        };
        char32_t cp = 0;
        if (!read_hex(cp)) return error_at(escape, "\\u takes four hex digits");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          char32_t low = 0;
          if (text_.substr(pos_, 2) != "\\u" || (pos_ += 2, !read_hex(low)) || low < 0xDC00 ||
              low > 0xDFFF)
            return error_at(escape, "a high surrogate must be followed by a low one");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return error_at(escape, "a low surrogate without a high one");
        }
        utf8::append(cp, value);
        break;
      }
      default:
        return error_at(escape, std::string("unknown escape \\") + e +
                                    "; strings know \\\\ \\\" \\' \\n \\t \\r \\b \\f \\/ \\u");
    }
  }
  ++pos_;
  return Lexeme{Token::string, start, text_.substr(start, pos_ - start), json::value(value)};
}

tl::expected<Lexeme, ExpressionError> Lexer::punctuation(std::size_t start) {
  const char c = text_[pos_];
  const char n = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  const auto token = [&](Token t, std::size_t length) {
    pos_ += length;
    return Lexeme{t, start, text_.substr(start, length)};
  };
  switch (c) {
    case '(': return token(Token::left_paren, 1);
    case ')': return token(Token::right_paren, 1);
    case '[': return token(Token::left_bracket, 1);
    case ']': return token(Token::right_bracket, 1);
    case ',': return token(Token::comma, 1);
    case '.': return token(Token::dot, 1);
    case '?': return token(Token::question, 1);
    case ':': return token(Token::colon, 1);
    case '+': return token(Token::plus, 1);
    case '-': return token(Token::minus, 1);
    case '*': return token(Token::star, 1);
    case '/': return token(Token::slash, 1);
    case '%': return token(Token::percent, 1);
    case '<': return n == '=' ? token(Token::less_equal, 2) : token(Token::less, 1);
    case '>': return n == '=' ? token(Token::greater_equal, 2) : token(Token::greater, 1);
    case '!':
      if (n == '=') {
        if (pos_ + 2 < text_.size() && text_[pos_ + 2] == '=')
          return error_at(start, "'!==' is written '!=': comparisons never convert types");
        return token(Token::not_equal, 2);
      }
      return token(Token::bang, 1);
    case '=':
      if (n != '=') return error_at(start, "'=' does not compare; write '=='");
      if (pos_ + 2 < text_.size() && text_[pos_ + 2] == '=')
        return error_at(start, "'===' is written '==': comparisons never convert types");
      return token(Token::equal, 2);
    case '&':
      if (n != '&') return error_at(start, "'&' is not an operator; write '&&' for and");
      return token(Token::and_, 2);
    case '|':
      if (n != '|') return error_at(start, "'|' is not an operator; write '||' for or");
      return token(Token::or_, 2);
    default: break;
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x80)
    return error_at(start, "names are ASCII; write input[\"Straße\"] for a key with other letters");
  return error_at(start, std::string("unexpected character '") + c + "'");
}

}  // namespace ablauf::detail
