// Users, roles and sign-in (docs/http.md#users-and-roles): the users file as read, bearer
// tokens and sessions at the gate, and who may answer, sign, complete, cancel and deploy.
#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>
#include <ablauf/http_users.hpp>
#include <ablauf/workflow.hpp>

#include "http_client.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace {
using namespace ablauf;
using namespace ablauf::test;

// A user of the test's users file, with the token it was given.
struct Person {
  std::string name;
  std::string roles;  // as JSON
  std::string token;
};

// The users of every test, their secrets hashed once: Argon2id takes a tenth of a second each.
struct Users {
  Users() {
    auto password = http::hash_secret("richtig-geheim");
    REQUIRE(password);
    const std::vector<std::pair<std::string, std::string>> people = {
        {"anna", R"(["billing_team"])"},
        {"max", R"(["collections"])"},
        {"chef", R"(["manager", "billing_team", "collections"])"},
        {"root", R"(["admin"])"},
        {"bank", R"(["integration"])"}};
    std::string file = R"({"users": [)";
    for (const auto& [name, roles] : people) {
      auto token = http::make_token();
      REQUIRE(token);
      tokens[name] = token->token;
      if (file.back() != '[') file += ",";
      file += R"({"name": ")" + name + R"(", "roles": )" + roles + R"(, "password": ")" +
              *password + R"(", "tokens": [{"id": ")" + token->id + R"(", "hash": ")" +
              token->hash + R"("}]})";
    }
    file += "]}";
    text = file;
  }
  std::string text;
  std::map<std::string, std::string> tokens;
};

const Users& users() {
  static const Users made;
  return made;
}

// A checklist whose first section billing answers and whose sign-off only a manager gives; a
// task for collections.
const char* const approval = R"({"id": "approval", "version": 1, "kind": "workflow",
  "title": "Approval",
  "steps": [
    {"id": "check", "type": "fill_checklist", "title": "Check", "assignee": "billing_team",
     "sections": [
       {"id": "facts", "title": "Facts", "items": [
         {"id": "amount", "kind": "number", "label": "Amount"}]},
       {"id": "decision", "title": "Decision", "roles": ["manager"], "items": [
         {"id": "approved", "kind": "checkbox", "label": "Approved"},
         {"id": "signed", "kind": "signature", "label": "Signed", "roles": ["manager"]}]}],
     "next": "collect"},
    {"id": "collect", "type": "create_task", "title": "Collect", "assignee": "collections",
     "outcomes": ["paid", "written_off"], "next": "payment"},
    {"id": "payment", "type": "wait", "event": "paid", "next": "done"},
    {"id": "done", "type": "end"}]})";

struct Fixture {
  explicit Fixture(http::ServerOptions options = {}) {
    auto file = http::UsersFile::read(users().text, "users.json");
    REQUIRE(file);
    authenticator = std::move(*file);
    REQUIRE(engine.deploy(compile_text(approval)));
    options.port = 0;
    options.authenticator = authenticator.get();
    server.emplace(engine, options);
    REQUIRE(server->start());
    client.emplace(server->port());
  }

  // A request with the bearer token of `who`.
  wire::response<wire::string_body> as(const std::string& who, wire::verb verb, std::string target,
                                       std::string body = {}) {
    return client->request(verb, std::move(target), std::move(body),
                           {{"Authorization", "Bearer " + users().tokens.at(who)}});
  }

  std::string start() {
    auto started = as("anna", wire::verb::post, "/api/v1/instances", R"({"workflow": "approval"})");
    return std::string(json_of(started, 201).at("id").as_string());
  }

  std::unique_ptr<http::UsersFile> authenticator;
  Engine engine;
  std::optional<http::Server> server;
  std::optional<Client> client;
};

std::string form_path(const std::string& id) {
  return "/api/v1/instances/" + id + "/steps/check/form";
}

std::string detail_of(const wire::response<wire::string_body>& response) {
  return std::string(problem_of(response).at("detail").as_string());
}

}  // namespace

TEST_CASE("a users file is read with every problem located", "[http][users]") {
  SECTION("a good file") {
    auto file = http::UsersFile::read(users().text, "users.json");
    REQUIRE(file);
    REQUIRE((*file)->users().size() == 5);
    const auto& chef = (*file)->users()[2];
    CHECK(chef.name == "chef");
    CHECK(chef.roles ==
          std::vector<std::string>{"billing_team", "collections", "manager"});  // sorted
    CHECK(chef.is("manager"));
    CHECK(chef.is("chef"));
    CHECK(chef.is(""));
    CHECK_FALSE(chef.is("integration"));
  }
  SECTION("every problem at once") {
    const std::string text = R"({"users": [
  {"name": "9lives", "password": "geheim"},
  {"name": "anna", "roles": ["billing team"], "tokens": [{"id": "xyz", "hash": "$argon2id$x"}]},
  {"name": "anna", "colour": "blue"},
  {"name": "manager"},
  {"name": "erika", "roles": ["manager"]}
]})";
    auto file = http::UsersFile::read(text, "users.json");
    REQUIRE_FALSE(file);
    std::vector<std::string> found;
    for (const auto& finding : file.error()) found.push_back(format(finding));
    INFO(Catch::rangeToString(found));
    const auto has = [&](std::string_view part) {
      return std::any_of(found.begin(), found.end(),
                         [&](const auto& f) { return f.find(part) != std::string::npos; });
    };
    CHECK(has("users.json:2:12: error:"));               // the name that is no identifier
    CHECK(has("never the secret itself"));               // a password in clear text
    CHECK(has("(at /users/1/roles/0)"));                 // a role that is no identifier
    CHECK(has("16 lower-case hexadecimal characters"));  // the token's id
    CHECK(has("(at /users/2/name)"));                    // anna again
    CHECK(has("'colour'"));                              // an unknown field
    CHECK(has("user 'manager' has the name of a role"));
  }
  SECTION("not JSON") {
    auto file = http::UsersFile::read("{\"users\": [", "users.json");
    REQUIRE_FALSE(file);
    CHECK(file.error().has_errors());
  }
}

TEST_CASE("passwords and tokens are checked against their hashes", "[http][users]") {
  auto file = http::UsersFile::read(users().text, "users.json");
  REQUIRE(file);
  const auto& authenticator = **file;
  CHECK(authenticator.by_password("anna", "richtig-geheim")->name == "anna");
  CHECK_FALSE(authenticator.by_password("anna", "falsch"));
  CHECK_FALSE(authenticator.by_password("nobody", "richtig-geheim"));
  const auto& token = users().tokens.at("bank");
  CHECK(authenticator.by_token(token)->name == "bank");
  CHECK(authenticator.by_token(token)->name == "bank");  // known now, by its digest
  // The same id with another secret: refused, also once the real token is known.
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  CHECK_FALSE(authenticator.by_token(forged));
  CHECK_FALSE(authenticator.by_token("ablauf_0000000000000000_00"));
  CHECK_FALSE(authenticator.by_token("not a token"));
  CHECK_FALSE(authenticator.by_token(""));
}

TEST_CASE("the gate lets in tokens and sessions, and nothing else", "[http][users]") {
  Fixture f(http::ServerOptions{.max_failed_sign_ins = 3});

  SECTION("no credentials: 401 with a challenge; open routes answer") {
    auto refused = f.client->request(wire::verb::get, "/api/v1/instances");
    CHECK(refused.result_int() == 401);
    CHECK(refused["WWW-Authenticate"] == "Bearer realm=\"ablauf\"");
    CHECK(f.client->request(wire::verb::get, "/healthz").result_int() == 200);
    CHECK(f.client->request(wire::verb::get, "/api/v1/openapi.json").result_int() == 200);
    CHECK(f.client->request(wire::verb::get, "/metrics").result_int() == 200);
  }
  SECTION("a token says who calls") {
    auto me = json_of(f.as("chef", wire::verb::get, "/api/v1/session"), 200);
    CHECK(me.at("user").at("name") == "chef");
    CHECK(me.at("user").at("roles").as_array().size() == 3);
    auto basic = f.client->request(wire::verb::get, "/api/v1/instances", {},
                                   {{"Authorization", "Basic YW5uYTpnZWhlaW0="}});
    CHECK(basic.result_int() == 401);
    CHECK_THAT(std::string(basic["WWW-Authenticate"]), Catch::Contains("invalid_request"));
  }
  SECTION("wrong tokens and passwords count; past the limit the address waits") {
    for (int i = 0; i < 2; ++i) {
      auto wrong = f.client->request(wire::verb::get, "/api/v1/instances", {},
                                     {{"Authorization", "Bearer ablauf_0000000000000000_0"}});
      CHECK(wrong.result_int() == 401);
      CHECK_THAT(std::string(wrong["WWW-Authenticate"]), Catch::Contains("invalid_token"));
    }
    auto bad_password = f.client->request(wire::verb::post, "/api/v1/session",
                                          R"({"name": "anna", "password": "falsch"})");
    CHECK(bad_password.result_int() == 401);
    CHECK(detail_of(bad_password) == "the name or the password is wrong");
    // The fourth try is refused before any secret is checked, the right one too.
    auto waiting = f.client->request(wire::verb::post, "/api/v1/session",
                                     R"({"name": "anna", "password": "richtig-geheim"})");
    CHECK(waiting.result_int() == 429);
    const int retry = std::stoi(std::string(waiting["Retry-After"]));
    CHECK(retry > 0);
    CHECK(retry <= 15 * 60);
    CHECK(f.as("anna", wire::verb::get, "/api/v1/session").result_int() == 429);
  }
  SECTION("a session by cookie, whose changes carry the CSRF token") {
    auto signed_in = f.client->request(wire::verb::post, "/api/v1/session",
                                       R"({"name": "anna", "password": "richtig-geheim"})");
    auto body = json_of(signed_in, 201);
    const std::string cookie_header(signed_in[wire::field::set_cookie]);
    CHECK_THAT(cookie_header, Catch::Contains("HttpOnly"));
    CHECK_THAT(cookie_header, Catch::Contains("SameSite=Strict"));
    CHECK_THAT(cookie_header, !Catch::Contains("Secure"));
    const std::string cookie = cookie_header.substr(0, cookie_header.find(';'));
    const std::string csrf(body.at("csrf_token").as_string());
    auto me = f.client->request(wire::verb::get, "/api/v1/session", {}, {{"Cookie", cookie}});
    CHECK(json_of(me, 200).at("user").at("name") == "anna");

    auto without = f.client->request(wire::verb::post, "/api/v1/instances",
                                     R"({"workflow": "approval"})", {{"Cookie", cookie}});
    CHECK(without.result_int() == 403);
    CHECK_THAT(detail_of(without), Catch::Contains("X-CSRF-Token"));
    auto wrong =
        f.client->request(wire::verb::post, "/api/v1/instances", R"({"workflow": "approval"})",
                          {{"Cookie", cookie}, {"X-CSRF-Token", csrf + "0"}});
    CHECK(wrong.result_int() == 403);
    CHECK(f.engine.instance_ids()->empty());
    auto with =
        f.client->request(wire::verb::post, "/api/v1/instances", R"({"workflow": "approval"})",
                          {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    auto started = json_of(with, 201);
    auto history = f.engine.history(std::string(started.at("id").as_string()));
    REQUIRE(history);
    CHECK(history->front().actor == "anna");

    auto signed_out = f.client->request(wire::verb::delete_, "/api/v1/session", {},
                                        {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    CHECK(signed_out.result_int() == 204);
    CHECK_THAT(std::string(signed_out[wire::field::set_cookie]), Catch::Contains("Max-Age=0"));
    auto ended = f.client->request(wire::verb::get, "/api/v1/session", {}, {{"Cookie", cookie}});
    CHECK(ended.result_int() == 401);
    CHECK_THAT(detail_of(ended), Catch::Contains("session has ended"));
  }
}

TEST_CASE("behind a trusted proxy, failed sign-ins count per client it names", "[http][users]") {
  const auto wrong = [](Fixture& f, const std::string& client) {
    return f.client
        ->request(wire::verb::post, "/api/v1/session", R"({"name": "anna", "password": "x"})",
                  {{"X-Forwarded-For", "198.51.100.1, " + client}})
        .result_int();
  };
  SECTION("trusted: each client its own count") {
    Fixture f(http::ServerOptions{.max_failed_sign_ins = 1, .trusted_proxies = {"127.0.0.1"}});
    CHECK(wrong(f, "203.0.113.5") == 401);
    CHECK(wrong(f, "203.0.113.5") == 429);
    CHECK(wrong(f, "203.0.113.6") == 401);     // another client behind the same proxy
    CHECK(wrong(f, "not an address") == 401);  // the proxy's own address counts then
    CHECK(wrong(f, "garbage") == 429);
  }
  SECTION("not trusted: the header is the client's word, and ignored") {
    Fixture f(http::ServerOptions{.max_failed_sign_ins = 1});
    CHECK(wrong(f, "203.0.113.5") == 401);
    CHECK(wrong(f, "203.0.113.6") == 429);
  }
  CHECK_THAT(http::ServerOptions{.trusted_proxies = {"proxy.local"}}.check(),
             Catch::Contains("'proxy.local' is not an IP address"));
}

TEST_CASE("cookies are Secure when the server is told clients use HTTPS", "[http][users]") {
  Fixture f(http::ServerOptions{.secure_cookies = true});
  auto signed_in = f.client->request(wire::verb::post, "/api/v1/session",
                                     R"({"name": "anna", "password": "richtig-geheim"})");
  CHECK(signed_in.result_int() == 201);
  CHECK_THAT(std::string(signed_in[wire::field::set_cookie]), Catch::EndsWith("; Secure"));
}

TEST_CASE("sessions end when idle and past their number", "[http][users]") {
  Fixture f(http::ServerOptions{.max_sessions = 1});
  const auto sign_in = [&] {
    auto signed_in = f.client->request(wire::verb::post, "/api/v1/session",
                                       R"({"name": "anna", "password": "richtig-geheim"})");
    const std::string header(signed_in[wire::field::set_cookie]);
    return header.substr(0, header.find(';'));
  };
  const auto first = sign_in();
  const auto second = sign_in();  // ends the first: one session at most
  CHECK(
      f.client->request(wire::verb::get, "/api/v1/session", {}, {{"Cookie", first}}).result_int() ==
      401);
  CHECK(f.client->request(wire::verb::get, "/api/v1/session", {}, {{"Cookie", second}})
            .result_int() == 200);
}

TEST_CASE("options of sign-in are refused outside their ranges", "[http][users]") {
  CHECK_THAT(http::ServerOptions{.max_failed_sign_ins = 0}.check(),
             Catch::Contains("max_failed_sign_ins"));
  CHECK_THAT(http::ServerOptions{.max_failed_sign_ins = 1001}.check(),
             Catch::Contains("max_failed_sign_ins"));
  CHECK(http::ServerOptions{.max_failed_sign_ins = 1000}.check().empty());
  CHECK_THAT(http::ServerOptions{.sign_in_window = std::chrono::seconds(0)}.check(),
             Catch::Contains("sign_in_window"));
  CHECK(http::ServerOptions{.sign_in_window = std::chrono::seconds(86400)}.check().empty());
  CHECK_THAT(http::ServerOptions{.session_idle_timeout = std::chrono::seconds(59)}.check(),
             Catch::Contains("session_idle_timeout"));
  CHECK_THAT(http::ServerOptions{.max_sessions = 0}.check(), Catch::Contains("max_sessions"));
  CHECK(http::ServerOptions{.max_sessions = 1'000'000}.check().empty());
}

TEST_CASE("a form is answered by whom the definition names; a signature is one's own",
          "[http][users]") {
  Fixture f;
  const auto id = f.start();

  SECTION("the form model says who answers each item, and whether the caller may") {
    auto model = json_of(f.as("anna", wire::verb::get, form_path(id)), 200);
    const auto& sections = model.at("sections").as_array();
    const auto& amount = sections[0].at("items").as_array()[0].as_object();
    CHECK(amount.at("roles").as_array() == json::array{"billing_team"});  // the step's assignee
    CHECK(amount.at("may_answer") == true);
    const auto& signed_item = sections[1].at("items").as_array()[1].as_object();
    CHECK(signed_item.at("roles").as_array() == json::array{"manager"});
    CHECK(signed_item.at("may_answer") == false);
    auto chefs = json_of(f.as("chef", wire::verb::get, form_path(id)), 200);
    CHECK(chefs.at("sections").as_array()[1].at("items").as_array()[1].at("may_answer") == true);
  }
  SECTION("a clerk may not answer the manager's section, nor sign for them") {
    auto refused = f.as(
        "anna", wire::verb::post, form_path(id),
        R"({"answers": {"amount": 120, "approved": true}, "signatures": [{"item": "signed"}]})");
    CHECK(refused.result_int() == 403);
    const auto errors = problem_of(refused).at("errors").as_array();
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].at("pointer") == "/answers/approved");
    CHECK(errors[1].at("pointer") == "/signatures/0");
    CHECK(f.engine.get(id)->data.at("steps").as_object().empty());  // nothing recorded
  }
  SECTION("no one signs as another") {
    auto refused = f.as("chef", wire::verb::post, form_path(id),
                        R"({"signatures": [{"item": "signed", "signer": "anna"}]})");
    CHECK(refused.result_int() == 403);
    CHECK_THAT(detail_of(refused), Catch::Contains("signs only as themselves"));
  }
  SECTION("an admin answers anything, but signs nothing that names others") {
    CHECK(f.as("root", wire::verb::post, form_path(id), R"({"answers": {"approved": true}})")
              .result_int() == 200);
    CHECK(f.as("root", wire::verb::post, form_path(id), R"({"signatures": [{"item": "signed"}]})")
              .result_int() == 403);
  }
  SECTION("each answers their part; the actors are the signed-in users") {
    CHECK(f.as("anna", wire::verb::post, form_path(id), R"({"answers": {"amount": 120}})")
              .result_int() == 200);
    CHECK(f.as("chef", wire::verb::post, form_path(id),
               R"({"answers": {"approved": true}, "signatures": [{"item": "signed"}]})")
              .result_int() == 200);
    auto history = f.engine.history(id);
    REQUIRE(history);
    std::map<std::string, std::string> actors;
    for (const auto& event : *history)
      if (event.type == EventType::answer_recorded || event.type == EventType::signature_recorded)
        actors[std::string(event.data.at("item").as_string())] = event.actor;
    CHECK(actors == std::map<std::string, std::string>{
                        {"amount", "anna"}, {"approved", "chef"}, {"signed", "chef"}});

    auto model = json_of(f.as("anna", wire::verb::get, form_path(id)), 200);
    CHECK(model.at("waiting") == false);  // the checklist is done: the task is next
  }
}

TEST_CASE("a task is completed by its assignee's role; the inbox is the caller's",
          "[http][users]") {
  Fixture f;
  const auto id = f.start();
  REQUIRE(f.as("root", wire::verb::post, form_path(id),
               R"({"answers": {"amount": 1, "approved": true}})")
              .result_int() == 200);
  REQUIRE(f.as("chef", wire::verb::post, form_path(id), R"({"signatures": [{"item": "signed"}]})")
              .result_int() == 200);

  auto annas = json_of(f.as("anna", wire::verb::get, "/api/v1/tasks"), 200);
  CHECK(annas.at("tasks").as_array().empty());
  auto maxs = json_of(f.as("max", wire::verb::get, "/api/v1/tasks"), 200);
  REQUIRE(maxs.at("tasks").as_array().size() == 1);
  const std::string complete(maxs.at("tasks").as_array()[0].at("complete").as_string());

  auto refused = f.as("anna", wire::verb::post, complete, R"({"outcome": "paid"})");
  CHECK(refused.result_int() == 403);
  CHECK_THAT(detail_of(refused), Catch::Contains("is for collections"));

  // Taken by max, it leaves the inboxes of others and only he (or an admin) completes it.
  const std::string claim(maxs.at("tasks").as_array()[0].at("claim").as_string());
  CHECK(f.as("anna", wire::verb::post, claim).result_int() == 403);
  auto taken = json_of(f.as("max", wire::verb::post, claim), 200);
  CHECK(taken.at("tasks").as_array()[0].at("claimed_by") == "max");
  auto mine = json_of(f.as("max", wire::verb::get, "/api/v1/tasks"), 200);
  REQUIRE(mine.at("tasks").as_array().size() == 1);
  CHECK(mine.at("tasks").as_array()[0].at("claimed_by") == "max");
  // Another of collections may neither take it nor complete it; nor may an admin take it.
  CHECK(
      json_of(f.as("chef", wire::verb::get, "/api/v1/tasks"), 200).at("tasks").as_array().empty());
  auto not_chefs = f.as("chef", wire::verb::post, complete, R"({"outcome": "paid"})");
  CHECK(not_chefs.result_int() == 403);
  CHECK_THAT(detail_of(not_chefs), Catch::Contains("is taken by max"));
  CHECK(f.as("chef", wire::verb::delete_, claim).result_int() == 403);
  CHECK(f.as("root", wire::verb::post, claim).result_int() == 422);
  CHECK(f.as("max", wire::verb::delete_, claim).result_int() == 200);
  CHECK_FALSE(f.engine.get(id)->tasks[0].claimed_by.size());
  CHECK(f.as("max", wire::verb::post, claim).result_int() == 200);
  CHECK(json_of(f.as("max", wire::verb::post, complete, R"({"outcome": "paid"})"), 200)
            .at("status") == "waiting");  // for the payment
  const auto state = f.engine.get(id);
  REQUIRE(state->tasks.size() == 1);
  CHECK(state->tasks[0].completed_by == "max");
}

TEST_CASE("deploying, cancelling and signalling need their roles", "[http][users]") {
  Fixture f;
  const auto id = f.start();
  auto cancel = f.as("anna", wire::verb::post, "/api/v1/instances/" + id + "/cancel");
  CHECK(cancel.result_int() == 403);
  CHECK_THAT(detail_of(cancel), Catch::Contains("needs the role 'admin'"));
  auto deploy = f.as("anna", wire::verb::post, "/api/v1/definitions", approval);
  CHECK(deploy.result_int() == 403);
  auto signal =
      f.as("anna", wire::verb::post, "/api/v1/signals/paid", R"({"instance": ")" + id + R"("})");
  CHECK(signal.result_int() == 403);
  CHECK_THAT(detail_of(signal), Catch::Contains("'integration'"));
  // The bank may signal (the instance does not wait for it yet: a conflict, not a refusal).
  CHECK(f.as("bank", wire::verb::post, "/api/v1/signals/paid", R"({"instance": ")" + id + R"("})")
            .result_int() != 403);
  auto cancelled = f.as("root", wire::verb::post, "/api/v1/instances/" + id + "/cancel");
  CHECK(json_of(cancelled, 200).at("status") == "cancelled");
  CHECK(f.engine.history(id)->back().actor == "root");
}
