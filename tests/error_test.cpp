#include "ablauf/error.hpp"

#include "test_support.hpp"

#include <sstream>

using namespace ablauf;

TEST_CASE("diagnostics format like a compiler's", "[error]") {
  Diagnostic d;
  d.code = ErrorCode::unknown_field;
  d.message = "unknown field 'nxt' in a step; did you mean 'next'?";
  d.pointer = "/steps/1/nxt";
  d.location = {"flow.json", 12, 7};
  CHECK(format(d) ==
        "flow.json:12:7: error: unknown field 'nxt' in a step; did you mean 'next'? "
        "(at /steps/1/nxt)");

  d.severity = Severity::warning;
  d.location = {};
  d.pointer.clear();
  CHECK(format(d) == "warning: unknown field 'nxt' in a step; did you mean 'next'?");
}

TEST_CASE("an error formats like a diagnostic, with the parts it has", "[error]") {
  const Error located{.code = ErrorCode::not_found,
                      .message = "step 'check' has type 'check_credit', which has no adapter",
                      .pointer = "/steps/0/type",
                      .location = {"credit.json", 7, 29}};
  CHECK(format(located) ==
        "credit.json:7:29: error: step 'check' has type 'check_credit', which has no adapter "
        "(at /steps/0/type)");
  const Error bare{.code = ErrorCode::store_error, .message = "the disk is full"};
  std::ostringstream out;
  out << bare;
  CHECK(out.str() == "error: the disk is full");
  // A Diagnostic still prints its own severity, not the Error's.
  Diagnostic warning;
  static_cast<Error&>(warning) = bare;
  warning.severity = Severity::warning;
  CHECK(format(warning) == "warning: the disk is full");
}

TEST_CASE("diagnostics count errors and warnings apart", "[error]") {
  Diagnostics diagnostics;
  diagnostics.add(Severity::warning, ErrorCode::no_default_transition, "w", "/steps/0/next");
  CHECK_FALSE(diagnostics.has_errors());
  diagnostics.add(Severity::error, ErrorCode::dangling_target, "e", "/steps/0/next/0/to");
  CHECK(diagnostics.has_errors());
  CHECK(diagnostics.error_count() == 1);
  CHECK(diagnostics.warning_count() == 1);
  CHECK(diagnostics.first_error().code == ErrorCode::dangling_target);
}

TEST_CASE("error codes fall into kinds callers can test", "[error]") {
  CHECK(kind_of(ErrorCode::too_deep) == ErrorKind::limit);
  CHECK(kind_of(ErrorCode::syntax_error) == ErrorKind::syntax);
  CHECK(kind_of(ErrorCode::spinning_cycle) == ErrorKind::graph);
  CHECK(kind_of(ErrorCode::unknown_field) == ErrorKind::definition);
  CHECK(to_string(ErrorCode::unknown_step_type) == "unknown_step_type");
}

TEST_CASE("error codes keep their numbers when codes are added", "[error]") {
  // A host may store or send the numbers; a new code goes at the end of the enum.
  CHECK(static_cast<int>(ErrorCode::io_error) == 0);
  CHECK(static_cast<int>(ErrorCode::unknown_step_type) == 13);
  CHECK(static_cast<int>(ErrorCode::no_default_transition) == 20);
  CHECK(static_cast<int>(ErrorCode::store_error) == 29);
  CHECK(static_cast<int>(ErrorCode::missing_translation) == 40);
  CHECK(static_cast<int>(ErrorCode::recursive_call) == 41);
}
