// Every limit of the loader (LoadOptions, docs/limits.md) at its edge: a definition exactly at
// the limit loads; one unit past it is rejected with the limit's code, a message naming the
// limit and the value, and the place.
#include "test_support.hpp"

#include <ablauf/definition.hpp>
#include <ablauf/workflow.hpp>

#include <functional>
#include <sstream>

namespace ablauf {
namespace {

// A two-step workflow; `first` is the first step's fields after its id, `extra` more steps.
std::string workflow(const std::string& first, const std::string& extra = "",
                     const std::string& top = "") {
  return R"({"id": "w", "version": 1, "kind": "workflow", "title": "W")" + top +
         R"(, "steps": [{"id": "first", )" + first + "}, " + extra +
         R"({"id": "done", "type": "end"}]})";
}

struct Edge {
  std::string name;  // the LoadOptions field, as the message names it
  ErrorCode code;
  std::string pointer;
  std::string text;                                  // the definition
  std::function<void(LoadOptions&, bool past)> set;  // the limit: at the text, or one below it
};

Diagnostics load_with(const Edge& edge, bool past) {
  LoadOptions options;
  edge.set(options, past);
  auto definition = load_definition(edge.text, "limits.json", options);
  if (!definition) return definition.error();
  auto compiled = Workflow::compile(std::move(*definition));
  if (!compiled) return compiled.error();
  return {};
}

std::string repeated(const std::string& piece, std::size_t times, const std::string& glue) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += (i ? glue : "") + piece;
  return out;
}

std::vector<Edge> edges() {
  std::vector<Edge> all;
  const std::string chain = workflow(R"("type": "wait", "event": "go", "next": "done")");
  all.push_back({"max_document_bytes", ErrorCode::document_too_large, "", chain,
                 [size = chain.size()](LoadOptions& o, bool past) {
                   o.json.max_document_bytes = size - past;
                 }});
  // The root object, metadata, then ten arrays: 12 levels.
  all.push_back(
      {"max_depth", ErrorCode::too_deep, "",
       workflow(R"("type": "wait", "event": "go", "next": "done")", "",
                R"(, "metadata": {"x": )" + std::string(10, '[') + std::string(10, ']') + "}"),
       [](LoadOptions& o, bool past) { o.json.max_depth = 12 - past; }});
  all.push_back({"max_string_length", ErrorCode::string_too_long, "/steps/0/title",
                 workflow(R"("type": "wait", "event": "go", "next": "done", "title": ")" +
                          std::string(100, 't') + "\""),
                 [](LoadOptions& o, bool past) { o.json.max_string_length = 100 - past; }});
  all.push_back({"max_steps", ErrorCode::too_many_steps, "/steps",
                 workflow(R"("type": "wait", "event": "go", "next": "done")"),
                 [](LoadOptions& o, bool past) { o.max_steps = 2 - past; }});
  all.push_back({"max_identifier_length", ErrorCode::invalid_identifier, "/steps/0/id",
                 workflow(R"("type": "wait", "event": "go", "next": "done")"),
                 [](LoadOptions& o, bool past) { o.max_identifier_length = 5 - past; }});
  const std::string condition = "input.amount > 1000";
  all.push_back({"max_length", ErrorCode::expression_too_complex, "/steps/0/next/0/when",
                 workflow(R"("type": "decision", "next": [{"when": ")" + condition +
                          R"(", "to": "done"}, {"to": "done"}])"),
                 [size = condition.size()](LoadOptions& o, bool past) {
                   o.expressions.max_length = size - past;
                 }});
  all.push_back(
      {"max_depth", ErrorCode::expression_too_complex, "/steps/0/next/0/when",
       workflow(R"("type": "decision", "next": [{"when": ")" + std::string(9, '(') + "input.ok" +
                std::string(9, ')') + R"(", "to": "done"}, {"to": "done"}])"),
       // Nine brackets and the path inside them: ten levels.
       [](LoadOptions& o, bool past) { o.expressions.max_depth = 10 - past; }});
  const std::string subject = "Rechnung {{input.number}}";
  const std::string mail =
      R"("type": "send_email", "to": "a@example.de", "body": "b", "next": "done", )";
  all.push_back({"max_template_bytes", ErrorCode::invalid_template, "/steps/0/subject",
                 workflow(mail + R"("subject": ")" + subject + "\""),
                 [size = subject.size()](LoadOptions& o, bool past) {
                   o.templates.max_template_bytes = size - past;
                 }});
  all.push_back(
      {"max_nesting", ErrorCode::invalid_template, "/steps/0/subject",
       workflow(
           mail +
           R"("subject": "{{#input.a}}{{#input.b}}{{#input.c}}x{{/input.c}}{{/input.b}}{{/input.a}}")"),
       [](LoadOptions& o, bool past) { o.templates.max_nesting = 3 - past; }});
  all.push_back(
      {"max_transitions", ErrorCode::too_many_transitions, "/steps/0/next",
       workflow(R"("type": "decision", "next": [)" +
                repeated(R"({"when": "input.a", "to": "done"})", 3, ", ") + R"(, {"to": "done"}])"),
       [](LoadOptions& o, bool past) { o.max_transitions = 4 - past; }});
  all.push_back({"max_parallel_branches", ErrorCode::too_many_branches, "/steps/0/branches",
                 workflow(R"("type": "parallel", "branches": ["b1", "b2", "b3"], "join": "j")",
                          R"({"id": "b1", "type": "wait", "event": "go", "next": "j"},
                   {"id": "b2", "type": "wait", "event": "go", "next": "j"},
                   {"id": "b3", "type": "wait", "event": "go", "next": "j"},
                   {"id": "j", "type": "join", "next": "done"}, )"),
                 [](LoadOptions& o, bool past) { o.max_parallel_branches = 3 - past; }});
  all.push_back({"max_retry_attempts", ErrorCode::too_many_retries, "/steps/0/retry/max_attempts",
                 workflow(mail + R"("subject": "s", "retry": {"max_attempts": 7})"),
                 [](LoadOptions& o, bool past) { o.max_retry_attempts = 7 - past; }});
  all.push_back({"max_timer_horizon", ErrorCode::timer_too_far, "/steps/0/duration",
                 workflow(R"("type": "wait", "duration": 864000.001, "next": "done")"),
                 [](LoadOptions& o, bool past) {
                   using namespace std::chrono_literals;
                   o.max_timer_horizon = std::chrono::days(10) + 1ms - (past ? 1ms : 0ms);
                 }});
  return all;
}

TEST_CASE("every loader limit accepts a definition at it and rejects one past it",
          "[limits][definition]") {
  for (const auto& edge : edges()) {
    INFO(edge.name << " (" << to_string(edge.code) << ")\n" << edge.text);
    std::string at_limit;
    for (const auto& d : load_with(edge, false)) at_limit += format(d);
    CHECK(at_limit == "");
    const auto past = load_with(edge, true);
    REQUIRE(past.size() == 1);
    INFO(format(past[0]));
    CHECK(past[0].code == edge.code);
    CHECK(past[0].pointer == edge.pointer);
    CHECK(past[0].location.known());
    CHECK_THAT(past[0].message, Catch::Contains(edge.name));
  }
}

TEST_CASE("the timer horizon counts a month as 31 days and a year as 366", "[limits][definition]") {
  const auto load = [](const std::string& duration, int days) {
    LoadOptions options;
    options.max_timer_horizon = std::chrono::days(days);
    return load_definition(
        workflow(R"("type": "wait", "duration": ")" + duration + R"(", "next": "done")"),
        "horizon.json", options);
  };
  CHECK(load("P1M", 31));
  CHECK_FALSE(load("P1M", 30));
  CHECK(load("P1Y", 366));
  CHECK_FALSE(load("P1Y", 365));
  const auto rejected = load("P2Y", 366);
  REQUIRE_FALSE(rejected);
  CHECK_THAT(rejected.error()[0].message, Catch::Contains("P2Y") && Catch::Contains("P366D") &&
                                              Catch::Contains("max_timer_horizon"));
  // Durations too long to count in milliseconds are past any horizon, not an overflow.
  CHECK_FALSE(load("P1000000000Y", 366'000));
  // Retry intervals, timeouts and task due dates are timers too.
  LoadOptions options;
  options.max_timer_horizon = std::chrono::days(1);
  const auto task = load_definition(
      workflow(R"("type": "create_task", "due": "P2D", "timeout": "P3D", "next": "done")"),
      "horizon.json", options);
  REQUIRE_FALSE(task);
  CHECK(task.error().size() == 2);
}


TEST_CASE("a definition with very many problems reports the first max_errors, counting the rest",
          "[limits][definition]") {
  // 100,000 unknown fields: before locating was indexed, each finding was located by counting
  // lines from the document's start, and such a document took minutes.
  std::string fields;
  for (int i = 0; i < 100'000; ++i) fields += ", \"x" + std::to_string(i) + "\": 1";
  const std::string text = workflow(R"("type": "wait", "event": "go", "next": "done")" + fields);
  const auto loaded = load_definition(text, "many.json");
  REQUIRE_FALSE(loaded);
  const Diagnostics& found = loaded.error();
  CHECK(found.size() == 1'000);
  CHECK(found.omitted() == 99'000);
  CHECK(found.omitted_errors() == 99'000);
  CHECK(found.error_count() == 100'000);
  CHECK(found.has_errors());
  // The earliest in the document are kept, in its order.
  CHECK_THAT(found[0].message, Catch::Contains("'x0'"));
  CHECK(found[0].pointer == "/steps/0/x0");
  CHECK(found[999].pointer == "/steps/0/x999");
  std::ostringstream out;
  out << found;
  CHECK_THAT(out.str(), Catch::EndsWith("\nand 99000 more errors not shown (max_errors)\n"));
}

TEST_CASE("max_errors keeps exactly that many findings", "[limits][definition]") {
  const std::string text =
      workflow(R"("type": "wait", "event": "go", "next": "done", "a": 1, "b": 2, "c": 3)");
  LoadOptions options;
  options.max_errors = 3;
  const auto three = load_definition(text, "three.json", options);
  REQUIRE_FALSE(three);
  CHECK(three.error().size() == 3);
  CHECK(three.error().omitted() == 0);
  options.max_errors = 2;
  const auto two = load_definition(text, "two.json", options);
  REQUIRE_FALSE(two);
  CHECK(two.error().size() == 2);
  CHECK(two.error().omitted() == 1);
  CHECK(two.error()[1].pointer == "/steps/0/b");
  std::ostringstream out;
  out << two.error();
  CHECK_THAT(out.str(), Catch::EndsWith("\nand 1 more error not shown (max_errors)\n"));
}

TEST_CASE("compile keeps at most max_errors graph findings", "[limits][definition]") {
  const std::string targets = R"("type": "decision", "next": [)" +
                              repeated(R"({"when": "input.a", "to": "nowhere"})", 5, ", ") +
                              R"(, {"to": "done"}])";
  auto definition = load_definition(workflow(targets), "graph.json");
  REQUIRE(definition);
  const auto compiled = Workflow::compile(std::move(*definition), nullptr, 2);
  REQUIRE_FALSE(compiled);
  CHECK(compiled.error().size() == 2);
  CHECK(compiled.error().omitted_errors() == 3);
  CHECK(compiled.error()[0].code == ErrorCode::dangling_target);
}

TEST_CASE("loader options of zero or past their ceiling are refused naming the field",
          "[limits][definition]") {
  const std::string text = workflow(R"("type": "wait", "event": "go", "next": "done")");
  const auto refused = [&](const std::function<void(LoadOptions&)>& set, const char* field) {
    LoadOptions options;
    set(options);
    INFO(field);
    CHECK(check_load_options(options) != "");
    const auto loaded = load_definition(text, "options.json", options);
    REQUIRE_FALSE(loaded);
    REQUIRE(loaded.error().size() == 1);
    CHECK(loaded.error()[0].code == ErrorCode::invalid_value);
    CHECK_THAT(loaded.error()[0].message, Catch::Contains(field));
    const auto from_file = load_definition_file("no-such-file.json", options);
    REQUIRE_FALSE(from_file);
    CHECK(from_file.error()[0].code == ErrorCode::invalid_value);
  };
  refused([](LoadOptions& o) { o.max_errors = 0; }, "LoadOptions::max_errors");
  refused([](LoadOptions& o) { o.max_steps = 0; }, "LoadOptions::max_steps");
  refused([](LoadOptions& o) { o.max_retry_attempts = 0; }, "LoadOptions::max_retry_attempts");
  refused([](LoadOptions& o) { o.json.max_depth = static_cast<std::size_t>(-1); },
          "LoadOptions::json.max_depth");
  refused([](LoadOptions& o) { o.json.max_document_bytes = 0; },
          "LoadOptions::json.max_document_bytes");
  refused(
      [](LoadOptions& o) {
        o.expressions.max_depth = LoadOptions::max_expression_depth_ceiling + 1;
      },
      "LoadOptions::expressions.max_depth");
  refused(
      [](LoadOptions& o) {
        o.templates.max_nesting = LoadOptions::max_template_nesting_ceiling + 1;
      },
      "LoadOptions::templates.max_nesting");
  refused([](LoadOptions& o) { o.max_timer_horizon = std::chrono::milliseconds(0); },
          "LoadOptions::max_timer_horizon");
  // At the ceilings, and at 1, the options are used.
  LoadOptions edge;
  edge.json.max_depth = JsonLimits::max_depth_ceiling;
  edge.expressions.max_depth = LoadOptions::max_expression_depth_ceiling;
  edge.templates.max_nesting = LoadOptions::max_template_nesting_ceiling;
  edge.max_errors = 1;
  CHECK(check_load_options(edge) == "");
  CHECK(load_definition(text, "edge.json", edge));
}

TEST_CASE("a key written twice in a definition is refused, not read as the last",
          "[definition]") {
  const auto loaded = load_definition(
      workflow("\"type\": \"send_email\", \"subject\": \"s\", \"body\": \"b\",\n"
               "  \"to\": \"a@example.de\",\n  \"to\": \"evil@example.com\", \"next\": \"done\""),
      "mail.json");
  REQUIRE_FALSE(loaded);
  REQUIRE(loaded.error().size() == 1);
  const auto& repeat = loaded.error()[0];
  CHECK(repeat.code == ErrorCode::syntax_error);
  CHECK(repeat.pointer == "/steps/0/to");
  CHECK(repeat.location.line == 3);
  CHECK(repeat.location.column == 3);
  CHECK_THAT(repeat.message, Catch::Contains("'to' is given twice") && Catch::Contains("first at 2:3"));
}

}  // namespace
}  // namespace ablauf
