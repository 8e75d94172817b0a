// The seed processes in workflows/: every one validates without warnings, and each keeps the
// shape its page describes.
#include "ablauf/workflow.hpp"

#include "test_support.hpp"

#include <set>

using namespace ablauf;

namespace {

std::vector<std::filesystem::path> workflow_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(test::workflows_dir()))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> types_of(const Workflow& workflow, const std::vector<std::string>& ids) {
  std::vector<std::string> types;
  for (const auto& id : ids) {
    const auto index = workflow.find(id);
    REQUIRE(index);
    types.push_back(workflow.step(*index).type);
  }
  return types;
}

}  // namespace

TEST_CASE("every definition in workflows/ validates without warnings", "[workflows]") {
  const auto files = workflow_files();
  CHECK(files.size() == 5);
  for (const auto& file : files) {
    const Workflow workflow = test::compile_file(file);
    INFO(file.string() << '\n' << workflow.warnings());
    CHECK(workflow.warnings().empty());
    CHECK(workflow.definition().id == file.stem().string());
  }
}

TEST_CASE("every seed text a person reads is in German and English", "[workflows]") {
  for (const auto& file : workflow_files()) {
    const Workflow workflow = test::compile_file(file);
    const auto& definition = workflow.definition();
    const auto both = [&](const LocalizedText& text, const std::string& where) {
      INFO(file.filename().string() << ": " << where);
      CHECK(text.has("de"));
      CHECK(text.has("en"));
    };
    both(definition.title, "title");
    for (const auto& step : definition.steps) {
      if (step.type != "end") both(step.title, step.id);
      if (!step.checklist) continue;
      for (const auto& section : step.checklist->sections)
        for (const auto& item : section.items) {
          both(item.label, step.id + "/" + item.id);
          for (const auto& option : item.options) both(option.label, item.id + "=" + option.value);
        }
    }
  }
}

TEST_CASE("the seed checklists end in a signed confirmation", "[workflows]") {
  for (const char* name :
       {"account_management_guidelines", "open_invoice_customer_service", "delinquent_accounts"}) {
    INFO(name);
    const Workflow workflow =
        test::compile_file(test::workflows_dir() / (std::string(name) + ".json"));
    CHECK(workflow.definition().kind == DefinitionKind::checklist);
    CHECK(workflow.step_count() >= 7);
    const auto& last = workflow.step(static_cast<StepIndex>(workflow.step_count() - 1));
    REQUIRE(last.checklist);
    CHECK(last.next.empty());
    CHECK(last.checklist->sections.back().items.back().kind == ItemKind::signature);
  }
}

TEST_CASE("the invoicing workflow keeps the page's nine typed steps in order", "[workflows]") {
  const Workflow workflow =
      test::compile_file(test::workflows_dir() / "invoicing_and_payments.json");
  const std::vector<std::string> page_steps{
      "check_customer_data",         "create_invoice",        "notify_customer",
      "set_payment_due_date",        "create_follow_up_task", "track_payment_status",
      "update_customer_information", "analyze_payment_flows", "communicate_with_customer"};
  CHECK(types_of(workflow, page_steps) ==
        std::vector<std::string>{"fill_checklist", "save_record", "send_email", "update_record",
                                 "create_task", "save_record", "update_record", "fill_checklist",
                                 "send_email"});
  // Each page step is followed, directly or through decisions, by the next one.
  CHECK(workflow.step(workflow.start()).id == "check_customer_data");
}

TEST_CASE("the utility workflow repeats reminders and then escalates", "[workflows]") {
  const Workflow workflow = test::compile_file(test::workflows_dir() / "utility_billing.json");
  const auto wait = workflow.find("wait_for_payment");
  REQUIRE(wait);
  const auto& wait_step = workflow.step(*wait);
  CHECK(wait_step.type == "wait");
  CHECK(wait_step.parameters.at("event") == "payment_received");
  REQUIRE(wait_step.timeout);
  REQUIRE_FALSE(wait_step.on_timeout.empty());

  // The timeout counts from a date in the data (the due date, then a week on after each
  // stage) and leads to the dunning check: it escalates once the last reminder's deadline has
  // passed, else sends the reminder that is due.
  CHECK(wait_step.expressions.contains("from"));
  const auto check = workflow.find(wait_step.on_timeout);
  REQUIRE(check);
  const auto& decision = workflow.step(*check);
  CHECK(decision.type == "decision");
  REQUIRE(decision.next.front().when);
  CHECK_THAT(decision.next.front().when->text(), Catch::Contains("dunning_level"));
  std::vector<std::string> targets;
  for (const auto& transition : decision.next) targets.push_back(transition.to);
  CHECK(targets == std::vector<std::string>{"escalate_overdue_payment", "send_payment_reminder"});
  // A reminder goes back to the wait, which a payment ends at any time.
  const auto reminder = workflow.find("send_payment_reminder");
  REQUIRE(reminder);
  CHECK(workflow.step(*reminder).type == "send_email");
  for (const StepEdge& edge : workflow.edges_from(*reminder))
    CHECK(workflow.step(edge.to).id == "wait_for_payment");
}
