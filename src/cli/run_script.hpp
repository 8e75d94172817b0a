// Reading the answers file of `ablauf run` from disk, and saying on stderr what is wrong with it.
#pragma once

#include "answers_file.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ablauf::cli {

// check_script() before a run starts: prints each problem to stderr located in the answers
// file (FILE:LINE:COL: error: … (at /answers/step/item)) and says whether there were none.
bool script_fits(const Script& script, std::span<const Workflow> workflows,
                 std::string_view language);

// check_input() of the input file at `path` (`run --input`; "" for input given nowhere): prints
// each problem to stderr located in it and says whether there were none.
bool input_fits(const std::string& path, const boost::json::value& input, const Workflow& workflow);

// Reads the answers file at `path` (none when empty); prints why not and returns nothing if it
// cannot.
std::optional<Script> load_script(const std::string& path);

}  // namespace ablauf::cli
