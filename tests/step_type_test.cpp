#include "ablauf/step_type.hpp"

#include "test_support.hpp"

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
