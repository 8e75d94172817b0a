// A private PostgreSQL server for tests: initdb into a directory of its own, started with a Unix
// socket in that directory and no TCP, so that it touches nothing else on the machine. As
// root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
//
// ctest starts one server per build for every test that needs it (the fixture in
// tests/CMakeLists.txt, through ablauf_postgres_server) and names its directory in
// ABLAUF_TEST_POSTGRES; a test binary run by hand starts its own and stops it on exit.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace ablauf {
class PostgresStore;
}

namespace ablauf::test {

struct PostgresServer {
  std::filesystem::path directory;  // data/, the socket, server.log
  int port = 54329;                 // only names the socket file: there is no TCP
  bool fsync = false;  // off for tests, whose server is thrown away; on to time durable commits

  // The server binaries (initdb, pg_ctl) of the newest PostgreSQL installed; empty if none.
  static std::filesystem::path binaries();

  // Creates the cluster if need be and starts the server; "" on success, else why not.
  std::string start() const;
  void stop() const;
  // Stops the server as a crash would (pg_ctl stop -m immediate): every session is cut, in the
  // middle of its transaction or not, and start() recovers from the write-ahead log.
  void crash() const;
  bool running() const;

  // Creates the database `name` on the running server; "" on success, else why not.
  std::string create_database(const std::string& name) const;

  // A connection string for `database` on this server.
  std::string conninfo(const std::string& database = "postgres") const;
};

// A new, empty database on the tests' server (started if need be), as a connection string.
// Fails the running test, naming what is missing, if no server can be started.
std::string fresh_postgres_database();

// A PostgresStore on `conninfo`; fails the running test with the store's error otherwise.
std::unique_ptr<PostgresStore> open_postgres_store(const std::string& conninfo);

}  // namespace ablauf::test
