// Expressions, templates and computed values inside definitions: compiled at load, located
// errors, references checked against the steps, and the seed definitions' own uses.
#include "test_support.hpp"

#include <ablauf/dynamic_value.hpp>

#include <boost/json/parse.hpp>

namespace ablauf {
namespace {

namespace json = boost::json;
using test::check_diagnostic;

// A two-step workflow whose first step is given, followed by an end step "done".
std::string workflow_with(const std::string& first_step) {
  return R"({"id": "w", "version": 1, "kind": "workflow", "title": "W", "steps": [
)" + first_step +
         R"(,
{"id": "done", "type": "end"}]})";
}

TEST_CASE("conditions compile at load, as text or as JsonLogic", "[definition][expression]") {
  auto definition = load_definition(workflow_with(R"({"id": "route", "type": "decision", "next": [
    {"when": "input.total > 1000", "to": "done"},
    {"when": {">": [{"var": "input.total"}, 500]}, "to": "done"},
    {"to": "done"}]})"),
                                    "w.json");
  REQUIRE(definition);
  const auto& next = definition->steps[0].next;
  REQUIRE(next[0].when);
  REQUIRE(next[1].when);
  CHECK(next[0].when->syntax() == ExpressionSyntax::text);
  CHECK(next[1].when->syntax() == ExpressionSyntax::jsonlogic);
  const auto data = json::parse(R"({"input": {"total": 700}})");
  CHECK(evaluate_condition(*next[0].when, data) == false);
  CHECK(evaluate_condition(*next[1].when, data) == true);
}

TEST_CASE("an expression's syntax error points at its character in the file",
          "[definition][expression]") {
  const auto errors = test::problems_of(workflow_with(R"({"id": "route", "type": "decision",
  "next": [{"when": "input.total >> 1000", "to": "done"}, {"to": "done"}]})"));
  REQUIRE(errors.size() == 1);
  // Line 3: `  "next": [{"when": "input.total >` — the second '>' is at column 35.
  check_diagnostic(errors[0], {ErrorCode::invalid_expression, 3, 35, "/steps/0/next/0/when",
                               "expected a value, found '>'"});
}

TEST_CASE("an escaped string still locates the character at fault", "[definition][expression]") {
  const auto errors = test::problems_of(workflow_with(R"({"id": "route", "type": "decision",
  "next": [{"when": "input.name == \"Jo\" && = 1", "to": "done"}, {"to": "done"}]})"));
  REQUIRE(errors.size() == 1);
  check_diagnostic(errors[0], {ErrorCode::invalid_expression, 3, 46, "/steps/0/next/0/when",
                               "'=' does not compare"});
}

TEST_CASE("a JsonLogic rule's error points at the operation", "[definition][expression]") {
  const auto errors = test::problems_of(workflow_with(R"({"id": "route", "type": "decision",
  "next": [{"when": {"and": [true, {"lenght": "x"}]}, "to": "done"}, {"to": "done"}]})"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == ErrorCode::invalid_expression);
  CHECK(errors[0].pointer == "/steps/0/next/0/when/and/1/lenght");
  CHECK(errors[0].location.line == 3);
  CHECK_THAT(errors[0].message, Catch::Contains("unknown operation 'lenght'"));
}

TEST_CASE("a condition that is neither a string nor a rule is a type error",
          "[definition][expression]") {
  const auto errors = test::problems_of(workflow_with(R"({"id": "route", "type": "decision",
  "next": [{"when": 3, "to": "done"}, {"to": "done"}]})"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == ErrorCode::wrong_type);
  CHECK_THAT(errors[0].message, Catch::Contains("JsonLogic"));
}

TEST_CASE("paths into steps must name a step, a field and an item that exist",
          "[definition][expression]") {
  const auto errors = test::problems_of(R"({"id": "w", "version": 1, "kind": "workflow",
"title": "W", "steps": [
{"id": "check", "type": "fill_checklist", "items": [{"id": "amount_ok", "label": "Ok"}],
 "next": "route"},
{"id": "route", "type": "decision", "next": [
  {"when": "steps.chekc.visits > 1", "to": "done"},
  {"when": "steps.check.vists > 1", "to": "done"},
  {"when": "steps.check.answers.amount_okay", "to": "done"},
  {"when": "steps.check.answers.amount_ok", "to": "done"},
  {"to": "done"}]},
{"id": "done", "type": "end"}]})");
  REQUIRE(errors.size() == 3);
  check_diagnostic(errors[0], {ErrorCode::unknown_reference, 6, 13, "/steps/1/next/0/when",
                               "there is no step 'chekc'; did you mean 'check'?"});
  check_diagnostic(errors[1], {ErrorCode::unknown_reference, 7, 13, "/steps/1/next/1/when",
                               "a step has no 'vists'; did you mean 'visits'?"});
  check_diagnostic(errors[2], {ErrorCode::unknown_reference, 8, 13, "/steps/1/next/2/when",
                               "step 'check' has no item 'amount_okay'; did you mean "
                               "'amount_ok'?"});
}

TEST_CASE("visible_if compiles and is checked like a condition", "[definition][expression]") {
  const auto errors = test::problems_of(R"({"id": "c", "version": 1, "kind": "checklist",
"title": "C", "sections": [{"id": "s", "title": "S", "items": [
  {"id": "a", "label": "A", "kind": "number"},
  {"id": "b", "label": "B", "visible_if": "steps.s.answers.a >"}]}]})");
  REQUIRE(errors.size() == 1);
  check_diagnostic(errors[0],
                   {ErrorCode::invalid_expression, 4, 63, "/sections/0/items/1/visible_if",
                    "the expression ends where a value should follow"});
}

TEST_CASE("templates compile at load and their errors are located", "[definition][template]") {
  const auto errors = test::problems_of(workflow_with(R"({"id": "mail", "type": "send_email",
  "to": "{{input.email}}", "subject": "Rechnung {{#input.items}}", "body": "Hallo {{inptu.name}}",
  "next": "done"})"));
  REQUIRE(errors.size() == 2);
  check_diagnostic(errors[0], {ErrorCode::invalid_template, 3, 49, "/steps/0/subject",
                               "'input.items' opened here is never closed"});
  check_diagnostic(errors[1], {ErrorCode::unknown_reference, 3, 85, "/steps/0/body",
                               "'inptu' is not data an instance has; did you mean 'input'?"});
}

TEST_CASE("a parameter written {\"=\": …} is computed with its own type",
          "[definition][expression]") {
  auto definition = load_definition(workflow_with(R"~({"id": "save", "type": "save_record",
  "collection": "invoices", "key": "{{input.number}}",
  "record": {"total": {"=": "input.net * 1.19"}, "due": {"=": "date_add(input.issued, 'P14D')"},
             "name": "Kunde {{input.name}}", "fixed": 3, "tags": ["a", "{{input.number}}"]},
  "next": "done"})~"),
                                    "w.json");
  REQUIRE(definition);
  const auto& values = definition->steps[0].values;
  REQUIRE(values.count("record"));
  REQUIRE(values.count("key"));
  CHECK_FALSE(values.at("record").is_constant());
  CHECK(values.at("collection").is_constant());
  const auto data = json::parse(R"({"input": {"net": 1000, "issued": "2026-01-20", "name": "Müller",
                      "number": "R-17"}})");
  auto record = values.at("record").evaluate(data);
  REQUIRE(record);
  CHECK(*record == json::parse(R"({"total": 1190, "due": "2026-02-03", "name": "Kunde Müller",
                                  "fixed": 3, "tags": ["a", "R-17"]})"));
  CHECK(values.at("key").evaluate(data) == json::value("R-17"));
}

TEST_CASE("a computed value's error names where it is", "[definition][expression]") {
  auto definition = load_definition(workflow_with(R"({"id": "save", "type": "save_record",
  "collection": "c", "record": {"total": {"=": "input.net * 2"}}, "next": "done"})"),
                                    "w.json");
  REQUIRE(definition);
  auto result = definition->steps[0].values.at("record").evaluate(
      json::parse(R"({"input": {"net": "zehn"}})"));
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "type_mismatch");
  CHECK(result.error().pointer == "/total/=");
  CHECK(result.error().offset == 10);  // the '*'
}

TEST_CASE("numbers, durations and booleans take {\"=\": …} but are no templates",
          "[definition][expression]") {
  auto definition = load_definition(workflow_with(R"({"id": "task", "type": "create_task",
  "title": "Prüfen: {{input.name}}", "due": {"=": "'P' + input.days + 'D'"}, "wait": false,
  "next": "done"})"),
                                    "w.json");
  REQUIRE(definition);
  const auto& values = definition->steps[0].values;
  const auto data = json::parse(R"({"input": {"days": 3, "name": "Rechnung 7"}})");
  CHECK(values.at("due").evaluate(data) == json::value("P3D"));
  CHECK(values.at("wait").evaluate(data) == json::value(false));
  CHECK(values.at("title").evaluate(data) == json::value("Prüfen: Rechnung 7"));

  const auto errors = test::problems_of(workflow_with(R"({"id": "task", "type": "create_task",
  "due": "P{{input.days}}D", "next": "done"})"));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == ErrorCode::invalid_duration);
}

TEST_CASE("an invalid item pattern is rejected at its character", "[definition]") {
  const auto errors = test::problems_of(R"({"id": "c", "version": 1, "kind": "checklist",
"title": "C", "sections": [{"id": "s", "title": "S", "items": [
  {"id": "iban", "label": "IBAN", "kind": "text", "pattern": "^(DE[0-9]{20}$"}]}]})");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == ErrorCode::invalid_value);
  CHECK(errors[0].pointer == "/sections/0/items/0/pattern");
  CHECK_THAT(errors[0].message, Catch::Contains("not a valid regular expression"));
}

TEST_CASE("an expression past the length limit is rejected with the limit's code",
          "[definition][expression]") {
  const std::string long_condition = "input.a" + std::string(100, ' ') + " == 1";
  const std::string text = workflow_with(R"({"id": "route", "type": "decision", "next": [
    {"when": ")" + long_condition + R"(", "to": "done"}, {"to": "done"}]})");
  LoadOptions options;
  options.expressions.max_length = 64;
  auto rejected = load_definition(text, "w.json", options);
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error()[0].code == ErrorCode::expression_too_complex);
  CHECK(kind_of(rejected.error()[0].code) == ErrorKind::limit);
  options.expressions.max_length = long_condition.size();
  CHECK(load_definition(text, "w.json", options));
}

TEST_CASE("the reminder loop escalates once the third reminder's deadline has passed",
          "[workflows][expression]") {
  const auto workflow = test::compile_file(test::workflows_dir() / "utility_billing.json");
  const auto* check = workflow.definition().find_step("check_reminder_count");
  REQUIRE(check);
  REQUIRE(check->next.front().when);
  const auto& escalate = *check->next.front().when;
  CHECK(check->next.front().to == "escalate_overdue_payment");
  // The decision is taken when the wait timed out: vars.dunning_level counts the reminders
  // sent, and after the third (the last, with its own deadline) the next timeout escalates.
  for (int level : {0, 1, 2, 3, 4}) {
    const auto data = json::parse(R"({"vars": {"dunning_level": )" + std::to_string(level) + "}}");
    CHECK(evaluate_condition(escalate, data) == (level >= 3));
  }
}

TEST_CASE("the invoice email addresses the customer by name", "[workflows][template]") {
  const auto workflow = test::compile_file(test::workflows_dir() / "invoicing_and_payments.json");
  const auto* notify = workflow.definition().find_step("notify_customer");
  REQUIRE(notify);
  const auto data = json::parse(R"({"input": {
    "customer": {"name": "Erika Müller", "email": "erika@example.de"},
    "invoice": {"number": "R-2026-17"}},
    "vars": {"total": 1190.5, "net_amount": 1000.42, "tax_amount": 190.08,
             "issue_date": "2026-11-02", "due_date": "2026-11-16"}})");
  // In the definition's language, as the engine renders it.
  DynamicEvaluationOptions german;
  german.templates.locale = {workflow.definition().default_language,
                             workflow.definition().time_zone};
  auto body = notify->values.at("body").evaluate(data, german);
  REQUIRE(body);
  CHECK_THAT(std::string(body->as_string()), Catch::StartsWith("Guten Tag Erika Müller,"));
  // The total computed from the invoice's lines (vars.total), and the computed dates, written
  // in German; the invoice itself goes along as a PDF.
  const std::string text(body->as_string());
  CHECK_THAT(text, Catch::Contains("die Rechnung Nr. R-2026-17 vom 02.11.2026 ausgestellt; Sie "
                                   "finden sie als PDF im Anhang."));
  CHECK_THAT(text, Catch::Contains("Rechnungsbetrag: 1.190,50\u00a0€"));
  CHECK_THAT(text, Catch::Contains("Bitte überweisen Sie den Rechnungsbetrag bis zum 16.11.2026"));
  CHECK(notify->values.at("to").evaluate(data) == json::value("erika@example.de"));

  // The PDF names the file as the mail says, and lists each invoice line.
  const auto priced = json::parse(R"({"input": {"customer": {"name": "Erika Müller", "id": "K-1"},
    "invoice": {"number": "R-2026-17"}},
    "steps": {"invoice_lines": {"answers": {"lines": [{"description": "Wartung", "quantity": 2,
      "unit": "Std.", "unit_price": 85, "tax_rate": 19}]}}},
    "vars": {"total": 202.3, "net_amount": 170, "tax_amount": 32.3,
             "issue_date": "2026-11-02", "due_date": "2026-11-16"}})");
  auto attachments = notify->values.at("attachments").evaluate(priced, german);
  REQUIRE(attachments);
  const auto& pdf = attachments->as_array().at(0).as_object();
  CHECK(pdf.at("name") == "Rechnung-R-2026-17.pdf");
  CHECK_THAT(std::string(pdf.at("document").as_string()),
             Catch::Contains("Positionen:\nWartung: 2 Std. × 85,00\u00a0€ netto, USt. 19 %\n\n"
                             "Nettobetrag: 170,00\u00a0€"));

  // The due date is computed once, when the invoice lines are entered: fourteen days after the
  // invoice date unless a payment term or a payment date is given.
  const auto* lines = workflow.definition().find_step("invoice_lines");
  REQUIRE(lines);
  const auto due_date = [&](const char* invoice) {
    const Expression* expression = nullptr;
    for (const auto& [name, value] : lines->assign)
      if (name == "due_date") expression = &value;
    REQUIRE(expression);
    auto due =
        evaluate(*expression, json::parse(std::string(R"({"input": {"invoice": )") + invoice +
                                          R"(}, "vars": {"issue_date": "2026-11-02"}})"));
    REQUIRE(due);
    return *due;
  };
  CHECK(due_date(R"({"number": "R-1"})") == "2026-11-16");
  CHECK(due_date(R"({"number": "R-1", "payment_term_days": 30})") == "2026-12-02");
  CHECK(due_date(R"({"number": "R-1", "due_date": "2026-11-20"})") == "2026-11-20");
}

TEST_CASE("a raw template tag loads with a warning where it is", "[definition][template]") {
  const std::string text = R"({"id": "w", "version": 1, "kind": "workflow", "title": "W", "steps": [
  {"id": "mail", "type": "send_email", "to": "a@example.de", "subject": "Hallo",
   "format": "html", "body": "<p>{{{input.note}}} {{& input.note}} {{input.name}}</p>",
   "next": "done"},
  {"id": "done", "type": "end"}]})";
  auto definition = load_definition(text, "raw.json");
  REQUIRE(definition);
  const auto& warnings = definition->warnings;
  REQUIRE(warnings.size() == 1);  // one per name, however often it is written raw
  CHECK(warnings[0].severity == Severity::warning);
  CHECK(warnings[0].code == ErrorCode::unescaped_output);
  CHECK(warnings[0].pointer == "/steps/0/body");
  CHECK(warnings[0].location.line == 3);
  CHECK_THAT(warnings[0].message,
             Catch::Contains("'{{{input.note}}}'") && Catch::Contains("write {{input.note}}"));
  CHECK(to_string(ErrorCode::unescaped_output) == "unescaped_output");
}

}  // namespace
}  // namespace ablauf
