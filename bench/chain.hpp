// What the durable-store benchmarks share: a host step that does nothing, and a workflow that
// is a chain of them, so that a step's cost is the engine's and the store's alone.
#pragma once

#include <ablauf/ablauf.hpp>

#include <boost/json/serialize.hpp>

#include <string>

namespace ablauf::bench {

struct Noop final : Adapter {
  StepResult execute(const StepContext&) override { return StepResult::completed(); }
};

// s0 → … → s<n-1> → done, every s a noop; its id is "chain".
inline tl::expected<Workflow, std::string> chain(int steps) {
  namespace json = boost::json;
  static const StepTypeRegistry types = [] {
    auto registry = StepTypeRegistry::builtin();
    (void)registry.add({.name = "noop"});
    return registry;
  }();
  // Appending, not "s" + std::to_string(i): GCC 12 at -O3 warns (-Wrestrict) on the latter.
  const auto name = [](int i) { return std::string("s").append(std::to_string(i)); };
  json::array list;
  for (int i = 0; i < steps; ++i)
    list.push_back(json::object{{"id", name(i)},
                                {"type", "noop"},
                                {"next", i + 1 < steps ? name(i + 1) : std::string("done")}});
  list.push_back(json::object{{"id", "done"}, {"type", "end"}});
  const auto text = json::serialize(json::object{
      {"id", "chain"}, {"version", 1}, {"kind", "workflow"}, {"title", "C"}, {"steps", list}});
  auto definition = load_definition(text, "chain.json", {.step_types = &types});
  if (!definition) return tl::make_unexpected(format(definition.error().first_error()));
  auto workflow = Workflow::compile(std::move(*definition), &types);
  if (!workflow) return tl::make_unexpected(format(workflow.error().first_error()));
  return std::move(*workflow);
}

}  // namespace ablauf::bench
