// ablauf_http_load: many clients at once against running `ablauf serve` processes, each working
// its share of instances of the `load` workflow (tests/load/load.json) through the API: start
// (by business key), submit the checklist, complete the task. Every change carries an
// Idempotency-Key, and a request that fails on the wire (the server killed, restarting) is sent
// again with the same key until it is answered, so that a server killed under load loses and
// repeats nothing. At the end it reads every instance back and checks that each was started,
// answered and completed exactly once; then it prints requests per second and the latency
// percentiles of each kind of request (the last attempt's, from sending to the answer read);
// "look" counts the reads of an instance whose task another process's worker had yet to make.
//
//   ablauf_http_load --port P [--port P2 …] --token TOKEN [--clients 64] [--instances 640]
//                    [--prefix load] [--deadline-seconds 120]
//
// Exit 0 when every instance checks out, 1 when one does not or a request was refused (a 4xx
// or 5xx that is not 503), 2 for bad arguments.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace wire = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Settings {
  std::vector<unsigned short> ports;
  std::string token;
  std::size_t clients = 64;
  std::size_t instances = 640;
  std::string prefix = "load";
  std::chrono::seconds deadline{120};
};

struct Answer {
  unsigned status = 0;
  std::string body;
};

// One client's connection to one server, opened again whenever a request fails on the wire.
class Connection {
 public:
  Connection(unsigned short port, std::string token) : port_(port), token_(std::move(token)) {}

  // Sends until answered with anything but 503, or until `deadline`; none past it.
  std::optional<Answer> send(wire::verb verb, const std::string& target, const std::string& body,
                             const std::string& key, Clock::time_point deadline,
                             std::chrono::microseconds& latency, std::size_t& retries) {
    for (std::chrono::milliseconds pause{10};;
         pause = std::min(pause * 2, std::chrono::milliseconds(500))) {
      if (Clock::now() > deadline) return std::nullopt;
      try {
        if (!stream_) connect();
        wire::request<wire::string_body> out(verb, target, 11);
        out.set(wire::field::host, "localhost");
        out.set(wire::field::authorization, "Bearer " + token_);
        if (!key.empty()) out.set("Idempotency-Key", key);
        if (!body.empty()) out.set(wire::field::content_type, "application/json");
        out.body() = body;
        out.prepare_payload();
        const auto sent = Clock::now();
        wire::write(*stream_, out);
        wire::response<wire::string_body> in;
        wire::read(*stream_, buffer_, in);
        latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent);
        if (!in.keep_alive()) stream_.reset();
        if (in.result_int() != 503) return Answer{in.result_int(), std::move(in.body())};
      } catch (const std::exception&) {  // refused, reset, closed: the server is away
        stream_.reset();
      }
      ++retries;
      std::this_thread::sleep_for(pause);
    }
  }

 private:
  void connect() {
    stream_.emplace(io_);
    stream_->expires_after(std::chrono::seconds(10));
    stream_->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    stream_->expires_never();
    buffer_.clear();
  }

  asio::io_context io_;
  unsigned short port_;
  std::string token_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// What the clients measured, by kind of request.
struct Figures {
  std::mutex mutex;
  std::map<std::string, std::vector<std::chrono::microseconds>> latencies;
  std::atomic<std::size_t> retries{0};
  std::atomic<std::size_t> refused{0};
  void add(const std::string& kind, std::chrono::microseconds latency) {
    std::lock_guard lock(mutex);
    latencies[kind].push_back(latency);
  }
};

std::string business_key(const Settings& settings, std::size_t n) {
  return settings.prefix + "-" + std::to_string(n);
}

// Works instance `n` through: start, form, completion. False when a request was refused.
bool work(const Settings& settings, std::size_t n, Connection& connection, Figures& figures,
          Clock::time_point deadline) {
  const std::string key = business_key(settings, n);
  std::chrono::microseconds latency{};
  std::size_t retries = 0;
  const auto call = [&](const char* kind, wire::verb verb, const std::string& target,
                        const std::string& body,
                        const std::string& idempotency) -> std::optional<json::value> {
    auto answer = connection.send(verb, target, body, idempotency, deadline, latency, retries);
    figures.retries += retries;
    retries = 0;
    if (!answer || answer->status >= 300) {
      std::cerr << kind << " " << key << ": "
                << (answer ? std::to_string(answer->status) + " " + answer->body : "no answer")
                << '\n';
      ++figures.refused;
      return std::nullopt;
    }
    figures.add(kind, latency);
    return json::parse(answer->body);
  };
  auto started = call("start", wire::verb::post, "/api/v1/instances",
                      R"({"workflow": "load", "business_key": ")" + key + R"("})", "start-" + key);
  if (!started) return false;
  const std::string id(started->at("id").as_string());
  auto answered =
      call("form", wire::verb::post, "/api/v1/instances/" + id + "/steps/check/form",
           R"({"answers": {"amount": )" + std::to_string(n) + R"(, "ok": true}})", "form-" + key);
  if (!answered) return false;
  // Where processes share a PostgreSQL store, the step after the checklist may be run by another
  // process's worker after the answer: the task is then looked for until it is there, as an
  // inbox would show it.
  const auto open_task = [](const json::value& instance) {
    for (const auto& entry : instance.at("tasks").as_array())
      if (!entry.at("completed").as_bool()) return std::string(entry.at("id").as_string());
    return std::string();
  };
  std::string task = open_task(*answered);
  for (int look = 0; task.empty() && look < 1000; ++look) {  // 10 s: past a poll interval
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto read = call("look", wire::verb::get, "/api/v1/instances/" + id, {}, {});
    if (!read) return false;
    task = open_task(*read);
  }
  if (task.empty()) {
    std::cerr << "form " << key << ": no open task 10 s after the checklist\n";
    ++figures.refused;
    return false;
  }
  std::string escaped;
  for (const char c : task) escaped += c == '/' ? std::string("%2F") : std::string(1, c);
  return call("complete", wire::verb::post,
              "/api/v1/instances/" + id + "/tasks/" + escaped + "/complete",
              R"({"outcome": "approve"})", "complete-" + key)
      .has_value();
}

// Reads instance `n` back: one instance for its key, completed, each answer and the completion
// recorded once. Why not, or "".
std::string check(const Settings& settings, std::size_t n, Connection& connection,
                  Clock::time_point deadline) {
  std::chrono::microseconds latency{};
  std::size_t retries = 0;
  const std::string key = business_key(settings, n);
  auto listed =
      connection.send(wire::verb::get, "/api/v1/instances?business_key=" + key + "&workflow=load",
                      {}, {}, deadline, latency, retries);
  if (!listed || listed->status != 200) return key + ": cannot be listed";
  const json::value listing = json::parse(listed->body);
  const auto& found = listing.at("instances").as_array();
  if (found.size() != 1) return key + ": " + std::to_string(found.size()) + " instances";
  const std::string id(found[0].at("id").as_string());
  if (found[0].at("status") != "completed")
    return key + ": " + std::string(found[0].at("status").as_string());
  auto history = connection.send(wire::verb::get, "/api/v1/instances/" + id + "/history", {}, {},
                                 deadline, latency, retries);
  if (!history || history->status != 200) return key + ": no history";
  std::map<std::string, int> counts;
  const json::value events = json::parse(history->body);  // kept: a range over it must not dangle
  for (const auto& event : events.at("events").as_array()) {
    const std::string type(event.at("type").as_string());
    if (type == "answer_recorded")
      ++counts["answer " + std::string(event.at("data").at("item").as_string())];
    else
      ++counts[type];
  }
  for (const char* once : {"instance_started", "answer amount", "answer ok", "task_completed"})
    if (counts[once] != 1)
      return key + ": " + once + " recorded " + std::to_string(counts[once]) + " times";
  return {};
}

std::chrono::microseconds percentile(std::vector<std::chrono::microseconds>& values, double p) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(at, values.size() - 1)];
}

std::optional<Settings> read_arguments(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    try {
      if (name == "--port")
        settings.ports.push_back(static_cast<unsigned short>(std::stoul(value)));
      else if (name == "--token")
        settings.token = value;
      else if (name == "--clients")
        settings.clients = std::stoul(value);
      else if (name == "--instances")
        settings.instances = std::stoul(value);
      else if (name == "--prefix")
        settings.prefix = value;
      else if (name == "--deadline-seconds")
        settings.deadline = std::chrono::seconds(std::stoul(value));
      else
        return std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (argc % 2 == 0 || settings.ports.empty() || settings.token.empty() || settings.clients == 0 ||
      settings.clients > 1024 || settings.instances == 0 || settings.instances > 10'000'000)
    return std::nullopt;
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  const auto settings = read_arguments(argc, argv);
  if (!settings) {
    std::cerr << "usage: ablauf_http_load --port P [--port P]… --token TOKEN [--clients 1..1024] "
                 "[--instances N] [--prefix TEXT] [--deadline-seconds S]\n";
    return 2;
  }
  Figures figures;
  const auto deadline = Clock::now() + settings->deadline;
  std::atomic<std::size_t> next{0};
  const auto began = Clock::now();
  std::vector<std::thread> clients;
  for (std::size_t c = 0; c < settings->clients; ++c)
    clients.emplace_back([&, c] {
      Connection connection(settings->ports[c % settings->ports.size()], settings->token);
      for (std::size_t n; (n = next++) < settings->instances;)
        work(*settings, n, connection, figures, deadline);
    });
  for (auto& client : clients) client.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();

  std::size_t requests = 0;
  std::vector<std::chrono::microseconds> all;
  std::printf("%-9s %9s %10s %10s %10s\n", "request", "count", "p50 ms", "p99 ms", "max ms");
  for (auto& [kind, values] : figures.latencies) {
    requests += values.size();
    all.insert(all.end(), values.begin(), values.end());
    const auto p50 = percentile(values, 0.50), p99 = percentile(values, 0.99);
    std::printf("%-9s %9zu %10.2f %10.2f %10.2f\n", kind.c_str(), values.size(),
                p50.count() / 1000.0, p99.count() / 1000.0, values.back().count() / 1000.0);
  }
  const auto p50 = percentile(all, 0.50), p99 = percentile(all, 0.99);
  std::printf("%-9s %9zu %10.2f %10.2f %10.2f\n", "all", all.size(), p50.count() / 1000.0,
              p99.count() / 1000.0, all.empty() ? 0.0 : all.back().count() / 1000.0);
  std::printf("%zu requests from %zu clients in %.2f s: %.0f requests/s, %zu sent again\n",
              requests, settings->clients, seconds, static_cast<double>(requests) / seconds,
              figures.retries.load());

  // Every instance read back, by as many clients.
  std::atomic<std::size_t> checked{0};
  std::mutex problems_mutex;
  std::vector<std::string> problems;
  std::vector<std::thread> checkers;
  const auto check_deadline = Clock::now() + settings->deadline;
  for (std::size_t c = 0; c < settings->clients; ++c)
    checkers.emplace_back([&, c] {
      Connection connection(settings->ports[c % settings->ports.size()], settings->token);
      for (std::size_t n; (n = checked++) < settings->instances;)
        if (auto problem = check(*settings, n, connection, check_deadline); !problem.empty()) {
          std::lock_guard lock(problems_mutex);
          problems.push_back(std::move(problem));
        }
    });
  for (auto& checker : checkers) checker.join();
  for (std::size_t i = 0; i < problems.size() && i < 20; ++i)
    std::cerr << "FAIL: " << problems[i] << '\n';
  if (!problems.empty() || figures.refused > 0) {
    std::cerr << problems.size() << " instance(s) wrong, " << figures.refused
              << " request(s) refused\n";
    return 1;
  }
  std::printf("all %zu instances started, answered and completed exactly once\n",
              settings->instances);
  return 0;
}
