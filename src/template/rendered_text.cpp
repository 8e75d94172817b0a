#include "template/rendered_text.hpp"

#include "ablauf/template.hpp"

namespace ablauf::detail {

std::string rendered_text(const LocalizedText& text, std::string_view language,
                          std::string_view fallback, const boost::json::value& data) {
  const std::string_view written = text.get(language, fallback);
  if (written.find("{{") == std::string_view::npos) return std::string(written);
  const auto compiled = Template::compile(written);
  if (!compiled) return std::string(written);
  auto rendered = render(*compiled, data, {.escape = Escape::none});
  return rendered ? std::move(*rendered) : std::string(written);
}

}  // namespace ablauf::detail
