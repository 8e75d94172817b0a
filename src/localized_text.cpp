#include "ablauf/localized_text.hpp"

namespace ablauf {

std::string_view LocalizedText::get(std::string_view language, std::string_view fallback) const {
  if (translations_.empty()) return {};
  for (std::string_view wanted : {language, fallback}) {
    if (wanted.empty()) continue;
    for (const auto& [code, text] : translations_)
      if (code == wanted) return text;
  }
  return translations_.front().second;
}

bool LocalizedText::has(std::string_view language) const {
  for (const auto& [code, text] : translations_)
    if (code.empty() || code == language) return true;
  return false;
}

}  // namespace ablauf
