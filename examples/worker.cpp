// A host process that shares work with copies of itself through one PostgreSQL database. Run
// it twice (or more) against the same database: each claims instances with work, advances
// them and lets them go; kill one and the others take its instances over once its leases run
// out. Ctrl-C (SIGINT) or SIGTERM stops it gracefully, letting its claims go at once.
//
//   ablauf_example_worker CONNINFO [--name NAME] [--start N] [--until-done]
//
// --start N starts N orders first; --until-done stops once no unfinished instance is left.
#include <ablauf/ablauf.hpp>

#include <atomic>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

namespace {

// An order: reserve stock in the host's warehouse, wait a moment, mail the customer.
constexpr const char* order_text = R"({
  "id": "order", "version": 1, "kind": "workflow", "title": "Order",
  "steps": [
    { "id": "reserve", "type": "reserve_stock", "next": "settle" },
    { "id": "settle", "type": "wait", "duration": "PT1S", "next": "confirm" },
    { "id": "confirm", "type": "send_email", "to": "{{input.email}}",
      "subject": "Order {{input.number}} is on its way", "body": "Thank you!", "next": "done" },
    { "id": "done", "type": "end" }
  ]
})";

class ReserveStock final : public ablauf::Adapter {
 public:
  explicit ReserveStock(std::string worker) : worker_(std::move(worker)) {}
  ablauf::StepResult execute(const ablauf::StepContext& context) override {
    ++reserved;
    // The idempotency key lets a real warehouse ignore a reservation it has seen.
    return ablauf::StepResult::completed(
        boost::json::object{{"reserved_by", worker_}, {"key", context.idempotency_key}});
  }
  std::atomic<int> reserved{0};

 private:
  std::string worker_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ablauf_example_worker CONNINFO [--name NAME] [--start N] [--until-done]\n";
    return 2;
  }
  const std::string conninfo = argv[1];
  std::string name;
  int start = 0;
  bool until_done = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--name") == 0 && i + 1 < argc)
      name = argv[++i];
    else if (std::strcmp(argv[i], "--start") == 0 && i + 1 < argc)
      start = std::stoi(argv[++i]);
    else if (std::strcmp(argv[i], "--until-done") == 0)
      until_done = true;
  }

  // SIGINT and SIGTERM are taken by one thread, which asks the worker to stop.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto store = ablauf::PostgresStore::open(conninfo);
  if (!store) {
    std::cerr << "error: " << store.error().message << '\n';
    return 1;
  }
  ablauf::StepTypeRegistry types = ablauf::StepTypeRegistry::builtin();
  if (auto ok = types.add({.name = "reserve_stock"}); !ok) return 1;
  auto definition = ablauf::load_definition(order_text, "order.json", {.step_types = &types});
  if (!definition) return 1;
  auto workflow = ablauf::Workflow::compile(std::move(*definition), &types);
  if (!workflow) return 1;

  ablauf::Engine engine(
      {.store = store->get(), .worker = {.name = name, .lease = std::chrono::seconds(10)}});
  auto reserve = std::make_shared<ReserveStock>(name.empty() ? "worker" : name);
  engine.register_adapter("reserve_stock", reserve);
  if (auto ok = engine.deploy(std::move(*workflow)); !ok) {
    std::cerr << "error: " << ok.error().message << '\n';
    return 1;
  }
  for (int n = 1; n <= start; ++n) {
    const std::string number = "A-" + std::to_string(n);
    auto id = engine.start("order",
                           boost::json::object{{"number", number}, {"email", "kunde@example.de"}},
                           {.business_key = number});
    if (!id) std::cerr << "error: " << id.error().message << '\n';
  }

  std::stop_source stop;
  std::jthread signal_waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    stop.request_stop();
  });
  std::jthread done_watcher([&](std::stop_token finished) {
    while (until_done && !finished.stop_requested() && !stop.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (auto open = (*store)->unfinished(); open && open->empty()) stop.request_stop();
    }
  });
  engine.run_worker(stop.get_token());

  const auto stats = engine.worker_stats();
  std::cout << (name.empty() ? "worker" : name) << ": reserved " << reserve->reserved
            << " orders, claimed " << stats.claimed << " times, " << stats.fenced
            << " writes fenced off, " << stats.lost << " leases lost\n";
  // The thread waiting for a signal (if none came) is let go with one of our own.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  return 0;
}
