/// @file
/// Errors and diagnostics.
///
/// Every fallible call in ablauf returns tl::expected<T, Error> (or, where a document can have
/// many problems at once, tl::expected<T, Diagnostics>). No exception crosses the API. An error
/// names what went wrong (a code, grouped into a few kinds that callers test), says what to do
/// about it in its message, and points at the offending value: its JSON pointer and, when it
/// came from a document, the file, line and column.
///
/// Thread-safety: these are plain values; distinct objects may be used from distinct threads.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// What went wrong. Stable: codes are only ever added.
enum class ErrorCode {
  /// the document as text
  io_error,
  syntax_error,
  /// limits (see docs/limits.md)
  document_too_large,
  too_deep,
  too_many_steps,
  string_too_long,
  /// the definition's fields
  missing_field,
  unknown_field,
  wrong_type,
  invalid_value,
  invalid_identifier,
  invalid_duration,
  duplicate_id,
  unknown_step_type,
  /// the step graph
  dangling_target,
  unreachable_step,
  no_path_to_end,
  spinning_cycle,
  unjoined_branch,
  unreachable_transition,
  no_default_transition,
  /// expressions and templates
  invalid_expression,
  invalid_template,
  expression_too_complex,  ///< a limit of ExpressionLimits or TemplateLimits
  unknown_reference,       ///< a path names a step, field or item that does not exist
  /// running instances
  not_found,          ///< no such instance, workflow, step or task
  sequence_conflict,  ///< the instance changed since it was read; read it again and retry
  invalid_event,      ///< a stored event that cannot be read back
  duplicate_key,      ///< another instance of the workflow was started with the business key
  store_error,        ///< the store failed (disk, database, lock held by another process)
  /// templates, added later (codes keep their values)
  unescaped_output,  ///< a warning: {{{name}}} or {{& name}} writes a value without HTML escaping
  /// limits of definitions and running instances (see docs/limits.md), added later
  too_many_transitions,  ///< a step's 'next' has more transitions than max_transitions
  too_many_branches,     ///< a parallel step has more branches than max_parallel_branches
  too_many_retries,      ///< a step's retry.max_attempts is past max_retry_attempts
  timer_too_far,         ///< a timer or task due date lies past the timer horizon
  output_too_large,      ///< a step's output, an answer or a signal's payload is too large
  data_too_large,        ///< the instance's data would grow past max_data_bytes
  history_too_long,      ///< the instance's history would grow past max_history_events
  too_many_activations,  ///< the instance has run more steps than max_activations
  /// sharing work between processes
  lease_lost,  ///< another worker claimed the instance since this one did; its write is refused
  /// translations
  missing_translation,  ///< a warning: a text a person reads has no version in a required language
};

/// Groups of codes, so that a caller can ask "was it a limit?" without listing codes.
enum class ErrorKind { io, syntax, limit, definition, graph, runtime };

ErrorKind kind_of(ErrorCode code) noexcept;

/// The code's stable name, e.g. "unknown_field".
std::string_view to_string(ErrorCode code) noexcept;

/// A place in a source document. Lines and columns count from 1; columns count Unicode code
/// points, so that editors land on the right character in lines with umlauts. A default
/// constructed location (line 0) means "not from a document".
struct SourceLocation {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  bool known() const noexcept { return line != 0; }
};

struct Error {
  ErrorCode code = ErrorCode::invalid_value;
  std::string message;  ///< says what is wrong and, where it can, how to fix it
  std::string pointer;  ///< JSON pointer of the offending value ("" is the document itself)
  SourceLocation location;
};

enum class Severity { error, warning };

std::string_view to_string(Severity severity) noexcept;

struct Diagnostic : Error {
  Severity severity = Severity::error;
};

/// Formats like a compiler, so editors and CI logs can jump to the place:
///   FILE:LINE:COL: error: MESSAGE (at /json/pointer)
std::string format(const Diagnostic& diagnostic);
std::ostream& operator<<(std::ostream& out, const Diagnostic& diagnostic);

/// The findings of one pass over a document, in the order they were found.
class Diagnostics {
 public:
  Diagnostics() = default;

  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  void add(Severity severity, ErrorCode code, std::string message, std::string pointer,
           SourceLocation location = {});
  void append(const Diagnostics& other);

  bool has_errors() const noexcept;
  std::size_t error_count() const noexcept;
  std::size_t warning_count() const noexcept { return items_.size() - error_count(); }

  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  const Diagnostic& operator[](std::size_t i) const { return items_[i]; }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }

  /// The first error, e.g. for a caller that wants a single Error.
  /// REQUIRES: has_errors()
  const Diagnostic& first_error() const;

 private:
  std::vector<Diagnostic> items_;
};

/// One diagnostic a line, each formatted as above.
std::ostream& operator<<(std::ostream& out, const Diagnostics& diagnostics);

}  // namespace ablauf
