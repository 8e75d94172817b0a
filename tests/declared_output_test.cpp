// A definition's declared output: the vars an instance hands back when it completes, checked
// then, and read typed by the caller's call step.
#include "engine_support.hpp"

namespace ablauf {
namespace {

using test::Fixture;
namespace json = boost::json;

constexpr std::string_view reminder = R"({"id": "reminder", "version": 1, "kind": "workflow",
  "title": "R",
  "output": {"type": "object", "required": ["paid"], "additionalProperties": false,
             "properties": {"paid": {"type": "boolean"}}},
  "steps": [
    {"id": "decide", "type": "decision", "assign": {"paid": "input.paid"},
     "next": [{"to": "done"}]},
    {"id": "done", "type": "end"}]})";

TEST_CASE("an instance whose vars do not fit its declared output fails instead of completing",
          "[declared_output][engine]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(std::string(reminder))));
  const auto fits = f.engine.start("reminder", json::parse(R"({"paid": true})"));
  REQUIRE(fits);
  CHECK(f.state(*fits).status == InstanceStatus::completed);

  const auto misfit = f.engine.start("reminder", json::parse(R"({"paid": "yes"})"));
  REQUIRE(misfit);
  const auto failed = f.state(*misfit);
  CHECK(failed.status == InstanceStatus::failed);
  CHECK(failed.error ==
        "its vars do not fit the output its workflow declares: /paid: expected true or false, "
        "not a string");
}

TEST_CASE("a caller reads the callee's output, and the callee's misfit fails the call",
          "[declared_output][engine][call]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(std::string(reminder))));
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "invoice", "version": 1,
    "kind": "workflow", "title": "I", "steps": [
      {"id": "remind", "type": "call", "workflow": "reminder",
       "input": {"paid": {"=": "input.paid"}}, "on_error": "broken", "next": [
        {"when": "steps.remind.output.vars.paid == true", "to": "done"}, {"to": "open"}]},
      {"id": "open", "type": "end", "status": "failed"},
      {"id": "broken", "type": "end", "status": "failed"},
      {"id": "done", "type": "end"}]})")));
  const auto paid = f.engine.start("invoice", json::parse(R"({"paid": true})"));
  REQUIRE(paid);
  CHECK(f.state(*paid).status == InstanceStatus::completed);

  const auto misfit = f.engine.start("invoice", json::parse(R"({"paid": 1})"));
  REQUIRE(misfit);
  const auto failed = f.state(*misfit);
  CHECK(failed.status == InstanceStatus::failed);
  CHECK_THAT(failed.data.at("steps").at("remind").at("error").as_string().c_str(),
             Catch::Contains("its vars do not fit the output its workflow declares"));
}

}  // namespace
}  // namespace ablauf
