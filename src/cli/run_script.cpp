#include "run_script.hpp"

#include "load.hpp"

#include <ablauf/source.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace ablauf::cli {

namespace {

// Puts the line and column of each problem's pointer into it, from the answers file.
void locate(const std::string& path, Diagnostics& problems) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (in) {
    locate_answers(Source(path, std::move(text).str()), problems);
    return;
  }
  Diagnostics located;
  for (Diagnostic d : problems) {
    d.location.file = path;
    located.add(std::move(d));
  }
  problems = std::move(located);
}

}  // namespace

bool script_fits(const Script& script, std::span<const Workflow> workflows,
                 std::string_view language) {
  auto problems = check_script(script, workflows, language);
  if (problems.empty()) return true;
  if (!script.path.empty()) locate(script.path, problems);
  std::cerr << problems;
  return !problems.has_errors();
}

bool input_fits(const std::string& path, const boost::json::value& input,
                const Workflow& workflow) {
  auto problems = check_input(input, workflow, "");
  if (problems.empty()) return true;
  if (!path.empty()) locate(path, problems);
  std::cerr << problems;
  return false;
}

std::optional<Script> load_script(const std::string& path) {
  if (path.empty()) return Script{};
  auto read = read_json_file(path);
  if (!read) return std::nullopt;
  auto parsed = read_script(*read);
  if (!parsed) {
    Diagnostics problems;
    problems.add(std::move(parsed.error()));
    locate(path, problems);
    std::cerr << problems;
    return std::nullopt;
  }
  parsed->path = path;
  return std::move(*parsed);
}

}  // namespace ablauf::cli
