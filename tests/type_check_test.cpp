// Expressions and templates checked against the data they read, when a definition loads: the
// declared input, the steps' declared outputs, checklist items, task outcomes and vars
// (docs/expressions.md, "Type checking"). Each finding is checked for its code, message, line
// and column, which must point at the path or operator at fault.
#include "test_support.hpp"

#include <ablauf/step_type_manifest.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace ablauf {
namespace {

using test::check_diagnostic;
using test::Expected;

constexpr std::string_view closed_input = R"({"type": "object", "properties": {
  "total": {"type": "number"}, "email": {"type": "string", "format": "email"},
  "customer": {"type": "object", "properties": {"name": {"type": "string"}},
               "required": ["name"], "additionalProperties": false}},
  "required": ["total", "customer"], "additionalProperties": false})";

// A workflow that declares `input` (none when empty) and runs `step` (one line, line 8 of the
// document), then `more` (line 9), then ends at "done".
std::string workflow(std::string_view input, std::string_view step, std::string_view more = {}) {
  std::string text = R"({"id": "w", "version": 1, "kind": "workflow", "title": "W",)";
  text += "\n";
  // Lines 2 to 6 hold the input, padded, so that the step is on line 8 whatever the input.
  const std::string declared =
      input.empty() ? std::string(R"("metadata": {},)") : "\"input\": " + std::string(input) + ",";
  text += declared + std::string(5 - std::count(declared.begin(), declared.end(), '\n'), '\n');
  text += "\"steps\": [\n" + std::string(step) + ",\n";
  if (!more.empty()) text += std::string(more) + ",\n";
  text += R"({"id": "done", "type": "end"}]})";
  return text;
}

// The column at which `needle` starts in `line`, counting from 1.
std::uint32_t column_of(std::string_view line, std::string_view needle) {
  const auto at = line.find(needle);
  REQUIRE(at != std::string_view::npos);
  return static_cast<std::uint32_t>(at + 1);
}

Diagnostics findings(const std::string& text, const LoadOptions& options = {}) {
  auto definition = load_definition(text, "w.json", options);
  if (!definition) return definition.error();
  return definition->warnings;
}

constexpr std::uint32_t step_line = 8;

TEST_CASE("a misspelt field of a step's declared output is an error with a suggestion",
          "[definition][types]") {
  const std::string step = R"({"id": "mail", "type": "send_email", "to": "a@b.de", )"
                           R"("subject": "S", "body": "B", "next": [)"
                           R"({"when": "steps.mail.output.mesage_id == 'x'", "to": "done"}, )"
                           R"({"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(found[0],
                   {ErrorCode::unknown_reference, step_line,
                    column_of(step, "steps.mail.output.mesage_id"), "/steps/0/next/0/when",
                    "steps.mail.output has no field 'mesage_id'; did you mean "
                    "'message_id'?"});
}

TEST_CASE("a name read on a declared list is typed as a list of what its elements hold",
          "[definition][types]") {
  constexpr std::string_view lines = R"({"type": "object", "properties": {"lines": {"type": "array",
  "items": {"type": "object", "properties": {"amount": {"type": "number"}},
            "additionalProperties": false}}}, "required": ["lines"]})";
  const std::string summed = R"({"id": "route", "type": "decision", "next": [)"
                             R"({"when": "sum(input.lines.amount) > 1000", "to": "done"}, )"
                             R"({"to": "done"}]})";
  CHECK(findings(workflow(lines, summed)).empty());
  const std::string typo = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "sum(input.lines.amuont) > 1000", "to": "done"}, )"
                           R"({"to": "done"}]})";
  const auto found = findings(workflow(lines, typo));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(found[0], {ErrorCode::unknown_reference, step_line,
                              column_of(typo, "input.lines"), "/steps/0/next/0/when",
                              "input.lines[…] has no field 'amuont'; did you mean 'amount'?"});
  const std::string compared = R"({"id": "route", "type": "decision", "next": [)"
                               R"({"when": "input.lines.amount > 1000", "to": "done"}, )"
                               R"({"to": "done"}]})";
  const auto ordered = findings(workflow(lines, compared));
  REQUIRE(ordered.size() == 1);  // a list is not a number
  CHECK(ordered[0].code == ErrorCode::type_mismatch);
}

TEST_CASE("a host type's declared output types the paths into its steps", "[definition][types]") {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  auto output = DataSchema::read(boost::json::parse(
      R"({"type": "object", "properties": {"score": {"type": "integer"},
          "rating": {"enum": ["A", "B", "C"]}}, "required": ["score", "rating"],
          "additionalProperties": false})"));
  REQUIRE(output);
  REQUIRE(registry.add({.name = "check_credit", .output = *output}));
  LoadOptions options;
  options.step_types = &registry;

  const std::string typo = R"({"id": "credit", "type": "check_credit", "next": [)"
                           R"({"when": "steps.credit.output.scoer > 600", "to": "done"}, )"
                           R"({"to": "done"}]})";
  auto found = findings(workflow(closed_input, typo), options);
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(found[0], {ErrorCode::unknown_reference, step_line,
                              column_of(typo, "steps.credit"), "/steps/0/next/0/when",
                              "steps.credit.output has no field 'scoer'; did you mean 'score'?"});

  const std::string text_score = R"({"id": "credit", "type": "check_credit", "next": [)"
                                 R"({"when": "steps.credit.output.score > '600'", "to": "done"}, )"
                                 R"({"to": "done"}]})";
  found = findings(workflow(closed_input, text_score), options);
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(found[0], {ErrorCode::type_mismatch, step_line, column_of(text_score, "> '600'"),
                              "/steps/0/next/0/when",
                              "cannot order steps.credit.output.score (a number) and '600' (a "
                              "string)"});

  const std::string rating = R"({"id": "credit", "type": "check_credit", "next": [)"
                             R"({"when": "steps.credit.output.rating == 'AA'", "to": "done"}, )"
                             R"({"to": "done"}]})";
  found = findings(workflow(closed_input, rating), options);
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(found[0], {ErrorCode::type_mismatch, step_line, column_of(rating, "== 'AA'"),
                              "/steps/0/next/0/when", "steps.credit.output.rating is never 'AA'"});
}

TEST_CASE("a manifest declares a host type's output", "[definition][types]") {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  REQUIRE(add_step_types(registry, R"({"step_types": [{"name": "check_credit",
    "output": {"type": "object", "properties": {"score": {"type": "number"}},
               "additionalProperties": false}}]})",
                         "types.json"));
  REQUIRE(registry.find("check_credit")->output);
  LoadOptions options;
  options.step_types = &registry;
  const std::string typo = R"({"id": "credit", "type": "check_credit", "next": [)"
                           R"({"when": "steps.credit.output.scoer > 600", "to": "done"}, )"
                           R"({"to": "done"}]})";
  const auto found = findings(workflow(closed_input, typo), options);
  INFO(found);
  REQUIRE(found.size() == 1);
  CHECK_THAT(found[0].message, Catch::Contains("did you mean 'score'?"));

  const auto bad = add_step_types(registry, R"({"step_types": [{"name": "other",
    "output": {"type": "object", "requird": []}}]})",
                                  "types.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.error()[0].pointer == "/step_types/0/output/requird");
}

TEST_CASE("a text expression that orders a number and a string is an error",
          "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "input.total > '5'", "to": "done"}, {"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(
      found[0],
      {ErrorCode::type_mismatch, step_line, column_of(step, "> '5'"), "/steps/0/next/0/when",
       "cannot order input.total (a number) and '5' (a string); compare numbers "
       "with numbers and strings with strings"});
}

TEST_CASE("equality across types is an error, except with null", "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "input.customer.name == 3", "to": "done"}, )"
                           R"({"when": "input.email == null", "to": "done"}, {"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(
      found[0], {ErrorCode::type_mismatch, step_line, column_of(step, "== 3"),
                 "/steps/0/next/0/when", "compares input.customer.name (a string) with a number"});
}

TEST_CASE("arithmetic on a string is an error", "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "input.customer.name * 2 > 3", "to": "done"}, )"
                           R"({"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(found[0], {ErrorCode::type_mismatch, step_line, column_of(step, "* 2"),
                              "/steps/0/next/0/when",
                              "arithmetic takes numbers, not input.customer.name (a string)"});
}

TEST_CASE("a condition that computes no truth value is an error; a bare path tests presence",
          "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "input.total - 100", "to": "done"}, )"
                           R"({"when": "input.email", "to": "done"}, )"
                           R"~({"when": "input.email && size(input.email)", "to": "done"}, )~"
                           R"({"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 2);
  check_diagnostic(found[0],
                   {ErrorCode::type_mismatch, step_line, column_of(step, "- 100"),
                    "/steps/0/next/0/when", "a condition is true or false, and this is a number"});
  check_diagnostic(found[1],
                   {ErrorCode::type_mismatch, step_line, column_of(step, "size("),
                    "/steps/0/next/2/when", "a condition is true or false, and this is a number"});
}

TEST_CASE("a value that may be missing warns where null fails, unless tested first",
          "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "input.email > 'a'", "to": "done"}, )"
                           R"({"when": "exists(input.email) && input.email > 'b'", "to": "done"}, )"
                           R"({"when": "input.email != null && input.email > 'c'", "to": "done"}, )"
                           R"({"when": "coalesce(input.email, '') > 'd'", "to": "done"}, )"
                           R"({"when": "input.total > 5", "to": "done"}, {"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(
      found[0],
      {ErrorCode::maybe_missing, step_line, column_of(step, "> 'a'"), "/steps/0/next/0/when",
       "input.email may be missing, and ordering null fails: test it first "
       "(exists(input.email) && …) or give a default (coalesce(input.email, …))"},
      Severity::warning);
}

TEST_CASE("a computed parameter must give what the parameter takes", "[definition][types]") {
  const std::string step = R"({"id": "mail", "type": "send_email", "to": "a@b.de", )"
                           R"("subject": {"=": "input.total * 2"}, "body": "B", "next": "done"})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(found[0], {ErrorCode::type_mismatch, step_line,
                              column_of(step, "input.total * 2") + 12, "/steps/0/subject/=",
                              "'subject' takes a string or an object, and this gives a number"});
}

TEST_CASE("a task's outcome and a choice's options are checked where they are compared",
          "[definition][types]") {
  const std::string review = R"({"id": "review", "type": "create_task", "title": "Review", )"
                             R"("outcomes": ["approved", "rejected"], "next": [)"
                             R"({"when": "steps.review.outcome == 'aproved'", "to": "done"}, )"
                             R"({"to": "ask"}]})";
  const std::string ask = R"({"id": "ask", "type": "fill_checklist", "items": [)"
                          R"({"id": "paid", "kind": "choice", "label": "Paid?", )"
                          R"("options": [{"value": "yes"}, {"value": "no"}]}], "next": [)"
                          R"({"when": "steps.ask.answers.paid == 'yse'", "to": "done"}, )"
                          R"({"to": "done"}]})";
  const auto found = findings(workflow(closed_input, review, ask));
  INFO(found);
  REQUIRE(found.size() == 2);
  check_diagnostic(found[0], {ErrorCode::type_mismatch, step_line,
                              column_of(review, "== 'aproved'"), "/steps/0/next/0/when",
                              "steps.review.outcome is never 'aproved'; did you mean "
                              "'approved'?"});
  check_diagnostic(found[1], {ErrorCode::type_mismatch, step_line + 1, column_of(ask, "== 'yse'"),
                              "/steps/1/next/0/when",
                              "steps.ask.answers.paid is never 'yse'; did you mean 'yes'?"});
}

TEST_CASE("only a checklist has answers, only a task an outcome", "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "steps.route.answers.x == 1", "to": "done"}, )"
                           R"({"when": "steps.route.outcome == 'x'", "to": "done"}, )"
                           R"({"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 2);
  check_diagnostic(
      found[0], {ErrorCode::unknown_reference, step_line, column_of(step, "steps.route.answers"),
                 "/steps/0/next/0/when", "step 'route' fills no checklist, so it has no answers"});
  check_diagnostic(found[1],
                   {ErrorCode::unknown_reference, step_line, column_of(step, "steps.route.outcome"),
                    "/steps/0/next/1/when", "step 'route' is decision, which has no outcome"});
}

TEST_CASE("JsonLogic rules keep their coercions but not unknown fields", "[definition][types]") {
  const std::string step =
      R"({"id": "route", "type": "decision", "next": [)"
      R"({"when": {">": [{"var": "input.total"}, "5"]}, "to": "done"}, )"
      R"({"when": {">": [{"var": "input.totl"}, 5]}, "to": "done"}, {"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 1);
  CHECK(found[0].code == ErrorCode::unknown_reference);
  CHECK(found[0].pointer == "/steps/0/next/1/when/>/0/var");
  CHECK_THAT(found[0].message, Catch::Contains("input has no field 'totl'; did you mean "
                                               "'total'?"));
}

TEST_CASE("a template's names are checked against the declared data", "[definition][types]") {
  const std::string step = R"({"id": "mail", "type": "send_email", "to": "a@b.de", )"
                           R"("subject": "Hallo {{input.customer.nmae}}", "body": "B", )"
                           R"("next": "done"})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(
      found[0], {ErrorCode::unknown_reference, step_line, column_of(step, "input.customer.nmae"),
                 "/steps/0/subject", "input.customer has no field 'nmae'; did you mean 'name'?"});
}

TEST_CASE("an open object warns of a field it does not declare", "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "input.totl > 5", "to": "done"}, {"to": "done"}]})";
  const auto found = findings(
      workflow(R"({"type": "object", "properties": {"total": {"type": "number"}}})", step));
  INFO(found);
  REQUIRE(found.size() == 1);
  check_diagnostic(found[0],
                   {ErrorCode::unknown_reference, step_line, column_of(step, "input.totl"),
                    "/steps/0/next/0/when",
                    "input declares no field 'totl', so it is read as any value; did you mean "
                    "'total'?"},
                   Severity::warning);
}

TEST_CASE("without declared input, input is any value and nothing is checked",
          "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "input.total > '5' && input.x.y - 1 > 0", "to": "done"}, )"
                           R"({"to": "done"}]})";
  const auto found = findings(workflow({}, step));
  INFO(found);
  CHECK(found.empty());
}

TEST_CASE("vars are typed by what steps assign and by the declared output", "[definition][types]") {
  const std::string step =
      R"({"id": "count", "type": "decision", "assign": {"reminders": "coalesce(vars.reminders, 0) + 1"}, )"
      R"("next": [{"when": "vars.reminders > 'x'", "to": "done"}, )"
      R"({"when": "vars.reminder > 3", "to": "done"}, {"to": "done"}]})";
  auto found = findings(workflow(closed_input, step));
  INFO(found);
  REQUIRE(found.size() == 2);
  check_diagnostic(found[0], {ErrorCode::type_mismatch, step_line, column_of(step, "> 'x'"),
                              "/steps/0/next/0/when",
                              "cannot order vars.reminders (a number) and 'x' (a string)"});
  check_diagnostic(
      found[1],
      {ErrorCode::unknown_reference, step_line, column_of(step, "vars.reminder >"),
       "/steps/0/next/1/when", "no step assigns vars.reminder; did you mean 'reminders'?"},
      Severity::warning);

  auto text = workflow(closed_input, R"({"id": "route", "type": "decision", "next": [)"
                                     R"({"when": "vars.totl > 3", "to": "done"}, )"
                                     R"({"to": "done"}]})");
  text.replace(text.find("\"steps\""), 0,
               R"("output": {"type": "object", "properties": {"total": {"type": "number"}},
                  "additionalProperties": false}, )");
  found = findings(text);
  INFO(found);
  REQUIRE(found.size() == 1);
  CHECK(found[0].code == ErrorCode::unknown_reference);
  CHECK(found[0].severity == Severity::error);
  CHECK_THAT(found[0].message, Catch::Contains("the workflow's output declares no 'totl' and no "
                                               "step assigns it; did you mean 'total'?"));
}

TEST_CASE("every problem of a definition is reported at once", "[definition][types]") {
  const std::string step = R"({"id": "route", "type": "decision", "next": [)"
                           R"({"when": "input.totl > 5", "to": "done"}, )"
                           R"({"when": "input.total > 'x'", "to": "done"}, )"
                           R"({"when": "input.total + 1", "to": "done"}, {"to": "done"}]})";
  const auto found = findings(workflow(closed_input, step));
  INFO(found);
  CHECK(found.size() == 3);
  CHECK(found.error_count() == 3);
}

// A send_email step that leads on to `next` (a step id, or a JSON array of transitions).
std::string mail(std::string_view id, std::string_view next, std::string_view more = {}) {
  return R"({"id": ")" + std::string(id) +
         R"(", "type": "send_email", "to": "a@b.de", "subject": "S", "body": "B", )" +
         std::string(more) + R"("next": )" + std::string(next) + "}";
}

TEST_CASE("a path into a step that may not have completed there is a warning",
          "[definition][types]") {
  const std::string text = R"({"id": "w", "version": 1, "kind": "workflow", "title": "W",
"steps": [)" + mail("first", R"("route")", R"("cc": {"=": "steps.second.output.to"}, )") +
                           ",\n" + R"({"id": "route", "type": "decision", "next": [
  {"when": "size(steps.first.output.message_id) > 3", "to": "left"}, {"to": "right"}]},)" +
                           "\n" + mail("left", R"("second")") + ",\n" +
                           mail("right", R"("second")") + ",\n" +
                           mail("second", R"([
    {"when": "size(steps.left.output.subject) > 1", "to": "done"},
    {"when": "exists(steps.left) && size(steps.left.output.subject) > 2", "to": "done"},
    {"when": "steps.left.output.subject == 'S'", "to": "done"},
    {"to": "done"}])",
                                R"("cc": "{{steps.left.output.subject}}", )") +
                           R"(,
{"id": "done", "type": "end"}]})";
  const auto found = findings(text);
  INFO(found);
  REQUIRE(found.size() == 2);
  CHECK(found.error_count() == 0);
  CHECK(found[0].code == ErrorCode::maybe_missing);
  CHECK(found[0].pointer == "/steps/0/cc/=");
  CHECK_THAT(found[0].message, Catch::Contains("steps.second may not have completed when step "
                                               "'first' runs: a way from the start reaches it "
                                               "without completing step 'second'"));
  CHECK(found[1].pointer == "/steps/4/next/0/when");
  CHECK_THAT(found[1].message, Catch::Contains("steps.left may not have completed when step "
                                               "'second' leads on"));
}

TEST_CASE("a step that failed into a handler has not completed; a join's branches have",
          "[definition][types]") {
  const std::string text = R"({"id": "w", "version": 1, "kind": "workflow", "title": "W",
"steps": [)" + mail("first", R"("split")", R"("on_error": "handle", )") +
                           R"(,
  {"id": "handle", "type": "save_record", "collection": "failures",
   "record": {"subject": {"=": "steps.first.output.subject"}}, "next": "done"},
  {"id": "split", "type": "parallel", "branches": ["a", "b"], "join": "meet"},)" +
                           mail("a", R"("meet")") + ",\n" + mail("b", R"("meet")") + R"~(,
  {"id": "meet", "type": "join", "next": [
    {"when": "size(steps.a.output.subject) > size(steps.b.output.subject)", "to": "done"},
    {"to": "done"}]},
  {"id": "done", "type": "end"}]})~";
  const auto found = findings(text);
  INFO(found);
  REQUIRE(found.size() == 1);
  CHECK(found[0].code == ErrorCode::maybe_missing);
  CHECK(found[0].pointer == "/steps/1/record/subject/=");
  CHECK_THAT(found[0].message, Catch::Contains("steps.first may not have completed when step "
                                               "'handle' runs"));
}

TEST_CASE("field, reference, type and graph findings are reported in one pass",
          "[definition][types]") {
  // A version that is a string, a duration that is none, an expression whose type is wrong
  // and a transition to a step that does not exist: all four at once.
  const auto loaded = load_definition(R"({"id": "w", "version": "1", "kind": "workflow",
"title": "W", "input": {"type": "object", "properties": {"total": {"type": "number"}}},
"steps": [
  {"id": "wait", "type": "wait", "duration": "P1D2H", "next": "route"},
  {"id": "route", "type": "decision", "next": [
    {"when": "input.total > 'x'", "to": "dnoe"}, {"to": "done"}]},
  {"id": "9lives", "type": "end"},
  {"id": "done", "type": "end", "next": "9lives"}]})",
                                      "w.json");
  REQUIRE_FALSE(loaded);
  const auto& found = loaded.error();
  INFO(found);
  REQUIRE(found.size() == 7);
  CHECK(found[0].pointer == "/version");
  CHECK(found[1].pointer == "/steps/0/duration");
  CHECK(found[2].code == ErrorCode::type_mismatch);
  CHECK(found[3].code == ErrorCode::dangling_target);
  CHECK(found[3].pointer == "/steps/1/next/0/to");
  CHECK_THAT(found[3].message, Catch::Contains("'dnoe' is not a step of this definition; did "
                                               "you mean 'done'?"));
  CHECK(found[4].code == ErrorCode::invalid_identifier);  // the id 9lives
  CHECK(found[5].code == ErrorCode::invalid_value);       // an end step has no next
  CHECK(found[6].code == ErrorCode::invalid_identifier);  // nor one to 9lives
  // The transition to the step whose id could not be read is not blamed as dangling as well.
  std::size_t dangling = 0;
  for (const auto& finding : found) dangling += finding.code == ErrorCode::dangling_target;
  CHECK(dangling == 1);
}

TEST_CASE("the seed workflows type-check without a finding", "[definition][types][seeds]") {
  for (const auto& entry : std::filesystem::directory_iterator(test::workflows_dir())) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path().filename().string());
    LoadOptions options;
    options.strict = true;
    auto definition = load_definition_file(entry.path(), options);
    REQUIRE(definition);
    CHECK(definition->warnings.empty());
  }
}

}  // namespace
}  // namespace ablauf
