// fresh_postgres_database(): the server ctest started (ABLAUF_TEST_POSTGRES), or one of this
// process's own, and a new database on it for each caller; open_postgres_store() on it.
#include "postgres/server.hpp"

#include <ablauf/postgres_store.hpp>

#include <libpq-fe.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <memory>

#include <unistd.h>

namespace ablauf::test {
namespace {

// A server for this process alone, stopped and removed when the process ends.
struct OwnServer {
  PostgresServer server;
  std::string problem;
  OwnServer() {
    char name[] = "/tmp/ablauf-pg-XXXXXX";
    if (!::mkdtemp(name)) {
      problem = "cannot make a directory for a PostgreSQL server";
      return;
    }
    server.directory = name;
    problem = server.start();
  }
  ~OwnServer() {
    server.stop();
    std::error_code ignored;
    std::filesystem::remove_all(server.directory, ignored);
  }
};

const PostgresServer& tests_server() {
  if (const char* shared = std::getenv("ABLAUF_TEST_POSTGRES")) {
    static const PostgresServer server{shared};
    if (!server.running())
      FAIL("ABLAUF_TEST_POSTGRES names " << shared << ", where no PostgreSQL server runs");
    return server;
  }
  static const OwnServer own;
  if (!own.problem.empty()) FAIL(own.problem);
  return own.server;
}

}  // namespace

std::string fresh_postgres_database() {
  const auto& server = tests_server();
  static std::atomic<int> count{0};
  const std::string name =
      "test_" + std::to_string(::getpid()) + "_" + std::to_string(count.fetch_add(1));
  if (const auto why = server.create_database(name); !why.empty()) FAIL(why);
  return server.conninfo(name);
}

std::unique_ptr<PostgresStore> open_postgres_store(const std::string& conninfo) {
  auto store = PostgresStore::open(conninfo);
  if (!store) FAIL(store.error().message);
  return std::move(*store);
}

}  // namespace ablauf::test
