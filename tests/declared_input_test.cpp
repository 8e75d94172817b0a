// A definition's declared input: read and located at load, checked before an instance starts.
#include "engine_support.hpp"

namespace ablauf {
namespace {

using test::Fixture;
namespace json = boost::json;

// A workflow that declares its input; `extra` adds steps after the first.
std::string invoice(std::string_view extra = "") {
  return R"({"id": "invoice", "version": 1, "kind": "workflow", "title": "I",
  "input": {
    "type": "object",
    "required": ["customer", "total"],
    "properties": {
      "customer": {"type": "object", "required": ["email"],
                   "properties": {"email": {"type": "string", "format": "email"}}},
      "total": {"type": "number", "minimum": 0}
    }
  },
  "steps": [)" +
         std::string(extra) +
         R"({"id": "wait", "type": "wait", "event": "paid", "next": "done"},
            {"id": "done", "type": "end"}]})";
}

const json::value good_input = json::parse(R"({"customer": {"email": "erika@example.de"},
                                               "total": 119})");

TEST_CASE("a declared input is read with the definition, its mistakes located",
          "[declared_input][definition]") {
  const auto loaded = load_definition(R"({"id": "w", "version": 1, "kind": "workflow",
  "title": "W",
  "input": {"type": "object",
            "properties": {"total": {"type": "numbr", "minimum": "0"}},
            "requird": ["total"]},
  "steps": [{"id": "done", "type": "end"}]})",
                                      "w.json");
  REQUIRE_FALSE(loaded);
  const auto& errors = loaded.error();
  INFO(errors);
  REQUIRE(errors.size() == 3);
  test::check_diagnostic(errors[0],
                         {ErrorCode::invalid_value, 4, 46, "/input/properties/total/type",
                          "'numbr' is not a type; did you mean 'number'?"});
  test::check_diagnostic(errors[1],
                         {ErrorCode::wrong_type, 4, 66, "/input/properties/total/minimum",
                          "'minimum' must be a number, not a string"});
  test::check_diagnostic(errors[2], {ErrorCode::unknown_field, 5, 13, "/input/requird",
                                     "'requird' is not a schema keyword; did you mean "
                                     "'required'?"});

  const auto declared = load_definition(invoice(), "invoice.json");
  REQUIRE(declared);
  REQUIRE(declared->input);
  CHECK(declared->input->json().at("required").as_array().size() == 2);
  const auto undeclared = load_definition(R"({"id": "w", "version": 1, "kind": "workflow",
    "title": "W", "steps": [{"id": "done", "type": "end"}]})",
                                          "w.json");
  REQUIRE(undeclared);
  CHECK_FALSE(undeclared->input);  // any input
}

TEST_CASE("start refuses input that does not fit, naming every problem, and stores nothing",
          "[declared_input][engine]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(invoice())));
  const auto refused =
      f.engine.start("invoice", json::parse(R"({"customer": {"email": "erika"}, "total": -1})"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_value);
  CHECK(refused.error().pointer == "/customer/email");
  CHECK(refused.error().message ==
        "the input does not fit what workflow 'invoice' version 1 declares: /customer/email: "
        "expected an email address, not 'erika'; /total: must be at least 0, not -1");
  const auto missing = f.engine.start("invoice", json::object());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message ==
        "the input does not fit what workflow 'invoice' version 1 declares: /customer: "
        "'customer' is required and missing; /total: 'total' is required and missing");
  CHECK(f.engine.instance_ids()->empty());

  const auto started = f.engine.start("invoice", good_input);
  REQUIRE(started);
  CHECK(f.state(*started).data.at("input") == good_input);
}

TEST_CASE("a call whose input the sub-workflow does not declare fails, as on_error says",
          "[declared_input][engine][call]") {
  Fixture f;
  REQUIRE(f.engine.deploy(test::compile_text(invoice())));
  REQUIRE(f.engine.deploy(test::compile_text(R"({"id": "order", "version": 1,
    "kind": "workflow", "title": "O", "steps": [
      {"id": "bill", "type": "call", "workflow": "invoice",
       "input": {"customer": {"email": "{{input.email}}"}, "total": {"=": "input.total"}},
       "on_error": "handle", "next": "done"},
      {"id": "handle", "type": "end", "status": "failed"},
      {"id": "done", "type": "end"}]})")));
  const auto bad = f.engine.start("order", json::parse(R"({"email": "erika", "total": 5})"));
  REQUIRE(bad);
  const auto failed = f.state(*bad);
  CHECK(failed.status == InstanceStatus::failed);  // through "handle"
  CHECK(failed.data.at("steps").at("bill").at("error").as_string() ==
        "the input does not fit what workflow 'invoice' version 1 declares: /customer/email: "
        "expected an email address, not 'erika'");
  CHECK(f.engine.list({.workflow = "invoice"})->empty());

  const auto good =
      f.engine.start("order", json::parse(R"({"email": "erika@example.de", "total": 5})"));
  REQUIRE(good);
  CHECK(f.state(*good).status == InstanceStatus::waiting);
  CHECK(f.engine.list({.workflow = "invoice"})->size() == 1);
}

}  // namespace
}  // namespace ablauf
