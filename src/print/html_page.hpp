// The start of a self-contained HTML page (internal): doctype, language, charset, viewport,
// title and an inline stylesheet, up to the opening <body>.
#pragma once

#include "value_text.hpp"

#include <ostream>
#include <string_view>

namespace ablauf::print {

inline void write_html_head(std::ostream& out, std::string_view language, std::string_view title,
                            std::string_view style) {
  out << "<!DOCTYPE html>\n<html lang=\"" << detail::html_escaped(language) << "\">\n<head>\n"
      << "<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << detail::html_escaped(title) << "</title>\n<style>" << style
      << "</style>\n</head>\n<body>\n";
}

}  // namespace ablauf::print
