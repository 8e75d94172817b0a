#include "ablauf/template.hpp"

#include "test_support.hpp"

#include <boost/json/parse.hpp>

#include <cmath>
#include <limits>

using namespace ablauf;

namespace {

Template compiled(std::string_view text, const TemplateLimits& limits = {}) {
  auto tmpl = Template::compile(text, limits);
  if (!tmpl) FAIL(tmpl.error().message << " at offset " << tmpl.error().offset);
  return std::move(*tmpl);
}

std::string rendered(std::string_view text, std::string_view data,
                     const RenderOptions& options = {}) {
  auto out = render(compiled(text), boost::json::parse(data), options);
  if (!out) FAIL(out.error().message);
  return std::move(*out);
}

TemplateError compile_error(std::string_view text, const TemplateLimits& limits = {}) {
  auto tmpl = Template::compile(text, limits);
  REQUIRE_FALSE(tmpl);
  return tmpl.error();
}

TemplatePartials partials_of(std::initializer_list<std::pair<std::string, std::string>> texts) {
  TemplatePartials partials;
  for (const auto& [name, text] : texts) partials.emplace(name, compiled(text));
  return partials;
}

// `depth` sections inside each other, all named `name`.
std::string nested_sections(std::size_t depth, std::string_view name = "a") {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "{{#" + std::string(name) + "}}";
  for (std::size_t i = 0; i < depth; ++i) text += "{{/" + std::string(name) + "}}";
  return text;
}

}  // namespace

TEST_CASE("{{name}} escapes HTML unless the escaping is none", "[template]") {
  const std::string_view data = R"({"x": "Tom & Jerry's <b>\"show\"</b>"})";
  CHECK(rendered("{{x}}", data) == "Tom &amp; Jerry&#39;s &lt;b&gt;&quot;show&quot;&lt;/b&gt;");
  CHECK(rendered("{{x}}", data, {.escape = Escape::none}) == R"(Tom & Jerry's <b>"show"</b>)");
  CHECK(rendered("{{{x}}}|{{& x}}", data) ==
        R"(Tom & Jerry's <b>"show"</b>|Tom & Jerry's <b>"show"</b>)");
}

TEST_CASE("numbers read in their shortest form, null as nothing", "[template]") {
  CHECK(
      rendered("{{a}} {{b}} {{c}} {{d}} {{e}}",
               R"({"a": 1.21, "b": 85000, "c": 85000.0, "d": -0.5, "e": 18446744073709551615})") ==
      "1.21 85000 85000 -0.5 18446744073709551615");
  CHECK(rendered("[{{n}}{{missing}}] {{t}} {{f}}", R"({"n": null, "t": true, "f": false})") ==
        "[] true false");
  CHECK(rendered("{{{list}}} {{{object}}}", R"({"list": [1, "a"], "object": {"k": null}})") ==
        R"([1,"a"] {"k":null})");
}

TEST_CASE("false, null, 0, NaN, empty strings and empty lists are falsey", "[template]") {
  const auto tmpl = compiled("{{#v}}yes{{/v}}{{^v}}no{{/v}}");
  const auto check = [&](const boost::json::value& value) {
    return *render(tmpl, boost::json::object{{"v", value}});
  };
  CHECK(check(false) == "no");
  CHECK(check(nullptr) == "no");
  CHECK(check(0) == "no");
  CHECK(check(0.0) == "no");
  CHECK(check(std::numeric_limits<double>::quiet_NaN()) == "no");
  CHECK(check("") == "no");
  CHECK(check(boost::json::array()) == "no");
  CHECK(*render(tmpl, boost::json::object()) == "no");
  CHECK(check(true) == "yes");
  CHECK(check(-1) == "yes");
  CHECK(check("0") == "yes");
  CHECK(check(boost::json::object()) == "yes");
}

TEST_CASE("a dotted name may pick a list element by position", "[template]") {
  const std::string_view data = R"({"items": [{"name": "first"}, {"name": "second"}]})";
  CHECK(rendered("{{items.1.name}}|{{items.2.name}}|{{items.x}}", data) == "second||");
}

TEST_CASE("compile errors point at the tag at fault and name it", "[template]") {
  const auto check = [](std::string_view text, std::size_t offset, std::string_view message) {
    INFO(text);
    const auto error = compile_error(text);
    CHECK(error.offset == offset);
    CHECK_THAT(error.message, Catch::Contains(std::string(message)));
  };
  check("Hi {{#items}}{{name}}", 3, "section 'items' opened here is never closed");
  check("{{^paid}}x{{#a}}{{/a}}", 0, "inverted section 'paid' opened here is never closed");
  check("{{#items}}{{name}}{{/item}}", 18,
        "closing tag 'item' does not match the open section 'items'");
  check("a {{/items}}", 2, "closing tag 'items' has no open section");
  check("Hi {{name}, bye", 3, "tag '{{name}, bye' is never closed: expected '}}'");
  check("{{{name}}", 0, "expected '}}}'");
  check("{{=<% %>}}", 8, "must end in '=}}'");
  check("{{=<%=}}", 0, "needs two delimiters");
  check("{{=<% | %>=}}", 0, "more than two delimiters");
  check("a {{}} b", 2, "tag '{{}}' has no name");
  check("{{# }}{{/ }}", 0, "has no name");
  check("{{>}}", 0, "has no name");
  check("{{first name}}", 7, "contains whitespace");
  check("{{customer..name}}", 11, "'customer..name' has an empty part");
  check("{{<layout}}{{$title}}x{{/layout}}", 22,
        "closing tag 'layout' does not match the open block 'title'");
}

TEST_CASE("compile errors point into the text after a delimiter change", "[template]") {
  const auto error = compile_error("{{=<% %>=}}\n<%#a%>{{/a}}");
  CHECK(error.offset == 12);
  CHECK_THAT(error.message, Catch::Contains("section 'a' opened here is never closed"));
}

TEST_CASE("sections nest up to max_nesting deep", "[template]") {
  CHECK(Template::compile(nested_sections(32)));
  const auto error = compile_error(nested_sections(33));
  CHECK(error.offset == 32 * 6);  // the 33rd {{#a}}
  CHECK_THAT(error.message, Catch::Contains("section 'a' is nested more than 32 deep"));
  CHECK_FALSE(Template::compile(nested_sections(3), {.max_nesting = 2}));
}

TEST_CASE("templates larger than max_template_bytes are rejected", "[template]") {
  CHECK(Template::compile("0123456789", {.max_template_bytes = 10}));
  const auto error = compile_error("0123456789a", {.max_template_bytes = 10});
  CHECK(error.offset == 10);
  CHECK_THAT(error.message, Catch::Contains("11 bytes; the limit is 10"));
}

TEST_CASE("recursive partials stop at max_partial_depth with an error", "[template]") {
  const auto partials = partials_of({{"a", "a{{>b}}"}, {"b", "b{{>a}}"}});
  std::string out = "kept";
  const auto result = render(compiled("{{>a}}"), {}, out, {.partials = &partials});
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("nested more than 16 deep"));
  CHECK(out == "kept");

  // Recursion that the data ends is fine, up to the limit: here three partials deep.
  const auto tree = partials_of({{"node", "({{#children}}{{>node}}{{/children}})"}});
  const auto data = boost::json::parse(R"({"children": [{"children": [{"children": []}]}]})");
  CHECK(*render(compiled("{{>node}}"), data, {.partials = &tree}) == "((()))");
  CHECK(render(compiled("{{>node}}"), data, {.partials = &tree, .max_partial_depth = 3}));
  CHECK_FALSE(render(compiled("{{>node}}"), data, {.partials = &tree, .max_partial_depth = 2}));
}

TEST_CASE("output past max_output_bytes is an error that leaves the buffer as it was",
          "[template]") {
  const auto tmpl = compiled("{{#list}}0123456789{{/list}}");
  boost::json::array list(100, nullptr);
  for (auto& element : list) element = 1;
  const boost::json::object data{{"list", list}};
  std::string out = "before";
  CHECK(render(tmpl, data, out, {.max_output_bytes = 1000}));
  CHECK(out.size() == 1006);
  out = "before";
  const auto result = render(tmpl, data, out, {.max_output_bytes = 999});
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("larger than 999 bytes"));
  CHECK(out == "before");
}

TEST_CASE("a render that writes little still stops after max_render_steps", "[template]") {
  const auto tmpl = compiled("{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}");
  boost::json::array list(100, nullptr);
  for (auto& element : list) element = 1;
  const auto result = render(tmpl, boost::json::object{{"l", list}});
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("more than 1000000 steps"));
}

TEST_CASE("max_render_steps: a render at the limit completes, one past it stops",
          "[template][limits]") {
  // A step per tag rendered and per end of a body: the section tag, three variables, the end
  // of each of the three iterations, and the end of the template.
  const auto tmpl = compiled("{{#l}}{{.}}{{/l}}");
  const boost::json::object data{{"l", {1, 2, 3}}};
  CHECK(render(tmpl, data, {.max_render_steps = 8}));
  const auto result = render(tmpl, data, {.max_render_steps = 7});
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("more than 7 steps"));
}

TEST_CASE("render_options() carries the render-time limits", "[template]") {
  const TemplatePartials partials;
  const auto options =
      render_options({.max_partial_depth = 3, .max_output_bytes = 10, .max_render_steps = 7},
                     Escape::none, &partials);
  CHECK(options.escape == Escape::none);
  CHECK(options.partials == &partials);
  CHECK(options.max_partial_depth == 3);
  CHECK(options.max_output_bytes == 10);
  CHECK(options.max_render_steps == 7);
}

TEST_CASE("names() lists the names read from the data itself, once each", "[template]") {
  const auto tmpl = compiled(
      "Dear {{customer.name}}, {{#items}}{{name}} {{total}}{{/items}}"
      "{{^paid}}{{reminder}}{{/paid}}{{>*footer}}{{>signature}}{{customer.name}}{{.}}");
  CHECK(tmpl.names() ==
        std::vector<std::string>{"customer.name", "items", "paid", "reminder", "footer"});
  CHECK(compiled("plain").names().empty());
}

TEST_CASE("has_tags() tells plain text, which renders as itself", "[template]") {
  CHECK_FALSE(compiled("Hello, world { } }}").has_tags());
  CHECK(compiled("Hello, {{! nobody }}world").has_tags());
  CHECK(compiled("Hello, {{name}}").has_tags());
  CHECK(compiled("Hello").text() == "Hello");
  CHECK_FALSE(Template().has_tags());
  CHECK(Template().text().empty());
  CHECK(*render(Template(), {}) == "");
}

TEST_CASE("render appends to the caller's buffer", "[template]") {
  const auto tmpl = compiled("Hello, {{name}}!");
  const auto data = boost::json::parse(R"({"name": "Ada"})");
  std::string out = "> ";
  REQUIRE(render(tmpl, data, out));
  REQUIRE(render(tmpl, data, out));
  CHECK(out == "> Hello, Ada!Hello, Ada!");
}

TEST_CASE("missing partials render as nothing", "[template]") {
  CHECK(rendered("[{{>nowhere}}]", "{}") == "[]");
  const auto partials = partials_of({{"known", "k"}});
  CHECK(rendered("[{{>nowhere}}{{>known}}]", "{}", {.partials = &partials}) == "[k]");
}

TEST_CASE("copies of a template share its compiled form", "[template]") {
  const auto original = compiled("{{greeting}}, {{name}}");
  const Template copy = original;
  CHECK(&copy.text() == &original.text());
  CHECK(*render(copy, boost::json::parse(R"({"greeting": "Hi", "name": "Bo"})")) == "Hi, Bo");
}
