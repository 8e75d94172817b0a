// Fuzzes the engine with definitions that pass validation: any bytes as a definition, run with
// the input in its metadata ("input"), its people answering, completing and signalling with
// what the definition itself offers, and its timers passing day by day. The engine may fail an
// instance, never crash, hang or lose track: after every round, each instance's state must
// equal the fold of its history.
#include <ablauf/answer.hpp>
#include <ablauf/definition.hpp>
#include <ablauf/engine.hpp>
#include <ablauf/workflow.hpp>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace ablauf;
namespace json = boost::json;

// A value the item may take; wrong guesses are refused, which is fine.
json::value guess(const ItemDefinition& item, const json::object& metadata) {
  if (item.not_applicable && item.id.size() % 2 == 0) return ablauf::not_applicable_answer();
  switch (item.kind) {
    case ItemKind::checkbox: return true;
    case ItemKind::number: return 1;
    case ItemKind::date: return "2026-11-23";
    case ItemKind::time: return "14:05";
    case ItemKind::location: return json::object{{"latitude", 52.5}, {"longitude", 13.4}};
    case ItemKind::rating: return static_cast<std::int64_t>(item.min.value_or(1));
    case ItemKind::datetime: return "2026-11-23T14:05:00+01:00";
    case ItemKind::choice:
      return item.options.empty() ? json::value("x") : json::value(item.options[0].value);
    case ItemKind::multi_choice:
      return item.options.empty() ? json::array{} : json::array{item.options[0].value.c_str()};
    default:
      if (const auto* text = metadata.if_contains("answer")) return *text;
      return "ok";
  }
}

// Acts on every token waiting for a person or the outside world.
void act(Engine& engine, const Workflow& workflow, const InstanceState& state,
         const json::object& metadata) {
  for (const auto& token : state.tokens) {
    const StepDefinition* step = workflow.definition().find_step(token.step);
    if (!step || token.state != Token::State::waiting) continue;
    if (token.waiting_for == WaitingFor::checklist && step->checklist) {
      for (const auto& section : step->checklist->sections)
        for (const auto& item : section.items) {
          if (item.kind == ItemKind::signature) {
            (void)engine.sign(state.id, step->id, item.id, "fuzz");
          } else if (takes_files(item.kind) && !item.not_applicable) {
            // A PNG's signature and a little more: kept, then answered with.
            auto kept = engine.keep_file(
                state.id, step->id, item.id,
                {.content = std::string("\x89PNG\r\n\x1A\n\0", 9), .name = item.id + ".png"});
            if (kept) (void)engine.answer(state.id, step->id, item.id, to_json(*kept), "fuzz");
          } else
            (void)engine.answer(state.id, step->id, item.id, guess(item, metadata), "fuzz");
        }
    } else if (token.waiting_for == WaitingFor::task) {
      std::string outcome;
      if (const auto* outcomes = step->parameters.if_contains("outcomes");
          outcomes && outcomes->is_array() && !outcomes->get_array().empty() &&
          outcomes->get_array()[0].is_string())
        outcome = outcomes->get_array()[0].get_string();
      (void)engine.complete_task(state.id, token.waiting_on, outcome, "fuzz");
    } else if (token.waiting_for == WaitingFor::event) {
      const auto* name = step->parameters.if_contains("event");
      const auto* payload = metadata.if_contains("payload");
      if (name && name->is_string())
        (void)engine.signal(state.id, name->get_string(), payload ? *payload : json::value());
    } else if (token.waiting_for == WaitingFor::adapter) {
      (void)engine.finish_step(state.id, step->id, StepResult::completed());
    }
  }
}

void check_fold(const Engine& engine, const std::string& id) {
  const auto state = engine.get(id);
  const auto history = engine.history(id);
  if (!state || !history) std::abort();
  const auto folded = fold(id, *history);
  if (!folded || json::serialize(to_json(*folded)) != json::serialize(to_json(*state)))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto definition =
      load_definition(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (!definition || definition->kind != DefinitionKind::workflow) return 0;
  const json::object metadata = definition->metadata;
  auto compiled = Workflow::compile(std::move(*definition));
  if (!compiled) return 0;
  const Workflow workflow = *compiled;

  ManualClock clock(Time(std::chrono::sys_days(std::chrono::year{2026} / 11 / 23)));
  // Small limits keep each input fast; reaching them is an outcome like any other.
  EngineLimits limits;
  limits.max_activations = 200;
  limits.max_history_events = 2'000;
  limits.max_evaluation_operations = 10'000;
  limits.max_rendered_bytes = 64 * 1024;
  Engine engine({.clock = &clock, .limits = limits});
  if (!engine.deploy(std::move(*compiled))) return 0;
  const auto* input = metadata.if_contains("input");
  auto id = engine.start(workflow.definition().id,
                         input && input->is_object() ? *input : json::value(json::object()));
  if (!id) return 0;
  for (int round = 0; round < 8; ++round) {
    auto states = engine.list();
    if (!states) std::abort();
    bool open = false;
    for (const auto& state : *states) {
      check_fold(engine, state.id);
      if (state.finished()) continue;
      open = true;
      act(engine, workflow, state, metadata);
    }
    if (!open) break;
    clock.advance(std::chrono::days(1));
    (void)engine.run_due();
  }
  return 0;
}
