// Where a command writes its result: standard output, or the file that -o names.
#pragma once

#include <fstream>
#include <ostream>
#include <string>

namespace ablauf::cli {

// Standard output for an empty `path`; else `file`, opened on `path` (binary, so that a PDF
// or a form is written as it is). Prints why not and returns null if the file cannot be
// written.
std::ostream* open_output(const std::string& path, std::ofstream& file);

}  // namespace ablauf::cli
