// The smallest host: deploy a checklist, start it, answer it, and see it finished.
#include <ablauf/ablauf.hpp>

#include <iostream>

int main() {
  auto definition = ablauf::load_definition(R"({
    "id": "vehicle_check", "version": 1, "kind": "checklist",
    "title": {"de": "Fahrzeugprüfung", "en": "Vehicle check"},
    "sections": [{"id": "outside", "title": "Außen", "items": [
      {"id": "tyres", "label": {"de": "Reifen geprüft", "en": "Tyres checked"}},
      {"id": "mileage", "label": "Kilometerstand", "kind": "number", "min": 0}]}]})",
                                            "vehicle_check.json");
  if (!definition) {
    std::cerr << definition.error();
    return 1;
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition));
  if (!workflow) {
    std::cerr << workflow.error();
    return 1;
  }

  ablauf::Engine engine;  // in memory, on the wall clock
  if (auto deployed = engine.deploy(std::move(*workflow)); !deployed) {
    std::cerr << deployed.error().message << '\n';
    return 1;
  }
  auto id = engine.start("vehicle_check", boost::json::object{});
  if (!id) {
    std::cerr << id.error().message << '\n';
    return 1;
  }

  // A person fills in the form; a wrong answer is refused and changes nothing.
  auto refused = engine.answer(*id, "outside", "mileage", -5, "erika");
  if (refused) {
    std::cerr << "a negative mileage was accepted\n";
    return 1;
  }
  std::cout << "refused: " << refused.error().message << '\n';
  for (const auto& [item, value] : {std::pair{"tyres", boost::json::value(true)},
                                    std::pair{"mileage", boost::json::value(48213)}}) {
    if (auto ok = engine.answer(*id, "outside", item, value, "erika"); !ok) {
      std::cerr << ok.error().message << '\n';
      return 1;
    }
  }

  auto state = engine.get(*id);
  if (!state || state->status != ablauf::InstanceStatus::completed) {
    std::cerr << "the checklist did not complete\n";
    return 1;
  }
  std::cout << "instance " << *id << " is " << to_string(state->status) << " after "
            << engine.history(*id)->size() << " events; answers: "
            << ablauf::to_json_text(state->data.at("steps").at("outside").at("answers")) << '\n';
  return 0;
}
