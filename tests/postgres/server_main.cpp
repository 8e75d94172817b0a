// ablauf_postgres_server start|stop DIRECTORY: the ctest fixture that runs one PostgreSQL server
// for every test of a build that needs one (see server.hpp).
#include "postgres/server.hpp"

#include <filesystem>
#include <iostream>
#include <string_view>

int main(int argc, char** argv) {
  if (argc != 3 || (std::string_view(argv[1]) != "start" && std::string_view(argv[1]) != "stop")) {
    std::cerr << "usage: ablauf_postgres_server start|stop DIRECTORY\n";
    return 2;
  }
  const ablauf::test::PostgresServer server{argv[2]};
  if (std::string_view(argv[1]) == "stop") {
    server.stop();
    std::error_code ignored;
    std::filesystem::remove_all(server.directory, ignored);
    return 0;
  }
  if (const auto problem = server.start(); !problem.empty()) {
    std::cerr << "error: " << problem << '\n';
    return 1;
  }
  std::cout << "PostgreSQL runs at " << server.conninfo() << '\n';
  return 0;
}
