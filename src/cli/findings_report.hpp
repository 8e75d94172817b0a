// The findings of `ablauf validate` as a document for tools: JSON of ablauf's own, or SARIF
// 2.1.0, which GitHub code scanning and editors read to show each problem where it stands.
#pragma once

#include <ablauf/error.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace ablauf::cli {

// One file's findings, in the order found, and whether it passed.
struct FileFindings {
  std::string file;
  bool valid = true;
  Diagnostics findings;
};

// {"files": [{"file", "valid", "errors", "warnings", "omitted", "findings": [{"line",
// "column", "severity", "code", "message", "pointer"}, …]}, …]}: errors and warnings count
// those omitted past max_errors too; a finding without a place has no line and column.
boost::json::value findings_json(const std::vector<FileFindings>& files);

// A SARIF 2.1.0 log of one run of `tool_version`: a result a finding, its rule the finding's
// code, its location the file with line and column in code points (columnKind
// "unicodeCodePoints"), and the JSON pointer kept as a property.
boost::json::value findings_sarif(const std::vector<FileFindings>& files,
                                  const std::string& tool_version);

}  // namespace ablauf::cli
