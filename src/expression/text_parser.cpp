#include "text_parser.hpp"

#include "functions.hpp"
#include "lexer.hpp"
#include "suggest.hpp"

#include <algorithm>

namespace ablauf::detail {
namespace {

using Parsed = tl::expected<NodeId, ExpressionError>;

tl::unexpected<ExpressionError> error_at(std::size_t offset, std::string message,
                                         bool limit = false) {
  return tl::make_unexpected(ExpressionError{std::move(message), offset, {}, limit});
}

struct ListForm {
  std::string_view name;
  Op op;
  std::size_t args;  // list, body[, initial]
};
constexpr ListForm list_forms[] = {{"map", Op::map, 2},   {"filter", Op::filter, 2},
                                   {"all", Op::all, 2},   {"some", Op::some, 2},
                                   {"none", Op::none, 2}, {"reduce", Op::reduce, 3}};

struct BinaryOperator {
  Token token;
  Op op;
};

class Parser {
 public:
  Parser(std::string_view text, const CompileOptions& options) : lexer_(text), options_(options) {
    program_.syntax = ExpressionSyntax::text;
    program_.text = text;
  }

  tl::expected<Program, ExpressionError> run() {
    if (program_.text.size() > options_.limits.max_length)
      return error_at(options_.limits.max_length,
                      "the expression is longer than " +
                          std::to_string(options_.limits.max_length) + " bytes (max_length)",
                      true);
    if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
    if (current_.token == Token::end) return error_at(0, "the expression is empty");
    auto root = ternary();
    if (!root) return tl::make_unexpected(root.error());
    if (current_.token != Token::end)
      return error_at(current_.offset, "unexpected " + quote(current_) +
                                           " after a complete expression; is an operator "
                                           "missing?");
    program_.root = *root;
    return std::move(program_);
  }

 private:
  // The node, after checking that the tree stays within the depth limit.
  Parsed add(Node node) {
    std::uint32_t depth = 1;
    for (const NodeId arg : node.args) depth = std::max(depth, depth_[arg] + 1);
    if (depth > options_.limits.max_depth)
      return error_at(node.origin,
                      "the expression nests deeper than " +
                          std::to_string(options_.limits.max_depth) + " levels (max_depth)",
                      true);
    depth_.push_back(depth);
    return program_.add(std::move(node));
  }

  Parsed add(Op op, std::size_t origin, std::vector<NodeId> args) {
    Node node;
    node.op = op;
    node.origin = static_cast<std::uint32_t>(origin);
    node.args = std::move(args);
    return add(std::move(node));
  }

  tl::expected<void, ExpressionError> advance() {
    auto next = lexer_.next();
    if (!next) return tl::make_unexpected(next.error());
    current_ = std::move(*next);
    return {};
  }

  static std::string quote(const Lexeme& lexeme) {
    if (lexeme.token == Token::end) return std::string(describe(lexeme.token));
    return "'" + std::string(lexeme.text) + "'";
  }

  tl::expected<void, ExpressionError> expect(Token token, std::string_view context) {
    if (current_.token != token)
      return error_at(current_.offset, "expected " + std::string(describe(token)) + " " +
                                           std::string(context) + ", found " + quote(current_));
    return advance();
  }

  // Guards the recursion of the parser itself, before any node exists to count.
  struct Nesting {
    Parser& parser;
    explicit Nesting(Parser& p) : parser(p) { ++parser.nesting_; }
    ~Nesting() { --parser.nesting_; }
  };
  tl::expected<void, ExpressionError> check_nesting() {
    if (nesting_ > options_.limits.max_depth)
      return error_at(current_.offset,
                      "the expression nests deeper than " +
                          std::to_string(options_.limits.max_depth) + " levels (max_depth)",
                      true);
    return {};
  }

  Parsed ternary() {
    Nesting guard(*this);
    if (auto ok = check_nesting(); !ok) return tl::make_unexpected(ok.error());
    auto condition = logical(Token::or_, Op::or_);
    if (!condition || current_.token != Token::question) return condition;
    const std::size_t origin = current_.offset;
    if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
    auto then = ternary();
    if (!then) return then;
    if (auto ok = expect(Token::colon, "between the two values of '? :'"); !ok)
      return tl::make_unexpected(ok.error());
    auto otherwise = ternary();
    if (!otherwise) return otherwise;
    return add(Op::cond, origin, {*condition, *then, *otherwise});
  }

  // && and || chains become one node each, so a long chain does not nest.
  Parsed logical(Token token, Op op) {
    auto first = op == Op::or_ ? logical(Token::and_, Op::and_) : binary(0);
    if (!first || current_.token != token) return first;
    std::vector<NodeId> operands{*first};
    const std::size_t origin = current_.offset;
    while (current_.token == token) {
      if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
      auto next = op == Op::or_ ? logical(Token::and_, Op::and_) : binary(0);
      if (!next) return next;
      operands.push_back(*next);
    }
    return add(op, origin, std::move(operands));
  }

  // Left-associative binary operators, loosest first.
  Parsed binary(std::size_t level) {
    static const std::vector<std::vector<BinaryOperator>> levels = {
        {{Token::equal, Op::equal}, {Token::not_equal, Op::not_equal}},
        {{Token::less, Op::less},
         {Token::less_equal, Op::less_equal},
         {Token::greater, Op::greater},
         {Token::greater_equal, Op::greater_equal},
         {Token::in, Op::in}},
        {{Token::plus, Op::add}, {Token::minus, Op::subtract}},
        {{Token::star, Op::multiply}, {Token::slash, Op::divide}, {Token::percent, Op::remainder}},
    };
    if (level == levels.size()) return unary();
    auto left = binary(level + 1);
    while (left) {
      const auto& ops = levels[level];
      const auto it = std::find_if(ops.begin(), ops.end(), [&](const BinaryOperator& b) {
        return b.token == current_.token;
      });
      if (it == ops.end()) break;
      const std::size_t origin = current_.offset;
      if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
      auto right = binary(level + 1);
      if (!right) return right;
      left = add(it->op, origin, {*left, *right});
    }
    return left;
  }

  Parsed unary() {
    if (current_.token != Token::bang && current_.token != Token::minus) return postfix();
    Nesting guard(*this);
    if (auto ok = check_nesting(); !ok) return tl::make_unexpected(ok.error());
    const Op op = current_.token == Token::bang ? Op::not_ : Op::negate;
    const std::size_t origin = current_.offset;
    if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
    auto operand = unary();
    if (!operand) return operand;
    return add(op, origin, {*operand});
  }

  Parsed postfix() {
    auto base = primary();
    while (base) {
      if (current_.token == Token::dot) {
        if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
        const bool word = current_.token == Token::identifier || current_.token == Token::in ||
                          current_.token == Token::true_ || current_.token == Token::false_ ||
                          current_.token == Token::null;
        if (!word)
          return error_at(current_.offset,
                          "expected a name after '.', found " + quote(current_) +
                              "; write items[0] for an element, or x[\"a key\"] for an unusual "
                              "key");
        base = member(*base, std::string(current_.text), current_.offset);
        if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
      } else if (current_.token == Token::left_bracket) {
        const std::size_t origin = current_.offset;
        if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
        auto key = ternary();
        if (!key) return key;
        if (auto ok = expect(Token::right_bracket, "to close the '['"); !ok)
          return tl::make_unexpected(ok.error());
        base = subscript(*base, *key, origin);
      } else {
        break;
      }
    }
    return base;
  }

  // `base.name`: extends a fixed path, or indexes a computed value.
  Parsed member(NodeId base, std::string name, std::size_t origin) {
    Node& node = program_.nodes[base];
    if (node.op == Op::path) {
      node.segments.push_back(make_segment(std::move(name)));
      return base;
    }
    Node key;
    key.origin = static_cast<std::uint32_t>(origin);
    key.value = boost::json::value(name);
    auto key_id = add(std::move(key));
    if (!key_id) return key_id;
    return add(Op::index, origin, {base, *key_id});
  }

  // `base[key]`: a literal key extends a fixed path; any other key is looked up when evaluated.
  Parsed subscript(NodeId base, NodeId key, std::size_t origin) {
    const Node& k = program_.nodes[key];
    if (program_.nodes[base].op == Op::path && k.op == Op::literal &&
        key + 1 == program_.nodes.size()) {
      std::string name;
      if (k.value.is_string()) {
        name = k.value.get_string();
      } else if (k.value.is_int64() && k.value.get_int64() >= 0) {
        name = std::to_string(k.value.get_int64());
      }
      if (!name.empty() || k.value.is_string()) {
        auto segment = make_segment(std::move(name));
        if (k.value.is_string()) segment.index = -1;  // "0" in quotes names a member
        program_.nodes[base].segments.push_back(std::move(segment));
        program_.nodes.pop_back();  // the literal is part of the path now
        depth_.pop_back();
        return base;
      }
    }
    return add(Op::index, origin, {base, key});
  }

  Parsed primary() {
    Lexeme lexeme = current_;
    switch (lexeme.token) {
      case Token::number:
      case Token::string:
      case Token::true_:
      case Token::false_:
      case Token::null: {
        if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
        Node node;
        node.origin = static_cast<std::uint32_t>(lexeme.offset);
        if (lexeme.token == Token::true_ || lexeme.token == Token::false_)
          node.value = lexeme.token == Token::true_;
        else
          node.value = std::move(lexeme.value);
        return add(std::move(node));
      }
      case Token::left_paren: {
        if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
        auto inner = ternary();
        if (!inner) return inner;
        if (auto ok = expect(Token::right_paren, "to close the '('"); !ok)
          return tl::make_unexpected(ok.error());
        return inner;
      }
      case Token::left_bracket: return list_literal();
      case Token::identifier: return name();
      case Token::end:
        return error_at(lexeme.offset, "the expression ends where a value should follow");
      default: return error_at(lexeme.offset, "expected a value, found " + quote(lexeme));
    }
  }

  Parsed list_literal() {
    const std::size_t origin = current_.offset;
    if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
    std::vector<NodeId> elements;
    while (current_.token != Token::right_bracket) {
      auto element = ternary();
      if (!element) return element;
      elements.push_back(*element);
      if (current_.token != Token::comma) break;
      if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
    }
    if (auto ok = expect(Token::right_bracket, "to close the list"); !ok)
      return tl::make_unexpected(ok.error());
    return add(Op::array, origin, std::move(elements));
  }

  Parsed name() {
    const Lexeme word = current_;
    if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
    if (current_.token == Token::left_paren) return call(word);

    Node node;
    node.op = Op::path;
    node.origin = static_cast<std::uint32_t>(word.offset);
    if (word.text == "it" || word.text == "acc") {
      if (word.text == "acc" && (lambdas_.empty() || !lambdas_.back()))
        return error_at(word.offset, "'acc' is the accumulator of reduce(list, body, initial)");
      if (lambdas_.empty())
        return error_at(word.offset,
                        "'it' names the element inside map, filter, all, some, none and reduce; "
                        "it has no meaning here");
      node.root = word.text == "it" ? PathRoot::scope : PathRoot::accumulator;
      return add(std::move(node));
    }
    const auto& roots = options_.roots;
    if (!roots.empty() && std::find(roots.begin(), roots.end(), word.text) == roots.end()) {
      std::vector<std::string_view> candidates(roots.begin(), roots.end());
      return error_at(word.offset, "unknown name '" + std::string(word.text) + "'" +
                                       did_you_mean_or_list(word.text, candidates,
                                                            "the names a path starts with"));
    }
    node.segments.push_back(make_segment(std::string(word.text)));
    return add(std::move(node));
  }

  Parsed call(const Lexeme& word) {
    if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());  // past '('
    const auto form = std::find_if(std::begin(list_forms), std::end(list_forms),
                                   [&](const ListForm& f) { return f.name == word.text; });
    const Function* function = nullptr;
    if (form == std::end(list_forms) && word.text != "exists") {
      function = find_function(word.text, Semantics::strict);
      if (!function) {
        auto names = function_names(Semantics::strict);
        for (const auto& f : list_forms) names.push_back(f.name);
        names.push_back("exists");
        return error_at(word.offset, "unknown function '" + std::string(word.text) + "'" +
                                         did_you_mean(word.text, names) +
                                         "; docs/expressions.md lists them all");
      }
    }
    std::vector<NodeId> args;
    while (current_.token != Token::right_paren) {
      // A list form's body sees `it` (and `acc` in reduce).
      const bool body = form != std::end(list_forms) && args.size() == 1;
      if (body) lambdas_.push_back(form->op == Op::reduce);
      auto arg = ternary();
      if (body) lambdas_.pop_back();
      if (!arg) return arg;
      args.push_back(*arg);
      if (current_.token != Token::comma) break;
      if (auto ok = advance(); !ok) return tl::make_unexpected(ok.error());
    }
    if (auto ok =
            expect(Token::right_paren, "to close the call of " + std::string(word.text) + "()");
        !ok)
      return tl::make_unexpected(ok.error());

    if (word.text == "exists") {
      if (args.size() != 1 || program_.nodes[args[0]].op != Op::path)
        return error_at(word.offset, "exists() takes one path, such as exists(input.email)");
      program_.nodes[args[0]].op = Op::exists;
      return args[0];
    }
    if (form != std::end(list_forms)) {
      if (args.size() != form->args)
        return error_at(word.offset,
                        std::string(word.text) + "() takes " +
                            (form->op == Op::reduce ? "(list, body, initial)" : "(list, body)") +
                            ", with `it` for the element" +
                            (form->op == Op::reduce ? " and `acc` for the result so far" : ""));
      return add(form->op, word.offset, std::move(args));
    }
    if (args.size() < function->min_args || args.size() > function->max_args)
      return error_at(word.offset, std::string(word.text) + "() got " +
                                       std::to_string(args.size()) + " argument" +
                                       (args.size() == 1 ? "" : "s") + "; use it as " +
                                       std::string(function->usage));
    Node node;
    node.op = Op::call;
    node.origin = static_cast<std::uint32_t>(word.offset);
    node.args = std::move(args);
    node.function = function;
    return add(std::move(node));
  }

  Lexer lexer_;
  const CompileOptions& options_;
  Program program_;
  Lexeme current_;
  std::vector<std::uint32_t> depth_;  // of each node's subtree
  std::size_t nesting_ = 0;
  std::vector<bool> lambdas_;  // enclosing list-form bodies; true for reduce
};

}  // namespace

tl::expected<Program, ExpressionError> parse_text(std::string_view text,
                                                  const CompileOptions& options) {
  return Parser(text, options).run();
}

}  // namespace ablauf::detail
