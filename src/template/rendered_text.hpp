// Texts a person reads, such as a step's title, with the {{…}} of their template filled in from
// an instance's data (internal): the lines of `ablauf run` and an instance's timeline show what
// the task list shows, not the template.
#pragma once

#include "ablauf/localized_text.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace ablauf::detail {

// `text` in `language` (else `fallback`), rendered as plain text from `data`, its format tags
// in the language taken and `time_zone`. A text without "{{" is returned as written, without
// compiling it; one whose template does not compile or render (which validation reports) reads
// as written too, rather than not at all.
std::string rendered_text(const LocalizedText& text, std::string_view language,
                          std::string_view fallback, const boost::json::value& data,
                          std::string_view time_zone);

}  // namespace ablauf::detail
