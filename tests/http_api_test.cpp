// The API under /api/v1 on a loopback port: each route with what it answers and every error it
// documents (docs/http.md), against an engine in memory.
#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>
#include <ablauf/sqlite_store.hpp>
#include <ablauf/workflow.hpp>

#include "http_client.hpp"
#include "sample_files.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

namespace {
using namespace ablauf;
using namespace ablauf::test;

// A form with a required box, a text of at least three characters and a sign-off; then a task
// for collections with two outcomes; then a wait for the payment of the invoice.
const char* const dunning = R"({"id": "dunning", "version": 1, "kind": "workflow",
  "title": "Dunning",
  "input": {"type": "object", "properties": {"invoice": {"type": "string"}},
            "required": ["invoice"]},
  "steps": [
    {"id": "check", "type": "fill_checklist", "title": "Check",
     "sections": [{"id": "s", "title": "S", "items": [
       {"id": "ok", "kind": "checkbox", "label": "OK"},
       {"id": "note", "kind": "text", "label": "Note", "min": 3},
       {"id": "signed", "kind": "signature", "label": "Signed"}]}], "next": "review"},
    {"id": "review", "type": "create_task", "title": "Review {{input.invoice}}",
     "assignee": "collections", "due": "P2D", "outcomes": ["approve", "reject"],
     "next": "payment"},
    {"id": "payment", "type": "wait", "event": "payment_received",
     "correlation": "input.invoice", "next": "done"},
    {"id": "done", "type": "end"}]})";

struct Fixture {
  Fixture() {
    REQUIRE(engine.deploy(compile_text(dunning)));
    server.emplace(engine, http::ServerOptions{.port = 0, .max_page_size = 3});
    REQUIRE(server->start());
    client.emplace(server->port());
  }

  // Starts an instance for `invoice` over the API; returns its id.
  std::string start(const std::string& invoice) {
    auto started = client->request(wire::verb::post, "/api/v1/instances",
                                   R"({"workflow": "dunning", "business_key": ")" + invoice +
                                       R"(", "input": {"invoice": ")" + invoice + R"("}})");
    return std::string(json_of(started, 201).at("id").as_string());
  }

  Engine engine;
  std::optional<http::Server> server;
  std::optional<Client> client;
};

std::string form_path(const std::string& id) {
  return "/api/v1/instances/" + id + "/steps/check/form";
}

constexpr std::string_view good_form =
    R"({"answers": {"ok": true, "note": "fine"}, "signatures": [{"item": "signed", "signer": "erika"}]})";

}  // namespace

TEST_CASE("readiness waits for the host to say so", "[http][api]") {
  Fixture f;
  auto starting = f.client->request(wire::verb::get, "/readyz");
  CHECK(starting.result_int() == 503);
  CHECK(problem_of(starting).at("title").as_string() == "Not ready");
  f.server->ready();
  CHECK(json_of(f.client->request(wire::verb::get, "/readyz"), 200).at("status") == "ready");
}

TEST_CASE("definitions are listed, shown as written and drawn", "[http][api]") {
  Fixture f;
  auto listed = json_of(f.client->request(wire::verb::get, "/api/v1/definitions"), 200);
  REQUIRE(listed.at("definitions").as_array().size() == 1);
  const auto& summary = listed.at("definitions").as_array()[0].as_object();
  CHECK(summary.at("id") == "dunning");
  CHECK(summary.at("version") == 1);
  CHECK(summary.at("steps") == 4);

  auto shown = f.client->request(wire::verb::get, "/api/v1/definitions/dunning");
  CHECK(shown.result_int() == 200);
  CHECK(shown.body() == dunning);  // the text as deployed, not a rewrite of it

  auto dot = f.client->request(wire::verb::get, "/api/v1/definitions/dunning/graph");
  CHECK(dot.result_int() == 200);
  CHECK(dot[wire::field::content_type] == "text/vnd.graphviz; charset=utf-8");
  CHECK_THAT(dot.body(), Catch::StartsWith("digraph"));
  auto mermaid =
      f.client->request(wire::verb::get, "/api/v1/definitions/dunning/graph?format=mermaid");
  CHECK_THAT(mermaid.body(), Catch::Contains("flowchart TD"));

  auto svg = f.client->request(wire::verb::get, "/api/v1/definitions/dunning/graph?format=svg");
  CHECK(svg.result_int() == 200);  // Graphviz is installed where the tests run
  CHECK(svg[wire::field::content_type] == "image/svg+xml");
  CHECK_THAT(svg.body(), Catch::Contains("<svg"));
  CHECK_THAT(svg.body(), Catch::Contains("Review {{input.invoice}}"));
  auto png = f.client->request(wire::verb::get, "/api/v1/definitions/dunning/graph?format=png");
  CHECK(png.result_int() == 400);
  CHECK_THAT(std::string(problem_of(png).at("detail").as_string()), Catch::Contains("'png'"));
  auto no_version = f.client->request(wire::verb::get, "/api/v1/definitions/dunning?version=2");
  CHECK(no_version.result_int() == 404);
  CHECK_THAT(std::string(problem_of(no_version).at("detail").as_string()),
             Catch::Contains("the newest is 1"));
  CHECK(f.client->request(wire::verb::get, "/api/v1/definitions/dunning?version=0").result_int() ==
        400);
  CHECK(f.client->request(wire::verb::get, "/api/v1/definitions/nope").result_int() == 404);
}

TEST_CASE("starting again with a business key answers 200 with the first instance", "[http][api]") {
  Fixture f;
  const auto id = f.start("R-1");
  auto again = f.client->request(wire::verb::post, "/api/v1/instances",
                                 R"({"workflow": "dunning", "business_key": "R-1",
                                     "input": {"invoice": "R-1"}})");
  CHECK(json_of(again, 200).at("id").as_string() == id);
  CHECK(f.engine.instance_ids()->size() == 1);
  auto wrong_key = f.client->request(wire::verb::post, "/api/v1/instances",
                                     R"({"workflow": "dunning", "business_key": 7})");
  CHECK(wrong_key.result_int() == 422);
  CHECK_THAT(std::string(problem_of(wrong_key).at("detail").as_string()),
             Catch::Contains("\"business_key\""));
}

TEST_CASE("instances are listed by filters, a page at a time", "[http][api]") {
  Fixture f;
  std::vector<std::string> ids;
  for (const char* invoice : {"R-1", "R-2", "R-3", "R-4", "R-5"}) ids.push_back(f.start(invoice));
  REQUIRE(
      f.client->request(wire::verb::post, form_path(ids[1]), std::string(good_form)).result_int() ==
      200);

  SECTION("pages of the limit, each with the cursor to the next") {
    std::vector<std::string> seen;
    std::string target = "/api/v1/instances?limit=2";
    for (int pages = 0; pages < 5; ++pages) {
      auto page = json_of(f.client->request(wire::verb::get, target), 200);
      for (const auto& entry : page.at("instances").as_array())
        seen.emplace_back(entry.at("id").as_string());
      if (!page.contains("next_cursor")) break;
      target =
          "/api/v1/instances?limit=2&cursor=" + std::string(page.at("next_cursor").as_string());
    }
    CHECK(seen == ids);
  }
  SECTION("the default page is the server's largest") {
    auto page = json_of(f.client->request(wire::verb::get, "/api/v1/instances"), 200);
    CHECK(page.at("instances").as_array().size() == 3);
    CHECK(page.at("next_cursor").as_string() == ids[2]);
  }
  SECTION("filters: business key, assignee, status, times") {
    auto by_key =
        json_of(f.client->request(wire::verb::get, "/api/v1/instances?business_key=R-4"), 200);
    REQUIRE(by_key.at("instances").as_array().size() == 1);
    CHECK(by_key.at("instances").as_array()[0].at("id").as_string() == ids[3]);

    auto collections =
        json_of(f.client->request(wire::verb::get, "/api/v1/instances?assignee=collections"), 200);
    REQUIRE(collections.at("instances").as_array().size() == 1);
    const auto& waiting = collections.at("instances").as_array()[0].as_object();
    CHECK(waiting.at("id").as_string() == ids[1]);
    CHECK(waiting.at("waiting").as_array()[0].at("step") == "review");

    auto none = json_of(
        f.client->request(wire::verb::get, "/api/v1/instances?status=completed&workflow=dunning"),
        200);
    CHECK(none.at("instances").as_array().empty());
    auto future = json_of(
        f.client->request(wire::verb::get, "/api/v1/instances?started_from=2999-01-01T00:00:00Z"),
        200);
    CHECK(future.at("instances").as_array().empty());
  }
  SECTION("a limit past the server's, a bad status, time or cursor is 400") {
    for (const char* target :
         {"/api/v1/instances?limit=4", "/api/v1/instances?limit=0", "/api/v1/instances?limit=x",
          "/api/v1/instances?status=sleeping", "/api/v1/instances?updated_until=yesterday",
          "/api/v1/instances?cursor=i-nope"}) {
      INFO(target);
      auto refused = f.client->request(wire::verb::get, target);
      CHECK(refused.result_int() == 400);
      CHECK(problem_of(refused).at("title") == "Bad query parameter");
    }
  }
}

TEST_CASE("a form is recorded whole, or refused whole naming every answer", "[http][api]") {
  Fixture f;
  const auto id = f.start("R-1");
  auto refused = f.client->request(wire::verb::post, form_path(id),
                                   R"({"answers": {"ok": "yes", "note": "x", "extra": 1}})");
  CHECK(refused.result_int() == 422);
  const auto problem = problem_of(refused);
  const auto& errors = problem.at("errors").as_array();
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].at("pointer") == "/answers/ok");
  CHECK(errors[1].at("pointer") == "/answers/note");
  CHECK(errors[2].at("pointer") == "/answers/extra");
  CHECK(problem.at("detail") == "3 answer(s) are refused; nothing was recorded");
  CHECK(f.engine.history(id)->size() == 3);  // started, step started, waiting: nothing added

  auto empty = f.client->request(wire::verb::post, form_path(id), "{}");
  CHECK(empty.result_int() == 422);
  auto bad_signature =
      f.client->request(wire::verb::post, form_path(id), R"({"signatures": [{"item": "signed"}]})");
  CHECK(bad_signature.result_int() == 422);
  CHECK_THAT(std::string(problem_of(bad_signature).at("detail").as_string()),
             Catch::Contains("\"signer\""));

  auto recorded =
      json_of(f.client->request(wire::verb::post, form_path(id), std::string(good_form)), 200);
  CHECK(recorded.at("data").at("steps").at("check").at("answers").at("note") == "fine");
  CHECK(recorded.at("tasks").as_array().size() == 1);
  // The step is done: a second form has no step waiting for it.
  auto late = f.client->request(wire::verb::post, form_path(id), std::string(good_form));
  CHECK(late.result_int() == 422);
  CHECK_THAT(std::string(problem_of(late).at("detail").as_string()),
             Catch::Contains("does not wait"));
}

TEST_CASE("the inbox lists open tasks by assignee; completing one moves its instance on",
          "[http][api]") {
  Fixture f;
  std::vector<std::string> ids;
  for (const char* invoice : {"R-1", "R-2", "R-3", "R-4"}) {
    ids.push_back(f.start(invoice));
    REQUIRE(f.client->request(wire::verb::post, form_path(ids.back()), std::string(good_form))
                .result_int() == 200);
  }
  auto first =
      json_of(f.client->request(wire::verb::get, "/api/v1/tasks?assignee=collections"), 200);
  const auto& tasks = first.at("tasks").as_array();
  REQUIRE(tasks.size() == 3);
  CHECK(tasks[0].at("instance").as_string() == ids[0]);
  CHECK(tasks[0].at("title") == "Review R-1");
  CHECK(tasks[0].as_object().contains("due"));
  REQUIRE(first.contains("next_cursor"));
  // The cursor holds a space, sent escaped.
  std::string cursor(first.at("next_cursor").as_string());
  cursor.replace(cursor.find(' '), 1, "%20");
  auto second = json_of(
      f.client->request(wire::verb::get, "/api/v1/tasks?assignee=collections&cursor=" + cursor),
      200);
  REQUIRE(second.at("tasks").as_array().size() == 1);
  CHECK(second.at("tasks").as_array()[0].at("instance").as_string() == ids[3]);
  CHECK(json_of(f.client->request(wire::verb::get, "/api/v1/tasks?assignee=sales"), 200)
            .at("tasks")
            .as_array()
            .empty());
  CHECK(f.client->request(wire::verb::get, "/api/v1/tasks?cursor=nope").result_int() == 400);

  // The link escapes the slashes of the task's id.
  const std::string complete(tasks[0].at("complete").as_string());
  CHECK(complete.find("%2F") != std::string::npos);
  auto wrong = f.client->request(wire::verb::post, complete, R"({"outcome": "maybe"})");
  CHECK(wrong.result_int() == 422);
  CHECK_THAT(std::string(problem_of(wrong).at("detail").as_string()),
             Catch::Contains("approve, reject"));
  auto done =
      json_of(f.client->request(wire::verb::post, complete, R"({"outcome": "approve"})"), 200);
  CHECK(done.at("tasks").as_array()[0].at("outcome") == "approve");
  CHECK(done.at("tasks").as_array()[0].at("completed_by") == "api");
  // Completed once: again is a conflict, and the inbox no longer shows it.
  auto twice = f.client->request(wire::verb::post, complete, R"({"outcome": "approve"})");
  CHECK(twice.result_int() == 422);
  CHECK_THAT(std::string(problem_of(twice).at("detail").as_string()),
             Catch::Contains("already completed"));
  auto after =
      json_of(f.client->request(wire::verb::get, "/api/v1/tasks?assignee=collections"), 200);
  CHECK(after.at("tasks").as_array()[0].at("instance").as_string() == ids[1]);
}

TEST_CASE("a signal reaches the instance by id or by correlation key", "[http][api]") {
  Fixture f;
  const auto first = f.start("R-1");
  const auto second = f.start("R-2");
  for (const auto& id : {first, second}) {
    REQUIRE(
        f.client->request(wire::verb::post, form_path(id), std::string(good_form)).result_int() ==
        200);
    const auto task = f.engine.get(id)->tasks.at(0).id;
    REQUIRE(f.engine.complete_task(id, task, "approve", "erika"));
  }
  auto both = f.client->request(wire::verb::post, "/api/v1/signals/payment_received",
                                R"({"instance": "x", "correlation": "R-1"})");
  CHECK(both.result_int() == 422);
  auto by_key = f.client->request(wire::verb::post, "/api/v1/signals/payment_received",
                                  R"({"correlation": "R-1", "payload": {"amount": 10}})");
  CHECK(json_of(by_key, 200).at("delivered_to") == "R-1");
  CHECK(f.engine.get(first)->status == InstanceStatus::completed);
  auto by_id = f.client->request(wire::verb::post, "/api/v1/signals/payment_received",
                                 R"({"instance": ")" + second + R"("})");
  CHECK(by_id.result_int() == 200);
  CHECK(f.engine.get(second)->status == InstanceStatus::completed);
  auto nobody = f.client->request(wire::verb::post, "/api/v1/signals/payment_received",
                                  R"({"correlation": "R-1"})");
  CHECK(nobody.result_int() == 404);
}

TEST_CASE("an instance's history, timeline and graph; cancelling it once", "[http][api]") {
  Fixture f;
  const auto id = f.start("R-1");
  auto history =
      json_of(f.client->request(wire::verb::get, "/api/v1/instances/" + id + "/history"), 200);
  CHECK(history.at("events").as_array().size() == 3);
  CHECK(history.at("events").as_array()[0].at("type") == "instance_started");
  auto timeline = json_of(
      f.client->request(wire::verb::get, "/api/v1/instances/" + id + "/timeline?lang=en"), 200);
  CHECK_THAT(std::string(timeline.at("entries").as_array()[0].at("text").as_string()),
             Catch::Contains("Started"));
  auto graph = f.client->request(wire::verb::get, "/api/v1/instances/" + id + "/graph");
  CHECK_THAT(graph.body(), Catch::Contains("check"));

  auto bad_reason = f.client->request(wire::verb::post, "/api/v1/instances/" + id + "/cancel",
                                      R"({"reason": 1})");
  CHECK(bad_reason.result_int() == 422);
  auto cancelled =
      json_of(f.client->request(wire::verb::post, "/api/v1/instances/" + id + "/cancel",
                                R"({"reason": "paid in cash"})"),
              200);
  CHECK(cancelled.at("status") == "cancelled");
  auto again = f.client->request(wire::verb::post, "/api/v1/instances/" + id + "/cancel");
  CHECK(again.result_int() == 422);
  CHECK_THAT(std::string(problem_of(again).at("detail").as_string()),
             Catch::Contains("has already"));
  CHECK(f.client->request(wire::verb::get, "/api/v1/instances/i-nope/timeline").result_int() ==
        404);
}

TEST_CASE("a call repeated with its Idempotency-Key is answered again, not made again",
          "[http][api][requests]") {
  Fixture f;
  const std::string start = R"({"workflow": "dunning", "input": {"invoice": "R-1"}})";
  auto first = f.client->request(wire::verb::post, "/api/v1/instances", start,
                                 {{"Idempotency-Key", "k-start"}});
  const std::string id(json_of(first, 201).at("id").as_string());
  CHECK(first[wire::field::location] == "/api/v1/instances/" + id);
  CHECK(first["Idempotent-Replayed"].empty());
  // Without a business key, only the key tells a retry from a second invoice.
  auto retried = f.client->request(wire::verb::post, "/api/v1/instances", start,
                                   {{"Idempotency-Key", "k-start"}});
  CHECK(json_of(retried, 201).at("id").as_string() == id);
  CHECK(retried["Idempotent-Replayed"] == "true");
  CHECK(retried[wire::field::location] == "/api/v1/instances/" + id);
  CHECK(f.engine.instance_ids()->size() == 1);

  // The same key with another body is a client's mistake, not a retry.
  auto reused = f.client->request(wire::verb::post, "/api/v1/instances",
                                  R"({"workflow": "dunning", "input": {"invoice": "R-2"}})",
                                  {{"Idempotency-Key", "k-start"}});
  CHECK(reused.result_int() == 422);
  CHECK(problem_of(reused).at("title") == "Idempotency-Key reused");
  CHECK(f.engine.instance_ids()->size() == 1);

  REQUIRE(f.client
              ->request(wire::verb::post, form_path(id), std::string(good_form),
                        {{"Idempotency-Key", "k-form"}})
              .result_int() == 200);
  auto form_again = f.client->request(wire::verb::post, form_path(id), std::string(good_form),
                                      {{"Idempotency-Key", "k-form"}});
  CHECK(form_again.result_int() == 200);  // not "the step does not wait": the form is in
  CHECK(form_again["Idempotent-Replayed"] == "true");

  auto inbox = json_of(f.client->request(wire::verb::get, "/api/v1/tasks"), 200);
  const std::string complete(inbox.at("tasks").as_array().at(0).at("complete").as_string());
  const auto events_before = f.engine.history(id)->size();
  REQUIRE(f.client
              ->request(wire::verb::post, complete, R"({"outcome": "approve"})",
                        {{"Idempotency-Key", "k-task"}})
              .result_int() == 200);
  const auto events_after = f.engine.history(id)->size();
  CHECK(events_after > events_before);
  auto completed_again = f.client->request(wire::verb::post, complete, R"({"outcome": "approve"})",
                                           {{"Idempotency-Key", "k-task"}});
  CHECK(json_of(completed_again, 200).at("tasks").as_array()[0].at("outcome") == "approve");
  CHECK(f.engine.history(id)->size() == events_after);  // completed once

  auto paid = f.client->request(wire::verb::post, "/api/v1/signals/payment_received",
                                R"({"correlation": "R-1"})", {{"Idempotency-Key", "k-paid"}});
  CHECK(json_of(paid, 200).at("delivered_to") == "R-1");
  auto paid_again = f.client->request(wire::verb::post, "/api/v1/signals/payment_received",
                                      R"({"correlation": "R-1"})", {{"Idempotency-Key", "k-paid"}});
  CHECK(json_of(paid_again, 200).at("delivered_to") == "R-1");  // not 404: it was delivered
  CHECK(paid_again["Idempotent-Replayed"] == "true");

  SECTION("a key of the longest length is taken, one byte more and an empty one are not") {
    const std::string longest(255, 'k');
    CHECK(
        f.client
            ->request(wire::verb::post, "/api/v1/instances", start, {{"Idempotency-Key", longest}})
            .result_int() == 201);
    auto too_long = f.client->request(wire::verb::post, "/api/v1/instances", start,
                                      {{"Idempotency-Key", longest + "k"}});
    CHECK(too_long.result_int() == 400);
    CHECK(problem_of(too_long).at("title") == "Bad Idempotency-Key");
    auto empty =
        f.client->request(wire::verb::post, "/api/v1/instances", start, {{"Idempotency-Key", ""}});
    CHECK(empty.result_int() == 400);
    CHECK(f.engine.instance_ids()->size() == 2);
  }
}

TEST_CASE("a checklist step's form model has its items, rules, visibility and answers",
          "[http][api][forms]") {
  Fixture f;
  auto visit =
      load_definition(R"({"id": "visit", "version": 1, "kind": "workflow", "title": "Visit",
    "default_language": "de",
    "steps": [
      {"id": "call", "type": "fill_checklist", "title": {"de": "Anruf", "en": "Call"},
       "sections": [{"id": "talk", "title": {"de": "Gespräch", "en": "Talk"}, "items": [
         {"id": "reached", "kind": "choice", "label": {"de": "Erreicht?", "en": "Reached?"},
          "options": [{"value": "yes", "label": {"de": "Ja", "en": "Yes"}},
                      {"value": "no", "label": {"de": "Nein", "en": "No"}}]},
         {"id": "amount", "kind": "number", "label": "Betrag", "min": 0, "max": 5000,
          "unit": "EUR", "required": false},
         {"id": "why", "kind": "text", "label": "Warum nicht?",
          "visible_if": "steps.call.answers.reached == 'no'"}]}],
       "next": "done"},
      {"id": "done", "type": "end"}]})",
                      "visit.json");
  REQUIRE(visit);
  auto compiled = Workflow::compile(std::move(*visit));
  REQUIRE(compiled);
  REQUIRE(f.engine.deploy(std::move(*compiled)));
  auto started = f.engine.start("visit", json::object());
  REQUIRE(started);
  const std::string path = "/api/v1/instances/" + *started + "/steps/call/form";

  auto blank = json_of(f.client->request(wire::verb::get, path), 200);
  CHECK(blank.at("title") == "Anruf");
  CHECK(blank.at("waiting") == true);
  CHECK(blank.at("submit").as_string() == path);
  const auto& items = blank.at("sections").as_array()[0].at("items").as_array();
  REQUIRE(items.size() == 3);
  CHECK(items[0].at("kind") == "choice");
  CHECK(items[0].at("options").as_array()[1].at("label") == "Nein");
  CHECK(items[1].at("unit") == "EUR");
  CHECK(items[1].at("max").to_number<double>() == 5000);
  CHECK(items[1].at("required") == false);
  CHECK(items[2].at("visible_if").at("rule") == "steps.call.answers.reached == 'no'");
  CHECK(items[2].at("visible") == false);
  CHECK_FALSE(items[0].as_object().contains("answer"));

  // Answered "no": the reason shows, and the answer is there; the step still waits for it.
  REQUIRE(f.engine.answer(*started, "call", "reached", "no", "erika"));
  auto answered = json_of(f.client->request(wire::verb::get, path + "?lang=en"), 200);
  CHECK(answered.at("title") == "Call");
  const auto& now = answered.at("sections").as_array()[0].at("items").as_array();
  CHECK(now[0].at("answer") == "no");
  CHECK(now[0].at("label") == "Reached?");
  CHECK(now[2].at("visible") == true);
  CHECK(answered.at("waiting") == true);

  REQUIRE(f.engine.answer(*started, "call", "why", "verreist", "erika"));
  auto done = json_of(f.client->request(wire::verb::get, path), 200);
  CHECK(done.at("waiting") == false);
  CHECK_FALSE(done.contains("submit"));
  CHECK(f.client->request(wire::verb::get, "/api/v1/instances/" + *started + "/steps/done/form")
            .result_int() == 404);
  CHECK(
      f.client->request(wire::verb::get, "/api/v1/instances/i-nope/steps/call/form").result_int() ==
      404);
}

TEST_CASE("a definition is deployed over the API, or refused with every finding located",
          "[http][api][definitions]") {
  auto store = SqliteStore::open(":memory:");
  REQUIRE(store);
  Engine engine({.store = store->get()});
  http::Server server(engine, {.port = 0, .store = store->get()});
  REQUIRE(server.start());
  Client client(server.port());
  const auto kept = [&] { return *(*store)->definitions(); };

  const std::string broken = R"({"id": "notice", "version": 1, "kind": "workflow", "title": "N",
  "steps": [
    {"id": "mail", "type": "send_emial", "next": "done"},
    {"id": "done", "type": "end", "nxt": "mail"}]})";
  auto refused = client.request(wire::verb::post, "/api/v1/definitions?file=notice.json", broken);
  CHECK(refused.result_int() == 422);
  const auto problem = problem_of(refused);
  CHECK(problem.at("title") == "The definition has errors");
  const auto& findings = problem.at("findings").as_array();
  REQUIRE(findings.size() >= 2);
  CHECK(findings[0].at("severity") == "error");
  CHECK(findings[0].at("code") == "unknown_step_type");
  CHECK(findings[0].at("pointer") == "/steps/0/type");
  CHECK(findings[0].at("line") == 3);
  CHECK_THAT(std::string(findings[0].at("message").as_string()), Catch::Contains("send_email"));
  CHECK(engine.workflows().empty());
  CHECK(kept().empty());

  const std::string notice = R"({"id": "notice", "version": 1, "kind": "workflow", "title": "N",
  "steps": [{"id": "done", "type": "end"}]})";
  auto deployed = client.request(wire::verb::post, "/api/v1/definitions", notice);
  const auto summary = json_of(deployed, 201);
  CHECK(summary.at("id") == "notice");
  CHECK(summary.at("warnings").as_array().empty());
  CHECK(deployed[wire::field::location] == "/api/v1/definitions/notice?version=1");
  REQUIRE(kept().size() == 1);
  CHECK(kept()[0].source == notice);  // the text as sent, for the next start
  CHECK(engine.workflow("notice"));

  // Sent again: nothing changes. Another text under the same version: refused.
  CHECK(json_of(client.request(wire::verb::post, "/api/v1/definitions", notice), 200).at("id") ==
        "notice");
  auto changed = notice;
  changed.replace(changed.find("\"N\""), 3, "\"M\"");
  auto conflict = client.request(wire::verb::post, "/api/v1/definitions", changed);
  CHECK(conflict.result_int() == 409);
  CHECK_THAT(std::string(problem_of(conflict).at("detail").as_string()),
             Catch::Contains("new version"));
  CHECK(kept().size() == 1);
  CHECK(client.request(wire::verb::post, "/api/v1/definitions", "not json").result_int() == 422);
}

TEST_CASE("a server that keeps no definitions deploys none", "[http][api][definitions]") {
  Fixture f;
  auto refused = f.client->request(wire::verb::post, "/api/v1/definitions",
                                   R"({"id": "x", "version": 1, "kind": "workflow", "title": "X",
                                       "steps": [{"id": "done", "type": "end"}]})");
  CHECK(refused.result_int() == 501);
  CHECK_FALSE(f.engine.workflow("x"));
}

TEST_CASE("the key figures of a workflow and a period, as ablauf kpi gives them",
          "[http][api][kpi]") {
  auto store = SqliteStore::open(":memory:");
  REQUIRE(store);
  Engine engine({.store = store->get()});
  auto definition = load_definition(dunning, "dunning.json");
  REQUIRE(definition);
  REQUIRE(engine.deploy(*Workflow::compile(std::move(*definition))));
  http::Server server(engine, {.port = 0, .store = store->get()});
  REQUIRE(server.start());
  Client client(server.port());
  for (const char* invoice : {"R-1", "R-2"})
    REQUIRE(engine.start("dunning", json::object{{"invoice", invoice}}));
  REQUIRE(engine.cancel(engine.instance_ids()->front(), "jonas"));

  const auto figures = json_of(
      client.request(wire::verb::get, "/api/v1/kpi?workflow=dunning&since=2000-01-01"), 200);
  CHECK(figures.at("instances").at("started") == 2);
  CHECK(figures.at("instances").at("waiting") == 1);
  CHECK(figures.at("instances").at("cancelled") == 1);
  auto unknown = client.request(wire::verb::get, "/api/v1/kpi?workflow=dunnig");
  CHECK(unknown.result_int() == 404);
  CHECK(client.request(wire::verb::get, "/api/v1/kpi?at=someday").result_int() == 400);

  Fixture without_store;
  CHECK(without_store.client->request(wire::verb::get, "/api/v1/kpi").result_int() == 501);
}

TEST_CASE("the schedules of the deployed workflows, with their next occurrences",
          "[http][api][schedule]") {
  ManualClock clock(*parse_rfc3339("2026-12-07T10:00:00Z"));
  Engine engine({.clock = &clock});
  REQUIRE(engine.deploy(compile_text(R"({"id": "billing", "version": 1, "kind": "workflow",
    "title": "Abrechnung", "time_zone": "Europe/Berlin",
    "schedules": [{"id": "monthly", "rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0"}],
    "steps": [{"id": "done", "type": "end"}]})")));
  http::Server server(engine, {.port = 0});
  REQUIRE(server.start());
  Client client(server.port());
  // The body of a JSON array response that has that status.
  const auto array_of = [](const auto& response) {
    INFO(response.body());
    CHECK(response.result_int() == 200);
    auto body = json::parse(response.body());
    REQUIRE(body.is_array());
    return body.as_array();
  };
  auto listed = array_of(client.request(wire::verb::get, "/api/v1/schedules?next=2"));
  REQUIRE(listed.size() == 1u);
  const auto& monthly = listed[0];
  CHECK(monthly.at("schedule") == "monthly");
  CHECK(monthly.at("rule") == "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0");
  CHECK(monthly.at("next") == json::array{"2027-01-01T05:00:00Z", "2027-02-01T05:00:00Z"});
  CHECK_FALSE(monthly.as_object().contains("last"));  // not run yet
  REQUIRE(engine.run_schedules() == 0u);
  auto after = array_of(client.request(wire::verb::get, "/api/v1/schedules"));
  CHECK(after[0].at("last") == "2026-12-07T10:00:00Z");
  CHECK(after[0].at("next").as_array().size() == 3u);
  for (const char* bad : {"0", "101", "drei", "2x"})
    CHECK(client.request(wire::verb::get, std::string("/api/v1/schedules?next=") + bad)
              .result_int() == 400);
}

TEST_CASE("an instance's checklists as filled in, as HTML, PDF or Markdown", "[http][api]") {
  Fixture f;
  const auto id = f.start("R-7");
  REQUIRE(f.client->request(wire::verb::post, form_path(id), std::string(good_form)).result_int() ==
          200);
  auto html = f.client->request(wire::verb::get, "/api/v1/instances/" + id + "/form");
  CHECK(html.result_int() == 200);
  CHECK(html[wire::field::content_type] == "text/html; charset=utf-8");
  CHECK_THAT(html.body(), Catch::Contains("fine"));   // the answer given
  CHECK_THAT(html.body(), Catch::Contains("erika"));  // the signer
  CHECK_THAT(html.body(), Catch::Contains(id));
  auto pdf = f.client->request(wire::verb::get, "/api/v1/instances/" + id + "/form?format=pdf");
  CHECK(pdf.result_int() == 200);
  CHECK(pdf[wire::field::content_type] == "application/pdf");
  CHECK_THAT(pdf.body(), Catch::StartsWith("%PDF-"));
  auto markdown =
      f.client->request(wire::verb::get, "/api/v1/instances/" + id + "/form?format=markdown");
  CHECK_THAT(markdown.body(), Catch::Contains("erika"));
  auto odt = f.client->request(wire::verb::get, "/api/v1/instances/" + id + "/form?format=odt");
  CHECK(odt.result_int() == 400);
  CHECK_THAT(std::string(problem_of(odt).at("detail").as_string()), Catch::Contains("'odt'"));
  CHECK(f.client->request(wire::verb::get, "/api/v1/instances/i-nope/form").result_int() == 404);
}

TEST_CASE("a graph as SVG without Graphviz is 501, saying how to get it", "[http][api]") {
  Fixture f;
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent", 1);  // this test case runs in a process of its own
  auto svg = f.client->request(wire::verb::get, "/api/v1/definitions/dunning/graph?format=svg");
  ::setenv("PATH", path.c_str(), 1);
  CHECK(svg.result_int() == 501);
  CHECK_THAT(std::string(problem_of(svg).at("detail").as_string()),
             Catch::Contains("apt-get install graphviz"));
}

namespace {

// A meter reading with a photo item (tests/data/good/meter_reading.json).
struct FilesFixture {
  FilesFixture(http::ServerOptions options = {.port = 0}) {
    REQUIRE(engine.deploy(compile_file(data_dir() / "good" / "meter_reading.json")));
    server.emplace(engine, options);
    REQUIRE(server->start());
    client.emplace(server->port());
    auto started = engine.start("meter_reading", json::object());
    REQUIRE(started);
    id = *started;
  }
  std::string upload_path(const std::string& item = "meter_photo") const {
    return "/api/v1/instances/" + id + "/steps/reading/items/" + item + "/files";
  }
  Engine engine;
  std::optional<http::Server> server;
  std::optional<Client> client;
  std::string id;
};

}  // namespace

TEST_CASE("a photo is uploaded, answered with by reference, and read back by hash",
          "[http][api][files]") {
  FilesFixture f;
  auto uploaded = f.client->request(wire::verb::post, f.upload_path() + "?name=Z%C3%A4hler.png",
                                    png_photo, {{"Content-Type", "image/png"}});
  const auto reference = json_of(uploaded, 201);
  CHECK(reference.at("name").as_string() == "Zähler.png");
  CHECK(reference.at("media_type").as_string() == "image/png");
  CHECK(reference.at("size").as_int64() == static_cast<std::int64_t>(png_photo.size()));
  const std::string sha256(reference.at("sha256").as_string());
  CHECK(uploaded[wire::field::location] == "/api/v1/instances/" + f.id + "/files/" + sha256);
  // Kept, not answered: no answer refers to it, so it is not read back.
  CHECK(f.client->request(wire::verb::get, "/api/v1/instances/" + f.id + "/files/" + sha256)
            .result_int() == 404);

  auto answered = f.client->request(
      wire::verb::post, "/api/v1/instances/" + f.id + "/steps/reading/form",
      to_json_text(
          json::object{{"answers", json::object{{"meter_photo", json::array{reference}}}}}));
  CHECK(answered.result_int() == 200);
  auto read = f.client->request(wire::verb::get, "/api/v1/instances/" + f.id + "/files/" + sha256);
  CHECK(read.result_int() == 200);
  CHECK(read.body() == png_photo);
  CHECK(read[wire::field::content_type] == "image/png");
  CHECK(read[wire::field::content_disposition] == "inline; filename*=UTF-8''Z%C3%A4hler.png");
  CHECK(read["Content-Security-Policy"] == "sandbox; default-src 'none'");
  CHECK(read["X-Content-Type-Options"] == "nosniff");
  // The form model says where to upload, what is taken, and links each file answered.
  const auto model = json_of(
      f.client->request(wire::verb::get, "/api/v1/instances/" + f.id + "/steps/reading/form"), 200);
  const auto& items = model.at("sections").at(0).at("items").as_array();
  const auto photo = std::find_if(items.begin(), items.end(), [](const json::value& item) {
    return item.at("id") == "meter_photo";
  });
  REQUIRE(photo != items.end());
  CHECK(photo->at("upload").as_string() == f.upload_path());
  CHECK(photo->at("max_files").as_int64() == 3);
  CHECK(photo->at("answer").at(0).at("href").as_string() ==
        "/api/v1/instances/" + f.id + "/files/" + sha256);
}

TEST_CASE("an upload is refused for what its item does not take, and past the upload limit",
          "[http][api][files]") {
  FilesFixture f({.port = 0, .max_upload_bytes = 4096});
  const auto refused = [&](const std::string& target, const std::string& body,
                           const std::string& type, unsigned status) {
    auto answer = f.client->request(wire::verb::post, target, body, {{"Content-Type", type}});
    CHECK(answer.result_int() == status);
    return answer.result_int() == 413 ? std::string()
                                      : std::string(problem_of(answer).at("detail").as_string());
  };
  CHECK_THAT(refused(f.upload_path() + "?name=a.png", pdf_letter, "image/png", 422),
             Catch::Contains("its content is application/pdf"));
  CHECK_THAT(refused(f.upload_path("letter") + "?name=a.txt", "Hallo", "text/plain", 422),
             Catch::Contains("text/plain, which this item does not take"));
  CHECK_THAT(refused(f.upload_path() + "?nom=a.png", png_photo, "image/png", 400),
             Catch::Contains("?name="));
  CHECK_THAT(refused(f.upload_path("value") + "?name=a.png", png_photo, "image/png", 422),
             Catch::Contains("takes no files"));
  // The upload limit, at its edge: 4096 bytes arrive (and are kept), 4097 do not.
  std::string photo = png_photo;
  photo.resize(4096, '\0');
  CHECK(f.client
            ->request(wire::verb::post, f.upload_path() + "?name=a.png", photo,
                      {{"Content-Type", "image/png"}})
            .result_int() == 201);
  photo += '\0';
  FilesFixture again({.port = 0, .max_upload_bytes = 4096});
  CHECK(again.client
            ->request(wire::verb::post, again.upload_path() + "?name=a.png", photo,
                      {{"Content-Type", "image/png"}})
            .result_int() == 413);
  // Other bodies keep max_body_bytes.
  CHECK(http::ServerOptions{.max_upload_bytes = 1023}.check() ==
        "ServerOptions::max_upload_bytes must be between 1 KiB and 2 GiB, not 1023");
}
