// Fuzzes the reader of step type manifests: any bytes as a manifest, added to a registry of the
// built-in types. A bad manifest must come back as located problems and leave the registry as
// it was; a good one must add at least one type.
#include <ablauf/step_type_manifest.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ablauf::StepTypeRegistry registry = ablauf::StepTypeRegistry::builtin();
  const auto before = registry.names().size();
  auto added = ablauf::add_step_types(
      registry, std::string(reinterpret_cast<const char*>(data), size), "manifest.json");
  if (added) {
    if (registry.names().size() <= before) std::abort();  // a good manifest declares a type
    return 0;
  }
  if (registry.names().size() != before) std::abort();  // all or nothing
  for (const auto& problem : added.error()) {
    if (problem.location.line == 0) std::abort();  // every problem names its place
    (void)ablauf::format(problem);
  }
  return 0;
}
