// Fuzzes the template compiler and renderer: any bytes as a Mustache template, rendered with
// HTML escaping over a small instance's data, within tight limits.
#include <ablauf/template.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const boost::json::value values = boost::json::parse(R"({
    "input": {"name": "<b>Erika</b>", "items": [{"n": 1}, {"n": 2}, {"n": "x"}], "empty": [],
              "flag": true, "nested": {"a": {"b": "c"}}},
    "partial": "items"})");
  static const ablauf::TemplatePartials partials = [] {
    ablauf::TemplatePartials p;
    p.emplace("items", *ablauf::Template::compile("{{#input.items}}{{n}},{{/input.items}}"));
    p.emplace("self", *ablauf::Template::compile("{{> self}}"));
    return p;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = ablauf::Template::compile(text);
  if (!compiled) return 0;
  (void)compiled->names();
  (void)compiled->unescaped_names();
  ablauf::RenderOptions options{.escape = ablauf::Escape::html,
                                .partials = &partials,
                                .max_output_bytes = 64 * 1024,
                                .max_partial_depth = 8,
                                .max_render_steps = 100'000};
  (void)ablauf::render(*compiled, values, options);
  return 0;
}
