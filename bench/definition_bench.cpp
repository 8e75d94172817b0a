// Loading, validating and compiling definitions of growing size. Reported per step, so the
// growth shows: it must stay linear (or n·log n), never quadratic.
#include <ablauf/ablauf.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

// A workflow of `steps` steps: checklists, mails and records in a chain, every tenth a
// decision that may loop back to the checklist before it (so the loop check has work). Typed,
// it declares its input, and its decisions read the input, the checklist's answers and a var
// they assign, so that type checking has every kind of path to follow.
std::string generate_definition(std::size_t steps, bool typed = false) {
  std::string text = R"({"id": "generated", "version": 1, "kind": "workflow",
    "title": {"de": "Erzeugt", "en": "Generated"},)";
  if (typed)
    text += R"("input": {"type": "object", "required": ["email", "total"],
      "properties": {"email": {"type": "string", "format": "email"},
                     "total": {"type": "number", "minimum": 0}}},)";
  text += R"("steps": [)";
  for (std::size_t i = 0; i + 1 < steps; ++i) {
    const std::string id = "s" + std::to_string(i);
    const std::string next = "s" + std::to_string(i + 1);
    if (i % 10 == 9 && typed) {
      const std::string checklist = "s" + std::to_string(i - 9);
      text += R"({"id": ")" + id +
              R"(", "type": "decision", "assign": {"rounds": "coalesce(vars.rounds, 0) + 1"},
        "next": [{"when": "vars.rounds < 3 && input.total > steps.)" +
              checklist + R"(.answers.amount", "to": ")" + checklist + R"("}, {"to": ")" + next +
              R"("}]},)";
    } else if (i % 10 == 9) {
      text += R"({"id": ")" + id +
              R"(", "type": "decision", "next": [{"when": "vars.retry", "to": "s)" +
              std::to_string(i - 9) + R"("}, {"to": ")" + next + R"("}]},)";
    } else if (i % 10 == 0) {
      text += R"({"id": ")" + id +
              R"(", "type": "fill_checklist", "title": {"de": "Prüfen", "en": "Check"},
        "items": [{"id": "ok", "label": "Geprüft"}, {"id": "amount", "kind": "number", "label": "Betrag", "min": 0}],
        "next": ")" +
              next + R"("},)";
    } else if (i % 2 == 0) {
      text += R"({"id": ")" + id +
              R"(", "type": "send_email", "to": "{{input.email}}", "subject": "Hallo",
        "body": "Text", "retry": {"max_attempts": 3, "initial_interval": "PT30S"}, "next": ")" +
              next + R"("},)";
    } else {
      text += R"({"id": ")" + id + R"(", "type": "save_record", "collection": "log",
        "record": {"step": ")" +
              id + R"("}, "next": ")" + next + R"("},)";
    }
  }
  text += R"({"id": "s)" + std::to_string(steps - 1) + R"(", "type": "end"}]})";
  return text;
}

void load_and_compile(benchmark::State& state, bool typed) {
  const auto steps = static_cast<std::size_t>(state.range(0));
  const std::string text = generate_definition(steps, typed);
  for (auto _ : state) {
    auto definition = ablauf::load_definition(text, "generated.json");
    if (!definition) {
      state.SkipWithError(ablauf::format(definition.error().first_error()).c_str());
      return;
    }
    if (!definition->warnings.empty()) {  // the typed paths all find what they read
      state.SkipWithError(ablauf::format(definition->warnings[0]).c_str());
      return;
    }
    auto workflow = ablauf::Workflow::compile(std::move(*definition));
    if (!workflow || workflow->step_count() != steps) {
      state.SkipWithError("the generated definition did not compile to every step");
      return;
    }
    benchmark::DoNotOptimize(workflow);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * steps));
  state.counters["bytes_per_step"] = static_cast<double>(text.size()) / static_cast<double>(steps);
  state.counters["ns_per_step"] =
      benchmark::Counter(static_cast<double>(state.iterations() * steps),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(load_and_compile, untyped, false)  // up to max_steps, a definition's limit
    ->Arg(10)
    ->Arg(100)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(load_and_compile, typed, true)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Unit(benchmark::kMicrosecond);

// Locating an error is paid for only when there is one: the first located diagnostic builds
// the pointer index of the whole document.
void locate_error_in_large_definition(benchmark::State& state) {
  const auto steps = static_cast<std::size_t>(state.range(0));
  std::string text = generate_definition(steps);
  text.replace(text.rfind(R"("type": "end")"), 13, R"("type": "ennd")");
  for (auto _ : state) {
    auto definition = ablauf::load_definition(text, "generated.json");
    if (definition || definition.error().first_error().location.line == 0) {
      state.SkipWithError("the broken definition was not rejected with a location");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * steps));
}
BENCHMARK(locate_error_in_large_definition)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMicrosecond);

}  // namespace
