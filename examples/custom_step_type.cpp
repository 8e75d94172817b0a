// An integrator's first steps: register a step type of your own, load a definition that uses
// it, and see how a mistake in it is reported.
#include <ablauf/ablauf.hpp>

#include <iostream>

namespace {

constexpr const char* definition_text = R"({
  "id": "deploy_notice",
  "version": 1,
  "kind": "workflow",
  "title": { "de": "Hinweis auf Wartung", "en": "Maintenance notice" },
  "steps": [
    { "id": "announce", "type": "post_to_slack", "channel": "#ops",
      "message": "Wartung um {{input.time}}", "next": "done" },
    { "id": "done", "type": "end" }
  ]
})";

}  // namespace

int main() {
  // Start from the built-in types and add one; each parameter says its JSON type.
  ablauf::StepTypeRegistry step_types = ablauf::StepTypeRegistry::builtin();
  auto added = step_types.add(
      {.name = "post_to_slack",
       .parameters = {{.name = "channel", .type = ablauf::ParameterType::string, .required = true},
                      {.name = "message", .type = ablauf::ParameterType::text, .required = true}}});
  if (!added) {
    std::cerr << added.error().message << '\n';
    return 1;
  }

  const ablauf::LoadOptions options{.step_types = &step_types};
  auto definition = ablauf::load_definition(definition_text, "deploy_notice.json", options);
  if (!definition) {
    std::cerr << definition.error();
    return 1;
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition), &step_types);
  if (!workflow) {
    std::cerr << workflow.error();
    return 1;
  }
  ablauf::write_mermaid(std::cout, *workflow, {.language = "en"});

  // The same definition without the registry: the type is unknown, and the error says where.
  auto unknown = ablauf::load_definition(definition_text, "deploy_notice.json");
  if (unknown) return 1;
  std::cout << "\nwithout the registry:\n" << unknown.error();
  return unknown.error().first_error().code == ablauf::ErrorCode::unknown_step_type ? 0 : 1;
}
