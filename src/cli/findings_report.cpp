#include "findings_report.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <set>

namespace ablauf::cli {
namespace json = boost::json;

json::value findings_json(const std::vector<FileFindings>& files) {
  json::array out;
  for (const auto& [file, valid, findings] : files) {
    json::array listed;
    for (const auto& finding : findings) {
      json::object entry;
      if (finding.location.known()) {
        entry["line"] = finding.location.line;
        entry["column"] = finding.location.column;
      }
      entry["severity"] = to_string(finding.severity);
      entry["code"] = to_string(finding.code);
      entry["message"] = finding.message;
      entry["pointer"] = finding.pointer;
      listed.push_back(std::move(entry));
    }
    out.push_back(json::object{{"file", file},
                               {"valid", valid},
                               {"errors", findings.error_count()},
                               {"warnings", findings.warning_count()},
                               {"omitted", findings.omitted()},
                               {"findings", std::move(listed)}});
  }
  return json::object{{"files", std::move(out)}};
}

json::value findings_sarif(const std::vector<FileFindings>& files,
                           const std::string& tool_version) {
  json::array results;
  std::set<std::string> codes;
  for (const auto& found : files)
    for (const auto& finding : found.findings) {
      const std::string code(to_string(finding.code));
      codes.insert(code);
      json::object physical{
          {"artifactLocation",
           {{"uri", finding.location.file.empty() ? found.file : finding.location.file}}}};
      if (finding.location.known())
        physical["region"] = {{"startLine", finding.location.line},
                              {"startColumn", finding.location.column}};
      results.push_back(json::object{
          {"ruleId", code},
          {"level", finding.severity == Severity::error ? "error" : "warning"},
          {"message", {{"text", finding.message}}},
          {"locations", json::array{json::object{{"physicalLocation", std::move(physical)}}}},
          {"properties", {{"pointer", finding.pointer}}}});
    }
  json::array rules;
  for (const auto& code : codes) rules.push_back(json::object{{"id", code}});
  return json::object{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array{json::object{{"tool",
                                         {{"driver",
                                           {{"name", "ablauf"},
                                            {"version", tool_version},
                                            {"informationUri", "https://ablauf.dev"},
                                            {"rules", std::move(rules)}}}}},
                                        {"columnKind", "unicodeCodePoints"},
                                        {"results", std::move(results)}}}}};
}

}  // namespace ablauf::cli
