#include "typing/expression_typing.hpp"

#include "expression/functions.hpp"
#include "message_text.hpp"
#include "suggest.hpp"

#include <algorithm>

namespace ablauf::detail {
namespace {

// The nodes below `root`, each after its arguments, found without recursion.
std::vector<NodeId> arguments_first(const Program& program) {
  std::vector<NodeId> order;
  std::vector<std::pair<NodeId, std::size_t>> stack{{program.root, 0}};
  while (!stack.empty()) {
    auto& [id, next] = stack.back();
    const auto& args = program.nodes[id].args;
    if (next < args.size()) {
      const NodeId arg = args[next++];
      stack.emplace_back(arg, 0);
      continue;
    }
    order.push_back(id);
    stack.pop_back();
  }
  return order;
}

bool same_path(const Node& a, const Node& b) {
  if (a.root != b.root || a.scope_up != b.scope_up || a.segments.size() != b.segments.size())
    return false;
  for (std::size_t i = 0; i < a.segments.size(); ++i)
    if (a.segments[i].name != b.segments[i].name) return false;
  return true;
}

// Whether path `a` leads into path `b`: b goes on from all of a, and a names at least a root
// and one member (steps.review).
bool leads_into(const Node& a, const Node& b) {
  if (a.root != b.root || a.scope_up != b.scope_up || a.segments.size() < 2 ||
      a.segments.size() > b.segments.size())
    return false;
  for (std::size_t i = 0; i < a.segments.size(); ++i)
    if (a.segments[i].name != b.segments[i].name) return false;
  return true;
}

bool is_null_literal(const Node& node) {
  return node.op == Op::literal && node.value.is_null();
}

std::string path_text(const Node& node) {
  std::string text;
  for (const auto& segment : node.segments) {
    if (!text.empty()) text += '.';
    text += segment.name;
  }
  return text;
}

class Typing {
 public:
  Typing(const Program& program, const PathResolver& resolve)
      : program_(program),
        resolve_(resolve),
        types_(program.nodes.size()),
        guards_(program.nodes.size()),
        absence_ok_(program.nodes.size()) {}

  TypedExpression run(ExpectedValue expected) {
    const auto order = arguments_first(program_);
    // Guards flow from a node down to its arguments: the parents are last in `order`.
    for (auto it = order.rbegin(); it != order.rend(); ++it) pass_guards(*it);
    for (const NodeId id : order) types_[id] = type_of(id);
    if (expected == ExpectedValue::condition) check_condition();
    return {std::move(types_[program_.root]), std::move(findings_)};
  }

 private:
  const Node& node(NodeId id) const { return program_.nodes[id]; }
  bool strict(const Node& n) const { return n.semantics == Semantics::strict; }

  void report(const Node& at, Severity severity, std::string message,
              ErrorCode code = ErrorCode::type_mismatch) {
    findings_.push_back(locate(program_, at.origin, severity, code, std::move(message)));
  }

  // The paths that an operand being truthy shows present: `x`, `exists(x)`, `x != null`, and
  // each side of an `&&` of those.
  void presence(NodeId id, std::vector<NodeId>& present) const {
    std::vector<NodeId> work{id};
    while (!work.empty()) {
      const NodeId at = work.back();
      work.pop_back();
      const Node& n = node(at);
      switch (n.op) {
        case Op::path:
        case Op::exists: present.push_back(at); break;
        case Op::truthy: work.insert(work.end(), n.args.begin(), n.args.end()); break;
        case Op::and_: work.insert(work.end(), n.args.begin(), n.args.end()); break;
        case Op::not_equal:
        case Op::loose_not_equal:
          if (n.args.size() == 2 && is_null_literal(node(n.args[1])))
            work.push_back(n.args[0]);
          else if (n.args.size() == 2 && is_null_literal(node(n.args[0])))
            work.push_back(n.args[1]);
          break;
        default: break;
      }
    }
  }

  // What is known present in each argument of `id`: what is known in `id`, and for the right
  // side of `&&` and the branch of `? :`, what the operands before it show.
  void pass_guards(NodeId id) {
    const Node& n = node(id);
    // A missing value given to coalesce() gives way to the next; compared with == or !=, it
    // is simply unequal to any value but null.
    const bool tolerates = (n.op == Op::call && n.function && n.function->name == "coalesce") ||
                           n.op == Op::equal || n.op == Op::not_equal || n.op == Op::loose_equal ||
                           n.op == Op::loose_not_equal;
    if (tolerates)
      for (const NodeId arg : n.args) absence_ok_[arg] = true;
    std::vector<NodeId> shown;
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      auto& guards = guards_[n.args[i]];
      guards.insert(guards.end(), guards_[id].begin(), guards_[id].end());
      guards.insert(guards.end(), shown.begin(), shown.end());
      if (n.op == Op::and_) presence(n.args[i], shown);
      if (n.op == Op::cond && i % 2 == 0 && i + 1 < n.args.size()) {
        shown.clear();
        presence(n.args[i], shown);
      } else if (n.op == Op::cond) {
        shown.clear();
      }
    }
  }

  // Whether what the node's path leads to is known present: tested exactly (the path itself),
  // or in part (a path that leads into it, such as steps.review for steps.review.outcome).
  enum class Tested : std::uint8_t { no, in_part, exactly };
  Tested tested(NodeId id) const {
    const Node& n = node(id);
    Tested best = Tested::no;
    for (const NodeId guard : guards_[id]) {
      if (same_path(node(guard), n)) return Tested::exactly;
      if (leads_into(node(guard), n)) best = Tested::in_part;
    }
    return best;
  }

  ValueType type_of(NodeId id) {
    const Node& n = node(id);
    const auto arg = [&](std::size_t i) -> const ValueType& { return types_[n.args[i]]; };
    const auto kinds = [](Kinds k) {
      ValueType type;
      type.kinds = k;
      return type;
    };
    switch (n.op) {
      case Op::literal: {
        ValueType type = kinds(kinds_of(n.value));
        if (n.value.is_string()) type.options.emplace_back(n.value.get_string());
        return type;
      }
      case Op::array: return kinds(kind::array);
      case Op::path: return path(id);
      case Op::var:
      case Op::index:
      case Op::reduce:
      case Op::try_:
      case Op::throw_: return {};
      case Op::exists:
        absence_ok_[id] = true;  // it asks whether the path leads somewhere
        (void)path(id);          // its unknown fields are mistakes all the same
        return kinds(kind::boolean);
      case Op::not_:
      case Op::truthy:
      case Op::in:
      case Op::all:
      case Op::some:
      case Op::none:
      case Op::loose_equal:
      case Op::loose_not_equal: return kinds(kind::boolean);
      case Op::and_:
      case Op::or_: {
        Kinds k = 0;
        for (std::size_t i = 0; i < n.args.size(); ++i) k |= arg(i).kinds;
        return kinds(k);
      }
      case Op::cond: {
        Kinds k = 0;
        for (std::size_t i = 1; i < n.args.size(); i += 2) k |= arg(i).kinds;
        if (n.args.size() % 2 == 1) k |= arg(n.args.size() - 1).kinds;
        return kinds(k);
      }
      case Op::equal:
      case Op::not_equal:
        if (strict(n)) check_equality(n, arg(0), arg(1));
        return kinds(kind::boolean);
      case Op::less:
      case Op::less_equal:
      case Op::greater:
      case Op::greater_equal:
        if (strict(n)) check_order(n, arg(0), arg(1));
        return kinds(kind::boolean);
      case Op::add: {
        if (!strict(n)) return kinds(kind::number | kind::string);
        // An operand of no kind yet (a var whose type is being worked out) adds none.
        const Kinds a = arg(0).kinds, b = arg(1).kinds;
        if (a == kind::string || b == kind::string) return kinds(kind::string);
        if ((a | b) == kind::number) return kinds(kind::number);
        return kinds(kind::number | kind::string);
      }
      case Op::subtract:
      case Op::multiply:
      case Op::divide:
      case Op::remainder:
      case Op::negate:
        if (strict(n))
          for (std::size_t i = 0; i < n.args.size(); ++i) check_number(n, arg(i));
        return kinds(kind::number);
      case Op::map:
      case Op::filter: return kinds(kind::array);
      case Op::call: return call(n);
    }
    return {};
  }

  ValueType path(NodeId id) {
    const Node& n = node(id);
    if (n.root != PathRoot::document) return {};
    PathType found = resolve_(n.segments);
    if (found.severity) report(n, *found.severity, std::move(found.problem), found.code);
    ValueType type = std::move(found.type);
    type.path = path_text(n);
    const Tested test = tested(id);
    const bool defaulted = absence_ok_[id] || !n.args.empty();
    if (test == Tested::exactly || defaulted) type.may_be_missing = false;
    if (!n.args.empty()) type.kinds |= types_[n.args[0]].kinds;  // the default, if it leads nowhere
    if (!type.not_run.empty()) {
      if (test == Tested::no && !defaulted)
        report(n, Severity::warning, std::move(type.not_run), ErrorCode::maybe_missing);
      type.not_run.clear();
      type.may_be_missing = false;  // said once
    }
    return type;
  }

  ValueType call(const Node& n) {
    ValueType type;
    if (!n.function) return type;
    if (n.function->name == "coalesce") {
      // The first argument that is not null: null only if the last may be.
      type.kinds = 0;
      for (std::size_t i = 0; i < n.args.size(); ++i) {
        const auto& argument = types_[n.args[i]];
        type.kinds |= i + 1 < n.args.size() ? argument.kinds & ~kind::null : argument.kinds;
      }
      if (type.kinds == 0) type.kinds = kind::null;
      return type;
    }
    type.kinds = n.function->result;
    return type;
  }

  static std::string operand(const ValueType& type) {
    if (!type.path.empty()) return type.path + " (" + describe_kinds(type.kinds) + ")";
    if (type.options.size() == 1 && type.kinds == kind::string)
      return quoted_text(type.options.front()) + " (a string)";
    return describe_kinds(type.kinds);
  }

  void check_equality(const Node& n, const ValueType& a, const ValueType& b) {
    const Kinds left = a.kinds & ~kind::null, right = b.kinds & ~kind::null;
    if (known(left) && known(right) && !(left & right)) {
      report(n, Severity::error,
             "compares " + operand(a) + " with " + operand(b) +
                 ", which are never equal: values of different types differ");
      return;
    }
    // A string an enum never takes: `steps.review.outcome == 'aproved'`.
    for (const auto* side : {&a, &b}) {
      const auto& other = side == &a ? b : a;
      if (side->options.size() < 2 || side->path.empty() || other.options.size() != 1 ||
          !other.path.empty())
        continue;
      const auto& wanted = other.options.front();
      if (std::find(side->options.begin(), side->options.end(), wanted) != side->options.end())
        continue;
      std::vector<std::string_view> options(side->options.begin(), side->options.end());
      report(n, Severity::error,
             side->path + " is never " + quoted_text(wanted) +
                 did_you_mean_or_list(wanted, options, "the values it takes"));
    }
  }

  void check_order(const Node& n, const ValueType& a, const ValueType& b) {
    const Kinds left = a.kinds & ~kind::null, right = b.kinds & ~kind::null;
    constexpr Kinds ordered = kind::number | kind::string;
    if (known(left) && known(right) && !(left & right & ordered)) {
      report(n, Severity::error,
             "cannot order " + operand(a) + " and " + operand(b) +
                 "; compare numbers with numbers and strings with strings");
      return;
    }
    for (const auto* side : {&a, &b}) warn_if_missing(n, *side, "ordering");
  }

  void check_number(const Node& n, const ValueType& type) {
    const Kinds k = type.kinds & ~kind::null;
    if (known(k) && !(k & kind::number)) {
      report(n, Severity::error, "arithmetic takes numbers, not " + operand(type));
      return;
    }
    warn_if_missing(n, type, "arithmetic on");
  }

  void warn_if_missing(const Node& n, const ValueType& type, std::string_view what) {
    if (!type.may_be_missing || type.path.empty()) return;
    report(n, Severity::warning,
           type.path + " may be missing, and " + std::string(what) +
               " null fails: test it first (exists(" + type.path +
               ") && …) or give a default (coalesce(" + type.path + ", …))",
           ErrorCode::maybe_missing);
  }

  // A condition is true or false; a value it computes that can be neither is a mistake (`when:
  // "input.total - 100"`). A bare path, or paths joined with && and ||, tests presence.
  void check_condition() {
    if (program_.syntax != ExpressionSyntax::text) return;
    std::vector<NodeId> work{program_.root};
    while (!work.empty()) {
      const NodeId id = work.back();
      work.pop_back();
      const Node& n = node(id);
      if (n.op == Op::path) continue;
      if (n.op == Op::and_ || n.op == Op::or_) {
        work.insert(work.end(), n.args.begin(), n.args.end());
        continue;
      }
      if (const Kinds k = types_[id].kinds; known(k) && !(k & kind::boolean))
        report(n, Severity::error,
               "a condition is true or false, and this is " + describe_kinds(k) +
                   "; compare it (== …, > …) or test it with exists()");
    }
  }

  const Program& program_;
  const PathResolver& resolve_;
  std::vector<ValueType> types_;
  std::vector<std::vector<NodeId>> guards_;
  // Paths whose absence the expression allows for: read by exists(), given to coalesce(),
  // compared with == or !=.
  std::vector<bool> absence_ok_;
  std::vector<TypeFinding> findings_;
};

}  // namespace

TypeFinding locate(const Program& program, std::uint32_t origin, Severity severity, ErrorCode code,
                   std::string message) {
  TypeFinding finding{severity, code, std::move(message)};
  if (program.syntax == ExpressionSyntax::text)
    finding.offset = origin;
  else
    finding.pointer = program.pointers[origin];
  return finding;
}

TypedExpression type_expression(const Expression& expression, const PathResolver& resolve,
                                ExpectedValue expected) {
  return Typing(expression.program(), resolve).run(expected);
}

}  // namespace ablauf::detail
