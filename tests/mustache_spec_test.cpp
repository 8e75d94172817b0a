// The official Mustache spec (github.com/mustache/spec), read in place from the corpora folder:
// every case of the required modules and of the optional ones ablauf implements.
#include "ablauf/template.hpp"

#include "test_support.hpp"

#include <boost/json/parse.hpp>

#include <filesystem>
#include <set>

using namespace ablauf;

namespace {

// Renders every case of one spec file, each in a section named after it; returns how many.
std::size_t run_spec(std::string_view file) {
  const auto path = std::filesystem::path(ABLAUF_CORPORA_DIR) / "mustache" / file;
  const boost::json::value spec = boost::json::parse(test::read_file(path));
  std::size_t cases = 0;
  std::set<std::string> names;
  for (const auto& test : spec.at("tests").as_array()) {
    ++cases;
    // Catch2 takes sections of the same name for one; the spec repeats a few names.
    std::string name(test.at("name").as_string());
    if (!names.insert(name).second) name += " (" + std::to_string(cases) + ")";
    DYNAMIC_SECTION(name) {
      INFO(test.at("desc").as_string().c_str());
      const std::string_view text = test.at("template").as_string();
      INFO("template: " << text);
      TemplatePartials partials;
      if (const auto* given = test.as_object().if_contains("partials")) {
        for (const auto& [partial_name, partial_text] : given->as_object()) {
          auto partial = Template::compile(partial_text.as_string());
          REQUIRE(partial);
          partials.emplace(std::string(partial_name), std::move(*partial));
        }
      }
      auto tmpl = Template::compile(text);
      if (!tmpl) FAIL(tmpl.error().message << " at offset " << tmpl.error().offset);
      auto rendered = render(*tmpl, test.at("data"), {.partials = &partials});
      if (!rendered) FAIL(rendered.error().message);
      CHECK(*rendered == std::string_view(test.at("expected").as_string()));
    }
  }
  return cases;
}

// The cases per file at the pinned commit of the spec (see the corpus's SOURCE.txt), so a file
// that is missing or cut short cannot pass by having nothing to check.
constexpr std::size_t core_cases[] = {12, 14, 42, 22, 12, 34};
static_assert(core_cases[0] + core_cases[1] + core_cases[2] + core_cases[3] + core_cases[4] +
                  core_cases[5] ==
              136);

}  // namespace

// Catch2 runs each test case once per section; every run counts all the cases.
TEST_CASE("mustache spec: comments", "[template][corpus]") {
  CHECK(run_spec("comments.json") == core_cases[0]);
}
TEST_CASE("mustache spec: delimiters", "[template][corpus]") {
  CHECK(run_spec("delimiters.json") == core_cases[1]);
}
TEST_CASE("mustache spec: interpolation", "[template][corpus]") {
  CHECK(run_spec("interpolation.json") == core_cases[2]);
}
TEST_CASE("mustache spec: inverted", "[template][corpus]") {
  CHECK(run_spec("inverted.json") == core_cases[3]);
}
TEST_CASE("mustache spec: partials", "[template][corpus]") {
  CHECK(run_spec("partials.json") == core_cases[4]);
}
TEST_CASE("mustache spec: sections", "[template][corpus]") {
  CHECK(run_spec("sections.json") == core_cases[5]);
}
TEST_CASE("mustache spec (optional): dynamic names", "[template][corpus]") {
  CHECK(run_spec("~dynamic-names.json") == 21);
}
TEST_CASE("mustache spec (optional): inheritance", "[template][corpus]") {
  CHECK(run_spec("~inheritance.json") == 27);
}
