#include "graphviz.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ablauf::cli {
namespace {

// Removes the temporary DOT file however rendering ends.
struct TemporaryFile {
  std::string path;
  ~TemporaryFile() {
    if (!path.empty()) std::remove(path.c_str());
  }
};

}  // namespace

bool render_svg(const std::string& dot_text, std::ostream& out) {
  // dot reads the graph from a file, so that only its output needs a pipe.
  std::string name = (std::filesystem::temp_directory_path() / "ablauf-graph-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    std::cerr << "error: cannot create a temporary file for dot: " << std::strerror(errno) << '\n';
    return false;
  }
  ::close(fd);
  TemporaryFile input{name};
  if (!(std::ofstream(name, std::ios::binary) << dot_text)) {
    std::cerr << "error: cannot write the graph to " << name << " for dot\n";
    return false;
  }

  // Close-on-exec, so that no other child inherits them; dup2 clears the flag on stdout.
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) {
    std::cerr << "error: cannot run dot: " << std::strerror(errno) << '\n';
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  char program[] = "dot", format[] = "-Tsvg";
  char* argv[] = {program, format, name.data(), nullptr};
  pid_t child = 0;
  const int spawned = ::posix_spawnp(&child, "dot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_ends[1]);
  if (spawned != 0) {
    ::close(pipe_ends[0]);
    if (spawned == ENOENT)
      std::cerr << "error: --format svg renders through Graphviz, and its `dot` program is not "
                   "on the PATH; install it (Debian, Ubuntu: apt-get install graphviz), or write "
                   "--format dot and render it elsewhere\n";
    else
      std::cerr << "error: cannot run dot: " << std::strerror(spawned) << '\n';
    return false;
  }
  char buffer[8192];
  for (;;) {
    const auto read = ::read(pipe_ends[0], buffer, sizeof buffer);
    if (read < 0 && errno == EINTR) continue;
    if (read <= 0) break;
    out.write(buffer, read);
  }
  ::close(pipe_ends[0]);
  int status = 0;
  pid_t waited = 0;
  while ((waited = ::waitpid(child, &status, 0)) < 0 && errno == EINTR) {
  }
  if (waited < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "error: dot failed"
              << (WIFEXITED(status) ? " with exit status " + std::to_string(WEXITSTATUS(status))
                                    : std::string())
              << '\n';
    return false;
  }
  return static_cast<bool>(out);
}

}  // namespace ablauf::cli
