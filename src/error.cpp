#include "ablauf/error.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>

namespace ablauf {

ErrorKind kind_of(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::io_error: return ErrorKind::io;
    case ErrorCode::syntax_error: return ErrorKind::syntax;
    case ErrorCode::document_too_large:
    case ErrorCode::too_deep:
    case ErrorCode::too_many_steps:
    case ErrorCode::string_too_long:
    case ErrorCode::expression_too_complex:
    case ErrorCode::too_many_transitions:
    case ErrorCode::too_many_branches:
    case ErrorCode::too_many_retries:
    case ErrorCode::timer_too_far:
    case ErrorCode::output_too_large:
    case ErrorCode::data_too_large:
    case ErrorCode::history_too_long:
    case ErrorCode::too_many_activations: return ErrorKind::limit;
    case ErrorCode::dangling_target:
    case ErrorCode::unreachable_step:
    case ErrorCode::no_path_to_end:
    case ErrorCode::spinning_cycle:
    case ErrorCode::unjoined_branch:
    case ErrorCode::recursive_call:
    case ErrorCode::unreachable_transition:
    case ErrorCode::no_default_transition: return ErrorKind::graph;
    case ErrorCode::not_found:
    case ErrorCode::sequence_conflict:
    case ErrorCode::invalid_event:
    case ErrorCode::duplicate_key:
    case ErrorCode::duplicate_request:
    case ErrorCode::content_changed:
    case ErrorCode::store_error:
    case ErrorCode::lease_lost:
    case ErrorCode::adapter_failed: return ErrorKind::runtime;
    default: return ErrorKind::definition;
  }
}

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::syntax_error: return "syntax_error";
    case ErrorCode::document_too_large: return "document_too_large";
    case ErrorCode::too_deep: return "too_deep";
    case ErrorCode::too_many_steps: return "too_many_steps";
    case ErrorCode::string_too_long: return "string_too_long";
    case ErrorCode::missing_field: return "missing_field";
    case ErrorCode::unknown_field: return "unknown_field";
    case ErrorCode::wrong_type: return "wrong_type";
    case ErrorCode::invalid_value: return "invalid_value";
    case ErrorCode::invalid_identifier: return "invalid_identifier";
    case ErrorCode::invalid_duration: return "invalid_duration";
    case ErrorCode::duplicate_id: return "duplicate_id";
    case ErrorCode::unknown_step_type: return "unknown_step_type";
    case ErrorCode::dangling_target: return "dangling_target";
    case ErrorCode::unreachable_step: return "unreachable_step";
    case ErrorCode::no_path_to_end: return "no_path_to_end";
    case ErrorCode::spinning_cycle: return "spinning_cycle";
    case ErrorCode::unjoined_branch: return "unjoined_branch";
    case ErrorCode::recursive_call: return "recursive_call";
    case ErrorCode::unreachable_transition: return "unreachable_transition";
    case ErrorCode::no_default_transition: return "no_default_transition";
    case ErrorCode::invalid_expression: return "invalid_expression";
    case ErrorCode::invalid_template: return "invalid_template";
    case ErrorCode::expression_too_complex: return "expression_too_complex";
    case ErrorCode::unknown_reference: return "unknown_reference";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::sequence_conflict: return "sequence_conflict";
    case ErrorCode::invalid_event: return "invalid_event";
    case ErrorCode::duplicate_key: return "duplicate_key";
    case ErrorCode::duplicate_request: return "duplicate_request";
    case ErrorCode::content_changed: return "content_changed";
    case ErrorCode::store_error: return "store_error";
    case ErrorCode::unescaped_output: return "unescaped_output";
    case ErrorCode::too_many_transitions: return "too_many_transitions";
    case ErrorCode::too_many_branches: return "too_many_branches";
    case ErrorCode::too_many_retries: return "too_many_retries";
    case ErrorCode::timer_too_far: return "timer_too_far";
    case ErrorCode::output_too_large: return "output_too_large";
    case ErrorCode::data_too_large: return "data_too_large";
    case ErrorCode::history_too_long: return "history_too_long";
    case ErrorCode::too_many_activations: return "too_many_activations";
    case ErrorCode::lease_lost: return "lease_lost";
    case ErrorCode::missing_translation: return "missing_translation";
    case ErrorCode::adapter_failed: return "adapter_failed";
    case ErrorCode::type_mismatch: return "type_mismatch";
    case ErrorCode::maybe_missing: return "maybe_missing";
  }
  return "unknown";
}

std::string_view to_string(Severity severity) noexcept {
  return severity == Severity::error ? "error" : "warning";
}

namespace {

void write(std::ostream& out, const Error& error, Severity severity) {
  const auto& where = error.location;
  if (!where.file.empty()) out << where.file << ':';
  if (where.known()) out << where.line << ':' << where.column << ':';
  if (!where.file.empty() || where.known()) out << ' ';
  out << to_string(severity) << ": " << error.message;
  if (!error.pointer.empty()) out << " (at " << error.pointer << ')';
}

template <class Finding>
std::string formatted(const Finding& finding) {
  std::ostringstream out;
  out << finding;
  return out.str();
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Error& error) {
  write(out, error, Severity::error);
  return out;
}

std::string format(const Error& error) {
  return formatted(error);
}

std::ostream& operator<<(std::ostream& out, const Diagnostic& diagnostic) {
  write(out, diagnostic, diagnostic.severity);
  return out;
}

std::string format(const Diagnostic& diagnostic) {
  return formatted(diagnostic);
}

void Diagnostics::add(Severity severity, ErrorCode code, std::string message, std::string pointer,
                      SourceLocation location) {
  Diagnostic d;
  d.severity = severity;
  d.code = code;
  d.message = std::move(message);
  d.pointer = std::move(pointer);
  d.location = std::move(location);
  items_.push_back(std::move(d));
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  omitted_errors_ += other.omitted_errors_;
  omitted_warnings_ += other.omitted_warnings_;
}

void Diagnostics::omit(Severity severity) noexcept {
  ++(severity == Severity::error ? omitted_errors_ : omitted_warnings_);
}

bool Diagnostics::has_errors() const noexcept {
  return error_count() != 0;
}

std::size_t Diagnostics::error_count() const noexcept {
  return omitted_errors_ +
         static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const auto& d) {
           return d.severity == Severity::error;
         }));
}

std::size_t Diagnostics::warning_count() const noexcept {
  return items_.size() + omitted() - error_count();
}

const Diagnostic& Diagnostics::first_error() const {
  return *std::find_if(items_.begin(), items_.end(),
                       [](const auto& d) { return d.severity == Severity::error; });
}

std::ostream& operator<<(std::ostream& out, const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics) out << d << '\n';
  if (diagnostics.omitted() == 0) return out;
  const auto count = [](std::size_t n, std::string_view what) {
    return std::to_string(n) + " more " + std::string(what) + (n == 1 ? "" : "s");
  };
  const std::size_t errors = diagnostics.omitted_errors();
  const std::size_t warnings = diagnostics.omitted() - errors;
  out << "and ";
  if (errors != 0) out << count(errors, "error");
  if (errors != 0 && warnings != 0) out << " and ";
  if (warnings != 0) out << count(warnings, "warning");
  out << " not shown (max_errors)\n";
  return out;
}

}  // namespace ablauf
