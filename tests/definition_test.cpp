#include "ablauf/definition.hpp"
#include "ablauf/checklist_score.hpp"

#include "test_support.hpp"

#include "ablauf/step_type.hpp"

#include <algorithm>
#include <set>

using namespace ablauf;
using Catch::Contains;

namespace {

std::filesystem::path invalid_file(std::string_view name) {
  return test::data_dir() / "invalid" / name;
}

std::filesystem::path good_file(std::string_view name) {
  return test::data_dir() / "good" / name;
}

using test::check_diagnostic;
using test::Expected;

// The findings of a file in tests/data/invalid, which the loader itself must reject.
Diagnostics load_errors(std::string_view name) {
  const auto path = invalid_file(name);
  auto loaded = load_definition_file(path);
  INFO(path.string());
  REQUIRE_FALSE(loaded);
  for (const auto& d : loaded.error()) CHECK(d.location.file == path.string());
  return loaded.error();
}

// A file whose findings are exactly `expected`, in this order.
void check_file(std::string_view name, const std::vector<Expected>& expected) {
  const Diagnostics errors = load_errors(name);
  INFO(errors);
  REQUIRE(errors.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) check_diagnostic(errors[i], expected[i]);
}

WorkflowDefinition load_good(std::string_view name) {
  auto loaded = load_definition_file(good_file(name));
  if (!loaded) FAIL(loaded.error());
  return std::move(*loaded);
}

const StepDefinition& step_of(const WorkflowDefinition& definition, std::string_view id) {
  const auto* step = definition.find_step(id);
  INFO(id);
  REQUIRE(step);
  return *step;
}

std::string text_in(const LocalizedText& text, std::string_view language) {
  return std::string(text.get(language));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Every file in tests/data/invalid

TEST_CASE("every file in tests/data/invalid is rejected by the loader itself", "[definition]") {
  // The files the test cases below cover; a new file needs a test case of its own.
  const std::set<std::string> covered{"bad_durations.json",
                                      "bad_identifiers.json",
                                      "bad_language_code.json",
                                      "bad_roles.json",
                                      "calendar_retry_interval.json",
                                      "choice_without_options.json",
                                      "decision_without_next.json",
                                      "document_is_array.json",
                                      "duplicate_item_id.json",
                                      "duplicate_step_id.json",
                                      "end_with_next.json",
                                      "many_errors.json",
                                      "min_greater_than_max.json",
                                      "missing_step_fields.json",
                                      "missing_top_level_fields.json",
                                      "misspelt_step_field.json",
                                      "options_on_checkbox.json",
                                      "parallel_with_next.json",
                                      "signature_not_applicable.json",
                                      "syntax_error.json",
                                      "transition_after_default.json",
                                      "unit_on_text.json",
                                      "unknown_item_kind.json",
                                      "unknown_step_type.json",
                                      "wait_duration_and_event.json",
                                      "wait_without_duration.json",
                                      "workflow_with_sections.json",
                                      "wrong_types.json"};
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(test::data_dir() / "invalid")) {
    if (entry.path().extension() != ".json") continue;
    found.insert(entry.path().filename().string());
    INFO(entry.path().string());
    auto loaded = load_definition_file(entry.path());
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().has_errors());
    for (const auto& d : loaded.error()) CHECK(d.location.known());
  }
  CHECK(found == covered);
}

TEST_CASE("a signature cannot be 'not applicable', any other item may be", "[definition]") {
  check_file("signature_not_applicable.json",
             {{ErrorCode::invalid_value, 12, 67, "/steps/0/items/1/not_applicable",
               "a signature cannot be answered 'not applicable'"}});
}

TEST_CASE("a rating's scale is at most eleven steps, and only a rating has labels",
          "[definition]") {
  const auto errors = [](std::string_view items) {
    auto loaded = load_definition(
        R"({"id": "r", "version": 1, "kind": "workflow", "title": "R", "steps": [
          {"id": "c", "type": "fill_checklist", "items": [)" +
            std::string(items) + R"(]}]})",
        "r.json");
    std::vector<std::string> found;
    if (!loaded)
      for (const auto& d : loaded.error()) found.push_back(d.message);
    return found;
  };
  CHECK(errors(R"({"id": "a", "kind": "rating", "label": "A", "min": 0, "max": 10})").empty());
  CHECK(errors(R"({"id": "a", "kind": "rating", "label": "A", "max": 12})") ==
        std::vector<std::string>{"a rating's scale has at most 11 steps, not 12: a wider range is "
                                 "a number item"});
  CHECK(errors(R"({"id": "a", "kind": "rating", "label": "A", "min": 1.5})").size() == 1);
  CHECK(errors(R"({"id": "a", "kind": "number", "label": "A", "labels": {"low": "x"}})") ==
        std::vector<std::string>{"'labels' applies only to rating items"});
  CHECK(
      errors(R"({"id": "a", "kind": "rating", "label": "A", "labels": {"middle": "x"}})").size() ==
      1);
}

namespace {

// The problems of a workflow whose one checklist step holds `items` (JSON text), each as
// "pointer: message".
std::vector<std::string> item_problems(std::string_view items) {
  auto loaded = load_definition(
      R"({"id": "r", "version": 1, "kind": "workflow", "title": "R", "steps": [
        {"id": "c", "type": "fill_checklist", "items": [)" +
          std::string(items) + R"(]}]})",
      "r.json");
  std::vector<std::string> found;
  if (!loaded)
    for (const auto& d : loaded.error()) found.push_back(d.pointer + ": " + d.message);
  return found;
}

}  // namespace

TEST_CASE("file and photo items say which files they take, how many and how large",
          "[definition][files]") {
  const auto errors = item_problems;
  auto loaded = load_definition(
      R"({"id": "r", "version": 1, "kind": "workflow", "title": "R", "steps": [
        {"id": "c", "type": "fill_checklist", "items": [
          {"id": "p", "kind": "photo", "label": "P"},
          {"id": "f", "kind": "file", "label": "F", "media_types": ["application/pdf", "image/*"],
           "max_files": 100, "max_bytes": 1073741824}]}]})",
      "r.json");
  REQUIRE(loaded);
  const auto& items = loaded->steps[0].checklist->sections[0].items;
  CHECK(items[0].media_types == std::vector<std::string>{"image/jpeg", "image/png"});
  CHECK(items[0].max_files == 1);
  CHECK(items[0].max_bytes == 10 * 1024 * 1024);
  CHECK(items[1].media_types == std::vector<std::string>{"application/pdf", "image/*"});
  CHECK(items[1].max_files == 100);
  CHECK(items[1].max_bytes == 1073741824);
  // At and past the edges: 1..100 files, 1 byte..1 GiB.
  CHECK(errors(R"({"id": "f", "kind": "file", "label": "F", "max_files": 1, "max_bytes": 1})")
            .empty());
  CHECK(errors(R"({"id": "f", "kind": "file", "label": "F", "max_files": 101})") ==
        std::vector<std::string>{
            "/steps/0/items/0/max_files: 'max_files' must be between 1 and 100, not 101"});
  CHECK(errors(R"({"id": "f", "kind": "file", "label": "F", "max_files": 0})").size() == 1);
  CHECK(errors(R"({"id": "f", "kind": "file", "label": "F", "max_bytes": -5})").size() == 1);
  CHECK(errors(R"({"id": "f", "kind": "file", "label": "F", "max_bytes": 1073741825})").size() ==
        1);
  CHECK(
      errors(R"({"id": "p", "kind": "photo", "label": "P", "media_types": ["application/pdf"]})") ==
      std::vector<std::string>{"/steps/0/items/0/media_types/0: a photo is an image: "
                               "'application/pdf' is not an image/ type; make the item a "
                               "'file' to take it"});
  CHECK(errors(R"({"id": "f", "kind": "file", "label": "F", "media_types": ["PDF", "image/png",
               "image/png", 3]})")
            .size() == 3);
  CHECK(errors(R"({"id": "f", "kind": "file", "label": "F", "media_types": []})").size() == 1);
  CHECK(errors(R"({"id": "t", "kind": "text", "label": "T", "max_files": 2})") ==
        std::vector<std::string>{
            "/steps/0/items/0/max_files: 'max_files' applies only to file and photo items"});
}

TEST_CASE("a group holds items of one level, answered once or in rows, every problem located",
          "[definition][group]") {
  const auto errors = item_problems;
  const auto loaded = load_good("meter_reading.json");
  const auto& registers = step_of(loaded, "reading").checklist->sections.at(0).items.at(8);
  CHECK(registers.kind == ItemKind::group);
  CHECK(registers.repeat);
  CHECK(registers.min_rows == 0);  // not required
  CHECK(registers.max_rows == 4);
  REQUIRE(registers.items.size() == 3);
  CHECK(registers.items[1].id == "value");  // an id a step's item has too: ids are per group
  CHECK(registers.items[1].pointer == "/steps/0/items/8/items/1");

  CHECK(errors(R"({"id": "g", "kind": "group", "label": "G", "repeat": true, "max_rows": 1000,
                   "items": [{"id": "a", "kind": "text", "label": "A"}]})")
            .empty());
  CHECK(errors(R"({"id": "g", "kind": "group", "label": "G", "repeat": true, "max_rows": 1001,
                   "items": [{"id": "a", "kind": "text", "label": "A"}]})") ==
        std::vector<std::string>{
            "/steps/0/items/0/max_rows: 'max_rows' must be between 1 and 1000, not 1001"});
  CHECK(errors(R"({"id": "g", "kind": "group", "label": "G", "repeat": true, "min_rows": 0,
                   "items": [{"id": "a", "kind": "text", "label": "A"}]})") ==
        std::vector<std::string>{"/steps/0/items/0/min_rows: a required group has at least one "
                                 "row: make it \"required\": false to allow none, or leave "
                                 "'min_rows' out"});
  CHECK(errors(R"({"id": "g", "kind": "group", "label": "G", "repeat": true, "min_rows": 5,
                   "max_rows": 2, "items": [{"id": "a", "kind": "text", "label": "A"}]})")
            .size() == 1);
  CHECK(errors(R"({"id": "g", "kind": "group", "label": "G", "min_rows": 1,
                   "items": [{"id": "a", "kind": "text", "label": "A"}]})") ==
        std::vector<std::string>{"/steps/0/items/0/min_rows: 'min_rows' applies only to "
                                 "repeating group (\"repeat\": true) items"});
  CHECK(errors(R"({"id": "g", "kind": "group", "label": "G", "items": []})").size() == 1);
  CHECK(errors(R"({"id": "g", "kind": "group", "label": "G"})").size() == 1);  // no items
  // Inside a group: no group, signature or file; no rules or roles of their own; ids once.
  const auto inside = errors(R"({"id": "g", "kind": "group", "label": "G", "items": [
      {"id": "a", "kind": "group", "label": "A", "items": [{"id": "x", "label": "X"}]},
      {"id": "b", "kind": "signature", "label": "B"},
      {"id": "c", "kind": "photo", "label": "C"},
      {"id": "d", "kind": "text", "label": "D", "visible_if": "true", "roles": ["billing"]},
      {"id": "d", "kind": "text", "label": "D again"}]})");
  CHECK(inside.size() == 6);
  CHECK(std::count_if(inside.begin(), inside.end(), [](const std::string& e) {
          return e.find("a group's items are answered in each of its rows") != std::string::npos;
        }) == 3);
  CHECK(errors(R"({"id": "t", "kind": "text", "label": "T", "repeat": true})") ==
        std::vector<std::string>{"/steps/0/items/0/repeat: 'repeat' applies only to group items"});
}

TEST_CASE("scores, weights, flags and pass marks are read with every problem located",
          "[definition][score]") {
  const auto errors = [](std::string_view step_fields, std::string_view items) {
    auto loaded = load_definition(
        R"({"id": "r", "version": 1, "kind": "workflow", "title": "R", "steps": [
          {"id": "c", "type": "fill_checklist", )" +
            std::string(step_fields) + R"("sections": [{"id": "s", "title": "S", "items": [)" +
            std::string(items) + R"(]}]}]})",
        "r.json");
    std::vector<std::string> found;
    if (!loaded)
      for (const auto& d : loaded.error()) found.push_back(d.pointer + ": " + d.message);
    return found;
  };
  const auto loaded = load_good("site_inspection.json");
  const auto& checklist = *step_of(loaded, "inspection").checklist;
  CHECK(checklist.pass_mark == 80.0);
  CHECK(checklist.sections[0].pass_mark == 100.0);
  CHECK(checklist.sections[0].items[0].weight == 2.0);
  CHECK(checklist.sections[0].items[1].options[1].flag);
  CHECK(checklist.sections[0].items[1].options[0].score == 2.0);
  CHECK(checklist.sections[1].items[1].max_score == 1.0);
  CHECK(has_scoring(checklist));

  CHECK(errors(R"("pass_mark": 100, )", R"({"id": "a", "label": "A", "scored": true, "weight": 0})")
            .empty());
  CHECK(errors(R"("pass_mark": 100.5, )", R"({"id": "a", "label": "A"})") ==
        std::vector<std::string>{
            "/steps/0/pass_mark: 'pass_mark' is a percentage, from 0 to 100, not 100.5"});
  CHECK(errors("", R"({"id": "a", "label": "A", "weight": -1})") ==
        std::vector<std::string>{"/steps/0/sections/0/items/0/weight: 'weight' must be between "
                                 "0 and 1000, not -1"});
  CHECK(errors("", R"({"id": "a", "kind": "text", "label": "A", "scored": true})").size() == 1);
  CHECK(errors("", R"({"id": "a", "kind": "number", "label": "A", "score": "answer"})") ==
        std::vector<std::string>{"/steps/0/sections/0/items/0/score: a 'score' expression needs "
                                 "'max_score', the most points it gives, for the percentage"});
  CHECK(errors("", R"({"id": "a", "kind": "number", "label": "A", "max_score": 0,
                       "score": "answer"})")
            .size() == 1);
  // A score reads the answer alone: the instance's data is not its to read.
  CHECK(errors("", R"({"id": "a", "kind": "number", "label": "A", "max_score": 1,
                       "score": "input.limit - answer"})")
            .size() == 1);
  CHECK(
      errors(
          "",
          R"({"id": "a", "kind": "number", "label": "A", "flag": {">": [{"var": "vars.x"}, 1]}})") ==
      std::vector<std::string>{"/steps/0/sections/0/items/0/flag/>/0/var: 'vars' is not what "
                               "'flag' reads: it reads the item's answer, as 'answer'"});
  CHECK(errors("", R"({"id": "a", "kind": "choice", "label": "A",
                       "options": [{"value": "x", "score": -2}]})")
            .size() == 1);
  CHECK_FALSE(has_scoring(*step_of(load_good("meter_reading.json"), "reading").checklist));
}

TEST_CASE("corrective actions are read with every problem located", "[definition][actions]") {
  const auto errors = item_problems;
  const auto loaded = load_good("safety_walk.json");
  const auto& items = step_of(loaded, "walk").checklist->sections[0].items;
  const auto& on_fail = items[1].on_fail.value();
  CHECK(on_fail.title.get("en") == "Clear the exit");
  CHECK(on_fail.assignee == "facility");
  CHECK(on_fail.due->exact() == std::chrono::hours(24));
  CHECK(on_fail.due_item.empty());
  CHECK(on_fail.priority == Priority::urgent);
  CHECK(on_fail.verify_by == "safety_officer");
  CHECK_FALSE(on_fail.sign_while_open);
  CHECK(on_fail.pointer == "/steps/0/items/1/on_fail");
  const auto& on_flag = items[2].on_flag.value();
  CHECK(on_flag.due_item == "next_visit");
  CHECK(on_flag.priority == Priority::high);
  CHECK(on_flag.sign_while_open);
  CHECK_FALSE(items[2].on_fail);

  const std::string yes_no =
      R"("kind": "choice", "options": [{"value": "y", "score": 1}, {"value": "n", "flag": true}])";
  CHECK(errors(R"({"id": "a", "label": "A", )" + yes_no +
               R"(, "on_fail": {"title": "T", "assignee": "x"},
                    "on_flag": {"title": "T", "assignee": "x", "due": "PT4H"}})")
            .empty());
  CHECK(errors(R"({"id": "a", "kind": "text", "label": "A",
                   "on_fail": {"title": "T", "assignee": "x"},
                   "on_flag": {"title": "T", "assignee": "x"}})") ==
        std::vector<std::string>{
            "/steps/0/items/0/on_fail: 'on_fail' needs an item that scores, as an answer fails "
            "when it scores no points: give its options a 'score', set 'scored', or give it a "
            "'score' expression; or raise the action with 'on_flag'",
            "/steps/0/items/0/on_flag: 'on_flag' needs an item whose answer can be flagged: an "
            "option with \"flag\": true, or a 'flag' rule"});
  CHECK(errors(R"({"id": "a", "label": "A", )" + yes_no +
               R"(, "on_fail": {"assignee": "", "priority": "asap", "owner": "x"}})") ==
        std::vector<std::string>{
            "/steps/0/items/0/on_fail: a corrective action needs the field 'title'",
            "/steps/0/items/0/on_fail/assignee: a corrective action needs an owner: name the "
            "person or role who does it",
            "/steps/0/items/0/on_fail/priority: 'asap' is not a priority; use low, normal, high "
            "or urgent",
            "/steps/0/items/0/on_fail/owner: unknown field 'owner' in a corrective action; allowed "
            "are title, assignee, due, priority, verify_by, sign_while_open"});
  CHECK(errors(R"({"id": "when", "kind": "text", "label": "W"},
                  {"id": "a", "label": "A", )" +
               yes_no +
               R"(, "on_fail": {"title": "T", "assignee": "x", "due": {"item": "when"}},
                    "on_flag": {"title": "T", "assignee": "x", "due": {"item": "wen", "plus": "P1D"}}})") ==
        std::vector<std::string>{
            "/steps/0/items/1/on_fail/due/item: a due date counts from a date or datetime item; "
            "'when' is a text",
            "/steps/0/items/1/on_flag/due/item: the step has no item 'wen' to count the due date "
            "from; did you mean 'when'?"});
  CHECK(errors(R"({"id": "a", "label": "A", )" + yes_no +
               R"(, "on_fail": {"title": "T", "assignee": "x", "due": "soon"}})")
            .size() == 1);
}

TEST_CASE("times, date-times and 'not applicable' are read as written", "[definition]") {
  const auto definition = load_good("meter_reading.json");
  const auto& items = step_of(definition, "reading").checklist->sections.at(0).items;
  REQUIRE(items.size() == 10);
  CHECK(items[6].kind == ItemKind::photo);
  CHECK(items[7].kind == ItemKind::file);
  CHECK(items[7].not_applicable);
  CHECK(items[0].kind == ItemKind::datetime);
  CHECK(items[1].kind == ItemKind::time);
  CHECK_FALSE(items[1].required);
  CHECK(items[2].not_applicable);
  CHECK(items[3].not_applicable);
  CHECK(items[3].kind == ItemKind::checkbox);
  CHECK(items[4].kind == ItemKind::rating);
  CHECK(items[4].min == 1);  // the scale a rating has unless it says
  CHECK(items[4].max == 5);
  CHECK(text_in(items[4].high_label, "en") == "easy");
  CHECK(items[5].kind == ItemKind::location);
  CHECK_FALSE(items[6].not_applicable);
  CHECK(to_string(ItemKind::time) == "time");
  CHECK(to_string(ItemKind::datetime) == "datetime");
}

TEST_CASE("a syntax error is located at the first character that cannot continue the JSON",
          "[definition]") {
  // Line 3 lacks its comma; the parser notices at the key on line 4.
  check_file("syntax_error.json", {{ErrorCode::syntax_error, 4, 3, "", "invalid JSON"}});
}

TEST_CASE("a misspelt step field is reported with a suggestion", "[definition]") {
  check_file("misspelt_step_field.json",
             {{ErrorCode::unknown_field, 11, 7, "/steps/0/nxt",
               "unknown field 'nxt' in a create_task step; did you mean 'next'?"}});
}

TEST_CASE("a misspelt step type is reported with the nearest type, and its parameters are not",
          "[definition]") {
  // to, subject and body are not reported as unknown: without a type nobody knows them.
  check_file("unknown_step_type.json",
             {{ErrorCode::unknown_step_type, 9, 15, "/steps/0/type",
               "unknown step type 'send_emial'; did you mean 'send_email'?"}});
}

TEST_CASE("missing top-level fields are each reported at the document", "[definition]") {
  check_file("missing_top_level_fields.json",
             {{ErrorCode::missing_field, 1, 1, "", "a definition needs the field 'id'"},
              {ErrorCode::missing_field, 1, 1, "", "a definition needs the field 'version'"},
              {ErrorCode::missing_field, 1, 1, "", "a definition needs the field 'title'"}});
}

TEST_CASE("a step without an id and a send_email without 'to' are reported at their steps",
          "[definition]") {
  check_file(
      "missing_step_fields.json",
      {{ErrorCode::missing_field, 7, 5, "/steps/0", "a create_task step needs the field 'id'"},
       {ErrorCode::missing_field, 12, 5, "/steps/1", "a send_email step needs the field 'to'"}});
}

TEST_CASE("values of the wrong type are reported at the value, naming the type found",
          "[definition]") {
  check_file("wrong_types.json", {{ErrorCode::wrong_type, 3, 14, "/version",
                                   "'version' must be a whole number, not a string"},
                                  {ErrorCode::wrong_type, 5, 12, "/title",
                                   "'title' must be a string or an object of language codes"},
                                  {ErrorCode::wrong_type, 11, 67, "/steps/0/items/0/required",
                                   "'required' must be true or false, not a string"}});
  CHECK_THAT(load_errors("wrong_types.json")[1].message, Contains("not a number"));
}

TEST_CASE("a unit in the wrong part of an ISO duration is located at the unit", "[definition]") {
  // "P1D2H": the H is at fault (hours belong after T), and it is at column 23.
  const Diagnostics errors = load_errors("bad_durations.json");
  REQUIRE(errors.size() == 3);
  check_diagnostic(errors[0], {ErrorCode::invalid_duration, 11, 23, "/steps/0/timeout",
                               "'P1D2H' is not a duration: hours belong after 'T'"});
}

TEST_CASE("fractions in ISO durations and negative seconds are rejected at the fault",
          "[definition]") {
  const Diagnostics errors = load_errors("bad_durations.json");
  INFO(errors);
  REQUIRE(errors.size() == 3);
  // The '.' of "PT0.5S".
  check_diagnostic(errors[1],
                   {ErrorCode::invalid_duration, 13, 61, "/steps/0/retry/initial_interval",
                    "fractions are not allowed in ISO 8601 durations"});
  check_diagnostic(errors[2], {ErrorCode::invalid_duration, 19, 19, "/steps/1/duration",
                               "a duration cannot be negative"});
}

TEST_CASE("a retry interval in months is rejected: backoff needs an exact length", "[definition]") {
  check_file("calendar_retry_interval.json",
             {{ErrorCode::invalid_duration, 9, 57, "/steps/0/retry/initial_interval",
               "'initial_interval' must be an exact length (days, hours, minutes, seconds), not "
               "years, months or business days"}});
}

TEST_CASE("step and item ids that expressions could not name are rejected", "[definition]") {
  check_file("bad_identifiers.json", {{ErrorCode::invalid_identifier, 8, 13, "/steps/0/id",
                                       "'check-1' is not an identifier"},
                                      {ErrorCode::invalid_identifier, 11, 17, "/steps/0/items/0/id",
                                       "'1st' is not an identifier"}});
}

TEST_CASE("a duplicate step id names the line of its first use", "[definition]") {
  check_file("duplicate_step_id.json",
             {{ErrorCode::duplicate_id, 14, 13, "/steps/1/id",
               "duplicate step id 'review'; it is first used at line 8"}});
}

TEST_CASE("a duplicate item id in a step names the line of its first use", "[definition]") {
  check_file("duplicate_item_id.json",
             {{ErrorCode::duplicate_id, 13, 17, "/steps/0/items/2/id",
               "duplicate item id 'signed'; it is first used at line 11"}});
}

TEST_CASE("a choice item without options is reported at the item", "[definition]") {
  check_file("choice_without_options.json", {{ErrorCode::missing_field, 11, 9, "/steps/0/items/0",
                                              "an item needs the field 'options'"}});
}

TEST_CASE("options on a checkbox item are reported at the field's name", "[definition]") {
  check_file("options_on_checkbox.json",
             {{ErrorCode::invalid_value, 14, 11, "/steps/0/items/0/options",
               "'options' applies only to choice and multi_choice items"}});
}

TEST_CASE("roles are names, at least one, none twice", "[definition]") {
  check_file("bad_roles.json",
             {{ErrorCode::invalid_value, 14, 20, "/steps/0/sections/0/roles",
               "'roles' is empty: name who answers, or leave 'roles' out for anyone"},
              {ErrorCode::invalid_identifier, 16, 69, "/steps/0/sections/0/items/0/roles/1",
               "'billing team' is not an identifier"},
              {ErrorCode::duplicate_id, 16, 85, "/steps/0/sections/0/items/0/roles/2",
               "role 'manager' is listed twice"}});
}

TEST_CASE("a number item whose min is above its max is reported at the max", "[definition]") {
  check_file(
      "min_greater_than_max.json",
      {{ErrorCode::invalid_value, 16, 18, "/steps/0/items/0/max", "'max' is smaller than 'min'"}});
}

TEST_CASE("a unit on a text item is reported at the field's name", "[definition]") {
  check_file("unit_on_text.json", {{ErrorCode::invalid_value, 15, 11, "/steps/0/items/0/unit",
                                    "'unit' applies only to number items"}});
}

TEST_CASE("a wait step with both a duration and an event is reported at the second",
          "[definition]") {
  check_file("wait_duration_and_event.json",
             {{ErrorCode::invalid_value, 11, 7, "/steps/0/event",
               "a wait step takes only one of 'duration', 'until' or 'event'; 'duration' is "
               "already given"}});
}

TEST_CASE("a wait step with nothing to wait for is reported at the step", "[definition]") {
  check_file("wait_without_duration.json", {{ErrorCode::missing_field, 7, 5, "/steps/0",
                                             "a wait step needs 'duration', 'until' or 'event'"}});
}

TEST_CASE("a parallel step with 'next' is rejected, pointing at 'next'", "[definition]") {
  check_file("parallel_with_next.json",
             {{ErrorCode::invalid_value, 12, 7, "/steps/0/next", "a parallel step has no 'next'"}});
}

TEST_CASE("an end step with 'next' is rejected, pointing at 'next'", "[definition]") {
  check_file("end_with_next.json",
             {{ErrorCode::invalid_value, 10, 7, "/steps/0/next", "an end step has no 'next'"}});
}

TEST_CASE("a decision without 'next' is reported at the step", "[definition]") {
  check_file("decision_without_next.json", {{ErrorCode::missing_field, 7, 5, "/steps/0",
                                             "a decision step needs 'next' with its transitions"}});
}

TEST_CASE("a decision's next is an array of transitions, not one step id", "[definition]") {
  const Diagnostics errors = test::problems_of(R"({
  "id": "d", "version": 1, "kind": "workflow", "title": "D",
  "steps": [ { "id": "route", "type": "decision", "next": "done" }, { "id": "done", "type": "end" } ]
})");
  REQUIRE(errors.size() == 1);
  check_diagnostic(errors[0], {ErrorCode::wrong_type, 3, 59, "/steps/0/next",
                               "the 'next' of a decision step is an array"});
}

TEST_CASE("a definition id past the identifier limit names the limit", "[definition]") {
  const std::string text = R"({"id": "invoicing", "version": 1, "kind": "workflow", "title": "T",
    "steps": [{"id": "done", "type": "end"}]})";
  CHECK(load_definition(text, "t.json", {.max_identifier_length = 9}));
  auto rejected = load_definition(text, "t.json", {.max_identifier_length = 8});
  REQUIRE_FALSE(rejected);
  check_diagnostic(rejected.error()[0], {ErrorCode::invalid_identifier, 1, 8, "/id",
                                         "9 characters long, more than the limit of 8 "
                                         "(max_identifier_length)"});
}

TEST_CASE("a transition after the default is never taken and names the default's line",
          "[definition]") {
  check_file("transition_after_default.json",
             {{ErrorCode::unreachable_transition, 13, 9, "/steps/0/next/2",
               "this transition is never taken: the one before it at line 12 has no 'when'"}});
}

TEST_CASE("a workflow with sections is told to say kind checklist", "[definition]") {
  check_file("workflow_with_sections.json",
             {{ErrorCode::missing_field, 1, 1, "", "a definition needs the field 'steps'"},
              {ErrorCode::unknown_field, 6, 3, "/sections",
               "a workflow has 'steps', not 'sections'; for 'sections' set \"kind\": "
               "\"checklist\""}});
}

TEST_CASE("an unknown item kind is reported with a suggestion", "[definition]") {
  check_file("unknown_item_kind.json", {{ErrorCode::invalid_value, 13, 19, "/steps/0/items/0/kind",
                                         "unknown item kind 'chekbox'; did you mean 'checkbox'?"}});
}

TEST_CASE("a language name instead of a code is rejected, its column counted in code points",
          "[definition]") {
  // Line 11 holds three umlauts before "german": column 67 in code points, 70 in bytes.
  check_file("bad_language_code.json",
             {{ErrorCode::invalid_value, 11, 67, "/steps/0/items/0/label/german",
               "'german' is not a language code"}});
}

TEST_CASE("a document that is not an object is rejected at its start", "[definition]") {
  check_file("document_is_array.json", {{ErrorCode::wrong_type, 1, 1, "",
                                         "a definition must be a JSON object, not an array"}});
}

TEST_CASE("every problem of a document is reported in one pass, in document order",
          "[definition]") {
  check_file(
      "many_errors.json",
      {{ErrorCode::invalid_identifier, 2, 9, "/id", "'many errors' is not a definition id"},
       {ErrorCode::invalid_value, 3, 14, "/version", "'version' must be between 1 and"},
       {ErrorCode::invalid_value, 5, 35, "/title/deutsch", "'deutsch' is not a language code"},
       {ErrorCode::invalid_duration, 11, 17, "/steps/0/due", "unknown unit 'X'"},
       {ErrorCode::unknown_field, 12, 7, "/steps/0/nxt", "did you mean 'next'?"},
       {ErrorCode::unknown_step_type, 16, 15, "/steps/1/type", "did you mean 'send_email'?"},
       {ErrorCode::duplicate_id, 20, 13, "/steps/2/id",
        "duplicate step id 'review'; it is first used at line 8"},
       {ErrorCode::wrong_type, 24, 15, "/metadata", "'metadata' must be an object, not an array"}});
}

// ---------------------------------------------------------------------------------------------
// A valid definition, read field by field

TEST_CASE("a valid definition's top-level fields are read as written", "[definition]") {
  const auto definition = load_good("invoice_review.json");
  CHECK(definition.id == "invoice_review");
  CHECK(definition.version == 3);
  CHECK(definition.kind == DefinitionKind::workflow);
  CHECK(text_in(definition.title, "de") == "Rechnungsprüfung");
  CHECK(text_in(definition.title, "en") == "Invoice review");
  CHECK(text_in(definition.description, "en") == "Checks, books and archives an invoice.");
  CHECK(definition.default_language == "de");
  CHECK(definition.metadata.at("owner").as_string() == "billing");
  CHECK(definition.start == "check");  // not given: the first step
  CHECK(definition.warnings.empty());
  REQUIRE(definition.source);
  CHECK(definition.source->name() == good_file("invoice_review.json").string());

  std::vector<std::pair<std::string, std::string>> steps;
  for (const auto& step : definition.steps) steps.emplace_back(step.id, step.type);
  CHECK(steps == std::vector<std::pair<std::string, std::string>>{{"check", "fill_checklist"},
                                                                  {"route", "decision"},
                                                                  {"ask_cfo", "create_task"},
                                                                  {"book", "save_record"},
                                                                  {"notify", "send_email"},
                                                                  {"settle", "parallel"},
                                                                  {"await_payment", "wait"},
                                                                  {"archive", "call"},
                                                                  {"mark", "update_record"},
                                                                  {"settled", "join"},
                                                                  {"cool_down", "wait"},
                                                                  {"done", "end"},
                                                                  {"escalate", "create_task"},
                                                                  {"failed", "end"}});
  CHECK(definition.steps[4].pointer == "/steps/4");
  CHECK(definition.find_step("nope") == nullptr);
}

TEST_CASE("transitions keep their order, conditions, targets and labels", "[definition]") {
  const auto definition = load_good("invoice_review.json");
  const auto& route = step_of(definition, "route").next;
  REQUIRE(route.size() == 2);
  REQUIRE(route[0].when);
  CHECK(route[0].when->text() == "steps.check.answers.total > 1000");
  CHECK(route[0].to == "ask_cfo");
  CHECK(text_in(route[0].label, "de") == "über 1000");
  CHECK(route[0].pointer == "/steps/1/next/0/to");
  CHECK_FALSE(route[1].when);
  CHECK(route[1].to == "book");
  CHECK(route[1].label.empty());

  // A plain step id is one default transition.
  const auto& check = step_of(definition, "check").next;
  REQUIRE(check.size() == 1);
  CHECK_FALSE(check[0].when);
  CHECK(check[0].to == "route");
  CHECK(check[0].pointer == "/steps/0/next");
  CHECK(step_of(definition, "done").next.empty());  // final
}

TEST_CASE("retry, timeout, on_timeout and on_error are read with their durations", "[definition]") {
  const auto definition = load_good("invoice_review.json");
  const auto& book = step_of(definition, "book");
  REQUIRE(book.retry);
  CHECK(book.retry->max_attempts == 5);
  CHECK(book.retry->initial_interval == Duration{.time = std::chrono::seconds(30)});
  CHECK(book.retry->backoff == 1.5);
  CHECK(book.retry->max_interval == Duration{.time = std::chrono::minutes(10)});
  CHECK_FALSE(book.retry->jitter);
  CHECK(book.on_error == "escalate");
  CHECK_FALSE(book.timeout);

  const auto& check = step_of(definition, "check");
  CHECK_FALSE(check.retry);
  REQUIRE(check.timeout);
  CHECK(*check.timeout == Duration{.days = 2});
  CHECK(check.on_timeout == "escalate");
  CHECK(check.on_error.empty());

  // Seconds as a number, whole or not.
  const auto& await_payment = step_of(definition, "await_payment");
  REQUIRE(await_payment.timeout);
  CHECK(await_payment.timeout->exact() == std::chrono::days(14));
  const auto cool_down = parse_duration(step_of(definition, "cool_down").parameters.at("duration"));
  REQUIRE(cool_down);
  CHECK(cool_down->time == std::chrono::milliseconds(500));
}

TEST_CASE("a step's parameters are kept as written, with typed views for control steps",
          "[definition]") {
  const auto definition = load_good("invoice_review.json");
  const auto& ask_cfo = step_of(definition, "ask_cfo");
  CHECK(ask_cfo.parameters.at("assignee").as_string() == "cfo");
  CHECK(ask_cfo.parameters.at("due").as_string() == "P1DT12H");
  CHECK(ask_cfo.parameters.at("outcomes").as_array().size() == 2);
  CHECK(text_in(ask_cfo.title, "en") == "Approval by the CFO");
  CHECK_FALSE(ask_cfo.parameters.contains("title"));  // a common field, not a parameter

  const auto& notify = step_of(definition, "notify");
  CHECK(notify.parameters.at("subject").as_string() == "Rechnung {{input.number}}");
  CHECK(notify.parameters.at("to").is_array());

  const auto& settle = step_of(definition, "settle");
  CHECK(settle.branches == std::vector<std::string>{"await_payment", "archive"});
  CHECK(settle.join == "settled");
  CHECK(settle.next.empty());
  CHECK(step_of(definition, "failed").parameters.at("status").as_string() == "failed");
}

TEST_CASE("checklist items are read with their kinds, options, ranges and conditions",
          "[definition]") {
  const auto definition = load_good("invoice_review.json");
  const auto& check = step_of(definition, "check");
  REQUIRE(check.checklist);
  REQUIRE(check.checklist->sections.size() == 1);  // items given directly: one untitled section
  const auto& section = check.checklist->sections[0];
  CHECK(section.id.empty());
  CHECK(section.pointer == "/steps/0/items");
  const auto& items = section.items;
  REQUIRE(items.size() == 7);

  std::vector<std::pair<std::string, ItemKind>> kinds;
  for (const auto& item : items) kinds.emplace_back(item.id, item.kind);
  CHECK(kinds == std::vector<std::pair<std::string, ItemKind>>{{"amount_ok", ItemKind::checkbox},
                                                               {"comment", ItemKind::text},
                                                               {"total", ItemKind::number},
                                                               {"due_on", ItemKind::date},
                                                               {"payment", ItemKind::choice},
                                                               {"flags", ItemKind::multi_choice},
                                                               {"signed", ItemKind::signature}});

  CHECK(text_in(items[0].label, "en") == "Amount is correct");
  CHECK(items[0].required);  // the default
  CHECK_FALSE(items[1].required);
  CHECK(items[1].min == 0);
  CHECK(items[1].max == 500);
  CHECK(items[1].pattern == "^[^<>]*$");
  CHECK(items[2].max == 100000);
  CHECK(text_in(items[2].unit, "en") == "EUR");
  REQUIRE(items[4].options.size() == 2);
  CHECK(items[4].options[0].value == "transfer");
  CHECK(text_in(items[4].options[0].label, "de") == "transfer");  // the value stands in
  CHECK(items[4].options[1].value == "card");
  CHECK(text_in(items[4].options[1].label, "de") == "Karte");
  REQUIRE(items[5].visible_if);
  CHECK(items[5].visible_if->text() == "steps.check.answers.total > 1000");
  CHECK(items[5].max == 2);
  CHECK_FALSE(items[0].visible_if);
  CHECK_FALSE(items[0].min);
  CHECK(items[6].pointer == "/steps/0/items/6");
}

TEST_CASE("left-out fields take their defaults", "[definition]") {
  auto loaded = load_definition(R"({
    "id": "defaults", "version": 1, "kind": "workflow", "title": "Defaults",
    "steps": [
      { "id": "ask", "type": "fill_checklist", "items": [ { "id": "ok", "label": "OK" } ],
        "retry": { "max_attempts": 2 }, "next": "done" },
      { "id": "done", "type": "end" }
    ]
  })",
                                "defaults.json");
  if (!loaded) FAIL(loaded.error());
  CHECK(loaded->start == "ask");
  CHECK(loaded->default_language.empty());
  const auto& ask = loaded->steps[0];
  const auto& item = ask.checklist->sections.at(0).items.at(0);
  CHECK(item.kind == ItemKind::checkbox);
  CHECK(item.required);
  REQUIRE(ask.retry);
  CHECK(ask.retry->max_attempts == 2);
  CHECK(ask.retry->initial_interval == Duration{.time = std::chrono::seconds(1)});
  CHECK(ask.retry->backoff == 2.0);
  CHECK(ask.retry->max_interval == Duration{.time = std::chrono::hours(1)});
  CHECK(ask.retry->jitter);
}

TEST_CASE("an explicit start names the step to begin with", "[definition]") {
  const auto definition = load_good("explicit_start.json");
  CHECK(definition.start == "intake");
  CHECK(definition.steps.front().id == "done");
}

TEST_CASE("a checklist loads as one fill_checklist step per section, chained by next",
          "[definition]") {
  const auto definition = load_good("vehicle_check.json");
  CHECK(definition.kind == DefinitionKind::checklist);
  CHECK(definition.version == 2);
  CHECK(definition.start == "outside");
  REQUIRE(definition.steps.size() == 3);
  const std::vector<std::string> ids{"outside", "inside", "sign_off"};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& step = definition.steps[i];
    INFO(step.id);
    CHECK(step.id == ids[i]);
    CHECK(step.type == "fill_checklist");
    CHECK(step.pointer == "/sections/" + std::to_string(i));
    REQUIRE(step.checklist);
    REQUIRE(step.checklist->sections.size() == 1);
    CHECK(step.checklist->sections[0].id == ids[i]);
    if (i + 1 < ids.size()) {
      REQUIRE(step.next.size() == 1);
      CHECK(step.next[0].to == ids[i + 1]);
      CHECK_FALSE(step.next[0].when);
    } else {
      CHECK(step.next.empty());  // the last section is final
    }
  }
  CHECK(text_in(definition.steps[0].title, "de") == "Außen");
  CHECK(definition.steps[0].checklist->sections[0].roles.empty());  // anyone answers
  const auto& sign_off = definition.steps[2].checklist->sections[0];
  CHECK(sign_off.roles == std::vector<std::string>{"workshop"});
  CHECK(sign_off.items[0].roles == std::vector<std::string>{"inspector", "workshop_manager"});
  const auto& mileage = definition.steps[1].checklist->sections[0].items.at(0);
  CHECK(mileage.kind == ItemKind::number);
  CHECK(text_in(mileage.unit, "de") == "km");
  CHECK(definition.steps[2].checklist->sections[0].items.at(0).kind == ItemKind::signature);
}

// ---------------------------------------------------------------------------------------------
// Limits

namespace {

const std::string three_steps = R"({
  "id": "x",
  "version": 1,
  "kind": "workflow",
  "title": "Three steps",
  "steps": [
    { "id": "one", "type": "create_task", "title": "One", "next": "two" },
    { "id": "two", "type": "create_task", "title": "Two", "next": "three" },
    { "id": "three", "type": "end" }
  ]
})";

Diagnostics errors_with(const std::string& text, const LoadOptions& options) {
  auto loaded = load_definition(text, "limits.json", options);
  REQUIRE_FALSE(loaded);
  return loaded.error();
}

const Diagnostic* find_at(const Diagnostics& diagnostics, std::string_view pointer) {
  for (const auto& d : diagnostics)
    if (d.pointer == pointer) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("more steps than max_steps are rejected at /steps", "[definition]") {
  LoadOptions options;
  options.max_steps = 3;
  CHECK(load_definition(three_steps, "limits.json", options));
  options.max_steps = 2;
  const auto errors = errors_with(three_steps, options);
  INFO(errors);
  REQUIRE(errors.size() == 1);
  check_diagnostic(errors[0], {ErrorCode::too_many_steps, 6, 12, "/steps",
                               "more than the limit of 2 (max_steps)"});
  CHECK(kind_of(errors[0].code) == ErrorKind::limit);
}

TEST_CASE("a step id longer than max_identifier_length is rejected", "[definition]") {
  LoadOptions options;
  options.max_identifier_length = 5;
  CHECK(load_definition(three_steps, "limits.json", options));  // "three" is just long enough
  options.max_identifier_length = 4;
  const auto errors = errors_with(three_steps, options);
  INFO(errors);
  const auto* id = find_at(errors, "/steps/2/id");
  REQUIRE(id);
  check_diagnostic(*id, {ErrorCode::invalid_identifier, 9, 13, "/steps/2/id",
                         "5 characters long, more than the limit of 4 (max_identifier_length)"});
}

TEST_CASE("nesting deeper than max_depth is rejected where the level too deep opens",
          "[definition]") {
  const std::string text = R"({
  "id": "deep",
  "version": 1,
  "kind": "workflow",
  "title": "Four levels deep",
  "metadata": { "a": { "b": { "c": 1 } } },
  "steps": [ { "id": "done", "type": "end" } ]
})";
  LoadOptions options;
  options.json.max_depth = 4;
  CHECK(load_definition(text, "deep.json", options));
  options.json.max_depth = 3;
  const auto errors = errors_with(text, options);
  INFO(errors);
  REQUIRE(errors.size() == 1);
  // The '{' that opens the fourth level.
  check_diagnostic(errors[0], {ErrorCode::too_deep, 6, 29, "", "limit of 3 levels (max_depth)"});
}

TEST_CASE("a string longer than max_string_length is rejected at the string", "[definition]") {
  const std::string text = R"({
  "id": "long",
  "version": 1,
  "kind": "workflow",
  "title": "Twenty characters!!!",
  "steps": [ { "id": "done", "type": "end" } ]
})";
  LoadOptions options;
  options.json.max_string_length = 20;
  CHECK(load_definition(text, "long.json", options));
  options.json.max_string_length = 19;
  const auto errors = errors_with(text, options);
  INFO(errors);
  REQUIRE(errors.size() == 1);
  check_diagnostic(errors[0], {ErrorCode::string_too_long, 5, 12, "/title",
                               "longer than the limit of 19 bytes (max_string_length)"});
}

TEST_CASE("a document larger than max_document_bytes is rejected before parsing", "[definition]") {
  LoadOptions options;
  options.json.max_document_bytes = three_steps.size();
  CHECK(load_definition(three_steps, "limits.json", options));
  options.json.max_document_bytes = three_steps.size() - 1;
  const auto errors = errors_with(three_steps, options);
  INFO(errors);
  REQUIRE(errors.size() == 1);
  check_diagnostic(errors[0], {ErrorCode::document_too_large, 1, 1, "",
                               "more than the limit of " + std::to_string(three_steps.size() - 1) +
                                   " (max_document_bytes)"});
}

TEST_CASE("a file larger than max_document_bytes is rejected without reading it", "[definition]") {
  const auto path = good_file("explicit_start.json");
  const auto size = std::filesystem::file_size(path);
  LoadOptions options;
  options.json.max_document_bytes = size;
  CHECK(load_definition_file(path, options));
  options.json.max_document_bytes = size - 1;
  auto loaded = load_definition_file(path, options);
  REQUIRE_FALSE(loaded);
  REQUIRE(loaded.error().size() == 1);
  const auto& error = loaded.error()[0];
  check_diagnostic(error,
                   {ErrorCode::document_too_large, 1, 1, "",
                    "document is " + std::to_string(size) + " bytes, more than the limit of " +
                        std::to_string(size - 1) + " (max_document_bytes)"});
  CHECK(error.location.file == path.string());
}

// ---------------------------------------------------------------------------------------------
// Step types of the host

namespace {

std::string slack_definition(const std::string& step) {
  return R"({
  "id": "slack",
  "version": 1,
  "kind": "workflow",
  "title": "Tell the team",
  "steps": [
    )" + step +
         R"(,
    { "id": "done", "type": "end" }
  ]
})";
}

StepTypeRegistry with_slack() {
  StepTypeRegistry registry = StepTypeRegistry::builtin();
  auto added = registry.add(
      {.name = "post_to_slack",
       .parameters = {{.name = "channel", .type = ParameterType::string, .required = true}}});
  REQUIRE(added);
  return registry;
}

}  // namespace

TEST_CASE("a step type the host registers can be used, with its parameters", "[definition]") {
  const StepTypeRegistry registry = with_slack();
  LoadOptions options;
  options.step_types = &registry;
  const std::string text = slack_definition(
      R"({ "id": "tell", "type": "post_to_slack", "channel": "#billing", "next": "done" })");

  auto loaded = load_definition(text, "slack.json", options);
  if (!loaded) FAIL(loaded.error());
  CHECK(loaded->steps[0].type == "post_to_slack");
  CHECK(loaded->steps[0].parameters.at("channel").as_string() == "#billing");
  CHECK(Workflow::compile(std::move(*loaded), &registry));

  // The built-in registry does not know it.
  auto builtin = load_definition(text, "slack.json");
  REQUIRE_FALSE(builtin);
  REQUIRE(builtin.error().size() == 1);
  check_diagnostic(builtin.error()[0], {ErrorCode::unknown_step_type, 7, 29, "/steps/0/type",
                                        "unknown step type 'post_to_slack'"});
}

TEST_CASE("a host step type's required parameter must be given and spelt right", "[definition]") {
  const StepTypeRegistry registry = with_slack();
  LoadOptions options;
  options.step_types = &registry;

  SECTION("missing") {
    const auto errors = errors_with(
        slack_definition(R"({ "id": "tell", "type": "post_to_slack", "next": "done" })"), options);
    INFO(errors);
    REQUIRE(errors.size() == 1);
    check_diagnostic(errors[0], {ErrorCode::missing_field, 7, 5, "/steps/0",
                                 "a post_to_slack step needs the field 'channel'"});
  }
  SECTION("misspelt") {
    const auto errors = errors_with(
        slack_definition(
            R"({ "id": "tell", "type": "post_to_slack", "chanel": "#billing", "next": "done" })"),
        options);
    INFO(errors);
    REQUIRE(errors.size() == 2);
    check_diagnostic(errors[0], {ErrorCode::missing_field, 7, 5, "/steps/0",
                                 "a post_to_slack step needs the field 'channel'"});
    check_diagnostic(errors[1], {ErrorCode::unknown_field, 7, 46, "/steps/0/chanel",
                                 "unknown field 'chanel' in a post_to_slack step; did you mean "
                                 "'channel'?"});
  }
  SECTION("of the wrong type") {
    const auto errors = errors_with(
        slack_definition(
            R"({ "id": "tell", "type": "post_to_slack", "channel": 7, "next": "done" })"),
        options);
    INFO(errors);
    REQUIRE(errors.size() == 1);
    check_diagnostic(errors[0], {ErrorCode::wrong_type, 7, 57, "/steps/0/channel",
                                 "'channel' must be a string, not a number"});
  }
}

// ---------------------------------------------------------------------------------------------
// Files

TEST_CASE("a file that does not exist is an io_error naming the file", "[definition]") {
  const auto path = invalid_file("no_such_definition.json");
  auto loaded = load_definition_file(path);
  REQUIRE_FALSE(loaded);
  REQUIRE(loaded.error().size() == 1);
  const auto& error = loaded.error()[0];
  CHECK(to_string(error.code) == "io_error");
  CHECK(kind_of(error.code) == ErrorKind::io);
  CHECK(error.location.file == path.string());
  CHECK_FALSE(error.location.known());
  CHECK_THAT(error.message, Contains("cannot read the file"));
}
