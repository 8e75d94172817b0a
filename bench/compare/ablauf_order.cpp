// The order process in ablauf, for the side-by-side comparison (run.sh): order.json, nine
// automated service steps and one decision; or order_human.json, where a person approves after
// s4, and a fresh engine over the same store takes the instance up and finishes it.
#include "measure.hpp"

#include <ablauf/ablauf.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;

// The service every step calls: nothing but the count the checks read.
struct Service final : ablauf::Adapter {
  ablauf::StepResult execute(const ablauf::StepContext&) override {
    ++compare::service_calls();
    return ablauf::StepResult::completed();
  }
};

const ablauf::StepTypeRegistry& step_types() {
  static const ablauf::StepTypeRegistry registry = [] {
    ablauf::StepTypeRegistry types = ablauf::StepTypeRegistry::builtin();
    (void)types.add({.name = "service"});
    return types;
  }();
  return registry;
}

tl::expected<ablauf::Workflow, std::string> compile(const std::string& name) {
  const std::string path = std::string(ORDER_DEFINITIONS_DIR) + "/" + name + ".json";
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  auto definition = ablauf::load_definition(text.str(), path, {.step_types = &step_types()});
  if (!definition) return tl::make_unexpected(ablauf::format(definition.error().first_error()));
  auto workflow = ablauf::Workflow::compile(std::move(*definition), &step_types());
  if (!workflow) return tl::make_unexpected(ablauf::format(workflow.error().first_error()));
  return std::move(*workflow);
}

// An engine with the order process deployed, over a store of its own or a given one.
struct Host {
  Host(const ablauf::Workflow& workflow, ablauf::Store* shared = nullptr)
      : engine({.store = shared ? shared : &store, .clock = &clock}) {
    engine.register_adapter("service", service);
    if (auto deployed = engine.deploy(workflow); !deployed) error = deployed.error().message;
  }
  static inline const auto service = std::make_shared<Service>();
  ablauf::MemoryStore store;
  ablauf::ManualClock clock{std::chrono::sys_days{std::chrono::November / 23 / 2026}};
  ablauf::Engine engine;
  std::string error;
};

// A batch of instances: each runs in a fresh Host's engine per batch, so that memory stays
// that of one batch however long the run, as the peers drop each finished instance.
class Orders {
 public:
  Orders(ablauf::Workflow workflow, bool human) : workflow_(std::move(workflow)), human_(human) {}

  std::string run(std::size_t batch) {
    host_ = std::make_unique<Host>(workflow_);
    if (!host_->error.empty()) return host_->error;
    ids_.clear();
    const json::value input{{"amount", compare::amount}};
    for (std::size_t i = 0; i < batch; ++i) {
      auto id = host_->engine.start(workflow_.definition().id, input);
      if (!id) return id.error().message;
      if (human_) {
        // The instance waits for the approval; a fresh engine restores it from the store.
        Host fresh(workflow_, &host_->store);
        if (!fresh.error.empty()) return fresh.error;
        if (auto ok = fresh.engine.answer(*id, "approve", "approved", true, "approver"); !ok)
          return ok.error().message;
      }
      ids_.push_back(std::move(*id));
    }
    return {};
  }

  // Every instance ended at "done", having passed the decision once.
  std::string check() const {
    for (const auto& id : ids_) {
      auto state = host_->engine.get(id);
      if (!state) return state.error().message;
      const auto& steps = state->data.at("steps").as_object();
      if (state->status != ablauf::InstanceStatus::completed || !steps.contains("done") ||
          steps.contains("rejected"))
        return "instance " + id + " did not end at \"done\"";
    }
    return {};
  }

 private:
  ablauf::Workflow workflow_;
  bool human_;
  std::unique_ptr<Host> host_;
  std::vector<std::string> ids_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto options = compare::parse_options(argc, argv);
  const bool human = options.scenario == "human";
  auto workflow = compile(human ? "order_human" : "order");
  if (!workflow) {
    std::fprintf(stderr, "%s\n", workflow.error().c_str());
    return 1;
  }
  auto orders = std::make_shared<Orders>(std::move(*workflow), human);
  return compare::measure({.name = "ablauf",
                           .version = ABLAUF_VERSION,
                           .batch = 1000,
                           .run = [orders](std::size_t n) { return orders->run(n); },
                           .check = [orders] { return orders->check(); }},
                          options);
}
