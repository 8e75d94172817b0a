// The pages of the server (docs/web.md) as a browser meets them, without one: sign-in and its
// redirects, the language, CSRF on forms, the checklist form's refusals and preview, what every
// page's headers forbid, escaping, and the readers of forms. tests/browser drives the same pages
// in Chromium.
#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>
#include <ablauf/http_users.hpp>

#include <ablauf/answer.hpp>
#include <ablauf/file_reference.hpp>

#include "http/request_body.hpp"
#include "http/web/page.hpp"
#include "http/web/payment_chart.hpp"
#include "http_client.hpp"
#include "sample_files.hpp"
#include "test_support.hpp"

#include <array>
#include <optional>
#include <regex>
#include <string>

namespace {
using namespace ablauf;
using namespace ablauf::test;

using Response = wire::response<wire::string_body>;

constexpr std::string_view password = "richtig-geheim";

// A checklist whose label is hostile, with a number in a range, a rule, and a sign-off; and a
// task for collections.
const char* const dunning = R"({"id": "dunning", "version": 1, "kind": "workflow",
  "title": "Mahnung <script>alert(1)</script>", "default_language": "de",
  "steps": [
    {"id": "check", "type": "fill_checklist", "title": "Prüfen", "assignee": "billing_team",
     "items": [
       {"id": "amount", "kind": "number", "label": "Betrag <img src=x onerror=alert(2)>",
        "min": 0, "max": 1000, "unit": "EUR"},
       {"id": "reason", "kind": "choice", "label": "Grund",
        "options": [{"value": "late", "label": "Verspätet"}, {"value": "other", "label": "Anders"}]},
       {"id": "detail", "kind": "text", "label": "Welcher?",
        "visible_if": "steps.check.answers.reason == 'other'"},
       {"id": "done", "kind": "checkbox", "label": "Erledigt", "required": false},
       {"id": "checked", "kind": "checkbox", "label": "Geprüft"},
       {"id": "signed", "kind": "signature", "label": "Geprüft von"}],
     "next": "collect"},
    {"id": "collect", "type": "create_task", "title": "Einziehen", "assignee": "collections",
     "outcomes": ["paid", "written_off"], "next": "done"},
    {"id": "done", "type": "end"}]})";

// The users file: klara (billing_team, German), max (collections), root (admin).
const std::string& users_text() {
  static const std::string text = [] {
    auto hash = http::hash_secret(password);
    REQUIRE(hash);
    std::string out = R"({"users": [)";
    for (const auto& [name, roles, language] :
         {std::tuple{"klara", R"(["billing_team"])", "de"},
          std::tuple{"max", R"(["collections"])", "en"}, std::tuple{"root", R"(["admin"])", ""}}) {
      if (out.back() != '[') out += ",";
      out += std::string(R"({"name": ")") + name + R"(", "roles": )" + roles +
             R"(, "password": ")" + *hash + R"(")" +
             (*language ? std::string(R"(, "language": ")") + language + "\"" : "") + "}";
    }
    return out + "]}";
  }();
  return text;
}

// A form's body: fields URL-encoded.
std::string form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += "&";
    body += http::detail::path_segment(name) + "=" + http::detail::path_segment(value);
  }
  return body;
}

std::string header(const Response& response, std::string_view name) {
  const auto found = response.find(name);
  return found == response.end() ? std::string() : std::string(found->value());
}

struct Fixture {
  explicit Fixture(bool with_users = true, http::ServerOptions options = {}) {
    REQUIRE(engine.deploy(compile_text(dunning)));
    if (with_users) {
      auto file = http::UsersFile::read(users_text(), "users.json");
      REQUIRE(file);
      authenticator = std::move(*file);
      options.authenticator = authenticator.get();
    }
    options.port = 0;
    server.emplace(engine, options);
    REQUIRE(server->start());
    client.emplace(server->port());
  }

  Response get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    return client->request(wire::verb::get, std::move(target), {}, std::move(headers));
  }
  Response post_form(std::string target, std::string body) {
    std::vector<std::pair<std::string, std::string>> headers{
        {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    return client->request(wire::verb::post, std::move(target), std::move(body), headers);
  }

  // Signs `name` in through the sign-in page; the session's cookie is sent from then on.
  void sign_in(const std::string& name) {
    auto answer =
        post_form("/sign-in",
                  form({{"name", name}, {"password", std::string(password)}, {"next", "/inbox"}}));
    REQUIRE(answer.result_int() == 303);
    const auto set = header(answer, "Set-Cookie");
    cookie = set.substr(0, set.find(';'));
    REQUIRE(cookie.starts_with("ablauf_session="));
  }

  // The CSRF token of the page at `target`, as its forms carry it.
  std::string csrf(const std::string& target) {
    const auto page = get(target);
    std::smatch found;
    const std::string body = page.body();
    REQUIRE(
        std::regex_search(body, found, std::regex(R"re(name="csrf_token" value="([0-9a-f]+)")re")));
    return found[1];
  }

  std::string start() {
    auto id = engine.start("dunning", json::object());
    REQUIRE(id);
    return *id;
  }

  std::unique_ptr<http::UsersFile> authenticator;
  Engine engine;
  std::optional<http::Server> server;
  std::optional<Client> client;
  std::string cookie;
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a page sends who is not signed in to sign in, and back after", "[http][pages]") {
  Fixture f;
  auto inbox = f.get("/instances?status=waiting");
  CHECK(inbox.result_int() == 303);
  CHECK(header(inbox, "Location") == "/sign-in?next=%2Finstances%3Fstatus%3Dwaiting");

  SECTION("a wrong password is said on the page, which keeps the name and not the password") {
    auto refused = f.post_form("/sign-in", form({{"name", "klara"}, {"password", "falsch"}}));
    CHECK(refused.result_int() == 401);
    CHECK(contains(refused.body(), R"(id="sign-in-error")"));
    CHECK(contains(refused.body(), R"(value="klara")"));
    CHECK_FALSE(contains(refused.body(), "falsch"));
    CHECK(header(refused, "Set-Cookie").empty());
  }
  SECTION("after signing in, only a path on this server is followed") {
    for (const auto& [next, landing] :
         {std::pair{"/instances", "/instances"}, std::pair{"//evil.example/x", "/inbox"},
          std::pair{"/\\evil.example", "/inbox"}, std::pair{"https://evil.example", "/inbox"}}) {
      auto answer = f.post_form(
          "/sign-in",
          form({{"name", "klara"}, {"password", std::string(password)}, {"next", next}}));
      CHECK(answer.result_int() == 303);
      CHECK(header(answer, "Location") == landing);
    }
  }
  SECTION("signing out ends the session") {
    f.sign_in("klara");
    CHECK(f.get("/inbox").result_int() == 200);
    CHECK(f.post_form("/sign-out", form({{"csrf_token", f.csrf("/inbox")}})).result_int() == 303);
    CHECK(f.get("/inbox").result_int() == 303);
  }
}

TEST_CASE("pages speak the language chosen, else the user's, else the browser's", "[http][pages]") {
  Fixture f;
  const auto heading = [&](std::vector<std::pair<std::string, std::string>> headers) {
    const std::string body = f.get("/sign-in", std::move(headers)).body();
    std::smatch found;
    REQUIRE(std::regex_search(body, found, std::regex("<h1>([^<]*)</h1>")));
    return std::string(found[1]);
  };
  CHECK(heading({}) == "Sign in");
  CHECK(heading({{"Accept-Language", "fr-CH, de;q=0.8, en;q=0.5"}}) == "Anmelden");
  CHECK(heading({{"Accept-Language", "en-GB,de;q=0.9"}}) == "Sign in");
  CHECK(heading({{"Accept-Language", "de"}, {"Cookie", "ablauf_lang=en"}}) == "Sign in");

  auto chosen = f.get("/language/de?next=%2Fkpi");
  CHECK(chosen.result_int() == 303);
  CHECK(header(chosen, "Location") == "/kpi");
  CHECK(contains(header(chosen, "Set-Cookie"), "ablauf_lang=de"));
  CHECK(f.get("/language/fr").result_int() == 404);

  f.sign_in("klara");  // German in the users file
  CHECK(contains(f.get("/inbox", {{"Accept-Language", "en"}}).body(), "<h1>Posteingang</h1>"));
}

TEST_CASE("every page forbids script it did not send, and shows authors' text as text",
          "[http][pages]") {
  Fixture f;
  f.sign_in("klara");
  const auto id = f.start();
  for (const std::string& target : std::vector<std::string>{
           "/inbox", "/instances", "/instances/" + id, "/instances/" + id + "/steps/check",
           "/start", "/start/dunning", "/kpi", "/definitions", "/definitions/dunning"}) {
    INFO(target);
    auto page = f.get(target);
    // The key figures need ServerOptions::store, which this server lacks: said on the page.
    CHECK(page.result_int() == (target == "/kpi" ? 501 : 200));
    CHECK(contains(header(page, "Content-Security-Policy"), "script-src 'self'"));
    CHECK(contains(header(page, "Content-Security-Policy"), "frame-ancestors 'none'"));
    CHECK(header(page, "X-Content-Type-Options") == "nosniff");
    CHECK(header(page, "Cache-Control") == "no-store");
    // One script, the server's own file; no script or handler written into the page.
    const std::string body = page.body();
    CHECK(std::regex_search(body, std::regex("<script src=\"/static/ablauf.js")));
    CHECK_FALSE(
        std::regex_search(body, std::regex("<script>|<script [^s]|<[a-z][^>]*\\son[a-z]+=")));
  }
  const std::string form = f.get("/instances/" + id + "/steps/check").body();
  CHECK(contains(form, "Betrag &lt;img src=x onerror=alert(2)&gt;"));
  CHECK(contains(f.get("/definitions").body(), "Mahnung &lt;script&gt;alert(1)&lt;/script&gt;"));

  auto style = f.get("/static/ablauf.css");
  CHECK(style.result_int() == 200);
  CHECK(contains(header(style, "Content-Type"), "text/css"));
  CHECK(contains(header(style, "Cache-Control"), "max-age"));
  CHECK(f.get("/static/nothing.css").result_int() == 404);
}

TEST_CASE("a form is refused without the page's CSRF token", "[http][pages]") {
  SECTION("with users: the session's") {
    Fixture f;
    f.sign_in("klara");
    const auto id = f.start();
    const std::string target = "/instances/" + id + "/steps/check";
    const std::string token = f.csrf(target);
    auto forged = f.post_form(target, form({{"answer.amount", "5"}}));
    CHECK(forged.result_int() == 403);
    // Said as a page, not as a problem document (in the browser's language: the gate refused
    // before it knew the user).
    CHECK(contains(header(forged, "Content-Type"), "text/html"));
    CHECK(contains(forged.body(), "This form has expired"));
    CHECK(f.post_form(target, form({{"csrf_token", std::string(64, 'a')}, {"answer.amount", "5"}}))
              .result_int() == 403);
    CHECK_FALSE(f.engine.get(id)->data.at("steps").as_object().contains("check"));
    CHECK(f.post_form(target, form({{"csrf_token", token}, {"answer.amount", "5"}})).result_int() ==
          303);
  }
  SECTION("without users: the server's, so that another site's form cannot act for the browser") {
    Fixture f(false);
    const auto id = f.start();
    const std::string target = "/instances/" + id + "/steps/check";
    CHECK(f.get("/sign-in").result_int() == 303);  // no one signs in
    CHECK(f.post_form(target, form({{"answer.amount", "5"}})).result_int() == 403);
    CHECK(f.post_form(target, form({{"csrf_token", f.csrf(target)}, {"answer.amount", "5"}}))
              .result_int() == 303);
  }
}

TEST_CASE("a checklist form shows refusals next to their items and keeps what was typed",
          "[http][pages]") {
  Fixture f;
  f.sign_in("klara");
  const auto id = f.start();
  const std::string target = "/instances/" + id + "/steps/check";
  const std::string token = f.csrf(target);

  auto refused = f.post_form(target, form({{"csrf_token", token},
                                           {"idempotency_key", "k-1"},
                                           {"answer.amount", "1500"},
                                           {"answer.reason", "late"}}));
  CHECK(refused.result_int() == 422);
  const std::string body = refused.body();
  CHECK(std::regex_search(body, std::regex(R"(id="item-amount-refusal"[^>]*>[^<]*1000)")));
  CHECK(contains(body, R"(name="answer.amount" value="1500")"));
  CHECK(contains(body, R"(value="late" checked)"));
  CHECK_FALSE(f.engine.get(id)->data.at("steps").as_object().contains("check"));

  SECTION("a required box left unticked is not answered yet, so the form saves part-way") {
    auto saved = f.post_form(target, form({{"csrf_token", token},
                                           {"idempotency_key", "k-5"},
                                           {"answer.amount", "12"},
                                           {"answer.checked", "false"},
                                           {"answer.done", "false"}}));
    CHECK(saved.result_int() == 303);
    const auto answers = f.engine.get(id)->data.at("steps").at("check").at("answers");
    CHECK_FALSE(answers.as_object().contains("checked"));
    CHECK(answers.at("done") == false);
  }
  SECTION("a German decimal comma is a number") {
    auto saved = f.post_form(
        target,
        form({{"csrf_token", token}, {"idempotency_key", "k-2"}, {"answer.amount", "12,5"}}));
    CHECK(saved.result_int() == 303);
    CHECK(header(saved, "Location") == target + "?saved=1");
    const auto answers = f.engine.get(id)->data.at("steps").at("check").at("answers");
    CHECK(answers.at("amount").as_double() == 12.5);
  }
  SECTION("the preview says what the rules show and what is refused, recording nothing") {
    auto preview = f.post_form(
        target + "/preview",
        form({{"csrf_token", token}, {"answer.reason", "other"}, {"answer.amount", "-1"}}));
    auto result = json_of(preview, 200);
    CHECK(result.at("visible").at("detail") == true);
    CHECK(contains(std::string(result.at("refusals").at("amount").as_string()),
                   "liegt unter dem Mindestwert"));  // klara reads German
    CHECK_FALSE(f.engine.get(id)->data.at("steps").as_object().contains("check"));
  }
  SECTION("a sign-off is the signed-in user's, and the task it leads to is not a clerk's") {
    auto signed_off = f.post_form(target, form({{"csrf_token", token},
                                                {"idempotency_key", "k-3"},
                                                {"answer.amount", "100"},
                                                {"answer.reason", "late"},
                                                {"answer.checked", "false"},
                                                {"answer.checked", "true"},
                                                {"sign.signed", "yes"}}));
    CHECK(signed_off.result_int() == 303);
    CHECK(header(signed_off, "Location") == "/instances/" + id);
    const auto state = f.engine.get(id);
    const auto& signature = state->data.at("steps").at("check").at("answers").at("signed");
    CHECK(signature.at("signed_by") == "klara");
    REQUIRE(state->tasks.size() == 1);
    const auto task =
        "/instances/" + id + "/tasks/" + http::detail::path_segment(state->tasks[0].id);
    CHECK_FALSE(contains(f.get("/inbox").body(), "Einziehen"));
    auto task_page = f.get(task);
    CHECK_FALSE(contains(task_page.body(), R"(id="complete-form")"));
    auto forged =
        f.post_form(task + "/complete", form({{"csrf_token", token}, {"outcome", "paid"}}));
    CHECK(forged.result_int() == 403);
    CHECK_FALSE(f.engine.get(id)->tasks[0].completed);
  }
  SECTION("the same form sent twice records it once") {
    const auto sent =
        form({{"csrf_token", token}, {"idempotency_key", "k-4"}, {"answer.amount", "7"}});
    CHECK(f.post_form(target, sent).result_int() == 303);
    const auto events = f.engine.history(id)->size();
    CHECK(f.post_form(target, sent).result_int() == 303);
    CHECK(f.engine.history(id)->size() == events);
  }
}

TEST_CASE("a page larger than max_page_bytes is an error page, not a truncated one",
          "[http][pages]") {
  http::ServerOptions options;
  options.max_page_bytes = 64 * 1024;  // the least taken
  CHECK(options.check().empty());
  options.max_page_bytes = 64 * 1024 - 1;
  CHECK(std::string(options.check()).find("max_page_bytes") != std::string::npos);
  options.max_page_bytes = std::size_t{1} << 30;
  CHECK(options.check().empty());
  options.max_page_bytes = (std::size_t{1} << 30) + 1;
  CHECK_FALSE(options.check().empty());

  options.max_page_bytes = 64 * 1024;
  Fixture f(true, options);
  // A checklist of 600 items renders well over 64 KiB.
  std::string items;
  for (int i = 0; i < 600; ++i)
    items += std::string(items.empty() ? "" : ",") + R"({"id": "i)" + std::to_string(i) +
             R"(", "label": "Punkt )" + std::to_string(i) + R"("})";
  REQUIRE(f.engine.deploy(compile_text(
      R"({"id": "long", "version": 1, "kind": "workflow", "title": "Lang", "steps": [
        {"id": "check", "type": "fill_checklist", "items": [)" +
      items + R"(], "next": "done"}, {"id": "done", "type": "end"}]})")));
  const auto id = f.engine.start("long", json::object());
  REQUIRE(id);
  f.sign_in("klara");
  auto page = f.get("/instances/" + *id + "/steps/check");
  CHECK(page.result_int() == 500);
  CHECK(contains(page.body(), "max_page_bytes"));
  CHECK(page.body().size() < 64 * 1024);
  CHECK(f.get("/inbox").result_int() == 200);  // a small page still renders
}

TEST_CASE("a form takes times, date-times with their zone, and 'not applicable'", "[http][pages]") {
  Fixture f;
  REQUIRE(f.engine.deploy(compile_file(data_dir() / "good" / "meter_reading.json")));
  const auto id = f.engine.start("meter_reading", json::object());
  REQUIRE(id);
  f.sign_in("klara");
  const std::string target = "/instances/" + *id + "/steps/reading";
  const std::string page = f.get(target).body();
  CHECK(contains(page, R"(type="time" id="item-window_opens")"));
  CHECK(contains(page, R"(type="datetime-local" id="item-read_at")"));
  CHECK(contains(page, R"(name="zone.read_at")"));
  CHECK(contains(page, R"(name="na.value" value="yes")"));
  CHECK_FALSE(contains(page, R"(name="na.read_at")"));  // it does not allow it
  CHECK(contains(page, R"(type="radio" id="item-access-4" name="answer.access" value="5")"));
  CHECK(contains(page, "leicht"));

  auto saved = f.post_form(target, form({{"csrf_token", f.csrf(target)},
                                         {"idempotency_key", "k-1"},
                                         {"answer.read_at", "2026-12-07T14:05"},
                                         {"zone.read_at", "+01:00"},
                                         {"answer.window_opens", "07:30"},
                                         {"answer.value", "123"},
                                         {"na.value", "yes"},
                                         {"answer.seal_intact", "false"},
                                         {"na.seal_intact", "yes"},
                                         {"answer.access", "4"},
                                         {"answer.position.latitude", "52,52"},
                                         {"answer.position.longitude", "13.405"},
                                         {"answer.position.accuracy", ""}}));
  CHECK(saved.result_int() == 303);
  const auto answers = f.engine.get(*id)->data.at("steps").at("reading").at("answers");
  CHECK(answers.at("read_at") == "2026-12-07T14:05:00+01:00");
  CHECK(answers.at("window_opens") == "07:30");
  CHECK(is_not_applicable(answers.at("value")));  // ticked, it wins over what was typed
  CHECK(is_not_applicable(answers.at("seal_intact")));
  CHECK(answers.at("access") == 4);
  CHECK(answers.at("position") == json::object{{"latitude", 52.52}, {"longitude", 13.405}});

  // Shown again as given: the date and time in the field, the zone chosen, n/a ticked.
  const std::string again = f.get(target).body();
  CHECK(contains(again, R"(value="2026-12-07T14:05")"));
  CHECK(contains(again, R"(<option value="+01:00" selected>)"));
  CHECK(contains(again, R"(name="na.value" value="yes" checked)"));
  CHECK(contains(again, R"(name="answer.position.latitude" value="52.52")"));
  CHECK(contains(again, "<dd>52.52, 13.405</dd>"));  // what the sign-off would sign
}

// A multipart/form-data body of `fields` and `files` ({field, file name, type, content}).
std::string multipart(std::initializer_list<std::pair<std::string, std::string>> fields,
                      std::initializer_list<std::array<std::string, 4>> files) {
  std::string body;
  for (const auto& [name, value] : fields)
    body += "--B0undary\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value +
            "\r\n";
  for (const auto& [name, file, type, content] : files)
    body += "--B0undary\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" +
            file + "\"\r\nContent-Type: " + type + "\r\n\r\n" + content + "\r\n";
  return body + "--B0undary--\r\n";
}

TEST_CASE("a form sends photos with its answers, and shows them once answered",
          "[http][pages][files]") {
  Fixture f;
  REQUIRE(f.engine.deploy(compile_file(data_dir() / "good" / "meter_reading.json")));
  const auto id = f.engine.start("meter_reading", json::object());
  REQUIRE(id);
  f.sign_in("klara");
  const std::string target = "/instances/" + *id + "/steps/reading";
  const std::string page = f.get(target).body();
  CHECK(contains(page, R"(enctype="multipart/form-data")"));
  CHECK(contains(page, R"(type="file" id="item-meter_photo" name="file.meter_photo" multiple )"
                       R"(accept="image/jpeg,image/png" capture="environment")"));
  CHECK(contains(page, R"(name="file.letter" accept="application/pdf,image/*")"));
  const auto post = [&](const std::string& body) {
    return f.client->request(
        wire::verb::post, target, body,
        {{"Content-Type", "multipart/form-data; boundary=B0undary"}, {"Cookie", f.cookie}});
  };

  // A PDF sent as a photo is refused next to its item, and nothing is recorded.
  auto refused = post(multipart({{"csrf_token", f.csrf(target)}, {"files.meter_photo", "1"}},
                                {{"file.meter_photo", "z.png", "image/png", pdf_letter}}));
  CHECK(refused.result_int() == 422);
  CHECK(contains(refused.body(), "its content is application/pdf"));
  CHECK_FALSE(f.engine.get(*id)->data.at("steps").as_object().contains("reading"));

  auto saved = post(multipart({{"csrf_token", f.csrf(target)},
                               {"idempotency_key", "k-files"},
                               {"files.meter_photo", "1"},
                               {"files.letter", "1"}},
                              {{"file.meter_photo", "Zähler vorne.png", "image/png", png_photo},
                               {"file.meter_photo", "seite.jpg", "image/jpeg", jpeg_photo}}));
  CHECK(saved.result_int() == 303);
  auto answers = f.engine.get(*id)->data.at("steps").at("reading").at("answers");
  const auto photos = file_references(answers.at("meter_photo"));
  REQUIRE(photos.size() == 2);
  CHECK(photos[0].name == "Zähler vorne.png");
  CHECK_FALSE(answers.as_object().contains("letter"));  // no file chosen: not answered

  // Shown with a box to keep each, its picture from the API, and what a sign-off signs.
  const std::string again = f.get(target).body();
  const std::string href = "/api/v1/instances/" + *id + "/files/" + photos[0].sha256;
  CHECK(contains(again, R"(<img src=")" + href + R"(" alt="" class="thumb">)"));
  CHECK(contains(again, R"(name="keep.meter_photo" value=")" + photos[1].sha256 + R"(" checked>)"));
  CHECK(contains(again, "<dd>Zähler vorne.png, seite.jpg</dd>"));
  CHECK(f.get(href).body() == png_photo);

  // Unticking one keeps the other; nothing chosen anew.
  auto kept = post(multipart({{"csrf_token", f.csrf(target)},
                              {"idempotency_key", "k-keep"},
                              {"files.meter_photo", "1"},
                              {"keep.meter_photo", photos[1].sha256}},
                             {{"file.meter_photo", "", "application/octet-stream", ""}}));
  CHECK(kept.result_int() == 303);
  answers = f.engine.get(*id)->data.at("steps").at("reading").at("answers");
  REQUIRE(file_references(answers.at("meter_photo")).size() == 1);
  CHECK(file_references(answers.at("meter_photo"))[0].name == "seite.jpg");
}

TEST_CASE("a repeating group is a table of rows: empty ones left out, refusals by row",
          "[http][pages][group]") {
  Fixture f;
  REQUIRE(f.engine.deploy(compile_file(data_dir() / "good" / "meter_reading.json")));
  const auto id = f.engine.start("meter_reading", json::object());
  REQUIRE(id);
  f.sign_in("klara");
  const std::string target = "/instances/" + *id + "/steps/reading";
  const std::string page = f.get(target).body();
  CHECK(contains(
      page,
      R"(<th scope="col">Stand (kWh) <span class="required" aria-hidden="true">*</span></th>)"));
  CHECK(contains(page, R"(<select id="item-registers-0-tariff" name="answer.registers.0.tariff")"));
  CHECK(contains(page, R"(name="answer.registers.1.value")"));
  CHECK_FALSE(contains(page, R"(name="answer.registers.2.value")"));  // two empty rows to begin
  const auto rows = [&](std::string second_value) {
    return form({{"csrf_token", f.csrf(target)},
                 {"idempotency_key", "k-" + second_value},
                 {"answer.registers.0.tariff", "HT"},
                 {"answer.registers.0.value", "18342,7"},
                 {"answer.registers.0.note", ""},
                 {"answer.registers.1.tariff", "NT"},
                 {"answer.registers.1.value", second_value},
                 {"answer.registers.1.note", "Keller"},
                 {"answer.registers.2.tariff", ""},
                 {"answer.registers.2.value", ""},
                 {"answer.registers.2.note", ""}});
  };
  auto refused = f.post_form(target, rows("-5"));
  CHECK(refused.result_int() == 422);
  CHECK(contains(refused.body(), "Zeile 2, Stand: -5 kWh liegt unter dem Mindestwert von 0 kWh"));
  CHECK(contains(refused.body(), R"(name="answer.registers.1.value" value="-5")"));  // as typed
  CHECK(f.post_form(target, rows("9120")).result_int() == 303);
  const auto answers = f.engine.get(*id)->data.at("steps").at("reading").at("answers");
  CHECK(answers.at("registers") ==
        json::array{json::object{{"tariff", "HT"}, {"value", 18342.7}},
                    json::object{{"tariff", "NT"}, {"value", 9120.0}, {"note", "Keller"}}});
  const std::string again = f.get(target).body();
  CHECK(contains(again, R"(<option value="NT" selected>Niedertarif</option>)"));
  CHECK(contains(again, R"(name="answer.registers.3.value")"));  // two rows, two more to add
  CHECK(contains(again, "<dd>Hochtarif, 18342.7 kWh; Niedertarif, 9120 kWh, Keller</dd>"));
}

TEST_CASE("a corrective action's page says what raised it, and its verifier confirms it there",
          "[http][pages][actions]") {
  Fixture f;
  REQUIRE(f.engine.deploy(compile_file(data_dir() / "good" / "safety_walk.json")));
  const auto id = f.engine.start("safety_walk", json::object());
  REQUIRE(id);
  REQUIRE(f.engine.submit(*id, "walk", {{"exit_clear", "no"}, {"extinguisher", "ok"}}, "erika"));
  const auto action = f.engine.get(*id)->tasks.at(0).id;
  const std::string target = "/instances/" + *id + "/tasks/" + http::detail::path_segment(action);
  f.sign_in("root");
  const std::string open = f.get(target, {{"Accept-Language", "de"}}).body();
  CHECK(contains(open, R"(<dd id="action-item">Fluchtweg frei (nicht erfüllt)</dd>)"));
  CHECK(contains(open, "<dd>dringend</dd>"));
  CHECK(contains(open, "<dd>safety_officer</dd>"));
  CHECK_FALSE(contains(open, R"(id="verify")"));  // not done yet
  REQUIRE(f.engine.complete_task(*id, action, "", "hans"));
  const std::string done = f.get(target).body();
  REQUIRE(contains(done, R"(id="verify")"));
  const auto verified = f.post_form(
      target + "/verify", form({{"csrf_token", f.csrf(target)}, {"idempotency_key", "v-1"}}));
  CHECK(verified.result_int() == 303);
  CHECK(f.engine.get(*id)->tasks.at(0).verified_by == "root");
  CHECK(contains(f.get(target).body(), R"(<dd id="verified-by">root</dd>)"));
  CHECK_FALSE(contains(f.get(target).body(), R"(id="verify")"));
}

TEST_CASE("a verifier's page is refused to whoever has not the role", "[http][pages][actions]") {
  Fixture f;
  REQUIRE(f.engine.deploy(compile_file(data_dir() / "good" / "safety_walk.json")));
  const auto id = f.engine.start("safety_walk", json::object());
  REQUIRE(id);
  REQUIRE(f.engine.submit(*id, "walk", {{"exit_clear", "no"}, {"extinguisher", "ok"}}, "erika"));
  const auto action = f.engine.get(*id)->tasks.at(0).id;
  REQUIRE(f.engine.complete_task(*id, action, "", "hans"));
  const std::string target = "/instances/" + *id + "/tasks/" + http::detail::path_segment(action);
  f.sign_in("klara");  // billing_team, not safety_officer
  CHECK_FALSE(contains(f.get(target).body(), R"(id="verify")"));
  const auto forged = f.post_form(
      target + "/verify", form({{"csrf_token", f.csrf(target)}, {"idempotency_key", "v-2"}}));
  CHECK(forged.result_int() == 403);
  CHECK(f.engine.get(*id)->tasks.at(0).verified_by.empty());
}

TEST_CASE("a host may leave the pages out", "[http][pages]") {
  http::ServerOptions options;
  options.pages = false;
  Fixture f(true, options);
  CHECK(f.get("/sign-in").result_int() == 404);
  CHECK(f.get("/static/ablauf.css").result_int() == 404);
}

TEST_CASE("a browser's forms are read field by field, part by part", "[http][pages]") {
  using namespace ablauf::http::detail;
  SECTION("URL-encoded fields keep their order and repeats") {
    auto fields = form_fields("a=1&m=x&m=y+z&empty=&bare&c=%C3%A4");
    REQUIRE(fields);
    CHECK(fields->size() == 6);
    CHECK(form_field(*fields, "m") == "y z");
    CHECK(form_field(*fields, "bare") == "");
    CHECK(form_field(*fields, "c") == "ä");
    CHECK_FALSE(form_field(*fields, "missing"));
    CHECK_FALSE(form_fields("a=%G1"));
  }
  SECTION("multipart parts, with a file's name") {
    http::Request request;
    request.headers.emplace_back("Content-Type", "multipart/form-data; boundary=\"--b\"");
    request.body =
        "----b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n"
        "----b\r\ncontent-disposition: form-data; name=\"definition\"; filename=\"d.json\"\r\n"
        "Content-Type: application/json\r\n\r\n{\"id\": \"x\"}\r\n--b\r\n"  // not a delimiter
        "\r\n----b--\r\n";
    auto parts = multipart_parts(request);
    REQUIRE(parts);
    REQUIRE(parts->size() == 2);
    CHECK((*parts)[0].name == "csrf_token");
    CHECK((*parts)[0].content == "abc");
    CHECK((*parts)[1].name == "definition");
    CHECK((*parts)[1].filename == "d.json");
    CHECK((*parts)[1].content_type == "application/json");
    CHECK((*parts)[1].content == "{\"id\": \"x\"}\r\n--b\r\n");
    request.body.resize(request.body.size() - 10);  // cut short
    CHECK_FALSE(multipart_parts(request));
  }
  SECTION("numbers as a language writes them") {
    CHECK(web::readable_number(12345.5, 2, "de") == "12.345,50");
    CHECK(web::readable_number(12345.5, 2, "en") == "12,345.50");
    CHECK(web::readable_number(-0.001, 0, "en") == "0");
    CHECK(web::readable_number(-1234, 0, "de") == "-1.234");
  }
  SECTION("the payment chart escapes what it shows and draws each month") {
    const json::array trend{
        json::object{{"month", "2026-11"}, {"amount_paid", 1200.5}, {"days_to_pay", 21}},
        json::object{{"month", "<b>"}, {"amount_paid", 0}, {"days_to_pay", 0}}};
    const auto svg = web::payment_chart(trend, {"Zahlungen & Tage", "Betrag", "Tage"}, "de");
    CHECK(svg.starts_with("<svg"));
    CHECK(contains(svg, "Zahlungen &amp; Tage"));
    CHECK(contains(svg, "&lt;b&gt;"));
    CHECK(contains(svg, "2026-11: 1.200,50"));
    CHECK(std::count(svg.begin(), svg.end(), '<') > 20);
    CHECK(web::payment_chart({}, {}, "de").empty());
  }
}
