/// @file
/// Errors and diagnostics.
///
/// No exception crosses the API: every fallible call returns tl::expected. Which error it
/// carries depends on what the call works on:
///
/// - **Error**: the engine, the stores, deploying and running, printing, key figures. An error
///   names what went wrong (an ErrorCode, grouped into a few kinds that callers test), says
///   what to do about it in its message, and points at the offending value: its JSON pointer
///   and, when it came from a document, the file, line and column.
/// - **Diagnostics**: reading a document that can have many problems at once:
///   load_definition(), load_definition_file(), Workflow::compile(), add_step_types() and
///   add_step_types_file(). Each finding is a Diagnostic, an Error with a severity.
/// - **A piece's own error**, for the pieces a host may use on their own, where an Error's
///   codes and pointers would say less than the piece knows (table below).
///
/// | call | error | besides a message |
/// | --- | --- | --- |
/// | Expression::parse(), Expression::from_jsonlogic() | ExpressionError | place; limit hit |
/// | evaluate(), evaluate_condition(), DynamicValue::evaluate() | EvaluationError | type, place |
/// | Template::compile() | TemplateError | byte offset |
/// | render() | RenderError | (the limit) |
/// | parse_duration() | DurationError | byte offset; out of range |
/// | check_answer() | AnswerError | (for people) |
///
/// Inside a definition or an instance these become Errors with a code (`invalid_expression`,
/// `expression_too_complex`, `invalid_template`, `invalid_duration`, `invalid_value` for a
/// refused answer), located where the text stands.
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
  // the document as text
  io_error,      ///< reading or writing a file failed
  syntax_error,  ///< the text is not valid JSON, or repeats a key within one object
  // limits (see docs/limits.md)
  document_too_large,  ///< the document is longer than max_document_bytes
  too_deep,            ///< arrays and objects nest deeper than max_depth
  too_many_steps,      ///< more steps (or checklist sections) than max_steps
  string_too_long,     ///< a string or object key is longer than max_string_length
  // the definition's fields
  missing_field,       ///< a required field is absent
  unknown_field,       ///< a field the format does not have (often a misspelling)
  wrong_type,          ///< a field holds the wrong kind of JSON value
  invalid_value,       ///< a value of the right type that is not allowed there
  invalid_identifier,  ///< an id that is not a valid identifier, or is too long
  invalid_duration,    ///< not an ISO 8601 duration or a number of seconds
  duplicate_id,        ///< two steps, sections or items share an id, or two options a value
  unknown_step_type,   ///< a step's "type" names no registered step type
  // the step graph
  dangling_target,         ///< a step id in "start", "next" or elsewhere names no step
  unreachable_step,        ///< no path from the start step leads to the step
  no_path_to_end,          ///< every path from the step loops forever
  spinning_cycle,          ///< a loop without a waiting step, which would spin without pause
  unjoined_branch,         ///< a parallel branch can end without reaching its join
  unreachable_transition,  ///< a transition after the default one, never taken
  no_default_transition,   ///< a warning: every transition has "when", so none may apply
  // expressions and templates
  invalid_expression,      ///< an expression does not compile
  invalid_template,        ///< a Mustache template does not compile
  expression_too_complex,  ///< a limit of ExpressionLimits or TemplateLimits
  unknown_reference,       ///< a path names a step, field or item that does not exist
  // running instances
  not_found,          ///< no such instance, workflow, step or task
  sequence_conflict,  ///< the instance changed since it was read; read it again and retry
  invalid_event,      ///< a stored event that cannot be read back
  duplicate_key,      ///< another instance of the workflow was started with the business key
  store_error,        ///< the store failed (disk, database, lock held by another process)
  // templates, added later (codes keep their values)
  unescaped_output,  ///< a warning: {{{name}}} or {{& name}} writes a value without HTML escaping
  // limits of definitions and running instances (see docs/limits.md), added later
  too_many_transitions,  ///< a step's 'next' has more transitions than max_transitions
  too_many_branches,     ///< a parallel step has more branches than max_parallel_branches
  too_many_retries,      ///< a step's retry.max_attempts is past max_retry_attempts
  timer_too_far,         ///< a timer or task due date lies past the timer horizon
  output_too_large,      ///< a step's output, an answer or a signal's payload is too large
  data_too_large,        ///< the instance's data would grow past max_data_bytes
  history_too_long,      ///< the instance's history would grow past max_history_events
  too_many_activations,  ///< the instance has run more steps than max_activations
  // sharing work between processes
  lease_lost,  ///< another worker claimed the instance since this one did; its write is refused
  // translations
  missing_translation,  ///< a warning: a text a person reads has no version in a required language
  // the step graph, added later
  recursive_call,  ///< a call step calls its own workflow, directly or through others
  // running instances, added later
  adapter_failed,  ///< an adapter answered failed or threw (reported to EngineConfig::on_error)
  // expressions checked against declared data, added later
  type_mismatch,  ///< an expression joins, compares or passes values whose types cannot go together
  maybe_missing,  ///< a warning: an expression needs a value that may be missing (null) there
  // running instances, added later
  duplicate_request,  ///< a change was committed under the call's idempotency key already
  /// kept content (a file or photo answered on a checklist) no longer matches its SHA-256
  content_changed,
};

/// Groups of codes, so that a caller can ask "was it a limit?" without listing codes.
enum class ErrorKind {
  io,          ///< io_error: a file could not be read or written
  syntax,      ///< syntax_error: the text is not JSON
  limit,       ///< a limit was exceeded: too_deep, expression_too_complex, timer_too_far, …
  definition,  ///< a definition's fields, expressions, templates or translations are wrong
  graph,       ///< the step graph is wrong: dangling_target, unreachable_step, …
  runtime      ///< running instances and their store: not_found, sequence_conflict, lease_lost, …
};

/// The group `code` belongs to.
ErrorKind kind_of(ErrorCode code) noexcept;

/// The code's stable name, e.g. "unknown_field".
std::string_view to_string(ErrorCode code) noexcept;

/// A place in a source document. Lines and columns count from 1; columns count Unicode code
/// points, so that editors land on the right character in lines with umlauts. A default
/// constructed location (line 0) means "not from a document".
struct SourceLocation {
  std::string file;          ///< the document's name, usually its path; "" when unknown
  std::uint32_t line = 0;    ///< 1-based; 0 when not from a document
  std::uint32_t column = 0;  ///< 1-based, in code points

  /// Whether the location has a line and column (line is not 0).
  bool known() const noexcept { return line != 0; }
};

/// One failure: what went wrong, what to do about it, and where.
struct Error {
  ErrorCode code = ErrorCode::invalid_value;  ///< what went wrong; see kind_of() for its group
  std::string message;      ///< says what is wrong and, where it can, how to fix it
  std::string pointer;      ///< JSON pointer of the offending value ("" is the document itself)
  SourceLocation location;  ///< where the value stands in its document; unknown when none
};

/// Whether a finding stops a document from loading.
enum class Severity {
  error,   ///< the document is refused
  warning  ///< the document loads; the finding is worth a look
};

/// "error" or "warning".
std::string_view to_string(Severity severity) noexcept;

/// Formats like a compiler's error: FILE:LINE:COL: error: MESSAGE (at /json/pointer), leaving
/// out the parts the error does not have ("error: MESSAGE" for an error of no document).
std::string format(const Error& error);
/// Writes format()'s text, without a newline.
std::ostream& operator<<(std::ostream& out, const Error& error);

/// An Error found while checking a document, with its severity.
struct Diagnostic : Error {
  Severity severity = Severity::error;  ///< error by default
};

/// Formats like a compiler, so editors and CI logs can jump to the place:
///   FILE:LINE:COL: error: MESSAGE (at /json/pointer)
std::string format(const Diagnostic& diagnostic);
/// Writes format()'s text, without a newline.
std::ostream& operator<<(std::ostream& out, const Diagnostic& diagnostic);

/// The findings of one pass over a document, in the order they were found.
class Diagnostics {
 public:
  /// No findings.
  Diagnostics() = default;

  /// Appends a finding.
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  /// Appends a finding built from its parts.
  void add(Severity severity, ErrorCode code, std::string message, std::string pointer,
           SourceLocation location = {});
  /// Appends every finding of `other`, in order, and adds up what each omitted.
  void append(const Diagnostics& other);
  /// Counts a finding that is not kept, past a cap such as LoadOptions::max_errors: it counts
  /// in has_errors(), error_count() and warning_count(), and the output says how many more
  /// there were.
  void omit(Severity severity) noexcept;

  /// Whether any finding is an error (warnings alone do not count), kept or omitted.
  bool has_errors() const noexcept;
  /// How many findings are errors, kept or omitted.
  std::size_t error_count() const noexcept;
  /// How many findings are warnings, kept or omitted.
  std::size_t warning_count() const noexcept;
  /// How many findings were counted but not kept (see omit()).
  std::size_t omitted() const noexcept { return omitted_errors_ + omitted_warnings_; }
  /// How many of the omitted findings are errors.
  std::size_t omitted_errors() const noexcept { return omitted_errors_; }

  /// Whether there are no findings at all.
  bool empty() const noexcept { return items_.empty(); }
  /// How many findings are kept, errors and warnings; omitted() more were counted.
  std::size_t size() const noexcept { return items_.size(); }
  /// The finding at position `i`.
  /// REQUIRES: i < size()
  const Diagnostic& operator[](std::size_t i) const { return items_[i]; }
  /// Iterates the findings in the order they were found.
  auto begin() const noexcept { return items_.begin(); }
  /// End of the iteration begun by begin().
  auto end() const noexcept { return items_.end(); }

  /// The first error kept, e.g. for a caller that wants a single Error.
  /// REQUIRES: has_errors(), and not every error omitted
  const Diagnostic& first_error() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t omitted_errors_ = 0;
  std::size_t omitted_warnings_ = 0;
};

/// One diagnostic a line, each formatted as above; when findings were omitted, a last line
/// says how many: "and 1500 more errors not shown (max_errors)".
std::ostream& operator<<(std::ostream& out, const Diagnostics& diagnostics);

}  // namespace ablauf
