#include "jsonlogic.hpp"

#include "functions.hpp"
#include "path.hpp"
#include "suggest.hpp"

#include "ablauf/source.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <optional>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

using Compiled = tl::expected<NodeId, ExpressionError>;

struct Operation {
  std::string_view name;
  Op op;
  Semantics semantics = Semantics::javascript;
};

// Operations with a node of their own; every other name is a library function.
constexpr Operation operations[] = {
    {"if", Op::cond},        {"?:", Op::cond},
    {"and", Op::and_},       {"or", Op::or_},
    {"!", Op::not_},         {"!!", Op::truthy},
    {"==", Op::loose_equal}, {"!=", Op::loose_not_equal},
    {"===", Op::equal},      {"!==", Op::not_equal},
    {"<", Op::less},         {"<=", Op::less_equal},
    {">", Op::greater},      {">=", Op::greater_equal},
    {"in", Op::in},          {"+", Op::add},
    {"-", Op::subtract},     {"*", Op::multiply},
    {"/", Op::divide},       {"%", Op::remainder},
    {"map", Op::map},        {"filter", Op::filter},
    {"reduce", Op::reduce},  {"all", Op::all},
    {"some", Op::some},      {"none", Op::none},
    {"try", Op::try_},       {"throw", Op::throw_},
};

// Where a body of map, filter, … reads its `var`s.
enum class Scope { document, element, reduce };

class Compiler {
 public:
  explicit Compiler(const CompileOptions& options) : options_(options) {
    program_.syntax = ExpressionSyntax::jsonlogic;
  }

  tl::expected<Program, ExpressionError> run(const json::value& rule) {
    program_.text = json::serialize(rule);
    auto root = compile(rule, "", Scope::document, 1);
    if (!root) return tl::make_unexpected(root.error());
    program_.root = *root;
    return std::move(program_);
  }

 private:
  static tl::unexpected<ExpressionError> error_at(const std::string& pointer, std::string message,
                                                  bool limit = false) {
    return tl::make_unexpected(ExpressionError{std::move(message), 0, pointer, limit});
  }

  std::uint32_t origin(const std::string& pointer) {
    program_.pointers.push_back(pointer);
    return static_cast<std::uint32_t>(program_.pointers.size() - 1);
  }

  NodeId literal(json::value value, const std::string& pointer) {
    Node node;
    node.value = std::move(value);
    node.origin = origin(pointer);
    return program_.add(std::move(node));
  }

  Compiled compile(const json::value& rule, const std::string& pointer, Scope scope,
                   std::size_t depth) {
    if (depth > options_.limits.max_depth)
      return error_at(pointer,
                      "the rule nests deeper than " + std::to_string(options_.limits.max_depth) +
                          " levels (max_depth)",
                      true);
    if (const auto* array = rule.if_array()) {
      // A list in a rule is a list of rules: [1, {"var": "x"}] evaluates its elements.
      Node node;
      node.op = Op::array;
      node.origin = origin(pointer);
      for (std::size_t i = 0; i < array->size(); ++i) {
        auto element = compile((*array)[i], pointer + "/" + std::to_string(i), scope, depth + 1);
        if (!element) return element;
        node.args.push_back(*element);
      }
      return program_.add(std::move(node));
    }
    const auto* object = rule.if_object();
    // Only an object with one key is an operation; anything else stands for itself.
    if (!object || object->size() != 1) return literal(rule, pointer);
    const auto& [name, operand] = *object->begin();
    return operation(name, operand, pointer + "/" + escape_pointer_token(name), scope, depth);
  }

  // The operands of an operation: its array's elements, or the single value. Operands after
  // the first read `later_scope` (try's fallbacks read the error).
  Compiled operands(const json::value& operand, const std::string& pointer, Scope scope,
                    std::size_t depth, Node& node, std::optional<Scope> later_scope = {}) {
    if (const auto* array = operand.if_array()) {
      for (std::size_t i = 0; i < array->size(); ++i) {
        auto arg = compile((*array)[i], pointer + "/" + std::to_string(i),
                           i > 0 ? later_scope.value_or(scope) : scope, depth + 1);
        if (!arg) return arg;
        node.args.push_back(*arg);
      }
    } else {
      auto arg = compile(operand, pointer, scope, depth + 1);
      if (!arg) return arg;
      node.args.push_back(*arg);
    }
    return 0;
  }

  Compiled operation(std::string_view name, const json::value& operand, const std::string& pointer,
                     Scope scope, std::size_t depth) {
    if (name == "var") return var(operand, pointer, scope, depth);
    if (name == "val" || name == "exists") return val(name, operand, pointer, scope);
    Node node;
    node.origin = origin(pointer);
    node.semantics = Semantics::javascript;
    const auto* known = std::find_if(std::begin(operations), std::end(operations),
                                     [&](const Operation& o) { return o.name == name; });
    if (known != std::end(operations)) {
      node.op = known->op;
      const bool list_form = node.op == Op::map || node.op == Op::filter || node.op == Op::reduce ||
                             node.op == Op::all || node.op == Op::some || node.op == Op::none;
      if (list_form) return list_operation(node, operand, pointer, scope, depth);
      // A fallback of try reads the error it caught: {"var": "type"} is the error's type.
      const Scope fallback_scope = node.op == Op::try_ ? Scope::element : scope;
      if (auto ok = operands(operand, pointer, scope, depth, node, fallback_scope); !ok) return ok;
      if (auto ok = check_arity(name, node, pointer); !ok) return tl::make_unexpected(ok.error());
      return program_.add(std::move(node));
    }
    node.op = Op::call;
    node.function = find_function(name, Semantics::javascript);
    if (!node.function) {
      auto names = function_names(Semantics::javascript);
      for (const auto& o : operations) names.push_back(o.name);
      names.push_back("var");
      names.push_back("val");
      names.push_back("exists");
      return error_at(pointer, "unknown operation '" + std::string(name) + "'" +
                                   did_you_mean(name, names) +
                                   "; docs/expressions.md lists them all");
    }
    if (auto ok = operands(operand, pointer, scope, depth, node); !ok) return ok;
    const auto n = node.args.size();
    if (n < node.function->min_args || n > node.function->max_args)
      return error_at(pointer, "'" + std::string(name) + "' got " + std::to_string(n) + " operand" +
                                   (n == 1 ? "" : "s") + "; use it as " +
                                   std::string(node.function->usage));
    return program_.add(std::move(node));
  }

  tl::expected<void, ExpressionError> check_arity(std::string_view name, Node& node,
                                                  const std::string& pointer) {
    const auto n = node.args.size();
    const auto need = [&](std::size_t low,
                          std::size_t high) -> tl::expected<void, ExpressionError> {
      if (n >= low && n <= high) return {};
      const bool unbounded = high == Function::any_number;
      const std::string count = low == high ? std::to_string(low)
                                : unbounded ? "at least " + std::to_string(low)
                                            : std::to_string(low) + " to " + std::to_string(high);
      const bool singular = high == 1 || (unbounded && low == 1);
      return error_at(pointer, "'" + std::string(name) + "' takes " + count + " operand" +
                                   (singular ? "" : "s") + ", not " + std::to_string(n));
    };
    switch (node.op) {
      case Op::not_:
      case Op::truthy:
      case Op::throw_: return need(1, 1);
      case Op::loose_equal:
      case Op::loose_not_equal:
      case Op::equal:
      case Op::not_equal:
      case Op::greater:
      case Op::greater_equal:
      case Op::in:
      case Op::divide:
      case Op::remainder: return need(2, 2);
      case Op::less:
      case Op::less_equal: return need(2, 3);
      case Op::subtract:
        if (n == 1) node.op = Op::negate;
        return need(1, 2);
      case Op::add:
      case Op::multiply: return need(1, Function::any_number);
      case Op::try_: return need(1, Function::any_number);
      default: return {};
    }
  }

  Compiled list_operation(Node& node, const json::value& operand, const std::string& pointer,
                          Scope scope, std::size_t depth) {
    const auto* array = operand.if_array();
    const std::size_t wanted = node.op == Op::reduce ? 3 : 2;
    if (!array || array->size() < 2 || array->size() > wanted)
      return error_at(pointer, node.op == Op::reduce ? "reduce takes [list, rule, initial value]"
                                                     : "this operation takes [list, rule]");
    auto list = compile((*array)[0], pointer + "/0", scope, depth + 1);
    if (!list) return list;
    const Scope body_scope = node.op == Op::reduce ? Scope::reduce : Scope::element;
    auto body = compile((*array)[1], pointer + "/1", body_scope, depth + 1);
    if (!body) return body;
    node.args = {*list, *body};
    if (array->size() > 2) {
      auto initial = compile((*array)[2], pointer + "/2", scope, depth + 1);
      if (!initial) return initial;
      node.args.push_back(*initial);
    }
    return program_.add(std::move(node));
  }

  // {"var": path} or {"var": [path, default]}: a dotted path, a number, or ""/null/[] for the
  // whole scope. A fixed path compiles to a path node; a computed one is resolved when run.
  Compiled var(const json::value& operand, const std::string& pointer, Scope scope,
               std::size_t depth) {
    const json::value* path = &operand;
    const json::value* fallback = nullptr;
    std::string path_pointer = pointer;
    if (const auto* array = operand.if_array()) {
      static const json::value none;
      path = array->empty() ? &none : &(*array)[0];
      path_pointer = pointer + "/0";
      if (array->size() > 1) fallback = &(*array)[1];
      if (array->size() > 2) return error_at(pointer, "var takes [path] or [path, default]");
    }
    Node node;
    node.origin = origin(pointer);
    node.semantics = Semantics::javascript;  // a path through a list by name finds nothing
    node.root = scope == Scope::document ? PathRoot::document : PathRoot::scope;
    if (fallback) {
      auto d = compile(*fallback, pointer + "/1", scope, depth + 1);
      if (!d) return d;
      node.args.push_back(*d);
    }
    if (path->is_object() || path->is_array()) {  // computed
      auto p = compile(*path, path_pointer, scope, depth + 1);
      if (!p) return p;
      node.op = Op::var;
      if (scope == Scope::reduce) node.root = PathRoot::reduce_scope;
      node.args.insert(node.args.begin(), *p);
      return program_.add(std::move(node));
    }
    node.op = Op::path;
    if (path->is_string()) {
      node.segments = split_dotted(path->get_string());
    } else if (path->is_number() || path->is_bool()) {
      node.segments = split_dotted(json::serialize(*path));
    } else if (!path->is_null()) {
      return error_at(path_pointer, "var takes a path string or a number");
    }
    if (scope == Scope::reduce) {
      // Inside reduce, var reads {"current": element, "accumulator": result so far}.
      if (node.segments.empty())
        return error_at(path_pointer,
                        "inside reduce, name \"current\" or \"accumulator\" (the whole scope "
                        "is not a value of its own)");
      const auto first = node.segments.front().name;
      if (first != "current" && first != "accumulator") return missing_var(node, pointer);
      node.root = first == "current" ? PathRoot::scope : PathRoot::accumulator;
      node.segments.erase(node.segments.begin());
    }
    return program_.add(std::move(node));
  }

  // A var that can never resolve: its default, or null.
  Compiled missing_var(Node& node, const std::string& pointer) {
    if (!node.args.empty()) return node.args[0];
    return literal(nullptr, pointer);
  }

  // The newer {"val": ["a", "b"]} (segments as given, no dots) and {"exists": …}. A leading
  // [n] climbs n scopes out of map, filter, … bodies.
  Compiled val(std::string_view name, const json::value& operand, const std::string& pointer,
               Scope scope) {
    Node node;
    node.op = name == "exists" ? Op::exists : Op::path;
    node.semantics = Semantics::javascript;
    node.origin = origin(pointer);
    node.root = scope == Scope::document ? PathRoot::document : PathRoot::scope;
    std::vector<json::value> parts;
    if (const auto* array = operand.if_array()) {
      parts.assign(array->begin(), array->end());
    } else if (!operand.is_null()) {
      parts.push_back(operand);
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto& part = parts[i];
      if (i == 0 && part.is_array() && part.get_array().size() == 1 &&
          part.get_array()[0].is_int64()) {
        node.scope_up = static_cast<std::uint32_t>(
            std::min<std::int64_t>(std::abs(part.get_array()[0].get_int64()), 1 << 20));
        continue;
      }
      if (part.is_string()) {
        node.segments.push_back(make_segment(std::string(part.get_string())));
      } else if (part.is_int64() && part.get_int64() >= 0) {
        node.segments.push_back(make_segment(std::to_string(part.get_int64())));
      } else {
        return error_at(pointer, std::string(name) + " takes path segments: strings or indexes");
      }
    }
    if (scope == Scope::reduce && node.scope_up == 0 && !node.segments.empty() &&
        (node.segments[0].name == "current" || node.segments[0].name == "accumulator")) {
      node.root = node.segments[0].name == "current" ? PathRoot::scope : PathRoot::accumulator;
      node.segments.erase(node.segments.begin());
    }
    return program_.add(std::move(node));
  }

  const CompileOptions& options_;
  Program program_;
};

}  // namespace

tl::expected<Program, ExpressionError> compile_jsonlogic(const json::value& rule,
                                                         const CompileOptions& options) {
  return Compiler(options).run(rule);
}

}  // namespace ablauf::detail
