// Step types declared in a JSON manifest: what a good one adds to a registry, how definitions
// then read (defaults, allowed values, waiting), every problem of a bad one at once and located,
// and that the engine refuses to deploy a step nothing would run.
#include <ablauf/step_type_manifest.hpp>

#include "engine_support.hpp"

#include <ablauf/adapter.hpp>
#include <ablauf/engine.hpp>

namespace ablauf {
namespace {

namespace json = boost::json;
using test::Expected;
using test::Fixture;

std::filesystem::path manifest(std::string_view name) {
  return test::data_dir() / "step_types" / name;
}

StepTypeRegistry with_credit() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  const auto added = add_step_types_file(registry, manifest("credit.json"));
  if (!added) FAIL(added.error());
  return registry;
}

// A workflow "w" of one step "p" of `type`, then its end.
Workflow one_step(const std::string& type, const StepTypeRegistry& registry) {
  return test::compile_text(R"({"id": "w", "version": 1, "kind": "workflow", "title": "W",
    "steps": [{"id": "p", "type": ")" + type + R"(", "next": "done"},
              {"id": "done", "type": "end"}]})",
                            &registry);
}

TEST_CASE("a manifest adds its step types with their parameters", "[step_type][manifest]") {
  const auto registry = with_credit();
  CHECK(registry.names().size() == StepTypeRegistry::builtin().names().size() + 2);

  const auto* credit = registry.find("check_credit");
  REQUIRE(credit);
  CHECK(credit->title.get("de") == "Bonität prüfen");
  CHECK(credit->behavior == nullptr);
  CHECK(credit->adapter == nullptr);  // a manifest runs nothing
  CHECK(credit->shape == StepShape::action);
  REQUIRE(credit->parameters.size() == 4);
  const auto* customer = credit->find_parameter("customer");
  CHECK((customer->type == ParameterType::string && customer->required));
  CHECK_FALSE(customer->default_value);
  CHECK(credit->find_parameter("limit")->default_value == json::value(1000));
  CHECK(credit->find_parameter("mode")->allowed_values ==
        std::vector<std::string>{"quick", "full"});
  CHECK(credit->find_parameter("notify")->type == ParameterType::recipients);

  const auto* feed = registry.find("await_bank_feed");
  REQUIRE(feed);
  CHECK(feed->next == NextRule::required);
  CHECK(feed->shape == StepShape::timer);
  CHECK(feed->exactly_one_of == std::vector<std::vector<std::string>>{{"reference", "iban"}});
  REQUIRE(feed->waits);
  CHECK(feed->waits(StepDefinition{}));
}

TEST_CASE("definitions using a manifest's types are checked like the built-in ones",
          "[step_type][manifest]") {
  const auto registry = with_credit();
  const LoadOptions options{.step_types = &registry};
  const auto problems = [&](std::string steps) {
    auto loaded = load_definition(R"({"id": "w", "version": 1, "kind": "workflow", "title": "W",
      "steps": [)" + steps + R"(, {"id": "done", "type": "end"}]})",
                                  "w.json", options);
    return loaded ? Diagnostics() : loaded.error();
  };
  CHECK(problems(R"({"id": "c", "type": "check_credit", "customer": "K-1", "next": "done"})")
            .size() == 0);
  const auto missing = problems(R"({"id": "c", "type": "check_credit", "next": "done"})");
  REQUIRE(missing.size() == 1);
  CHECK_THAT(missing[0].message, Catch::Contains("customer"));
  const auto misspelt = problems(
      R"({"id": "c", "type": "check_credit", "customer": "K", "limt": 5, "next": "done"})");
  REQUIRE(misspelt.size() == 1);
  CHECK_THAT(misspelt[0].message, Catch::Contains("did you mean 'limit'"));
  const auto choice = problems(
      R"({"id": "c", "type": "check_credit", "customer": "K", "mode": "slow", "next": "done"})");
  REQUIRE(choice.size() == 1);
  CHECK(choice[0].pointer == "/steps/0/mode");
  const auto both = problems(
      R"({"id": "f", "type": "await_bank_feed", "reference": "R", "iban": "DE", "next": "done"})");
  REQUIRE(both.size() == 1);
  CHECK_THAT(both[0].message, Catch::Contains("reference"));
}

// Records what its steps were given.
class Recording final : public Adapter {
 public:
  StepResult execute(const StepContext& context) override {
    seen.push_back(context.parameters);
    return StepResult::completed(json::object{{"score", 700}});
  }
  std::vector<json::object> seen;
};

TEST_CASE("a step that leaves a parameter out gets the manifest's default",
          "[step_type][manifest][engine]") {
  const auto registry = with_credit();
  Fixture f;
  auto adapter = std::make_shared<Recording>();
  f.engine.register_adapter("check_credit", adapter);
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "w", "version": 1, "kind": "workflow",
    "title": "W", "steps": [
      {"id": "first", "type": "check_credit", "customer": "K-1", "next": "second"},
      {"id": "second", "type": "check_credit", "customer": "{{input.customer}}", "limit": 5,
       "mode": "full", "next": "done"},
      {"id": "done", "type": "end"}]})",
                                             &registry)));
  const auto id = f.engine.start("w", json::object{{"customer", "K-2"}});
  REQUIRE(id);
  CHECK(f.state(*id).status == InstanceStatus::completed);
  REQUIRE(adapter->seen.size() == 2);
  CHECK(adapter->seen[0] == json::object{{"customer", "K-1"}, {"limit", 1000}, {"mode", "quick"}});
  CHECK(adapter->seen[1] == json::object{{"customer", "K-2"}, {"limit", 5}, {"mode", "full"}});
}

TEST_CASE("a manifest's problems are reported at once, each located, and nothing is added",
          "[step_type][manifest]") {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  const auto added = add_step_types_file(registry, manifest("broken.json"));
  REQUIRE_FALSE(added);
  CHECK(registry.names().size() == StepTypeRegistry::builtin().names().size());
  const auto& d = added.error();
  for (const auto& problem : d) {
    INFO(format(problem));
    CHECK(problem.location.file == manifest("broken.json").string());
  }
  REQUIRE(d.size() == 12);
  using E = ErrorCode;
  test::check_diagnostic(d[0], Expected{E::invalid_identifier, 3, 14, "/step_types/0/name",
                                        "'Check-Credit' is not a step type name"});
  test::check_diagnostic(d[1], Expected{E::invalid_value, 3, 74, "/step_types/0/parameters/0/type",
                                        "did you mean 'string'"});
  test::check_diagnostic(d[2], Expected{E::duplicate_id, 4, 14, "/step_types/1/name",
                                        "'send_email' is already registered (it is built in)"});
  test::check_diagnostic(d[3],
                         Expected{E::invalid_value, 7, 55, "/step_types/2/parameters/0/default",
                                  "the default must be a number, not a string"});
  test::check_diagnostic(d[4], Expected{E::duplicate_id, 8, 17, "/step_types/2/parameters/1/name",
                                        "names parameter 'limit' twice"});
  test::check_diagnostic(d[5], Expected{E::invalid_value, 9, 17, "/step_types/2/parameters/2/name",
                                        "'next' is a field every step has"});
  test::check_diagnostic(
      d[6], Expected{E::invalid_value, 10, 62, "/step_types/2/parameters/3/allowed_values",
                     "only a parameter of type string"});
  test::check_diagnostic(d[7],
                         Expected{E::invalid_value, 11, 73, "/step_types/2/parameters/4/default",
                                  "a required parameter has no default"});
  test::check_diagnostic(d[8],
                         Expected{E::invalid_value, 12, 26, "/step_types/2/exactly_one_of/0/0",
                                  "'limit' has a default, so a step would always give it"});
  test::check_diagnostic(d[9],
                         Expected{E::unknown_reference, 12, 35, "/step_types/2/exactly_one_of/0/1",
                                  "'missing' is not a parameter"});
  test::check_diagnostic(d[10], Expected{E::wrong_type, 13, 15, "/step_types/2/waits", "waits"});
  test::check_diagnostic(
      d[11], Expected{E::unknown_field, 13, 22, "/step_types/2/shap", "did you mean 'shape'"});
}

TEST_CASE("a manifest refuses a type twice, a key twice, and a file past its limit",
          "[step_type][manifest]") {
  StepTypeRegistry registry = with_credit();
  // The same manifest again: its types are taken now.
  const auto again = add_step_types_file(registry, manifest("credit.json"));
  REQUIRE_FALSE(again);
  CHECK(again.error().size() == 2);
  CHECK_THAT(again.error()[0].message, Catch::Contains("'check_credit' is already registered"));

  const auto twice = add_step_types(
      registry, R"({"step_types": [{"name": "a"}, {"name": "b"}, {"name": "a"}]})", "m.json");
  REQUIRE_FALSE(twice);
  REQUIRE(twice.error().size() == 1);
  CHECK(twice.error()[0].pointer == "/step_types/2/name");
  CHECK_THAT(twice.error()[0].message, Catch::Contains("declared twice; first at line 1"));
  CHECK(registry.find("a") == nullptr);  // nothing of it was added

  const auto key =
      add_step_types(registry, R"({"step_types": [{"name": "x", "name": "y"}]})", "m.json");
  REQUIRE_FALSE(key);
  CHECK(key.error()[0].code == ErrorCode::syntax_error);

  LoadOptions small;
  small.json.max_document_bytes = 100;
  const auto large = add_step_types_file(registry, manifest("credit.json"), small);
  REQUIRE_FALSE(large);
  CHECK(large.error()[0].code == ErrorCode::document_too_large);
  const auto absent = add_step_types_file(registry, manifest("absent.json"));
  REQUIRE_FALSE(absent);
  CHECK(absent.error()[0].code == ErrorCode::io_error);
}

TEST_CASE("deploy refuses a step whose type has no adapter, naming the step and its place",
          "[step_type][engine]") {
  const auto registry = with_credit();
  const std::string text = R"({"id": "w", "version": 1, "kind": "workflow", "title": "W",
  "steps": [
    {"id": "check", "type": "check_credit", "customer": "K-1", "next": "done"},
    {"id": "done", "type": "end"}]})";
  Fixture f;
  const auto refused = f.engine.deploy(test::compile_text(text, &registry));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::unknown_step_type);
  CHECK(refused.error().pointer == "/steps/0/type");
  CHECK(refused.error().location.line == 3);
  CHECK(refused.error().location.column == 29);
  CHECK_THAT(refused.error().message,
             Catch::Contains("step 'check' has type 'check_credit', which has no adapter"));
  CHECK_FALSE(f.engine.start("w", json::object()));  // nothing was deployed

  // With an adapter in the type itself, the same definition deploys and runs: one object.
  StepTypeRegistry own = StepTypeRegistry::builtin();
  auto adapter = std::make_shared<Recording>();
  REQUIRE(own.add({.name = "check_credit",
                   .parameters = {{.name = "customer", .type = ParameterType::string}},
                   .adapter = adapter}));
  REQUIRE(f.engine.deploy(test::compile_text(text, &own)));
  const auto id = f.engine.start("w", json::object());
  REQUIRE(id);
  CHECK(f.state(*id).status == InstanceStatus::completed);
  CHECK(adapter->seen.size() == 1);
}

TEST_CASE("a default is a constant, and the registry refuses one that does not fit",
          "[step_type][manifest]") {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  // Nested {"=": …} in an object's default is taken as it is, never computed.
  REQUIRE(add_step_types(registry, R"({"step_types": [{"name": "post", "parameters": [
    {"name": "body", "type": "object", "default": {"total": {"=": "input.total"}}}]}]})",
                         "m.json"));
  auto adapter = std::make_shared<Recording>();
  Fixture f;
  f.engine.register_adapter("post", adapter);
  REQUIRE(f.engine.deploy(one_step("post", registry)));
  REQUIRE(f.engine.start("w", json::object{{"total", 5}}));
  REQUIRE(adapter->seen.size() == 1);
  CHECK(adapter->seen[0].at("body") == json::value{{"total", json::object{{"=", "input.total"}}}});

  // A number with allowed values and a default: reported, not read as a string.
  const auto mixed = add_step_types(registry, R"({"step_types": [{"name": "n", "parameters": [
    {"name": "x", "type": "number", "allowed_values": ["a"], "default": 1}]}]})",
                                    "m.json");
  REQUIRE_FALSE(mixed);
  REQUIRE(mixed.error().size() == 1);
  CHECK_THAT(mixed.error()[0].message, Catch::Contains("only a parameter of type string"));

  // A default that makes a choice of exactly one impossible, and one group naming a parameter
  // twice: refused in the manifest, at their place.
  const auto groups = add_step_types(registry, R"({"step_types": [{"name": "g", "parameters": [
    {"name": "a", "type": "string", "default": "x"}, {"name": "b", "type": "string"}],
    "exactly_one_of": [["a", "b"], ["b", "b"]]}]})",
                                     "m.json");
  REQUIRE_FALSE(groups);
  REQUIRE(groups.error().size() == 2);
  CHECK(groups.error()[0].pointer == "/step_types/0/exactly_one_of/0/0");
  CHECK_THAT(groups.error()[0].message, Catch::Contains("'a' has a default"));
  CHECK(groups.error()[1].pointer == "/step_types/0/exactly_one_of/1/1");
  CHECK_THAT(groups.error()[1].message, Catch::Contains("named twice"));

  // The same, declared in C++: add() refuses them too.
  StepTypeRegistry own;
  CHECK_FALSE(own.add(
      {.name = "t",
       .parameters = {
           {.name = "n", .type = ParameterType::number, .default_value = json::value("ten")}}}));
  CHECK_FALSE(own.add({.name = "t",
                       .parameters = {{.name = "n",
                                       .type = ParameterType::number,
                                       .required = true,
                                       .default_value = json::value(1)}}}));
  CHECK_FALSE(own.add({.name = "t",
                       .parameters = {{.name = "a",
                                       .type = ParameterType::string,
                                       .default_value = json::value("x")},
                                      {.name = "b", .type = ParameterType::string}},
                       .exactly_one_of = {{"a", "b"}}}));
  CHECK(own.add(
      {.name = "t",
       .parameters = {
           {.name = "n", .type = ParameterType::number, .default_value = json::value(1)}}}));
}

TEST_CASE("an adapter registered with the engine runs before the type's own",
          "[step_type][engine]") {
  auto own = std::make_shared<Recording>();
  auto registered = std::make_shared<Recording>();
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(registry.add({.name = "probe", .adapter = own}));
  Fixture f;
  f.engine.register_adapter("probe", registered);
  REQUIRE(f.engine.deploy(one_step("probe", registry)));
  REQUIRE(f.engine.start("w", json::object()));
  CHECK(registered->seen.size() == 1);
  CHECK(own->seen.empty());
}

}  // namespace
}  // namespace ablauf
