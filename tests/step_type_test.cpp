#include "ablauf/step_type.hpp"

#include "test_support.hpp"

#include "ablauf/definition.hpp"
#include "ablauf/workflow.hpp"

using namespace ablauf;

TEST_CASE("the built-in registry has every typed action and control step", "[step_type]") {
  const auto& registry = StepTypeRegistry::builtin();
  for (std::string_view name :
       {"fill_checklist", "send_email", "create_task", "save_record", "update_record", "decision",
        "parallel", "join", "wait", "call", "end"}) {
    INFO(name);
    CHECK(registry.find(name) != nullptr);
  }
  CHECK(registry.names().size() == 11);
  CHECK(registry.find("send_email")->find_parameter("to")->required);
}

TEST_CASE("each built-in type carries how its steps run and are drawn", "[step_type]") {
  const auto& registry = StepTypeRegistry::builtin();
  for (const auto name : registry.names()) {
    INFO(name);
    CHECK(registry.find(name)->behavior != nullptr);
  }
  CHECK(registry.find("decision")->shape == StepShape::decision);
  CHECK(registry.find("parallel")->shape == StepShape::gateway);
  CHECK(registry.find("fill_checklist")->shape == StepShape::form);
  CHECK(registry.find("send_email")->shape == StepShape::action);
  // The roles the graph checks ask for, which no type name stands in for.
  for (const auto name : registry.names()) {
    INFO(name);
    CHECK(registry.find(name)->ends_instance == (name == "end"));
    CHECK(registry.find(name)->gathers_branches == (name == "join"));
  }
  // Waiting is a property of the step, not only of its type: a task may not wait.
  StepDefinition task;
  task.type = "create_task";
  CHECK(registry.find("create_task")->waits(task));
  task.parameters["wait"] = false;
  CHECK_FALSE(registry.find("create_task")->waits(task));
  CHECK_FALSE(registry.find("send_email")->waits);
}

TEST_CASE("a compiled workflow knows each step's type, a host's own included", "[step_type]") {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "check_credit", .shape = StepShape::subprocess}));
  LoadOptions options;
  options.step_types = &registry;
  auto definition = load_definition(R"({"id": "w", "version": 1, "kind": "workflow", "title": "W",
    "steps": [{"id": "credit", "type": "check_credit", "next": "mail"},
              {"id": "mail", "type": "send_email", "to": "a@example.org", "subject": "S",
               "body": "B", "next": "done"},
              {"id": "done", "type": "end"}]})",
                                    "w.json", options);
  REQUIRE(definition);
  auto workflow = Workflow::compile(std::move(*definition), &registry);
  REQUIRE(workflow);
  CHECK(workflow->step_type(0).name == "check_credit");
  CHECK(workflow->step_type(0).behavior == nullptr);  // runs through the host's adapter
  CHECK(workflow->step_type(0).shape == StepShape::subprocess);
  CHECK(workflow->step_type(1).name == "send_email");
  CHECK(workflow->step_type(1).behavior == registry.find("send_email")->behavior);
  CHECK(workflow->step_type(2).ends_instance);
  // The host's type appears in the DOT export by its declared shape.
  CHECK_THAT(to_dot(*workflow), Catch::Contains("shape=component"));
}

TEST_CASE("a host adds a step type, and malformed ones are refused", "[step_type]") {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  CHECK(registry.add(
      {.name = "post_to_slack",
       .parameters = {{.name = "channel", .type = ParameterType::string, .required = true}}}));
  CHECK(registry.find("post_to_slack"));

  auto taken = registry.add({.name = "send_email"});
  REQUIRE_FALSE(taken);
  CHECK_THAT(taken.error().message, Catch::Contains("already registered"));
  CHECK_FALSE(registry.add({.name = "PostToSlack"}));
  CHECK_FALSE(registry.add({.name = "sms", .parameters = {{.name = "next"}}}));
  CHECK_FALSE(registry.add({.name = "sms2", .parameters = {{.name = "to"}, {.name = "to"}}}));
}
