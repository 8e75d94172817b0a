// DOT and Mermaid exports match reviewed golden files (test::check_golden).
#include "ablauf/workflow.hpp"

#include "test_support.hpp"

using namespace ablauf;

using test::check_golden;

TEST_CASE("DOT export matches its golden file", "[export]") {
  const auto dir = test::data_dir() / "golden";
  const Workflow approval = test::compile_file(dir / "approval.json");
  check_golden(to_dot(approval), dir / "approval.dot");
  check_golden(to_dot(approval, {.language = "en"}), dir / "approval.en.dot");
  const Workflow invoicing =
      test::compile_file(test::workflows_dir() / "invoicing_and_payments.json");
  check_golden(to_dot(invoicing), dir / "invoicing_and_payments.dot");
}

TEST_CASE("Mermaid export matches its golden file", "[export]") {
  const auto dir = test::data_dir() / "golden";
  const Workflow approval = test::compile_file(dir / "approval.json");
  check_golden(to_mermaid(approval), dir / "approval.mmd");
  const Workflow invoicing =
      test::compile_file(test::workflows_dir() / "invoicing_and_payments.json");
  check_golden(to_mermaid(invoicing, {.language = "en"}), dir / "invoicing_and_payments.en.mmd");
}

TEST_CASE("exports escape what would break their syntax", "[export]") {
  const Workflow approval = test::compile_file(test::data_dir() / "golden/approval.json");
  const std::string dot = to_dot(approval);
  CHECK_THAT(dot, Catch::Contains(R"x(label="Freigabe \"extern\" (approval v2)")x"));
  CHECK_THAT(dot, Catch::Contains(R"(Recht \\ Compliance)"));
  const std::string mermaid = to_mermaid(approval);
  CHECK_THAT(mermaid, Catch::Contains("Antrag #lt;erfassen#gt;"));
  // "end" closes blocks in Mermaid, so that step gets another node name.
  CHECK_THAT(mermaid, Catch::Contains("  end_((("));
}
