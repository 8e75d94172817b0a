#include "template/rendered_text.hpp"

#include "ablauf/template.hpp"

namespace ablauf::detail {

std::string rendered_text(const LocalizedText& text, std::string_view language,
                          std::string_view fallback, const boost::json::value& data,
                          std::string_view time_zone) {
  const std::string_view written = text.get(language, fallback);
  if (written.find("{{") == std::string_view::npos) return std::string(written);
  const auto compiled = Template::compile(written);
  if (!compiled) return std::string(written);
  // Format tags write in the language the text was taken in.
  RenderOptions options{.escape = Escape::none};
  options.locale.language = text.has(language) || !text.has(fallback) ? language : fallback;
  options.locale.time_zone = time_zone;
  auto rendered = render(*compiled, data, options);
  return rendered ? std::move(*rendered) : std::string(written);
}

}  // namespace ablauf::detail
