// Fuzzes the HTTP API and the pages behind the transport: the router's path and query decoding
// and every route's reading of its parameters and body. An input is "METHOD TARGET" on its first
// line and the body after it; "$ID" in either stands for an instance waiting at a checklist, so
// that the routes of an instance are reached. A body sent to a page (a target outside /api/)
// is an HTML form's, with "$CSRF" standing for the token a page's form carries, so that the
// pages' form readers are reached past the CSRF check. Each input gets a fresh engine in memory,
// so that runs do not pile up instances. Beast's own parser is fuzzed by its project.
#include <ablauf/engine.hpp>
#include <ablauf/http_server.hpp>
#include <ablauf/workflow.hpp>

#include "http/api_v1.hpp"
#include "http/router.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

const char* const definition = R"({"id": "dunning", "version": 1, "kind": "workflow",
  "title": "Dunning",
  "input": {"type": "object", "properties": {"invoice": {"type": "string"}}},
  "steps": [
    {"id": "check", "type": "fill_checklist", "title": "Check",
     "sections": [{"id": "s", "title": "S", "items": [
       {"id": "ok", "kind": "checkbox", "label": "OK"},
       {"id": "amount", "kind": "number", "label": "Amount", "min": 0, "max": 100},
       {"id": "when", "kind": "date", "label": "When", "required": false},
       {"id": "signed", "kind": "signature", "label": "Signed"}]}], "next": "review"},
    {"id": "review", "type": "create_task", "title": "Review", "assignee": "collections",
     "outcomes": ["approve", "reject"], "next": "payment"},
    {"id": "payment", "type": "wait", "event": "paid", "correlation": "input.invoice",
     "next": "done"},
    {"id": "done", "type": "end"}]})";

const ablauf::Workflow& workflow() {
  static const ablauf::Workflow compiled = [] {
    auto loaded = ablauf::load_definition(definition, "dunning.json");
    if (!loaded) std::abort();
    auto compiled_workflow = ablauf::Workflow::compile(std::move(*loaded));
    if (!compiled_workflow) std::abort();
    return *compiled_workflow;
  }();
  return compiled;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return 0;

  ablauf::Engine engine;
  if (!engine.deploy(workflow())) std::abort();
  const auto id = engine.start("dunning", boost::json::object{{"invoice", "R-1"}});
  if (!id) std::abort();

  ablauf::http::ServerOptions options;
  options.max_page_size = 3;
  const std::atomic<bool> ready{true};
  const ablauf::http::detail::HttpMetrics metrics;
  const std::atomic<std::size_t> connections{1};
  ablauf::http::detail::Authentication authentication(options);  // no users: everyone is admin
  ablauf::http::detail::Router router;
  router.guard([&authentication](ablauf::http::Request& request, ablauf::http::Access access) {
    return ablauf::http::detail::authenticate(authentication, request, access);
  });
  ablauf::http::detail::add_api_v1(
      router, {engine, options, ready, metrics, connections, authentication, router});

  ablauf::http::Request request;
  request.method = std::string(line.substr(0, space));
  std::string target(line.substr(space + 1));
  replace_all(target, "$ID", *id);
  if (line_end != std::string_view::npos) request.body = std::string(input.substr(line_end + 1));
  replace_all(request.body, "$ID", *id);
  if (!target.starts_with("/api/")) {
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    replace_all(request.body, "$CSRF", authentication.anonymous_csrf_token);
  }
  const auto response = router.dispatch(request, target);
  if (response.status < 200 || response.status > 599) std::abort();
  return 0;
}
