// Evaluation of a compiled expression against read-only data.
#pragma once

#include "functions.hpp"
#include "program.hpp"
#include "value.hpp"

#include <tl/expected.hpp>

#include <vector>

namespace ablauf::detail {

// A failure and the node it happened at.
struct Fault {
  Failure failure;
  NodeId node = 0;
};

class Evaluator {
 public:
  Evaluator(const Program& program, const boost::json::value& data,
            const EvaluationOptions& options);

  tl::expected<Val, Fault> run() { return eval(program_.root); }

 private:
  // The element (and, in reduce, the accumulator) a list operation's body sees.
  struct Frame {
    const boost::json::value* element = nullptr;
    const boost::json::value* accumulator = nullptr;
    bool reduce = false;
  };

  using Result = tl::expected<Val, Fault>;

  Result eval(NodeId id);
  tl::expected<std::vector<Val>, Fault> eval_args(const Node& node);
  Result path(NodeId id, const Node& node);
  Result projection(NodeId id, const Node& node);
  Result var(NodeId id, const Node& node);
  Result index(NodeId id, const Node& node);
  Result logic(const Node& node);
  Result comparison(NodeId id, const Node& node);
  Result arithmetic(NodeId id, const Node& node);
  Result list_operation(NodeId id, const Node& node);
  Result reduce(NodeId id, const Node& node, const boost::json::array& list);
  Result attempt(const Node& node);
  Result thrown(NodeId id, const Node& node);
  Result call(NodeId id, const Node& node);

  const boost::json::value* root_of(PathRoot root, std::uint32_t scope_up) const noexcept;
  tl::expected<bool, Fault> test(NodeId id);
  tl::expected<void, Fault> spend(NodeId id);
  tl::expected<void, Fault> spend_on(NodeId id, const boost::json::value& built);
  static tl::unexpected<Fault> fail(NodeId id, Failure failure) {
    return tl::make_unexpected(Fault{std::move(failure), id});
  }

  const Program& program_;
  const boost::json::value& data_;
  CallContext context_;
  std::size_t steps_left_;
  std::vector<Frame> frames_;
};

}  // namespace ablauf::detail
