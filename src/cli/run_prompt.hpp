// Asking a person at the terminal for the answer to a checklist item (internal). Nothing is
// recorded here: the answers of a step are gathered into one form and submitted whole.
#pragma once

#include <ablauf/definition.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace ablauf::cli {

// What a person gave for one item.
struct Asked {
  enum class What : std::uint8_t {
    answer,     // `value` is the answer, as check_answer() accepted it
    files,      // `value` lists the paths of files to keep for a file or photo item
    signature,  // `value` is the signer's name
    skipped,    // an optional item left empty
    ended,      // the input ended before anything was given
  };
  What what = What::ended;
  boost::json::value value;
};

// Asks for `item`, saying what it accepts, until what is typed is accepted (check_answer(); for
// a signature a name, `actor` when nothing is typed) or, for an optional item, nothing is typed.
// For a file or photo item, what is typed are paths, which the caller keeps (keep_attached()).
Asked ask(const ItemDefinition& item, const std::string& actor, const std::string& language,
          std::string_view fallback, std::istream& in, std::ostream& out);

}  // namespace ablauf::cli
