// `ablauf serve`: the HTTP server (ablauf::http) over a store, with the built-in adapters, until
// SIGTERM or SIGINT. On SQLite it fires due timers itself; on PostgreSQL it is one of the workers
// that share the store's instances. docs/http.md describes it.
#include "commands.hpp"
#include "load.hpp"
#include "run_definitions.hpp"
#include "run_outbox.hpp"
#include "store.hpp"

#include <ablauf/http_server.hpp>
#include <ablauf/http_users.hpp>
#include <ablauf/printable.hpp>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

namespace ablauf::cli {
namespace {

struct ServeFlags {
  StoreFlag store;
  std::string listen = "127.0.0.1:8080";
  std::string outbox = "outbox";
  std::string language;
  std::size_t threads = 2;
  std::size_t max_connections = http::ServerOptions{}.max_connections;
  std::size_t max_body_bytes = http::ServerOptions{}.max_body_bytes;
  std::size_t max_upload_bytes = http::ServerOptions{}.max_upload_bytes;
  std::chrono::milliseconds poll_interval{1'000};
  std::chrono::hours idempotency_retention{24 * 7};
  std::string access_log = "-";
  std::string users;
  std::string webhooks;
  std::vector<std::string> trusted_proxies;
  bool secure_cookies = false;
  DefinitionsFlag definitions;
  LimitFlags limits;
};

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:0" into the server's address and port; why not as
// the error.
tl::expected<void, std::string> parse_listen(const std::string& text,
                                             http::ServerOptions& options) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return tl::make_unexpected("'" + text + "' is not ADDRESS:PORT, such as 127.0.0.1:8080");
  std::string address = text.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);  // an IPv6 address, as in a URL
  const std::string_view port = std::string_view(text).substr(colon + 1);
  unsigned value = 0;
  const auto [end, failed] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || failed != std::errc() || end != port.data() + port.size() || value > 65535)
    return tl::make_unexpected("'" + std::string(port) + "' is not a port from 0 to 65535");
  options.address = std::move(address);
  options.port = static_cast<std::uint16_t>(value);
  return {};
}

// What runs instances besides the requests: on a store that shares work (PostgreSQL), a worker
// claiming instances with work; on any other, a loop that fires due timers (reminders,
// timeouts, retries) and hands over the mail a failed delivery left, every poll interval.
class Background {
 public:
  Background(Engine& engine, bool shared, std::chrono::milliseconds poll)
      : thread_([&engine, shared, poll](std::stop_token stop) {
          if (shared) return engine.run_worker(stop);
          fire_timers(engine, poll, stop);
        }) {}

  // Asks it to stop and waits until it has.
  void stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  static void fire_timers(Engine& engine, std::chrono::milliseconds poll, std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any woken;
    // A store that fails (a full disk) is asked again after a pause that doubles with each
    // failure in a row, up to a minute: reported each time, never spinning.
    auto pause = poll;
    while (!stop.stop_requested()) {
      if (auto fired = engine.run_due(); fired) {
        pause = poll;
      } else {
        std::cerr << "error: firing due timers: " << fired.error().message << " (again in "
                  << pause.count() << " ms)\n";
        pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::minutes(1));
      }
      std::unique_lock lock(mutex);
      woken.wait_for(lock, stop, pause, [] { return false; });
    }
  }

  std::jthread thread_;
};

// Forgets the idempotency keys of calls older than the retention, at start and every hour, so
// that the store's table of them does not grow without end (Store::forget_requests). A client
// that repeats a call after that long makes it again.
class KeyRetention {
 public:
  KeyRetention(Store& store, Clock& clock, std::chrono::hours retention)
      : thread_([&store, &clock, retention](std::stop_token stop) {
          std::mutex mutex;
          std::condition_variable_any woken;
          while (!stop.stop_requested()) {
            if (auto forgotten = store.forget_requests(clock.now() - retention); !forgotten)
              std::cerr << "error: forgetting old idempotency keys: " << forgotten.error().message
                        << " (again in an hour)\n";
            std::unique_lock lock(mutex);
            woken.wait_for(lock, stop, std::chrono::hours(1), [] { return false; });
          }
        }) {}

 private:
  std::jthread thread_;
};

// Blocks SIGTERM and SIGINT in this thread, so that every thread started after it inherits the
// mask and the signal is taken by serve()'s sigwait alone.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Whether clients can reach `address` only from this machine.
bool is_loopback(const std::string& address) {
  boost::system::error_code failed;
  const auto parsed = boost::asio::ip::make_address(address, failed);
  return !failed && parsed.is_loopback();
}

// The store as it may be printed: a connection URL without its password
// ("postgresql://ablauf:secret@db/x" → "postgresql://ablauf@db/x").
std::string printable_store(const std::string& store) {
  const auto scheme = store.find("://");
  if (scheme == std::string::npos) return store;
  const auto at = store.find('@', scheme);
  const auto colon = store.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return store;
  return store.substr(0, colon) + store.substr(at);
}

int serve(const ServeFlags& flags) {
  http::ServerOptions options;
  if (auto parsed = parse_listen(flags.listen, options); !parsed) {
    std::cerr << "error: --listen: " << parsed.error() << '\n';
    return exit_usage;
  }
  options.threads = flags.threads;
  options.max_connections = flags.max_connections;
  options.max_body_bytes = flags.max_body_bytes;
  options.max_upload_bytes = flags.max_upload_bytes;
  options.load_options = flags.limits.options;  // its step types outlive the server
  options.secure_cookies = flags.secure_cookies;
  options.trusted_proxies = flags.trusted_proxies;
  std::unique_ptr<http::UsersFile> users;
  if (!flags.users.empty()) {
    auto read = http::UsersFile::load(flags.users);
    if (!read) {
      for (const auto& finding : read.error()) std::cerr << finding << '\n';
      return exit_invalid;
    }
    users = std::move(*read);
    options.authenticator = users.get();
  }
  if (!flags.webhooks.empty()) {
    auto sources = http::load_webhook_sources(flags.webhooks);
    if (!sources) {
      for (const auto& finding : sources.error()) std::cerr << finding << '\n';
      return exit_invalid;
    }
    options.webhook_sources = std::move(*sources);
  }
  if (!users && !is_loopback(options.address)) {
    std::cerr << "error: --listen " << flags.listen
              << " without --users would let anyone who reaches it act as admin: give --users "
                 "FILE (ablauf users add), or listen on 127.0.0.1 or [::1]\n";
    return exit_usage;
  }
  if (const auto refused = options.check(); !refused.empty()) {
    std::cerr << "error: " << refused << '\n';
    return exit_usage;
  }
  // The access log: a JSON line per answer, to stdout or appended to a file, whole lines only.
  std::ofstream log_file;
  if (flags.access_log != "-" && !flags.access_log.empty()) {
    log_file.open(flags.access_log, std::ios::app);
    if (!log_file) {
      std::cerr << "error: --access-log: cannot append to '" << flags.access_log << "'\n";
      return exit_usage;
    }
  }
  std::ostream* log = flags.access_log.empty() ? nullptr
                      : log_file.is_open()     ? static_cast<std::ostream*>(&log_file)
                                               : &std::cout;
  auto log_mutex = std::make_shared<std::mutex>();
  if (log)
    options.access_log = [log, log_mutex](const http::AccessRecord& record) {
      const auto line = http::to_json_line(record) + '\n';
      std::lock_guard lock(*log_mutex);
      *log << line << std::flush;
    };
  std::size_t warnings = 0;
  const auto given = load_definitions(flags.definitions.paths, flags.limits.options, warnings);
  if (!given) return exit_invalid;
  auto store = open_store(flags.store.path);
  if (!store) return exit_usage;

  const sigset_t stop_signals = block_stop_signals();
  SystemClock clock;
  FileOutbox outbox(flags.outbox);
  Engine engine({.store = store.get(),
                 .clock = &clock,
                 .mailer = &outbox,
                 .language = flags.language,
                 .render_attachment = pdf_attachments({}, store->blob_store()),
                 .limits = flags.limits.engine,
                 .worker = {.poll_interval = flags.poll_interval}});
  auto deployed = deploy_kept(engine, *store, flags.limits.options);
  if (!deployed) return exit_invalid;
  if (!callees_given(*given, *deployed)) return exit_usage;
  if (const int kept = deploy_and_keep(engine, *store, *given, *deployed); kept != exit_ok)
    return kept;

  options.store = store.get();
  http::Server server(engine, options);
  if (auto started = server.start(); !started) {
    std::cerr << "error: " << started.error().message << '\n';
    return exit_usage;
  }
  // Recovery before readiness: steps a killed process left without an outcome run again (with
  // their idempotency keys), due timers fire, queued mail goes out. Where processes share the
  // store, their workers take that work by claims instead.
  const bool shared = store->work_queue() != nullptr;
  if (!shared) {
    if (auto resumed = engine.resume(); !resumed) {
      std::cerr << "error: recovering unfinished instances: " << resumed.error().message << '\n';
      return exit_stopped;
    }
  }
  Background background(engine, shared, flags.poll_interval);
  KeyRetention retention(*store, clock, flags.idempotency_retention);
  server.ready();
  std::cout << "ablauf serves " << engine.workflows().size() << " workflow version(s) from "
            << printable_store(flags.store.path)
            << (users ? " to " + std::to_string(users->users().size()) + " user(s)"
                      : std::string(" without users (every caller is admin)"))
            << " on http://" << options.address << ':' << server.port() << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cout << "stopping on " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
            << ": finishing the requests being answered" << std::endl;
  server.stop();
  background.stop();
  engine.wait_idle();
  std::cout << "stopped" << std::endl;
  return exit_ok;
}

}  // namespace

void add_serve_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<ServeFlags>();
  auto* command = app.add_subcommand(
      "serve",
      "Serve the HTTP API (docs/http.md) over a store until SIGTERM or SIGINT, which lets the "
      "requests being answered finish. Deploys the definitions the store keeps and those given");
  flags->store.add_to(*command);
  command->add_option("--listen", flags->listen, "ADDRESS:PORT to listen on; port 0 picks one")
      ->capture_default_str();
  flags->definitions.add_to(*command);
  command->add_option("--outbox", flags->outbox, "Folder for sent mail (.eml files)")
      ->capture_default_str();
  command->add_option("--lang", flags->language, "Language of titles and texts (de, en, …)");
  command
      ->add_option("--access-log", flags->access_log,
                   "Where a JSON line per answered request goes: - for stdout, a file to append "
                   "to, or \"\" for none")
      ->capture_default_str();
  command->add_option("--users", flags->users,
                      "Users file (ablauf users add): who may sign in, with which roles; "
                      "without it everyone acts as admin, so only loopback is allowed");
  command->add_option("--webhooks", flags->webhooks,
                      "Webhook sources file: systems that send signals signed with HMAC-SHA256");
  command->add_option("--trusted-proxy", flags->trusted_proxies,
                      "Address of a reverse proxy whose X-Forwarded-For names the client; "
                      "repeatable");
  command->add_flag("--secure-cookies", flags->secure_cookies,
                    "Mark the session cookie Secure: clients reach the server over HTTPS");
  command->add_option("--threads", flags->threads, "Threads answering requests, 1 to 256")
      ->capture_default_str();
  command
      ->add_option("--max-connections", flags->max_connections,
                   "Connections open at once, 1 to 100000; the next gets 503")
      ->capture_default_str();
  command
      ->add_option("--max-body-bytes", flags->max_body_bytes,
                   "Largest request body, 1 to 1073741824 bytes; a larger one gets 413")
      ->capture_default_str();
  command
      ->add_option("--max-upload-bytes", flags->max_upload_bytes,
                   "Largest body bringing files (an upload, a form with photos), 1024 to "
                   "2147483648 bytes; a larger one gets 413")
      ->capture_default_str();
  command
      ->add_option_function<std::int64_t>(
          "--poll-interval",
          [flags](std::int64_t ms) { flags->poll_interval = std::chrono::milliseconds(ms); },
          "Milliseconds between looks for due timers and claimable work, 10 to 3600000 "
          "(default 1000)")
      ->check(CLI::Range(std::int64_t{10}, std::int64_t{3'600'000}));
  command
      ->add_option_function<std::int64_t>(
          "--idempotency-hours",
          [flags](std::int64_t hours) { flags->idempotency_retention = std::chrono::hours(hours); },
          "Hours an Idempotency-Key is kept: a call repeated later is made again; 1 to 87600 "
          "(default 168, a week)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{87'600}));
  flags->limits.add_to(*command, true);
  command->callback([flags, &run] {
    run = [flags] { return flags->limits.load_step_types() ? serve(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
