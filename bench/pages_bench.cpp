// What a page of `ablauf serve` costs to make, behind the transport: the router, the API calls
// a page makes in-process, and rendering its template (docs/web.md). Over an in-memory engine
// with the delinquent-accounts seed, 200 instances waiting at its first checklist. Each run
// checks that the page it timed is the one asked for.
#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>
#include <ablauf/workflow.hpp>

#include "http/api_v1.hpp"
#include "http/router.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace http = ablauf::http;

constexpr int waiting_instances = 200;

// A server's routes without its sockets, as fuzz_http has them.
struct Pages {
  Pages() : authentication(options) {
    std::ifstream file(ABLAUF_WORKFLOWS_DIR "/delinquent_accounts.json");
    std::stringstream text;
    text << file.rdbuf();
    auto loaded = ablauf::load_definition(text.str(), "delinquent_accounts.json");
    if (!loaded) throw std::runtime_error("the seed does not load");
    auto compiled = ablauf::Workflow::compile(std::move(*loaded));
    if (!compiled || !engine.deploy(*compiled))
      throw std::runtime_error("the seed does not deploy");
    for (int i = 0; i < waiting_instances; ++i) {
      auto id = engine.start("delinquent_accounts", boost::json::object());
      if (!id) throw std::runtime_error("an instance does not start");
      ids.push_back(*id);
    }
    router.guard([this](http::Request& request, http::Access access) {
      return http::detail::authenticate(authentication, request, access);
    });
    http::detail::add_api_v1(
        router, {engine, options, ready, metrics, connections, authentication, router});
  }

  http::Response get(const std::string& target, std::string body = {}) {
    http::Request request;
    request.method = body.empty() ? "GET" : "POST";
    if (!body.empty())
      request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.headers.emplace_back("Accept-Language", "de");
    request.body = std::move(body);
    return router.dispatch(request, target);
  }

  ablauf::Engine engine;
  http::ServerOptions options;
  const std::atomic<bool> ready{true};
  const http::detail::HttpMetrics metrics;
  const std::atomic<std::size_t> connections{1};
  http::detail::Authentication authentication;  // no users: every page acts as `api`
  http::detail::Router router;
  std::vector<std::string> ids;
};

Pages& pages() {
  static Pages made;
  return made;
}

void expect(benchmark::State& state, const http::Response& response, unsigned status,
            std::string_view part) {
  if (response.status != status || response.body.find(part) == std::string::npos)
    state.SkipWithError(("unexpected answer " + std::to_string(response.status)).c_str());
}

void BM_ChecklistPage(benchmark::State& state) {
  auto& p = pages();
  const std::string target = "/instances/" + p.ids.front() + "/steps/initial_review";
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto page = p.get(target);
    expect(state, page, 200, "item-overdue_amount");
    bytes = page.body.size();
  }
  state.counters["page_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ChecklistPage)->Unit(benchmark::kMicrosecond);

void BM_ChecklistPreview(benchmark::State& state) {
  auto& p = pages();
  const std::string target = "/instances/" + p.ids.front() + "/steps/initial_review/preview";
  const std::string body = "csrf_token=" + p.authentication.anonymous_csrf_token +
                           "&answer.overdue_amount=-5&answer.days_overdue=12";
  for (auto _ : state) expect(state, p.get(target, body), 200, "overdue_amount");
}
BENCHMARK(BM_ChecklistPreview)->Unit(benchmark::kMicrosecond);

void BM_Inbox(benchmark::State& state) {
  auto& p = pages();
  for (auto _ : state) expect(state, p.get("/inbox"), 200, "200 warten auf Sie");
}
BENCHMARK(BM_Inbox)->Unit(benchmark::kMicrosecond);

void BM_InstancePage(benchmark::State& state) {
  auto& p = pages();
  const std::string target = "/instances/" + p.ids.back();
  for (auto _ : state) expect(state, p.get(target), 200, "id=\"timeline\"");
}
BENCHMARK(BM_InstancePage)->Unit(benchmark::kMicrosecond);

}  // namespace
