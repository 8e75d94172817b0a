// The definition loader's tools (internal): a reader that collects findings with their JSON
// pointers, and a view of one JSON object that checks its fields by name and type.
#pragma once

#include "value_text.hpp"

#include "ablauf/definition.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

class DefinitionReader {
 public:
  DefinitionReader(std::shared_ptr<const Source> source, const LoadOptions& options);

  const LoadOptions& options() const noexcept { return options_; }
  const Source& source() const noexcept { return *source_; }

  void error(ErrorCode code, std::string pointer, std::string message,
             Anchor anchor = Anchor::value);
  // An error at a character inside the string at `pointer` (offset into its decoded value).
  void error_in_string(ErrorCode code, std::string pointer, std::size_t offset,
                       std::string message);
  // An error or warning at a character inside the string at `pointer`.
  void report_in_string(Severity severity, ErrorCode code, std::string pointer, std::size_t offset,
                        std::string message);
  void warning(ErrorCode code, std::string pointer, std::string message,
               Anchor anchor = Anchor::value);
  bool has_errors() const noexcept { return has_errors_; }
  // Whether a finding at `pointer` would be kept (not dropped past max_errors): a caller may
  // then skip composing a costly message (a suggestion) and only omit() it.
  bool would_keep(std::string_view pointer, Anchor anchor = Anchor::value) const;
  // Counts a finding without keeping it.
  void omit(Severity severity);

  // "line L" of a pointer, for messages that refer to a second place.
  std::string line_of(std::string_view pointer) const;

  // The findings so far, located, in document order: the first max_errors of them, and a
  // count of the rest.
  Diagnostics take_diagnostics();

  // A fixed path an expression or template reads, kept to be checked once every step is known.
  struct Reference {
    std::vector<std::string> segments;
    std::string pointer;     // of the string (or JsonLogic operation) that reads it
    std::size_t offset = 0;  // in that string
    bool in_string = false;
  };
  void note(Reference reference) { references_.push_back(std::move(reference)); }
  const std::vector<Reference>& references() const noexcept { return references_; }

 private:
  struct Pending {
    Diagnostic diagnostic;
    std::size_t offset;    // in the document, to order findings by
    std::size_t sequence;  // order found, among findings at one offset
    bool operator<(const Pending& other) const noexcept {
      return offset != other.offset ? offset < other.offset : sequence < other.sequence;
    }
  };
  void keep(Diagnostic diagnostic, Anchor anchor);

  std::shared_ptr<const Source> source_;
  const LoadOptions& options_;
  // A max-heap of the findings earliest in the document, at most max_errors of them, so that
  // memory stays bounded however many problems a document has.
  std::vector<Pending> pending_;
  std::size_t found_ = 0;
  Diagnostics omitted_;  // counts of the findings that fell off the heap
  std::vector<Reference> references_;
  bool has_errors_ = false;
};

// A document read and parsed within `options` (checked first: check_load_options()), with its
// Source to locate findings in. The loader reads definitions so, and manifests of step types.
struct ParsedDocument {
  std::shared_ptr<const Source> source;
  boost::json::value value;
};
tl::expected<ParsedDocument, Diagnostics> parse_document(std::string text, std::string name,
                                                         const LoadOptions& options);
// The text of the file at `path`, refused unread when it is larger than the document limit.
tl::expected<std::string, Diagnostics> read_document(const std::filesystem::path& path,
                                                     const LoadOptions& options);

std::string member_pointer(std::string_view parent, std::string_view name);
std::string element_pointer(std::string_view parent, std::size_t index);

// One JSON object whose fields are read by name. Each getter reports a missing required
// field or a value of the wrong type and then returns nothing; check_unknown() reports every
// field not in the allowed list, with a suggestion for near misses.
class Fields {
 public:
  enum Requirement { optional, required };

  Fields(DefinitionReader& reader, const boost::json::object& object, std::string pointer,
         std::vector<std::string_view> allowed, std::string_view what);

  const std::string& pointer() const noexcept { return pointer_; }
  std::string pointer_of(std::string_view name) const { return member_pointer(pointer_, name); }
  bool has(std::string_view name) const { return object_.contains(name); }

  // The raw value, or null; reports it missing if required.
  const boost::json::value* value(std::string_view name, Requirement requirement = optional);

  std::optional<std::string> string(std::string_view name, Requirement requirement = optional);
  std::optional<std::string> identifier(std::string_view name, Requirement requirement = optional);
  std::optional<Expression> expression(std::string_view name, Requirement requirement = optional);
  std::optional<LocalizedText> text(std::string_view name, Requirement requirement = optional);
  std::optional<bool> boolean(std::string_view name, Requirement requirement = optional);
  std::optional<double> number(std::string_view name, Requirement requirement = optional);
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max,
                                      Requirement requirement = optional);
  std::optional<Duration> duration(std::string_view name, Requirement requirement = optional);
  // An IANA time zone ICU knows, such as "Europe/Berlin".
  std::optional<std::string> time_zone(std::string_view name);
  const boost::json::array* array(std::string_view name, Requirement requirement = optional);
  const boost::json::object* object(std::string_view name, Requirement requirement = optional);

  void check_unknown() const;

 private:
  void wrong_type(std::string_view name, std::string_view expected) const;

  DefinitionReader& reader_;
  const boost::json::object& object_;
  std::string pointer_;
  std::vector<std::string_view> allowed_;
  std::string_view what_;
};

// Checks and converts values found anywhere (a field or an array element).
std::optional<LocalizedText> read_text(DefinitionReader& reader, const boost::json::value& value,
                                       const std::string& pointer, std::string_view name);
std::optional<std::string> read_identifier(DefinitionReader& reader,
                                           const boost::json::value& value,
                                           const std::string& pointer, std::string_view name);
std::optional<Duration> read_duration(DefinitionReader& reader, const boost::json::value& value,
                                      const std::string& pointer);
// A declared input or output (a JSON Schema): its problems are reported, located.
std::optional<DataSchema> read_data_schema(DefinitionReader& reader,
                                           const boost::json::value& value,
                                           const std::string& pointer);

}  // namespace ablauf::detail
