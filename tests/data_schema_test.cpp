// Declared data: reading a JSON Schema subset, and checking values against it.
#include "ablauf/data_schema.hpp"

#include "small_stack.hpp"
#include "test_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <map>
#include <optional>

using namespace ablauf;
namespace json = boost::json;

namespace {

DataSchema schema_of(std::string_view text) {
  auto schema = DataSchema::read(json::parse(text));
  if (!schema) FAIL(describe_problems(schema.error()));
  return std::move(*schema);
}

// The problems as "pointer: message" lines, and their codes.
std::vector<std::string> problems_of(const DataSchema& schema, std::string_view value,
                                     const DataSchemaLimits& limits = {}) {
  std::vector<std::string> out;
  for (const auto& problem : schema.check(json::parse(value), limits))
    out.push_back(problem.pointer + ": " + problem.message + " [" +
                  std::string(to_string(problem.code)) + "]");
  return out;
}

std::vector<std::string> read_problems(std::string_view schema, std::string_view pointer = {}) {
  auto read = DataSchema::read(json::parse(schema), pointer);
  if (read) FAIL("expected the schema to be refused");
  std::vector<std::string> out;
  for (const auto& problem : read.error())
    out.push_back(problem.pointer + ": " + problem.message + " [" +
                  std::string(to_string(problem.code)) + "]");
  return out;
}

const char* customer = R"({
  "type": "object",
  "required": ["name", "email", "total"],
  "additionalProperties": false,
  "properties": {
    "name": {"type": "string", "minLength": 2, "maxLength": 5},
    "email": {"type": "string", "format": "email"},
    "total": {"type": "number", "minimum": 0, "exclusiveMaximum": 1000000},
    "due": {"type": "string", "format": "date"},
    "country": {"enum": ["DE", "AT", "CH"]},
    "iban": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}"},
    "lines": {"type": "array", "minItems": 1, "maxItems": 2,
              "items": {"type": "object", "required": ["qty"],
                        "properties": {"qty": {"type": "integer", "minimum": 1}}}}
  }
})";

}  // namespace

TEST_CASE("a value that fits its schema has no problems", "[data_schema]") {
  const auto schema = schema_of(customer);
  CHECK(problems_of(schema, R"({"name": "Grüße", "email": "erika@example.de", "total": 12.5,
    "due": "2026-12-31", "country": "AT", "iban": "DE89 3704", "lines": [{"qty": 2.0}]})")
            .empty());
  CHECK(DataSchema().check(json::parse(R"([1, "x", {"any": null}])")).empty());
}

TEST_CASE("every problem of a value is named at its JSON pointer, in the order of the value",
          "[data_schema]") {
  const auto schema = schema_of(customer);
  CHECK(problems_of(schema, R"({"name": "E", "email": "erika", "totl": 5, "due": "2026-02-30",
    "country": "de", "iban": "de89", "lines": [{"qty": 0}, {"qty": 1.5}, {}]})") ==
        std::vector<std::string>{
            "/total: 'total' is required and missing [missing_field]",
            "/name: must have at least 2 characters, not 1 [invalid_value]",
            "/email: expected an email address, not 'erika' [invalid_value]",
            "/totl: 'totl' is not a declared member; did you mean 'total'? [unknown_field]",
            "/due: expected a date like 2026-11-23, not '2026-02-30' [invalid_value]",
            "/country: 'de' is not one of 'DE', 'AT', 'CH'; did you mean 'DE'? [invalid_value]",
            "/iban: 'de89' does not match the pattern ^[A-Z]{2}[0-9]{2} [invalid_value]",
            "/lines: must have at most 2 elements, not 3 [invalid_value]",
            "/lines/0/qty: must be at least 1, not 0 [invalid_value]",
            "/lines/1/qty: expected an integer, not a number with a fraction [wrong_type]",
            "/lines/2/qty: 'qty' is required and missing [missing_field]"});
}

TEST_CASE("a value of the wrong type is named once, not checked further", "[data_schema]") {
  const auto schema = schema_of(customer);
  CHECK(problems_of(schema, R"([1])") ==
        std::vector<std::string>{": expected an object, not an array [wrong_type]"});
  CHECK(problems_of(schema_of(R"({"type": ["string", "null"], "minLength": 3})"), "4") ==
        std::vector<std::string>{": expected a string or null, not a number [wrong_type]"});
  CHECK(problems_of(schema_of(R"({"type": ["integer", "boolean"]})"), "\"1\"") ==
        std::vector<std::string>{": expected an integer or true or false, not a string "
                                 "[wrong_type]"});
}

TEST_CASE("bounds are exact for every JSON number", "[data_schema]") {
  const auto schema = schema_of(R"({"maximum": 9007199254740992, "exclusiveMinimum": 0})");
  CHECK(problems_of(schema, "9007199254740992").empty());
  CHECK(problems_of(schema, "9007199254740993") ==
        std::vector<std::string>{
            ": must be at most 9007199254740992, not 9007199254740993 [invalid_value]"});
  CHECK(problems_of(schema, "0") ==
        std::vector<std::string>{": must be greater than 0, not 0 [invalid_value]"});
  CHECK(problems_of(schema, "1e-300").empty());
  // Bounds apply to numbers only; a string is for `type` to refuse.
  CHECK(problems_of(schema, "\"-5\"").empty());
}

TEST_CASE("formats are checked, not only annotations", "[data_schema]") {
  const auto date_time = schema_of(R"({"format": "date-time"})");
  CHECK(problems_of(date_time, R"("2026-11-23T09:00:00+01:00")").empty());
  CHECK(problems_of(date_time, R"("2026-11-23")") ==
        std::vector<std::string>{": expected a date and time like 2026-11-23T09:00:00Z, not "
                                 "'2026-11-23' [invalid_value]"});
  const auto email = schema_of(R"({"format": "email"})");
  for (const auto* good : {R"("erika.mustermann@example.de")", R"("a+b@[192.168.0.1]")",
                           R"("\"erika m\"@example.de")", R"("jürgen@müller.de")"})
    CHECK(problems_of(email, good).empty());
  for (const auto* bad : {R"("erika")", R"("@example.de")", R"("erika@")", R"(".erika@example.de")",
                          R"("erika..m@example.de")", R"("erika@-example.de")",
                          R"("erika@example..de")", R"("er ika@example.de")"}) {
    INFO(bad);
    CHECK(problems_of(email, bad).size() == 1);
  }
  CHECK(problems_of(email, "42").empty());  // formats apply to strings
}

TEST_CASE("a pattern is found anywhere unless anchored, and a costly one does not hang",
          "[data_schema]") {
  CHECK(problems_of(schema_of(R"({"pattern": "[0-9]"})"), R"("abc1")").empty());
  CHECK(problems_of(schema_of(R"({"pattern": "^.{3}$"})"), R"("äöü")").empty());
  const auto costly = schema_of(R"({"pattern": "^(a+)+$"})");
  const auto problems = problems_of(costly, "\"" + std::string(5'000, 'a') + "!\"");
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::Contains("could not be checked against the pattern ^(a+)+$: the "
                                          "check takes too long"));
}

TEST_CASE("enum and const compare numbers by value and lists element by element", "[data_schema]") {
  const auto schema = schema_of(R"({"enum": [1, [1, "a"], {"x": null}]})");
  CHECK(problems_of(schema, "1.0").empty());
  CHECK(problems_of(schema, R"([1.0, "a"])").empty());
  CHECK(problems_of(schema, R"({"x": null})").empty());
  CHECK(problems_of(schema, R"({"x": 0})") ==
        std::vector<std::string>{
            R"(: {"x":0} is not one of 1, [1,"a"], {"x":null} [invalid_value])"});
  CHECK(problems_of(schema_of(R"({"const": "EUR"})"), R"("USD")") ==
        std::vector<std::string>{": must be 'EUR', not 'USD' [invalid_value]"});
}

TEST_CASE("additionalProperties takes a schema for the members not declared", "[data_schema]") {
  const auto schema =
      schema_of(R"({"properties": {"a": {}}, "additionalProperties": {"type": "number"}})");
  CHECK(problems_of(schema, R"({"a": "x", "b": 1})").empty());
  CHECK(problems_of(schema, R"({"a": "x", "b/c": "y"})") ==
        std::vector<std::string>{"/b~1c: expected a number, not a string [wrong_type]"});
  CHECK(problems_of(schema_of(R"({"additionalProperties": false})"), R"({"a": 1})") ==
        std::vector<std::string>{"/a: 'a' is not a declared member; none is declared "
                                 "[unknown_field]"});
  CHECK(problems_of(schema_of(R"({"items": false})"), "[1]") ==
        std::vector<std::string>{"/0: no value may stand here [invalid_value]"});
}

TEST_CASE("at most max_problems are named, and the rest are counted", "[data_schema][limits]") {
  const auto schema = schema_of(R"({"items": {"type": "string"}})");
  const std::string five = "[1, 2, 3, 4, 5]";
  CHECK(problems_of(schema, five, {.max_problems = 5}).size() == 5);
  const auto capped = problems_of(schema, five, {.max_problems = 4});
  REQUIRE(capped.size() == 5);
  CHECK(capped[3] == "/3: expected a string, not a number [wrong_type]");
  CHECK(capped[4] == ": and 1 more problem [invalid_value]");
  const auto one = problems_of(schema, five, {.max_problems = 0});  // 0 counts as 1
  CHECK(one == std::vector<std::string>{"/0: expected a string, not a number [wrong_type]",
                                        ": and 4 more problems [invalid_value]"});
}

TEST_CASE("a schema is read with every problem named at its pointer", "[data_schema]") {
  CHECK(read_problems(R"({"type": "objekt", "requird": ["a"], "properties": {
    "a": {"type": ["string", 3], "minLength": -1, "pattern": "(", "format": "uri"},
    "b": {"oneOf": [], "items": [{}], "exclusiveMinimum": true},
    "c": {"minimum": 5, "maximum": 1, "enum": []}}})",
                      "/input") ==
        std::vector<std::string>{
            "/input/properties/a/format: format 'uri' is not checked; the formats checked are "
            "date, date-time, email [invalid_value]",
            "/input/properties/a/minLength: 'minLength' must be a whole number of 0 or more, "
            "not -1 [invalid_value]",
            "/input/properties/a/pattern: 'pattern' is not a valid regular expression: "
            "Unmatched marking parenthesis ( or \\(.  The error occurred while parsing the "
            "regular expression: '(>>>HERE>>>'. [invalid_value]",
            "/input/properties/a/type/1: a type is named by a string, not a number [wrong_type]",
            "/input/properties/b/exclusiveMinimum: 'exclusiveMinimum' must be a number, the "
            "bound itself (as in JSON Schema draft 6 and later), not a boolean [wrong_type]",
            "/input/properties/b/items: 'items' as a list of schemas, one per position, is not "
            "checked; give one schema for every element [invalid_value]",
            "/input/properties/b/oneOf: 'oneOf' is a JSON Schema keyword that ablauf does not "
            "check; docs/format.md lists those it does [unknown_field]",
            "/input/properties/c/enum: 'enum' is empty, so no value would fit; list the values "
            "allowed [invalid_value]",
            "/input/properties/c/minimum: 'minimum' (5) is above 'maximum' (1), so no value "
            "would fit [invalid_value]",
            "/input/requird: 'requird' is not a schema keyword; did you mean 'required'? "
            "[unknown_field]",
            "/input/type: 'objekt' is not a type; did you mean 'object'? [invalid_value]"});
  CHECK(read_problems(R"("object")") ==
        std::vector<std::string>{
            ": a schema is an object, true or false, not a string [wrong_type]"});
}

TEST_CASE("schemas and values nest deep without recursion", "[data_schema]") {
  // As deep as a document may nest (JsonLimits::max_depth_ceiling), read and checked on a
  // stack far too small to recurse through it.
  constexpr std::size_t depth = JsonLimits::max_depth_ceiling - 1;
  std::string schema, value;
  for (std::size_t i = 0; i < depth; ++i) schema += R"({"items": )";
  schema += R"({"type": "string"})";
  schema += std::string(depth, '}');
  value = std::string(depth, '[') + "1" + std::string(depth, ']');
  json::parse_options deep;
  deep.max_depth = depth + 2;
  auto schema_json = json::parse(schema, {}, deep);
  const auto value_json = json::parse(value, {}, deep);
  // Boost.JSON frees values by recursion: the schema's JSON is made and freed out here.
  std::optional<DataSchema> read;
  std::vector<Error> problems;
  test::run_with_stack(256 * 1024, [&] {
    auto schema_read = DataSchema::read(std::move(schema_json));
    REQUIRE(schema_read);
    problems = schema_read->check(value_json);
    read = std::move(*schema_read);
  });
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "expected a string, not a number");
  CHECK(problems[0].pointer.size() == 2 * depth);  // "/0" a level
}

// JSON Schema's own test suite (Debian's json-schema-test-suite, draft 7), read in place: every
// case of the keywords ablauf checks. A group whose schema uses a keyword ablauf does not check
// must be refused when read, never run with that keyword ignored.
TEST_CASE("the JSON Schema test suite: the keywords ablauf checks", "[data_schema][suite]") {
  const std::filesystem::path suite = ABLAUF_JSON_SCHEMA_SUITE_DIR;
  const std::vector<std::string> files{"type.json",
                                       "enum.json",
                                       "const.json",
                                       "properties.json",
                                       "required.json",
                                       "additionalProperties.json",
                                       "minimum.json",
                                       "maximum.json",
                                       "exclusiveMinimum.json",
                                       "exclusiveMaximum.json",
                                       "minLength.json",
                                       "maxLength.json",
                                       "pattern.json",
                                       "items.json",
                                       "minItems.json",
                                       "maxItems.json",
                                       "boolean_schema.json",
                                       "optional/format/date.json",
                                       "optional/format/date-time.json",
                                       "optional/format/email.json"};
  std::size_t run = 0, refused = 0;
  for (const auto& file : files) {
    const auto groups = json::parse(test::read_file(suite / file));
    for (const auto& group : groups.as_array()) {
      const std::string description(group.at("description").as_string());
      INFO(file << ": " << description);
      auto schema = DataSchema::read(group.at("schema"));
      if (!schema) {
        ++refused;
        // Refused for a keyword it does not check, said so, never for one it does.
        for (const auto& problem : schema.error()) {
          INFO(problem.pointer << ": " << problem.message);
          CHECK((problem.code == ErrorCode::unknown_field ||
                 problem.message.find("'items' as a list") != std::string::npos));
        }
        continue;
      }
      for (const auto& test : group.at("tests").as_array()) {
        ++run;
        INFO(test.at("description").as_string().c_str()
             << ": " << json::serialize(test.at("data")));
        CHECK(schema->check(test.at("data")).empty() == test.at("valid").as_bool());
      }
    }
  }
  // Counted from the suite's 2.0.0 files, so that a missing or cut file cannot pass.
  CHECK(run == 181);
  CHECK(refused == 5);  // patternProperties (3) and items as a list (2)
}
