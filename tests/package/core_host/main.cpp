// A host with its own step types, declared in a JSON manifest, carried out by its own adapters,
// on ablauf::core alone: it checks a customer's credit, then waits for the bank feed, which the
// host reports as the payment arriving. Exits 0 when the instance completed as it should.
// Usage: core_host MANIFEST DEFINITION
#include <ablauf/ablauf.hpp>

#include <iostream>
#include <memory>
#include <string_view>

namespace {

// Approves a customer whose (made-up) score reaches the step's limit.
class CheckCredit final : public ablauf::Adapter {
 public:
  ablauf::StepResult execute(const ablauf::StepContext& context) override {
    const auto& parameters = context.parameters;
    const double score = parameters.at("customer").as_string() == "K-1" ? 1500 : 200;
    // `limit` and `mode` are left out by the definition: the manifest's defaults.
    const double limit = parameters.at("limit").to_number<double>();
    return ablauf::StepResult::completed(
        {{"score", score}, {"approved", score >= limit}, {"mode", parameters.at("mode")}});
  }
};

// The work goes on at the bank; the host finishes the step when the payment is seen.
class AwaitBankFeed final : public ablauf::Adapter {
 public:
  ablauf::StepResult execute(const ablauf::StepContext&) override {
    return ablauf::StepResult::pending();
  }
};

int fail(std::string_view what) {
  std::cerr << "core_host: " << what << '\n';
  return 1;
}
int fail(const ablauf::Error& error) {
  std::cerr << "core_host: " << error << '\n';  // FILE:LINE:COL: error: … where it has a place
  return 1;
}
int fail(const ablauf::Diagnostics& problems) {
  std::cerr << problems;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return fail("usage: core_host MANIFEST DEFINITION");
  auto types = ablauf::StepTypeRegistry::builtin();
  if (auto added = ablauf::add_step_types_file(types, argv[1]); !added) return fail(added.error());
  auto definition = ablauf::load_definition_file(argv[2], {.step_types = &types});
  if (!definition) return fail(definition.error());
  auto workflow = ablauf::Workflow::compile(std::move(*definition), &types);
  if (!workflow) return fail(workflow.error());

  ablauf::Engine engine;  // the memory store, the system clock, mail kept in memory
  engine.register_adapter("check_credit", std::make_shared<CheckCredit>());
  engine.register_adapter("await_bank_feed", std::make_shared<AwaitBankFeed>());
  if (auto deployed = engine.deploy(std::move(*workflow)); !deployed) return fail(deployed.error());

  auto id = engine.start("credit_check", {{"customer", "K-1"}, {"invoice", "R-2026-17"}});
  if (!id) return fail(id.error());
  if (auto waiting = engine.get(*id);
      !waiting || waiting->status != ablauf::InstanceStatus::waiting)
    return fail("the instance does not wait for the bank feed");
  if (auto paid = engine.finish_step(*id, "await", ablauf::StepResult::completed({{"paid", true}}));
      !paid)
    return fail(paid.error());

  auto done = engine.get(*id);
  if (!done) return fail(done.error());
  const auto& check = done->data.at("steps").at("check").at("output");
  if (done->status != ablauf::InstanceStatus::completed || check.at("approved") != true ||
      check.at("mode") != "quick")
    return fail("the instance did not complete as expected: " + ablauf::to_json_text(done->data));
  std::cout << "credit_check: " << ablauf::to_string(done->status) << ", score "
            << check.at("score") << '\n';
  return 0;
}
