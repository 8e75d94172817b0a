// Rendering DOT through Graphviz's `dot` program (graph_svg.hpp).
#include <ablauf/graph_svg.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ablauf {
namespace {

// Removes the temporary DOT file however rendering ends.
struct TemporaryFile {
  std::string path;
  ~TemporaryFile() {
    if (!path.empty()) std::remove(path.c_str());
  }
};

tl::unexpected<Error> failure(std::string message) {
  return tl::make_unexpected(Error{ErrorCode::io_error, std::move(message), {}, {}});
}

}  // namespace

tl::expected<std::string, Error> render_svg(std::string_view dot_text) {
  // dot reads the graph from a file, so that only its output needs a pipe.
  std::string name = (std::filesystem::temp_directory_path() / "ablauf-graph-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0)
    return failure(std::string("cannot create a temporary file for dot: ") + std::strerror(errno));
  ::close(fd);
  TemporaryFile input{name};
  if (!(std::ofstream(name, std::ios::binary) << dot_text))
    return failure("cannot write the graph to " + name + " for dot");

  // Close-on-exec, so that no other child inherits them; dup2 clears the flag on stdout.
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0)
    return failure(std::string("cannot run dot: ") + std::strerror(errno));
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
      return failure(
          "SVG is drawn by Graphviz, and its `dot` program is not on the PATH; install it "
          "(Debian, Ubuntu: apt-get install graphviz), or take DOT and render it elsewhere");
    return failure(std::string("cannot run dot: ") + std::strerror(spawned));
  }
  std::string svg;
  char buffer[8192];
  for (;;) {
    const auto read = ::read(pipe_ends[0], buffer, sizeof buffer);
    if (read < 0 && errno == EINTR) continue;
    if (read <= 0) break;
    svg.append(buffer, static_cast<std::size_t>(read));
  }
  ::close(pipe_ends[0]);
  int status = 0;
  pid_t waited = 0;
  while ((waited = ::waitpid(child, &status, 0)) < 0 && errno == EINTR) {
  }
  if (waited < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return failure("dot failed" + (WIFEXITED(status)
                                       ? " with exit status " + std::to_string(WEXITSTATUS(status))
                                       : std::string()));
  return svg;
}

}  // namespace ablauf
