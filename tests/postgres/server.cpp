#include "postgres/server.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

#include <pwd.h>
#include <unistd.h>

namespace ablauf::test {
namespace fs = std::filesystem;
namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a server binary, as `postgres` when we are root; returns its exit status.
int run(const fs::path& program, const std::string& arguments) {
  const std::string as = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
  return std::system(
      (as + quoted(program.string()) + " " + arguments + " >/dev/null 2>&1").c_str());
}

std::string tail(const fs::path& file) {
  std::ifstream in(file);
  std::string line, last;
  for (int kept = 0; std::getline(in, line);) {
    last += line + "\n";
    if (++kept > 20) last.erase(0, last.find('\n') + 1);
  }
  return last;
}

}  // namespace

fs::path PostgresServer::binaries() {
  fs::path best;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ignored)) {
    const auto bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl") &&
        (best.empty() ||
         std::stoi(entry.path().filename()) > std::stoi(best.parent_path().filename())))
      best = bin;
  }
  return best;
}

std::string PostgresServer::start() const {
  const auto bin = binaries();
  if (bin.empty())
    return "no PostgreSQL server is installed (no /usr/lib/postgresql/*/bin/initdb): install "
           "Debian's postgresql package (.ci/install-deps.sh does)";
  if (running()) return {};
  std::error_code ignored;
  fs::create_directories(directory, ignored);
  if (::geteuid() == 0) {
    const passwd* postgres = ::getpwnam("postgres");
    if (!postgres) return "running as root, but there is no postgres user to run the server as";
    if (::chown(directory.c_str(), postgres->pw_uid, postgres->pw_gid) != 0)
      return "cannot hand " + directory.string() + " to the postgres user";
  }
  const auto data = directory / "data";
  if (!fs::exists(data / "PG_VERSION") &&
      run(bin / "initdb", "-D " + quoted(data.string()) +
                              " -A trust -U postgres -E UTF8 --locale=C --no-sync") != 0)
    return "initdb failed in " + data.string();
  // No TCP, and the socket in our own directory.
  const std::string options = "-k " + directory.string() + " -p " + std::to_string(port) +
                              " -c listen_addresses='' -c max_connections=200" +
                              (fsync ? "" : " -c fsync=off");
  const auto log = directory / "server.log";
  if (run(bin / "pg_ctl", "-D " + quoted(data.string()) + " -l " + quoted(log.string()) +
                              " -w -t 60 -o " + quoted(options) + " start") != 0)
    return "the PostgreSQL server did not start:\n" + tail(log);
  return {};
}

namespace {

void stop_server(const fs::path& directory, const char* mode) {
  const auto bin = PostgresServer::binaries();
  if (!bin.empty())
    run(bin / "pg_ctl", "-D " + quoted((directory / "data").string()) + " -m " + mode + " -w stop");
}

}  // namespace

void PostgresServer::stop() const {
  stop_server(directory, "fast");
}

void PostgresServer::crash() const {
  stop_server(directory, "immediate");
}

bool PostgresServer::running() const {
  const auto bin = binaries();
  return !bin.empty() && fs::exists(directory / "data" / "postmaster.pid") &&
         run(bin / "pg_ctl", "-D " + quoted((directory / "data").string()) + " status") == 0;
}

std::string PostgresServer::create_database(const std::string& name) const {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> admin(PQconnectdb(conninfo().c_str()),
                                                           &PQfinish);
  if (PQstatus(admin.get()) != CONNECTION_OK)
    return std::string("cannot connect to the test server: ") + PQerrorMessage(admin.get());
  const std::unique_ptr<PGresult, decltype(&PQclear)> created(
      PQexec(admin.get(), ("CREATE DATABASE " + name).c_str()), &PQclear);
  if (PQresultStatus(created.get()) != PGRES_COMMAND_OK)
    return std::string("cannot create a database: ") + PQresultErrorMessage(created.get());
  return {};
}

std::string PostgresServer::conninfo(const std::string& database) const {
  return "host=" + directory.string() + " port=" + std::to_string(port) +
         " user=postgres dbname=" + database;
}

}  // namespace ablauf::test
