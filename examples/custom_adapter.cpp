// A step type of your own, end to end: declare "post_webhook" with its parameters, use it in a
// definition, and carry it out with an Adapter. This adapter appends each request as one JSON
// line to a file, standing in for an HTTP client; the path is argv[1], or a file in the temp
// directory.
#include <ablauf/ablauf.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;

// Strings are templates; {"=": …} is computed, and keeps its type (a number here).
constexpr const char* definition_text = R"({
  "id": "order_paid", "version": 1, "kind": "workflow", "title": "Order paid",
  "steps": [
    { "id": "notify_shop", "type": "post_webhook",
      "url": "https://shop.example/hooks/orders/{{input.order}}",
      "body": { "order": "{{input.order}}", "points": { "=": "input.total * 2" } },
      "next": "done" },
    { "id": "done", "type": "end" }
  ]
})";

// The requests in the file so far, one JSON object a line; other lines are skipped.
std::vector<json::object> read_requests(const std::filesystem::path& path) {
  std::vector<json::object> requests;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code ec;
    auto request = json::parse(line, ec);
    if (!ec && request.is_object() && request.get_object().contains("key") &&
        request.at("key").is_string())
      requests.push_back(std::move(request.get_object()));
  }
  return requests;
}

class WebhookToFile final : public ablauf::Adapter {
 public:
  explicit WebhookToFile(std::filesystem::path path) : path_(std::move(path)) {}

  // The engine has rendered the parameters: context.parameters holds the final url and body.
  ablauf::StepResult execute(const ablauf::StepContext& context) override {
    std::lock_guard lock(mutex_);  // adapters may run on several threads at once
    // The engine may run a step again for the same attempt: when the host crashed after the
    // request went out but before the outcome was stored. The key is then the same, so a key
    // already in the file means the request was made; making it again would notify twice.
    // (A retry after a failure is a new attempt, with a new key.)
    for (const auto& request : read_requests(path_))
      if (request.at("key").as_string() == context.idempotency_key)
        return ablauf::StepResult::completed();

    json::object request{{"key", context.idempotency_key}, {"url", context.parameters.at("url")}};
    if (const auto* body = context.parameters.if_contains("body")) request["body"] = *body;
    std::ofstream out(path_, std::ios::app);
    out << json::serialize(request) << '\n';
    if (!out) return ablauf::StepResult::failed("cannot write to " + path_.string());
    return ablauf::StepResult::completed();
  }

 private:
  std::mutex mutex_;
  std::filesystem::path path_;
};

}  // namespace

int main(int argc, char** argv) {
  // 1. The step type in one object: its parameters (a definition that misspells or omits one
  //    fails to load) and the adapter that carries its steps out.
  const std::filesystem::path path =
      argc > 1 ? std::filesystem::path(argv[1])
               : std::filesystem::temp_directory_path() / "ablauf_webhooks.jsonl";
  ablauf::StepTypeRegistry step_types = ablauf::StepTypeRegistry::builtin();
  auto added = step_types.add(
      {.name = "post_webhook",
       .parameters = {{.name = "url", .type = ablauf::ParameterType::string, .required = true},
                      {.name = "body", .type = ablauf::ParameterType::object}},
       .adapter = std::make_shared<WebhookToFile>(path)});
  if (!added) {
    std::cerr << added.error().message << '\n';
    return 1;
  }

  // 2. A definition that uses it, loaded and compiled with that registry.
  auto definition =
      ablauf::load_definition(definition_text, "order_paid.json", {.step_types = &step_types});
  if (!definition) {
    std::cerr << definition.error();
    return 1;
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition), &step_types);
  if (!workflow) {
    std::cerr << workflow.error();
    return 1;
  }

  // 3. Deployed: the engine finds the adapter in the step type.
  ablauf::Engine engine;
  if (auto deployed = engine.deploy(std::move(*workflow)); !deployed) {
    std::cerr << deployed.error().message << '\n';
    return 1;
  }

  auto id = engine.start("order_paid", json::object{{"order", "A-1042"}, {"total", 60}});
  if (!id) {
    std::cerr << id.error().message << '\n';
    return 1;
  }
  auto state = engine.get(*id);
  if (!state || state->status != ablauf::InstanceStatus::completed) {
    std::cerr << "the instance did not complete" << (state ? ": " + state->error : "") << '\n';
    return 1;
  }

  // The file may hold requests of earlier runs; this instance's keys start with its id.
  std::vector<json::object> posted;
  for (auto& request : read_requests(path))
    if (request.at("key").as_string().starts_with(*id + "/")) posted.push_back(std::move(request));
  if (posted.size() != 1) {
    std::cerr << "expected one request in " << path << ", found " << posted.size() << '\n';
    return 1;
  }
  std::cout << "posted to " << path.string() << ":\n" << json::serialize(posted[0]) << '\n';
  return 0;
}
