// Fuzzes the reader of `ablauf run`'s answers files: any bytes as the file, read as `run` reads
// it (parse_json, read_script) and checked against a seed definition (check_script) with the
// problems located in the file. Bad files must come back as located problems, never a crash;
// and every problem must name the place at fault by a pointer into the file.
#include "cli/answers_file.hpp"

#include <ablauf/definition.hpp>
#include <ablauf/json.hpp>
#include <ablauf/source.hpp>
#include <ablauf/workflow.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

// utility_billing has every kind of answer the file can give: checklists with every item kind
// and signatures, tasks with outcomes, and waits for events.
const ablauf::Workflow& seed_workflow() {
  static const ablauf::Workflow workflow = [] {
    auto definition = ablauf::load_definition_file(ABLAUF_WORKFLOWS_DIR "/utility_billing.json");
    if (!definition) {
      std::cerr << "fuzz_answers: cannot load the seed workflow\n";
      std::abort();
    }
    auto compiled = ablauf::Workflow::compile(std::move(*definition));
    if (!compiled) std::abort();
    return std::move(*compiled);
  }();
  return workflow;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ablauf::Workflow& workflow = seed_workflow();
  const ablauf::Source source("answers.json",
                              std::string(reinterpret_cast<const char*>(data), size));
  auto file = ablauf::parse_json(source);
  if (!file) {
    (void)ablauf::format(file.error());
    return 0;
  }
  ablauf::Diagnostics problems;
  auto script = ablauf::cli::read_script(*file);
  if (!script)
    problems.add(std::move(script.error()));
  else
    problems = ablauf::cli::check_script(*script, {&workflow, 1}, "de");
  ablauf::cli::locate_answers(source, problems);
  for (const auto& problem : problems) {
    if (problem.location.line == 0) std::abort();  // every problem names its place
    (void)ablauf::format(problem);
  }
  return 0;
}
