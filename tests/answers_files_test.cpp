// The answers files in workflows/answers/, which `ablauf run --answers` reads to run a seed
// unattended (docs/cli.md): each stays in step with its definition, and each drives its seed to
// the end under a manual clock.
#include "test_support.hpp"

#include <ablauf/answer.hpp>
#include <ablauf/duration.hpp>
#include <ablauf/engine.hpp>
#include <ablauf/expression.hpp>
#include <ablauf/json.hpp>
#include <ablauf/source.hpp>
#include <ablauf/timeline.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace ablauf {
namespace {

namespace json = boost::json;

const Time monday = *parse_rfc3339("2026-11-23T09:00:00Z");

const std::vector<std::string> seeds = {"account_management_guidelines", "delinquent_accounts",
                                        "invoicing_and_payments", "open_invoice_customer_service",
                                        "utility_billing"};

std::filesystem::path answers_file(const std::string& seed) {
  return test::workflows_dir() / "answers" / (seed + ".json");
}

json::object load_answers(const std::string& seed) {
  const auto path = answers_file(seed);
  INFO(path.string());
  const Source source(path.string(), test::read_file(path));
  auto parsed = parse_json(source);
  if (!parsed) FAIL(format(parsed.error()));
  REQUIRE(parsed->is_object());
  return std::move(parsed->as_object());
}

Workflow load_seed(const std::string& seed) {
  return test::compile_file(test::workflows_dir() / (seed + ".json"));
}

// The items of a fill_checklist step, in the order of the form.
std::vector<const ItemDefinition*> items_of(const StepDefinition& step) {
  std::vector<const ItemDefinition*> items;
  if (step.checklist)
    for (const auto& section : step.checklist->sections)
      for (const auto& item : section.items) items.push_back(&item);
  return items;
}

const ItemDefinition* find_item(const StepDefinition& step, std::string_view id) {
  for (const auto* item : items_of(step))
    if (item->id == id) return item;
  return nullptr;
}

const json::object* object_at(const json::object& file, std::string_view key) {
  const auto* value = file.if_contains(key);
  return value ? value->if_object() : nullptr;
}

// The files a file item's answer names, relative to the answers files' folder, as `ablauf run`
// reads them: one path, or a list of paths.
std::vector<std::filesystem::path> attached(const json::value& value) {
  std::vector<std::filesystem::path> paths;
  const auto add = [&](const json::value& path) {
    if (path.is_string())
      paths.push_back(test::workflows_dir() / "answers" / path.get_string().c_str());
  };
  if (const auto* many = value.if_array())
    for (const auto& path : *many) add(path);
  else
    add(value);
  return paths;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::set<std::string> stems_in(const std::filesystem::path& directory) {
  std::set<std::string> stems;
  for (const auto& entry : std::filesystem::directory_iterator(directory))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      stems.insert(entry.path().stem().string());
  return stems;
}

TEST_CASE("every seed has an answers file, and every answers file a seed", "[workflows][answers]") {
  CHECK(stems_in(test::workflows_dir()) == std::set<std::string>(seeds.begin(), seeds.end()));
  CHECK(stems_in(test::workflows_dir() / "answers") == stems_in(test::workflows_dir()));
}

TEST_CASE("each answers file fits its definition", "[workflows][answers]") {
  for (const auto& seed : seeds) {
    DYNAMIC_SECTION(seed) {
      const Workflow workflow = load_seed(seed);
      const WorkflowDefinition& definition = workflow.definition();
      const json::object file = load_answers(seed);

      for (const auto& [key, value] : file) {
        INFO("top-level key '" << key << "'");
        CHECK((key == "actor" || key == "business_key" || key == "input" || key == "answers" ||
               key == "tasks" || key == "events" || key == "$comment"));
      }
      if (const auto* business_key = file.if_contains("business_key"))
        CHECK((business_key->is_string() && !business_key->get_string().empty()));
      if (const auto* actor = file.if_contains("actor"))
        CHECK((actor->is_string() && !actor->get_string().empty()));
      if (const auto* input = file.if_contains("input")) CHECK(input->is_object());

      REQUIRE(file.contains("answers"));
      REQUIRE(file.at("answers").is_object());
      for (const auto& [step_id, given] : file.at("answers").get_object()) {
        INFO("answers of step '" << step_id << "'");
        const StepDefinition* step = definition.find_step(step_id);
        REQUIRE(step);
        REQUIRE(step->type == "fill_checklist");
        REQUIRE(given.is_object());
        for (const auto& [item_id, value] : given.get_object()) {
          INFO("item '" << item_id << "': " << to_json_text(value));
          const ItemDefinition* item = find_item(*step, item_id);
          CHECK(item);
          if (!item) continue;
          if (item->kind == ItemKind::signature) {
            CHECK((value.is_string() && !value.get_string().empty()));  // the signer's name
          } else if (takes_files(item->kind)) {
            const auto paths = attached(value);
            CHECK(!paths.empty());
            for (const auto& path : paths) CHECK(std::filesystem::is_regular_file(path));
          } else if (auto checked = check_answer(*item, value, "en"); !checked) {
            FAIL_CHECK(checked.error().message);
          }
        }
        for (const auto* item : items_of(*step)) {
          if (!item->required || item->visible_if) continue;
          INFO("required item '" << item->id << "'");
          CHECK(given.get_object().contains(item->id));
        }
      }

      if (const auto* tasks = file.if_contains("tasks")) {
        REQUIRE(tasks->is_object());
        for (const auto& [step_id, outcomes] : tasks->get_object()) {
          INFO("tasks of step '" << step_id << "'");
          const StepDefinition* step = definition.find_step(step_id);
          REQUIRE(step);
          REQUIRE(step->type == "create_task");
          REQUIRE(outcomes.is_array());
          CHECK_FALSE(outcomes.get_array().empty());
          const auto* declared = step->parameters.if_contains("outcomes");
          for (const auto& outcome : outcomes.get_array()) {
            INFO("outcome " << to_json_text(outcome));
            REQUIRE(outcome.is_string());
            if (declared)
              CHECK(std::find(declared->as_array().begin(), declared->as_array().end(), outcome) !=
                    declared->as_array().end());
            else
              CHECK(outcome == "done");
          }
        }
      }

      if (const auto* events = file.if_contains("events")) {
        REQUIRE(events->is_array());
        for (const auto& event : events->get_array()) {
          INFO("event " << to_json_text(event));
          REQUIRE(event.is_object());
          for (const auto& [key, _] : event.get_object())
            CHECK((key == "after" || key == "name" || key == "payload"));
          // `after` is optional (0); an exact duration, since months and years have no fixed
          // length before the instance's start is known.
          if (const auto* after = event.get_object().if_contains("after")) {
            auto duration = parse_duration(*after);
            CHECK((after->is_string() && duration && !duration->is_calendar()));
          }
          const auto* name = event.get_object().if_contains("name");
          REQUIRE((name && name->is_string()));
          CHECK(std::any_of(definition.steps.begin(), definition.steps.end(),
                            [&](const StepDefinition& s) {
                              return s.type == "wait" && s.parameters.if_contains("event") &&
                                     s.parameters.at("event") == *name;
                            }));
        }
      }
    }
  }
}

// Runs one instance the way `ablauf run FILE --answers ANSWERS --clock simulated` does: it
// answers waiting checklists item by item in the order of the form (hidden items skipped,
// signature items signed by the name given), completes tasks with the outcomes listed for their
// step in turn, delivers events once due, and when nothing else can happen moves the clock to
// the next timer or event. It stops when the instance ends or waits for something the file
// does not give.
class AnswersRun {
 public:
  AnswersRun(Engine& engine, ManualClock& clock, json::object file)
      : engine_(engine), clock_(clock), file_(std::move(file)) {
    if (const auto* actor = file_.if_contains("actor")) actor_ = actor->as_string();
  }

  InstanceState run(const Workflow& workflow) {
    const auto* input = file_.if_contains("input");
    auto started = engine_.start(workflow.definition().id,
                                 input ? *input : json::value(json::object()), {.actor = actor_});
    if (!started) FAIL(started.error().message);
    id_ = *started;
    schedule_events(state().started_at);
    for (int round = 0; round < 1000; ++round) {
      const InstanceState s = state();
      if (s.finished()) return s;
      bool acted = false;
      for (const auto& token : s.tokens)
        if (token.state == Token::State::waiting && token.waiting_for == WaitingFor::checklist)
          acted = answer_checklist(workflow, token.step) || acted;
      acted = acted || complete_tasks();
      if (acted) continue;
      // Nothing a person can do now: the next event arrives, or time passes to the next timer
      // (the event first when both fall due together).
      std::optional<Time> timer;
      for (const auto& t : s.timers)
        if (!timer || t.due < *timer) timer = t.due;
      const auto event = std::find_if(events_.begin(), events_.end(),
                                      [](const PendingEvent& e) { return !e.delivered; });
      if (event != events_.end() && (!timer || event->due <= *timer)) {
        clock_.set(std::max(event->due, clock_.now()));
        event->delivered = true;
        // Stricter than `run`, which reports an event nobody waits for and goes on.
        if (auto ok = engine_.signal(id_, event->name, event->payload); !ok)
          FAIL("event " << event->name << ": " << ok.error().message);
        continue;
      }
      if (!timer) return s;  // waits for something the file does not give
      clock_.set(std::max(*timer, clock_.now()));
      if (auto fired = engine_.run_due(); !fired) FAIL(fired.error().message);
    }
    FAIL("the instance still runs after 1000 rounds");
    return state();
  }

  InstanceState state() const {
    auto s = engine_.get(id_);
    REQUIRE(s);
    return std::move(*s);
  }

  // What the file gives that the run never used: answers to visible items, task outcomes and
  // events. An answer after the step already completed (an optional item after the last
  // required one) shows up here too.
  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    if (const auto* answers = object_at(file_, "answers"))
      for (const auto& [step, items] : *answers)
        for (const auto& [item, _] : items.as_object()) {
          const std::string name = std::string(step) + "." + std::string(item);
          if (!used_.count(name)) out.push_back("answer " + name);
        }
    if (const auto* tasks = object_at(file_, "tasks"))
      for (const auto& [step, outcomes] : *tasks) {
        const auto it = outcomes_given_.find(std::string(step));
        const std::size_t given = it == outcomes_given_.end() ? 0 : it->second;
        for (std::size_t i = given; i < outcomes.as_array().size(); ++i)
          out.push_back("outcome " + to_json_text(outcomes.as_array()[i]) + " of task " +
                        std::string(step));
      }
    for (const auto& event : events_)
      if (!event.delivered) out.push_back("event " + event.name);
    return out;
  }

  // Where the instance waits, for a failure message.
  std::string waiting() const {
    std::string out;
    for (const auto& token : state().tokens)
      out += " " + token.step + " (" + std::string(to_string(token.waiting_for)) + ")";
    return out.empty() ? " nowhere" : out;
  }

 private:
  struct PendingEvent {
    Time due;
    std::string name;
    json::value payload;
    bool delivered = false;
  };

  void schedule_events(Time started) {
    const auto* events = file_.if_contains("events");
    if (!events) return;
    for (const auto& event : events->as_array()) {
      const auto& e = event.as_object();
      Time due = started;
      if (const auto* after = e.if_contains("after")) {
        auto duration = parse_duration(*after);
        REQUIRE(duration);
        due += duration->exact();
      }
      events_.push_back({due, std::string(e.at("name").as_string()),
                         e.contains("payload") ? e.at("payload") : json::value(), false});
    }
    std::stable_sort(events_.begin(), events_.end(),
                     [](const PendingEvent& a, const PendingEvent& b) { return a.due < b.due; });
  }

  bool waits_at(const InstanceState& s, const std::string& step) const {
    return std::any_of(s.tokens.begin(), s.tokens.end(), [&](const Token& t) {
      return t.step == step && t.state == Token::State::waiting &&
             t.waiting_for == WaitingFor::checklist;
    });
  }

  bool answer_checklist(const Workflow& workflow, const std::string& step_id) {
    const auto* answers = object_at(file_, "answers");
    const json::value* given = answers ? answers->if_contains(step_id) : nullptr;
    if (!given) return false;
    const StepDefinition& step = *workflow.definition().find_step(step_id);
    bool acted = false;
    for (const auto* item : items_of(step)) {
      const auto* value = given->as_object().if_contains(item->id);
      if (!value) continue;
      const InstanceState s = state();
      if (!waits_at(s, step_id)) break;  // the step completed: later answers come too late
      const auto* entry = s.data.at("steps").as_object().if_contains(step_id);
      const auto* recorded = entry ? entry->as_object().if_contains("answers") : nullptr;
      if (recorded && recorded->as_object().contains(item->id)) continue;
      const std::string name = step_id + "." + item->id;
      if (item->visible_if) {
        auto visible = evaluate_condition(*item->visible_if, s.data, {.now = clock_.now()});
        if (!visible) FAIL(name << ": visible_if: " << visible.error().message);
        if (!*visible) {
          used_.insert(name);  // answers to hidden items are skipped
          continue;
        }
      }
      json::value answer = *value;
      if (takes_files(item->kind)) {  // kept first, as `ablauf run` keeps them, then answered
        json::array references;
        for (const auto& path : attached(*value)) {
          auto kept =
              engine_.keep_file(id_, step_id, item->id,
                                {.content = read_bytes(path), .name = path.filename().string()});
          if (!kept) FAIL(name << ": " << kept.error().message);
          references.push_back(to_json(*kept));
        }
        answer = std::move(references);
      }
      auto ok = item->kind == ItemKind::signature
                    ? engine_.sign(id_, step_id, item->id, value->as_string())
                    : engine_.answer(id_, step_id, item->id, answer, actor_);
      if (!ok) FAIL(name << ": " << ok.error().message);
      used_.insert(name);
      acted = true;
    }
    return acted;
  }

  bool complete_tasks() {
    const auto* tasks = object_at(file_, "tasks");
    for (const auto& task : state().tasks) {
      if (task.completed) continue;
      const json::value* outcomes = tasks ? tasks->if_contains(task.step) : nullptr;
      std::size_t& given = outcomes_given_[task.step];
      if (!outcomes || given >= outcomes->as_array().size()) continue;
      const std::string outcome(outcomes->as_array()[given++].as_string());
      if (auto ok = engine_.complete_task(id_, task.id, outcome, actor_); !ok)
        FAIL("task " << task.step << " (" << outcome << "): " << ok.error().message);
      return true;
    }
    return false;
  }

  Engine& engine_;
  ManualClock& clock_;
  json::object file_;
  std::string actor_ = "cli";
  std::string id_;
  std::set<std::string> used_;
  std::map<std::string, std::size_t> outcomes_given_;
  std::vector<PendingEvent> events_;
};

std::string lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += "\n  " + item;
  return out;
}

// A seed run by its answers file on an engine of its own, with a manual clock from Monday
// morning and the in-memory defaults.
struct SeedRun {
  explicit SeedRun(const std::string& seed) : SeedRun(seed, load_answers(seed)) {}
  SeedRun(const std::string& seed, json::object answers)
      : engine(EngineConfig{.clock = &clock}),
        workflow(load_seed(seed)),
        run(engine, clock, std::move(answers)) {
    REQUIRE(engine.deploy(workflow));
    end = run.run(workflow);
  }

  ManualClock clock{monday};
  Engine engine;
  Workflow workflow;
  AnswersRun run;
  InstanceState end;
};

TEST_CASE("each answers file runs its seed to the end", "[workflows][answers]") {
  for (const auto& seed : seeds) {
    DYNAMIC_SECTION(seed) {
      const SeedRun seed_run(seed);
      INFO("status " << to_string(seed_run.end.status) << ", error '" << seed_run.end.error
                     << "', waits at" << seed_run.run.waiting());
      CHECK(seed_run.end.status == InstanceStatus::completed);
      INFO("unused:" << lines(seed_run.run.unused()));
      CHECK(seed_run.run.unused().empty());
    }
  }
}

TEST_CASE("the utility answers leave the invoice unpaid: three reminders, then escalation",
          "[workflows][answers]") {
  const SeedRun r("utility_billing");
  REQUIRE(r.end.status == InstanceStatus::completed);
  const auto& steps = r.end.data.at("steps");
  CHECK(steps.at("send_payment_reminder").at("visits") == 3);
  CHECK(steps.at("escalate_overdue_payment").at("outcome") == "payment_received");
  // Due 14 days after the invoice (the payment term); reminded 7, 14 and 21 days after the due
  // date; escalated when the last reminder's deadline, 28 days after it, has passed: dates
  // count from their midnight in Berlin.
  CHECK(to_rfc3339(r.clock.now()) == "2027-01-03T23:00:00Z");
  CHECK(r.engine.outbox()->size() == 4);  // the invoice and three reminders
  CHECK((*r.engine.record("customers", "K-20931"))->at("collection_status") == "payment_received");
  CHECK((*r.engine.record("invoices", "VA-2026-118204"))->at("due_date") == "2026-12-07");
  // Each dunning stage is a timeout of the wait for the payment, counted from the due date:
  // said as such, not as a failure.
  std::vector<std::string> timed_out;
  for (const auto& entry : read_timeline(r.workflow.definition(), *r.engine.history(r.end.id)))
    if (entry.text.starts_with("Frist verstrichen") || entry.text.starts_with("Fehlgeschlagen"))
      timed_out.push_back(entry.text);
  REQUIRE(timed_out.size() == 4);  // three reminders, then the escalation
  CHECK_THAT(timed_out[0], Catch::StartsWith("Frist verstrichen, eskaliert: „"));
  CHECK_THAT(timed_out[0], Catch::Contains("(P7D); "));
}

// The utility answers with the other ending: the customer pays on day 3.
json::object utility_paid_on_day_3() {
  json::object answers = load_answers("utility_billing");
  answers.erase("tasks");
  answers["events"] = json::parse(R"([{"after": "P3D", "name": "payment_received",
      "payload": {"amount": 246.8, "paid_at": "2026-11-26", "method": "direct_debit"}}])");
  return answers;
}

TEST_CASE("with a payment on day 3 instead, utility_billing neither reminds nor escalates",
          "[workflows][answers]") {
  const SeedRun r("utility_billing", utility_paid_on_day_3());
  INFO("unused:" << lines(r.run.unused()));
  REQUIRE(r.end.status == InstanceStatus::completed);
  CHECK(r.run.unused().empty());
  CHECK_FALSE(r.end.data.at("steps").as_object().contains("send_payment_reminder"));
  CHECK(r.clock.now() - monday == std::chrono::days(3));
  CHECK(r.engine.outbox()->size() == 1);  // the invoice only
}

// The signal's payload is what a wait step's followers read at event.… (docs/format.md).
TEST_CASE("a payment's amount reaches the payment history, the customer and the invoice",
          "[workflows][answers]") {
  const SeedRun r("utility_billing", utility_paid_on_day_3());
  REQUIRE(r.end.status == InstanceStatus::completed);
  const auto customer = *r.engine.record("customers", "K-20931");
  REQUIRE(customer);
  CHECK(customer->at("last_payment_amount") == 246.8);
  CHECK(customer->at("last_payment_at") == "2026-11-26");
  CHECK(customer->at("last_payment_method") == "direct_debit");
  // The invoice keeps what days sales outstanding is computed from (docs/kpi.md).
  const auto invoice = *r.engine.record("invoices", "VA-2026-118204");
  REQUIRE(invoice);
  CHECK(invoice->at("status") == "paid");
  CHECK(invoice->at("issue_date") == "2026-11-23T09:00:00Z");
  CHECK(invoice->at("total") == 246.8);
  CHECK(invoice->at("amount_paid") == 246.8);
  CHECK(invoice->at("paid_at") == "2026-11-26");
  CHECK(invoice->at("payment_method") == "direct_debit");
  CHECK(invoice->at("due_date") == "2026-12-07");  // 14 days' payment term
  CHECK(invoice->at("reminders_sent") == 0);
}

TEST_CASE("a checklist's answers file signs as the person it names", "[workflows][answers]") {
  const SeedRun r("delinquent_accounts");
  REQUIRE(r.end.status == InstanceStatus::completed);
  const auto& steps = r.end.data.at("steps");
  CHECK(steps.at("sign_off").at("answers").at("signature").at("signed_by") == "Thomas Becker");
  // escalation_required is "no": the escalation items stay hidden and unanswered.
  CHECK(steps.at("escalation").at("answers").as_object().size() == 1);
}

TEST_CASE(
    "an escalated delinquent account raises the supervisor's action, which the case waits for",
    "[workflows][answers][actions]") {
  auto answers = load_answers("delinquent_accounts");
  answers.at("answers").as_object()["escalation"] =
      json::object{{"escalation_required", "yes"},
                   {"supervisor_informed", true},
                   {"collection_handover_prepared", true},
                   {"parties_informed", true}};
  SeedRun r("delinquent_accounts", std::move(answers));
  // Signed off, and waiting for the action its escalation raised.
  REQUIRE(r.end.status == InstanceStatus::waiting);
  CHECK(r.end.tokens.empty());
  REQUIRE(r.end.tasks.size() == 1);
  const Task& action = r.end.tasks[0];
  CHECK(action.item == "escalation_required");
  CHECK(action.raised_by == "flag");
  CHECK(action.assignee == "collections_management");
  CHECK(action.title == "Eskalierten Mahnfall prüfen und das weitere Vorgehen freigeben");
  CHECK(action.priority == Priority::high);
  const auto history = r.engine.history(r.end.id);
  REQUIRE(history);
  const auto raised = std::find_if(history->begin(), history->end(), [](const Event& event) {
    return event.type == EventType::task_created;
  });
  REQUIRE(raised != history->end());
  CHECK(action.due == raised->time + std::chrono::days(2));
  REQUIRE(r.engine.complete_task(r.end.id, action.id, "", "leitung"));
  CHECK(r.engine.get(r.end.id)->status == InstanceStatus::completed);
}

TEST_CASE("the account guidelines' risk matrix scores its highest risk and flags a high one",
          "[workflows][answers][actions]") {
  SECTION("the answers file's risks: at most 3 × 3, no action") {
    const SeedRun r("account_management_guidelines");
    REQUIRE(r.end.status == InstanceStatus::completed);
    const auto& score = r.end.data.at("steps").at("compliance_risk").at("score");
    CHECK(score.at("points") == 16.0);  // 25 − 9
    CHECK(score.at("max_points") == 24.0);
    CHECK(score.at("percent") == 66.67);
    CHECK(score.at("flags").as_array().empty());
    CHECK(r.end.tasks.empty());
  }
  SECTION("a risk of 5 × 4: flagged, and a verified action for controlling") {
    auto answers = load_answers("account_management_guidelines");
    auto& rows = answers.at("answers").at("compliance_risk").at("risk_matrix").as_array();
    rows.push_back(json::object{
        {"risk", "Zahlungsausfall eines Großkunden"}, {"severity", 5}, {"likelihood", 4}});
    SeedRun r("account_management_guidelines", std::move(answers));
    REQUIRE(r.end.status == InstanceStatus::waiting);
    const auto& score = r.end.data.at("steps").at("compliance_risk").at("score");
    CHECK(score.at("points") == 5.0);  // 25 − 20
    REQUIRE(r.end.tasks.size() == 1);
    const Task& action = r.end.tasks[0];
    CHECK(action.item == "risk_matrix");
    CHECK(action.assignee == "finance_controlling");
    CHECK(action.verify_by == "collections_management");
    REQUIRE(r.engine.complete_task(r.end.id, action.id, "", "controlling"));
    CHECK(r.engine.get(r.end.id)->status == InstanceStatus::waiting);  // not verified yet
    REQUIRE(r.engine.verify_task(r.end.id, action.id, "leitung"));
    CHECK(r.engine.get(r.end.id)->status == InstanceStatus::completed);
  }
}

TEST_CASE("the invoicing answers: unpaid at the first follow-up, paid at the second",
          "[workflows][answers]") {
  // No step saves the customer record that update_customer_information changes; its `upsert`
  // creates it, so the run needs no CRM behind the record store.
  const SeedRun r("invoicing_and_payments");
  REQUIRE(r.end.status == InstanceStatus::completed);
  const auto& steps = r.end.data.at("steps");
  CHECK(steps.at("create_follow_up_task").at("visits") == 2);
  CHECK(steps.at("create_follow_up_task").at("outcome") == "paid");
  CHECK((*r.engine.record("customers", "K-4711"))->at("last_payment_status") == "paid");
  CHECK((*r.engine.record("invoices", "R-2026-0417"))->at("due_date") == "2026-12-07");
  // The amounts, computed from the three lines: 1,850 + 6 × 85 + 90 net, 19 % VAT.
  const auto invoice = **r.engine.record("invoices", "R-2026-0417");
  CHECK(invoice.at("net_amount").to_number<double>() == 2450.0);
  CHECK(invoice.at("tax_amount").to_number<double>() == 465.5);
  CHECK(invoice.at("total").to_number<double>() == 2915.5);
  // The invoice, one payment reminder a week after the due date, and the payment confirmation.
  CHECK(r.engine.outbox()->size() == 3);
  // The payment as the bank reported it, after one reminder mail.
  CHECK(invoice.at("paid_at") == "2026-12-16");
  CHECK(invoice.at("amount_paid").to_number<double>() == 2915.5);
  CHECK(invoice.at("payment_method") == "bank_transfer");
  CHECK(invoice.at("reminders_sent") == 1);
}

}  // namespace
}  // namespace ablauf
