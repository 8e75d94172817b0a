// Loads and compiles one definition through the public API; exits 0 when it is valid.
#include <ablauf/ablauf.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto definition = ablauf::load_definition_file(argv[1]);
  if (!definition) {
    std::cerr << definition.error();
    return 1;
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition));
  if (!workflow) {
    std::cerr << workflow.error();
    return 1;
  }
  std::cout << workflow->definition().id << ": " << workflow->step_count() << " steps\n";
  return workflow->step_count() > 0 ? 0 : 1;
}
