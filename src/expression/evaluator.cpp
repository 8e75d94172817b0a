#include "evaluator.hpp"

#include "arithmetic.hpp"
#include "javascript.hpp"
#include "path.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace ablauf::detail {
namespace json = boost::json;
namespace {

const json::value null_value;

// Building or copying a value costs a step per this many bytes of it. Without that, a reduce
// whose body doubles its accumulator (acc + acc) would exhaust memory within a few dozen steps.
constexpr std::size_t bytes_per_step = 64;

// Roughly the bytes a value holds: a string its length, and 8 for each value and member.
// Counts no further once past `limit`.
std::size_t weight(const json::value& value, std::size_t limit) {
  if (!value.is_array() && !value.is_object())
    return 8 + (value.is_string() ? value.get_string().size() : 0);
  std::size_t total = 0;
  std::vector<const json::value*> pending{&value};
  while (!pending.empty() && total <= limit) {
    const json::value& v = *pending.back();
    pending.pop_back();
    total += 8;
    if (const auto* string = v.if_string()) {
      total += string->size();
    } else if (const auto* array = v.if_array()) {
      for (const auto& element : *array) pending.push_back(&element);
    } else if (const auto* object = v.if_object()) {
      for (const auto& member : *object) {
        total += member.key().size();
        pending.push_back(&member.value());
      }
    }
  }
  return total;
}

Failure exhausted() {
  return {"budget_exhausted", "the expression took more than its budget of steps"};
}

Val boolean(bool b) {
  return Val(json::value(b));
}

// JavaScript arithmetic cannot yield NaN or Infinity in JSON: they become errors as values.
tl::expected<Val, Failure> js_number(double result, const char* op) {
  if (!std::isfinite(result))
    return tl::make_unexpected(
        Failure{"NaN", std::string("'") + op +
                           "' did not give a number (an operand is not a number, or "
                           "a division by zero)"});
  return Val(number_value(result));
}

}  // namespace

Evaluator::Evaluator(const Program& program, const json::value& data,
                     const EvaluationOptions& options)
    : program_(program),
      data_(data),
      context_{options.now.value_or(std::chrono::time_point_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now())),
               &data},
      steps_left_(options.max_operations) {}

tl::expected<void, Fault> Evaluator::spend(NodeId id) {
  if (steps_left_ == 0) return fail(id, exhausted());
  --steps_left_;
  return {};
}

// Charges for a value an operation built, or is about to copy: one step per 64 bytes.
tl::expected<void, Fault> Evaluator::spend_on(NodeId id, const json::value& built) {
  constexpr std::size_t most = std::numeric_limits<std::size_t>::max();
  const std::size_t limit =
      steps_left_ >= most / bytes_per_step - 1 ? most : (steps_left_ + 1) * bytes_per_step;
  const std::size_t steps = weight(built, limit) / bytes_per_step;
  if (steps > steps_left_) return fail(id, exhausted());
  steps_left_ -= steps;
  return {};
}

tl::expected<bool, Fault> Evaluator::test(NodeId id) {
  auto v = eval(id);
  if (!v) return tl::make_unexpected(v.error());
  return is_truthy(v->get());
}

const json::value* Evaluator::root_of(PathRoot root, std::uint32_t scope_up) const noexcept {
  if (root == PathRoot::document || frames_.size() <= scope_up) return &data_;
  const Frame& frame = frames_[frames_.size() - 1 - scope_up];
  return root == PathRoot::accumulator ? frame.accumulator : frame.element;
}

Evaluator::Result Evaluator::eval(NodeId id) {
  if (auto ok = spend(id); !ok) return tl::make_unexpected(ok.error());
  const Node& node = program_.nodes[id];
  switch (node.op) {
    case Op::literal: return Val::borrow(node.value);
    case Op::array: {
      json::array out;
      out.reserve(node.args.size());
      for (const NodeId arg : node.args) {
        auto v = eval(arg);
        if (!v) return v;
        if (v->borrowed())
          if (auto ok = spend_on(id, v->get()); !ok) return tl::make_unexpected(ok.error());
        out.push_back(std::move(*v).take());
      }
      return Val(json::value(std::move(out)));
    }
    case Op::path: return path(id, node);
    case Op::var: return var(id, node);
    case Op::index: return index(id, node);
    case Op::exists: {
      if (resolve(root_of(node.root, node.scope_up), node.segments)) return boolean(true);
      if (node.semantics != Semantics::strict) return boolean(false);
      auto projected = projection(id, node);  // leads somewhere as a path reads it
      if (!projected) return projected;
      return boolean(!projected->get().is_null());
    }
    case Op::not_:
    case Op::truthy: {
      auto t = test(node.args[0]);
      if (!t) return tl::make_unexpected(t.error());
      return boolean(node.op == Op::truthy ? *t : !*t);
    }
    case Op::and_:
    case Op::or_:
    case Op::cond: return logic(node);
    case Op::equal:
    case Op::not_equal:
    case Op::loose_equal:
    case Op::loose_not_equal:
    case Op::less:
    case Op::less_equal:
    case Op::greater:
    case Op::greater_equal:
    case Op::in: return comparison(id, node);
    case Op::add:
    case Op::subtract:
    case Op::multiply:
    case Op::divide:
    case Op::remainder:
    case Op::negate: return arithmetic(id, node);
    case Op::map:
    case Op::filter:
    case Op::reduce:
    case Op::all:
    case Op::some:
    case Op::none: return list_operation(id, node);
    case Op::try_: return attempt(node);
    case Op::throw_: return thrown(id, node);
    case Op::call: return call(id, node);
  }
  return fail(id, {"internal", "unknown operation"});
}

Evaluator::Result Evaluator::path(NodeId id, const Node& node) {
  if (const auto* v = resolve(root_of(node.root, node.scope_up), node.segments))
    return Val::borrow(*v);
  if (node.semantics == Semantics::strict) {
    auto projected = projection(id, node);
    if (!projected || !projected->get().is_null()) return projected;
  }
  if (!node.args.empty()) return eval(node.args[0]);
  return Val::borrow(null_value);
}

// A path that reaches a list and goes on by a name, not an index, reads that name in each
// element: `steps.invoice.answers.lines.amount` is the list of the lines' amounts, elements
// without it left out (docs/expressions.md, "Paths"). One list deep: a list inside the
// elements is read by index or by map(). Null where the path leads nowhere, as paths do, and
// where no element has the name (`tags['0']` of a list of strings).
Evaluator::Result Evaluator::projection(NodeId id, const Node& node) {
  const std::span<const PathSegment> segments(node.segments);
  const json::value* at = root_of(node.root, node.scope_up);
  for (std::size_t n = 0; at && n < segments.size(); ++n) {
    const auto* list = at->if_array();
    if (!list || segments[n].index >= 0) {
      at = resolve(at, segments[n]);
      continue;
    }
    json::array out;
    for (const auto& element : *list) {
      if (auto ok = spend(id); !ok) return tl::make_unexpected(ok.error());
      if (const auto* found = resolve(&element, segments.subspan(n))) {
        if (auto ok = spend_on(id, *found); !ok) return tl::make_unexpected(ok.error());
        out.push_back(*found);
      }
    }
    if (out.empty()) break;  // no element has it: the path leads nowhere
    return Val(json::value(std::move(out)));
  }
  return Val::borrow(null_value);
}

// JsonLogic's var with a path computed at run time: a dotted string, a number, or null/"" for
// the whole scope.
Evaluator::Result Evaluator::var(NodeId id, const Node& node) {
  auto spec = eval(node.args[0]);
  if (!spec) return spec;
  std::vector<PathSegment> segments;
  if (spec->get().is_string()) {
    segments = split_dotted(spec->get().get_string());
  } else if (spec->get().is_number()) {
    std::string name;
    js::append_string(spec->get(), name);
    segments.push_back(make_segment(std::move(name)));
  } else if (!spec->get().is_null()) {
    return fail(id, type_mismatch(std::string("var needs a path string or number, not ") +
                                  describe(spec->get())));
  }
  const json::value* found = nullptr;
  if (node.root == PathRoot::reduce_scope && !frames_.empty()) {
    // Inside reduce the scope is {current, accumulator}.
    const Frame& frame = frames_.back();
    if (!segments.empty() && (segments[0].name == "current" || segments[0].name == "accumulator"))
      found = resolve(segments[0].name == "current" ? frame.element : frame.accumulator,
                      std::span(segments).subspan(1));
  } else {
    found = resolve(root_of(node.root, node.scope_up), segments);
  }
  if (found) {
    return Val::borrow(*found);
  }
  if (node.args.size() > 1) return eval(node.args[1]);
  return Val::borrow(null_value);
}

Evaluator::Result Evaluator::index(NodeId id, const Node& node) {
  auto base = eval(node.args[0]);
  if (!base) return base;
  auto key = eval(node.args[1]);
  if (!key) return key;
  const json::value& b = base->get();
  const json::value& k = key->get();
  const json::value* found = nullptr;
  if (b.is_array() && k.is_number()) {
    const double i = as_double(k);
    if (i >= 0 && i < static_cast<double>(b.get_array().size()) && std::trunc(i) == i)
      found = &b.get_array()[static_cast<std::size_t>(i)];
  } else if (b.is_object() && k.is_string()) {
    found = b.get_object().if_contains(k.get_string());
  } else if (!b.is_null() && !b.is_array() && !b.is_object()) {
    return fail(id, type_mismatch(std::string("cannot index ") + describe(b)));
  } else if (!b.is_null()) {
    return fail(id, type_mismatch(std::string("a ") + (b.is_array() ? "list" : "object") +
                                  " is indexed by " + (b.is_array() ? "a number" : "a string") +
                                  ", not " + describe(k)));
  }
  if (!found) return Val::borrow(null_value);
  // An element of a computed value is copied out, as the value dies here.
  return base->borrowed() ? Val::borrow(*found) : Val(json::value(*found));
}

tl::expected<std::vector<Val>, Fault> Evaluator::eval_args(const Node& node) {
  std::vector<Val> values;
  values.reserve(node.args.size());
  for (const NodeId arg : node.args) {
    auto v = eval(arg);
    if (!v) return tl::make_unexpected(std::move(v.error()));
    values.push_back(std::move(*v));
  }
  return values;
}

Evaluator::Result Evaluator::logic(const Node& node) {
  const auto n = node.args.size();
  if (node.op == Op::cond) {
    std::size_t i = 0;
    for (; i + 1 < n; i += 2) {
      auto t = test(node.args[i]);
      if (!t) return tl::make_unexpected(t.error());
      if (*t) return eval(node.args[i + 1]);
    }
    return i < n ? eval(node.args[i]) : Val::borrow(null_value);
  }
  // and / or return the operand that decided, as JavaScript's && and || do.
  const bool stop_when = node.op == Op::or_;
  Val last = Val::borrow(null_value);
  for (const NodeId arg : node.args) {
    auto v = eval(arg);
    if (!v) return v;
    if (is_truthy(v->get()) == stop_when) return v;
    last = std::move(*v);
  }
  return last;
}

Evaluator::Result Evaluator::comparison(NodeId id, const Node& node) {
  auto evaluated = eval_args(node);
  if (!evaluated) return tl::make_unexpected(std::move(evaluated.error()));
  std::vector<Val>& values = *evaluated;
  const json::value& a = values[0].get();
  const json::value& b = values[1].get();
  const bool js = node.semantics == Semantics::javascript;
  switch (node.op) {
    case Op::equal: return boolean(strictly_equal(a, b));
    case Op::not_equal: return boolean(!strictly_equal(a, b));
    case Op::loose_equal: return boolean(js::loosely_equal(a, b));
    case Op::loose_not_equal: return boolean(!js::loosely_equal(a, b));
    case Op::in:
      if (b.is_array()) {
        for (const auto& element : b.get_array())
          if (strictly_equal(element, a)) return boolean(true);
        return boolean(false);
      }
      if (b.is_string()) {
        std::string needle;
        if (js) {
          js::append_string(a, needle);
        } else if (a.is_string()) {
          needle = a.get_string();
        } else {
          return fail(id, type_mismatch(std::string("'in' looks for a string in a string, not ") +
                                        describe(a)));
        }
        return boolean(b.get_string().subview().find(needle) != std::string_view::npos);
      }
      if (js || b.is_null()) return boolean(false);
      return fail(
          id, type_mismatch(std::string("'in' looks in a list or string, not in ") + describe(b)));
    default: break;
  }
  if (js) {
    // JsonLogic's "between": {"<": [a, b, c]} is a < b < c.
    const bool or_equal = node.op == Op::less_equal || node.op == Op::greater_equal;
    if (node.op == Op::greater || node.op == Op::greater_equal)
      return boolean(js::less(b, a, or_equal));
    bool ok = js::less(a, b, or_equal);
    if (ok && values.size() > 2) ok = js::less(b, values[2].get(), or_equal);
    return boolean(ok);
  }
  const auto order = compare(a, b);
  if (!order) return fail(id, order.error());
  switch (node.op) {
    case Op::less: return boolean(*order < 0);
    case Op::less_equal: return boolean(*order <= 0);
    case Op::greater: return boolean(*order > 0);
    default: return boolean(*order >= 0);
  }
}

Evaluator::Result Evaluator::arithmetic(NodeId id, const Node& node) {
  auto evaluated = eval_args(node);
  if (!evaluated) return tl::make_unexpected(std::move(evaluated.error()));
  std::vector<Val>& values = *evaluated;
  const auto result = [&](tl::expected<Val, Failure> r) -> Result {
    if (!r) return fail(id, std::move(r.error()));
    return std::move(*r);
  };
  if (node.semantics == Semantics::strict) {
    if (node.op == Op::negate)
      return result(negate(values[0].get()).map([](auto v) { return Val(std::move(v)); }));
    const ArithmeticOp op = node.op == Op::add        ? ArithmeticOp::add
                            : node.op == Op::subtract ? ArithmeticOp::subtract
                            : node.op == Op::multiply ? ArithmeticOp::multiply
                            : node.op == Op::divide   ? ArithmeticOp::divide
                                                      : ArithmeticOp::remainder;
    auto computed = apply(op, values[0].get(), values[1].get());
    if (computed && computed->is_string())  // concatenated
      if (auto ok = spend_on(id, *computed); !ok) return tl::make_unexpected(ok.error());
    return result(std::move(computed).map([](auto v) { return Val(std::move(v)); }));
  }
  // JsonLogic: + and * read their operands with parseFloat, the others with Number().
  switch (node.op) {
    case Op::add: {
      double sum = 0;
      for (const auto& v : values) sum += js::parse_float(v.get());
      return result(js_number(sum, "+"));
    }
    case Op::multiply: {
      double product = 1;
      for (const auto& v : values) product *= js::parse_float(v.get());
      return result(js_number(product, "*"));
    }
    case Op::subtract:
    case Op::negate:
      if (values.size() == 1) return result(js_number(-js::to_number(values[0].get()), "-"));
      return result(
          js_number(js::to_number(values[0].get()) - js::to_number(values[1].get()), "-"));
    case Op::divide:
      return result(
          js_number(js::to_number(values[0].get()) / js::to_number(values[1].get()), "/"));
    default:
      return result(js_number(
          std::fmod(js::to_number(values[0].get()), js::to_number(values[1].get())), "%"));
  }
}

Evaluator::Result Evaluator::list_operation(NodeId id, const Node& node) {
  auto list_value = eval(node.args[0]);
  if (!list_value) return list_value;
  static const json::array no_elements;
  const json::array* list = &no_elements;
  if (list_value->get().is_array()) {
    list = &list_value->get().get_array();
  } else if (node.semantics == Semantics::strict && !list_value->get().is_null()) {
    return fail(id, type_mismatch(std::string("needs a list, not ") + describe(list_value->get())));
  }
  if (node.op == Op::reduce) return reduce(id, node, *list);

  json::array out;
  bool any = false;
  bool every = true;
  for (const auto& element : *list) {
    if (auto ok = spend(id); !ok) return tl::make_unexpected(ok.error());
    frames_.push_back({&element});
    auto v = eval(node.args[1]);
    frames_.pop_back();
    if (!v) return v;
    if (node.op == Op::map) {
      if (v->borrowed())
        if (auto ok = spend_on(id, v->get()); !ok) return tl::make_unexpected(ok.error());
      out.push_back(std::move(*v).take());
      continue;
    }
    const bool truthy = is_truthy(v->get());
    if (node.op == Op::filter && truthy) {
      if (auto ok = spend_on(id, element); !ok) return tl::make_unexpected(ok.error());
      out.push_back(element);
    }
    any = any || truthy;
    every = every && truthy;
    if ((node.op == Op::some || node.op == Op::none) && any) break;
    if (node.op == Op::all && !every) break;
  }
  switch (node.op) {
    case Op::some: return boolean(any);
    case Op::none: return boolean(!any);
    // JsonLogic's all is false for an empty list; the text language's is (vacuously) true.
    case Op::all: return boolean(every && (!list->empty() || node.semantics == Semantics::strict));
    default: return Val(json::value(std::move(out)));
  }
}

Evaluator::Result Evaluator::reduce(NodeId id, const Node& node, const json::array& list) {
  json::value accumulator;
  if (node.args.size() > 2) {
    auto initial = eval(node.args[2]);
    if (!initial) return initial;
    if (initial->borrowed())
      if (auto ok = spend_on(id, initial->get()); !ok) return tl::make_unexpected(ok.error());
    accumulator = std::move(*initial).take();
  }
  for (const auto& element : list) {
    if (auto ok = spend(id); !ok) return tl::make_unexpected(ok.error());
    frames_.push_back({&element, &accumulator, true});
    auto v = eval(node.args[1]);
    frames_.pop_back();
    if (!v) return v;
    if (v->borrowed())
      if (auto ok = spend_on(id, v->get()); !ok) return tl::make_unexpected(ok.error());
    // Taken before it replaces the accumulator, which it may borrow from.
    json::value next = std::move(*v).take();
    accumulator = std::move(next);
  }
  return Val(std::move(accumulator));
}

// try: the first operand that evaluates without an error; a fallback sees the error as its
// scope ({"type": …, "message": …}). Running out of budget cannot be caught.
Evaluator::Result Evaluator::attempt(const Node& node) {
  std::optional<Fault> last;
  json::value error;
  for (const NodeId arg : node.args) {
    if (last) frames_.push_back({&error});
    auto v = eval(arg);
    if (last) frames_.pop_back();
    // A fallback's value may borrow from the error, which dies here.
    if (v) return last && v->borrowed() ? Val(std::move(*v).take()) : std::move(*v);
    if (v.error().failure.type == "budget_exhausted") return v;
    last = v.error();
    error = json::object{{"type", last->failure.type}, {"message", last->failure.message}};
  }
  if (last) return tl::make_unexpected(*last);
  return Val::borrow(null_value);
}

Evaluator::Result Evaluator::thrown(NodeId id, const Node& node) {
  auto v = eval(node.args[0]);
  if (!v) return v;
  const json::value& what = v->get();
  std::string type = "thrown";
  if (what.is_string()) {
    type = what.get_string();
  } else if (const auto* object = what.if_object()) {
    if (const auto* t = object->if_contains("type"); t && t->is_string()) type = t->get_string();
  }
  return fail(id, {type, "the rule threw '" + type + "'"});
}

Evaluator::Result Evaluator::call(NodeId id, const Node& node) {
  auto args = eval_args(node);
  if (!args) return tl::make_unexpected(std::move(args.error()));
  CallContext context = context_;
  context.scope = root_of(PathRoot::scope, 0);
  auto result = node.function->call(*args, context);
  if (!result) return fail(id, std::move(result.error()));
  if (auto ok = spend_on(id, *result); !ok) return tl::make_unexpected(ok.error());
  return Val(std::move(*result));
}

}  // namespace ablauf::detail
