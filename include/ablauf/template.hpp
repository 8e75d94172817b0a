/// @file
/// Mustache templates: the text of mails, tasks and records, filled in from instance data.
///
/// A Template is compiled once and rendered many times against a boost::json::value. It follows
/// the Mustache spec (https://github.com/mustache/spec): `{{name}}` (HTML-escaped), `{{{name}}}`
/// and `{{& name}}` (raw), dotted names, the implicit iterator `{{.}}`, sections
/// `{{#name}}…{{/name}}` over lists, objects and other truthy values, inverted sections
/// `{{^name}}…{{/name}}`, comments `{{! … }}`, partials `{{> name}}` (indented when standalone),
/// set delimiters `{{=<% %>=}}`, and every standalone-line rule. Of the optional modules it
/// implements dynamic names (`{{>*name}}`: the partial named by the value of `name`) and
/// inheritance (`{{< parent}}` with `{{$ block}}` overrides).
///
/// One extension, format tags: a variable may name a format after a `|`, to write its value the
/// way the text's language writes it (RenderOptions::locale; locale_format.hpp):
/// `{{total | currency EUR}}` "2.915,50 €" in German, `{{total | number 2}}`,
/// `{{rate | percent}}` (0.19 is "19 %"), `{{due | date}}` "07.12.2026", `{{due | date long}}`,
/// `{{at | time}}`, `{{at | datetime}}` (date-times in the locale's time zone). A value the
/// format cannot read (text that is no number for `currency`) is written as without it. Plain
/// Mustache has no such tag; a template without one renders as the spec says.
///
/// Not supported: lambdas. They are code in the host language, and a template's data here is
/// JSON; a host that wants computed text puts it into the data before rendering.
///
/// Where the spec leaves a choice to the implementation:
/// - Falsey, for sections and inverted sections, is what JavaScript's `!!data` says (the spec's
///   own example), plus the empty list: false, null, 0, NaN, "", [] and a missing name. Every
///   other value, including {} and "0", is truthy.
/// - Values read as text the way they do everywhere in ablauf: numbers in their shortest form
///   (1.21, 85000, never 1.21E0), null as the empty string, a list or object as compact JSON.
/// - A dotted name may index a list by position after its first part: `{{items.0.name}}`.
/// - A partial that is not among the RenderOptions' partials renders as nothing (as the spec
///   says), as does a dynamic name whose value is missing, null, a list or an object.
///
/// Thread-safety: a Template is immutable after compile(); copies share the compiled form and
/// may be rendered from any number of threads at once. render() touches only its arguments.
#pragma once

#include <ablauf/locale_format.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

namespace detail {
struct CompiledTemplate;
struct TemplateAccess;
}  // namespace detail

/// How `{{name}}` writes a value. `{{{name}}}` and `{{& name}}` never escape.
enum class Escape {
  html,  ///< & < > " ' become \&amp; \&lt; \&gt; \&quot; \&#39;
  none,  ///< as is: for plain-text mail subjects, record values and other non-HTML output
};

/// Compile-time limits, with the render-time limits a host keeps alongside them (copy those
/// into RenderOptions, e.g. with render_options()). A value at a limit is accepted.
struct TemplateLimits {
  /// Longest template text, in bytes.
  std::size_t max_template_bytes = 64 * 1024;
  /// Sections, inverted sections, parents and blocks inside each other.
  std::size_t max_nesting = 32;
  std::size_t max_partial_depth = 16;          ///< see RenderOptions
  std::size_t max_output_bytes = 1024 * 1024;  ///< see RenderOptions
  std::size_t max_render_steps = 1'000'000;    ///< see RenderOptions
};

/// Why a template does not compile.
struct TemplateError {
  std::size_t offset = 0;  ///< of the character at fault in the template text
  std::string message;     ///< names the tag, e.g. "section 'items' opened here is never closed"
};

/// A compiled Mustache template. Cheap to copy: copies share the compiled form.
class Template {
 public:
  /// The empty template: renders nothing.
  Template();

  /// Parses `text` once. Set-delimiter tags apply to the rest of this text only, not to the
  /// partials it names; partials are looked up when rendering, by name.
  static tl::expected<Template, TemplateError> compile(std::string_view text,
                                                       const TemplateLimits& limits = {});

  /// The text the template was compiled from.
  const std::string& text() const noexcept;

  /// Whether the text has any tag. If not, rendering yields text() unchanged, so a caller may
  /// skip rendering.
  bool has_tags() const noexcept;

  /// The names the template reads from the data itself rather than from a section's element:
  /// every name outside sections (inverted sections push no context, so theirs count), each once,
  /// as written ("customer.name"), in order of first use, including section names and dynamic
  /// partial names. Names inside sections and parent tags are left out: what they refer to
  /// depends on the data. So are those of partials, which are separate templates. Lets a validator
  /// check references before anything runs.
  std::vector<std::string> names() const;

  /// The names written raw, with `{{{name}}}` or `{{& name}}`, anywhere in the template (sections
  /// included), each once, in order: what HTML escaping does not protect.
  std::vector<std::string> unescaped_names() const;

 private:
  friend struct detail::TemplateAccess;
  std::shared_ptr<const detail::CompiledTemplate> compiled_;
};

/// Partials (and parents) by name. Transparent, so lookups by string_view do not allocate.
using TemplatePartials = std::map<std::string, Template, std::less<>>;

/// How render() runs: escaping, partials and render-time limits. render_options() fills the
/// limits from TemplateLimits.
struct RenderOptions {
  Escape escape = Escape::html;  ///< how `{{name}}` writes values; HTML-escaped by default
  /// Looked up by `{{> name}}`, `{{>*name}}` and `{{< name}}`. Not owned: must outlive render().
  /// Null: no partials.
  const TemplatePartials* partials = nullptr;
  /// The language and time zone of format tags (`{{total | currency EUR}}`): the language of
  /// the text being rendered. The default writes as ICU's root locale does.
  FormatLocale locale;
  /// Bytes this render may append to the output.
  std::size_t max_output_bytes = 1024 * 1024;
  /// Partials, parents and overridden blocks inside each other. Recursive partials stop here
  /// with an error.
  std::size_t max_partial_depth = 16;
  /// Tags and section iterations processed. Bounds the time of a render that writes little,
  /// e.g. sections over long lists nested in each other.
  std::size_t max_render_steps = 1'000'000;
};

/// The render-time limits of `limits`, with the given escaping and partials.
RenderOptions render_options(const TemplateLimits& limits, Escape escape = Escape::html,
                             const TemplatePartials* partials = nullptr);

/// Why a render stopped: a limit of RenderOptions was reached.
struct RenderError {
  std::string message;  ///< which limit, e.g. "the output is larger than 1048576 bytes"
};

/// Appends the rendered text to `out`, the caller's buffer (reuse it to avoid allocations). On
/// error `out` is left as it was before the call.
tl::expected<void, RenderError> render(const Template& tmpl, const boost::json::value& data,
                                       std::string& out, const RenderOptions& options = {});

/// The rendered text, as a new string.
tl::expected<std::string, RenderError> render(const Template& tmpl, const boost::json::value& data,
                                              const RenderOptions& options = {});

}  // namespace ablauf
