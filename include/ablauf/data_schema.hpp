/// @file
/// Declared data: the subset of JSON Schema with which a definition declares its input.
///
/// A definition's `"input"` is a JSON Schema; Engine::start() (and a call step starting a
/// sub-workflow) refuses input that does not fit it, naming every problem by its JSON pointer
/// (`/customer/email: expected an email address, not 'erika'`). The keywords are those of
/// JSON Schema draft 7 and 2020-12 where the two agree, and docs/format.md ("Declared input")
/// lists them: type, enum, const, properties, required, additionalProperties, minimum, maximum,
/// exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern, format (date, date-time,
/// email: checked, not only an annotation), items, minItems, maxItems, and the annotations
/// title, description, default, examples and $comment.
///
/// Any other keyword (`$ref`, `oneOf`, `patternProperties`, a misspelt `requird`, …) is refused
/// when the schema is read, with a suggestion for a near miss: a schema that says more than is
/// checked would promise a check that never happens. A keyword that applies to other types
/// (`minLength` on a number) is ignored for them, as JSON Schema says; `true` and `false` are
/// the schemas that accept everything and nothing.
///
/// Reading and checking walk the schema and the value with a list of work, not recursion:
/// neither uses stack that grows with how deep they nest.
///
/// Thread-safety: a DataSchema is immutable once read; distinct threads may check with one.
#pragma once

#include <ablauf/error.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// How much DataSchema::check() reports.
struct DataSchemaLimits {
  /// Most problems reported for one value; past it, a last problem says how many more there
  /// were. 0 counts as 1.
  std::size_t max_problems = 100;
};

/// A schema read from JSON, ready to check values against.
class DataSchema {
 public:
  /// The schema that accepts every value (`{}`).
  DataSchema();

  /// Reads `schema`. Every problem found is an Error whose pointer is `pointer` (where the
  /// schema stands in its document) followed by the place in `schema`: a keyword not supported
  /// (unknown_field, with "did you mean"), a keyword's value of the wrong kind (wrong_type), a
  /// bound below zero, a pattern that does not compile, a format not supported (invalid_value).
  static tl::expected<DataSchema, std::vector<Error>> read(boost::json::value schema,
                                                           std::string_view pointer = {});

  /// Every way `value` does not fit, in the order of the value's members: each an Error whose
  /// pointer names the offending place within `value` (the member a `required` misses) and
  /// whose code says what is wrong: wrong_type (type), missing_field (required), unknown_field
  /// (additionalProperties false, with "did you mean") or invalid_value (anything else). Empty
  /// when it fits. At most `limits.max_problems`, and one more that counts the rest.
  std::vector<Error> check(const boost::json::value& value,
                           const DataSchemaLimits& limits = {}) const;

  /// The schema as it was read.
  const boost::json::value& json() const noexcept;

  /// The compiled representation; internal, defined in src/.
  struct Data;
  /// Internal: the compiled representation, which the loader's type checking reads.
  const Data& data() const noexcept { return *data_; }

 private:
  explicit DataSchema(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

/// "/a/b: message" for each problem, joined with "; ", as one line for an Error's message;
/// a problem at the value itself (pointer "") is its message alone.
std::string describe_problems(const std::vector<Error>& problems);

}  // namespace ablauf
