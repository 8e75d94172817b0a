// definition_schema(): the documented JSON Schema, and the steps of a host's types added to it as
// the built-in types are (the json_schema_host_types test runs it against definitions).
#include <ablauf/definition_schema.hpp>

#include "test_support.hpp"

#include <ablauf/step_type_manifest.hpp>

#include <boost/json/parse.hpp>

namespace ablauf {
namespace {

namespace json = boost::json;

StepTypeRegistry with_credit() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  const auto added = add_step_types_file(registry, test::data_dir() / "step_types" / "credit.json");
  if (!added) FAIL(added.error());
  return registry;
}

const json::object& step_definition(const json::value& schema, std::string_view type) {
  return schema.at("$defs").at("step_" + std::string(type)).as_object();
}

TEST_CASE("the built-in schema is the documented file", "[schema]") {
  const auto documented =
      json::parse(test::read_file(test::data_dir() / "../../docs/schema/definition.schema.json"));
  CHECK(definition_schema() == documented);
  CHECK(definition_schema(StepTypeRegistry::builtin()) == documented);
}

TEST_CASE("a host's type gets its parameters, required ones and choices", "[schema]") {
  const auto schema = definition_schema(with_credit());
  const auto& check = step_definition(schema, "check_credit");
  CHECK(check.at("required") == json::array{"customer"});
  CHECK(check.at("additionalProperties") == false);
  const auto& properties = check.at("properties").as_object();
  // A fixed choice is neither a template nor computed.
  CHECK(properties.at("mode") == json::parse(R"({"enum": ["quick", "full"], "default": "quick"})"));
  // Any other parameter may be computed.
  CHECK(properties.at("limit") ==
        json::parse(R"({"anyOf": [{"type": "number"}, {"$ref": "#/$defs/computed"}],
                       "default": 1000})"));
  // The fields every step has are allowed, and checked by $defs/step.
  for (const auto* field : {"id", "type", "title", "next", "retry", "timeout", "assign"})
    CHECK(properties.contains(field));
  CHECK(check.at("description").as_string() ==
        "A check_credit step (a type of the host's): Check credit.");
}

TEST_CASE("a host's type says which of a group to give and whether next is needed", "[schema]") {
  const auto schema = definition_schema(with_credit());
  const auto& await = step_definition(schema, "await_bank_feed");
  CHECK(await.at("required") == json::array{"next"});
  CHECK(await.at("allOf") == json::parse(R"([{"oneOf": [{"required": ["reference"]},
                                                          {"required": ["iban"]}]}])"));
}

TEST_CASE("a host's type is offered and dispatched like a built-in one", "[schema]") {
  const auto schema = definition_schema(with_credit());
  const auto& step = schema.at("$defs").at("step");
  const auto& choices = step.at("properties").at("type").at("anyOf").as_array();
  const auto builtin_count = StepTypeRegistry::builtin().names().size();
  REQUIRE(choices.size() == builtin_count + 3);
  // Sorted by name, before the last choice, which still admits any other host's name.
  CHECK(choices[builtin_count].at("const") == "await_bank_feed");
  CHECK(choices[builtin_count + 1].at("const") == "check_credit");
  CHECK_FALSE(choices.back().as_object().contains("const"));
  const auto& dispatch = step.at("allOf").as_array();
  CHECK(dispatch.back() == json::parse(R"({"if": {"properties": {"type": {"const": "check_credit"}},
                                                  "required": ["type"]},
                                           "then": {"$ref": "#/$defs/step_check_credit"}})"));
}

TEST_CASE("next forbidden or as transitions shows in a host type's schema", "[schema]") {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "stop_here", .next = NextRule::forbidden}));
  REQUIRE(registry.add({.name = "route", .next = NextRule::transitions}));
  const auto schema = definition_schema(registry);
  CHECK(step_definition(schema, "stop_here").at("properties").at("next") == false);
  CHECK_FALSE(step_definition(schema, "stop_here").contains("required"));
  const auto& route = step_definition(schema, "route");
  CHECK(route.at("required") == json::array{"next"});
  CHECK(route.at("properties").at("next") ==
        json::parse(R"({"type": "array", "items": {"$ref": "#/$defs/transition"}})"));
}

}  // namespace
}  // namespace ablauf
