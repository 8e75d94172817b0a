// Fuzzes the definition loader and validator: any bytes as a definition's text. A rejected
// definition must come back as diagnostics, each formatted; an accepted one must compile or
// be rejected by the graph checks, never crash.
#include <ablauf/definition.hpp>
#include <ablauf/workflow.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto definition = ablauf::load_definition(std::move(text), "fuzz.json");
  if (!definition) {
    for (const auto& diagnostic : definition.error()) (void)ablauf::format(diagnostic);
    return 0;
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition));
  if (!workflow)
    for (const auto& diagnostic : workflow.error()) (void)ablauf::format(diagnostic);
  return 0;
}
