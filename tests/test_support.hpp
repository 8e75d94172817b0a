// Helpers shared by the tests: where the test data lives, and loading a definition from it.
#pragma once

#include <ablauf/definition.hpp>
#include <ablauf/event.hpp>
#include <ablauf/workflow.hpp>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ablauf::test {

// An event read from its stored form, with `data` as JSON text; token and next may sit in the
// data, as in the earlier form, and become the event's fields.
inline Event stored_event(std::uint64_t sequence, EventType type, const std::string& step,
                          std::string_view data, Time time) {
  boost::json::object form{{"seq", sequence},
                           {"type", to_string(type)},
                           {"time", to_rfc3339(time)},
                           {"actor", "system"},
                           {"data", boost::json::parse(data)}};
  if (!step.empty()) form["step"] = step;
  auto event = event_from_json(form);
  // Not REQUIRE: events are also made before any test runs, for tables of them.
  if (!event) throw std::invalid_argument("not an event: " + event.error().message);
  return std::move(*event);
}

// A copy of some events, for a store's Commit to take over.
inline std::vector<Event> slice(std::span<const Event> events) {
  return {events.begin(), events.end()};
}

inline std::filesystem::path data_dir() {
  return ABLAUF_TEST_DATA_DIR;
}
inline std::filesystem::path workflows_dir() {
  return ABLAUF_WORKFLOWS_DIR;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// Checks `actual` against a reviewed golden file. To accept a deliberate change, run the tests
// with ABLAUF_UPDATE_GOLDEN=1 and review the diff of tests/data/golden/.
inline void check_golden(const std::string& actual, const std::filesystem::path& golden) {
  if (std::getenv("ABLAUF_UPDATE_GOLDEN")) {
    std::ofstream(golden, std::ios::binary) << actual;
    WARN("updated " << golden.string());
  }
  INFO("golden file " << golden.string());
  CHECK(actual == read_file(golden));
}

// Loads and compiles; fails the test with the diagnostics if either step fails.
inline Workflow compile_file(const std::filesystem::path& path) {
  auto definition = load_definition_file(path);
  INFO(path.string());
  if (!definition) FAIL(definition.error());
  auto workflow = Workflow::compile(std::move(*definition));
  if (!workflow) FAIL(workflow.error());
  return std::move(*workflow);
}

// Loads and compiles a definition given as text; fails the test if either step fails.
inline Workflow compile_text(const std::string& text, const StepTypeRegistry* registry = nullptr) {
  auto definition = load_definition(text, "test.json", {.step_types = registry});
  if (!definition) FAIL(definition.error());
  auto workflow = Workflow::compile(std::move(*definition), registry);
  if (!workflow) FAIL(workflow.error());
  return std::move(*workflow);
}

// The diagnostics of a definition that must not load or compile.
inline Diagnostics problems_of(std::string text, std::string name = "test.json") {
  auto definition = load_definition(std::move(text), std::move(name));
  if (!definition) return definition.error();
  auto workflow = Workflow::compile(std::move(*definition));
  if (!workflow) return workflow.error();
  FAIL("expected the definition to be rejected");
  return {};
}

// What a diagnostic must say; `message` is a distinctive part of its text.
struct Expected {
  ErrorCode code;
  std::uint32_t line;
  std::uint32_t column;
  std::string pointer;
  std::string message;
};

inline void check_diagnostic(const Diagnostic& actual, const Expected& expected,
                             Severity severity = Severity::error) {
  INFO(format(actual));
  CHECK(actual.severity == severity);
  CHECK(to_string(actual.code) == to_string(expected.code));
  CHECK(actual.location.line == expected.line);
  CHECK(actual.location.column == expected.column);
  CHECK(actual.pointer == expected.pointer);
  CHECK_THAT(actual.message, Catch::Contains(expected.message));
}

}  // namespace ablauf::test

namespace Catch {
template <>
struct StringMaker<ablauf::Diagnostics> {
  static std::string convert(const ablauf::Diagnostics& diagnostics) {
    std::ostringstream out;
    out << diagnostics;
    return out.str();
  }
};
}  // namespace Catch
