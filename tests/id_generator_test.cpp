// Instance and timer ids: UUIDs of version 7 that sort in the order they were made.
#include "engine/id_generator.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ablauf::detail {
namespace {

// The Unix milliseconds in the first 48 bits: the first 12 hex digits, less the dash.
std::uint64_t millisecond_of(const std::string& id, std::size_t prefix_length) {
  const std::string hex = id.substr(prefix_length, 8) + id.substr(prefix_length + 9, 4);
  return std::stoull(hex, nullptr, 16);
}

TEST_CASE("an id is the prefix and a UUID of version 7", "[ids]") {
  IdGenerator ids;
  const auto before =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  const std::string id = ids.next("i");
  // Version 7 in the 13th hex digit, RFC 9562's variant (8, 9, a or b) in the 17th.
  CHECK(std::regex_match(id, std::regex("i-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                        "[0-9a-f]{12}")));
  const auto made = millisecond_of(id, 2);
  CHECK(made >= before);
  CHECK(made <= before + 60'000);
}

TEST_CASE("ids sort in the order they were made, also within one millisecond", "[ids]") {
  IdGenerator ids;
  std::vector<std::string> made;
  // More than the 4,096 a millisecond counts, so some borrow the next millisecond.
  for (int i = 0; i < 20'000; ++i) made.push_back(ids.next("tm"));
  for (std::size_t i = 1; i < made.size(); ++i) {
    INFO(made[i - 1] << " then " << made[i]);
    REQUIRE(made[i - 1] < made[i]);
  }
}

TEST_CASE("ids made on several threads are all different", "[ids]") {
  IdGenerator ids;
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (auto& mine : made)
    threads.emplace_back([&ids, &mine] {
      for (int i = 0; i < 5'000; ++i) mine.push_back(ids.next("i"));
    });
  for (auto& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& mine : made) all.insert(mine.begin(), mine.end());
  CHECK(all.size() == 20'000);
}

TEST_CASE("two generators do not make the same ids", "[ids]") {
  // Two engines on one database: within the same millisecond only the random bits differ.
  IdGenerator first;
  IdGenerator second;
  std::set<std::string> all;
  for (int i = 0; i < 10'000; ++i) {
    all.insert(first.next("i"));
    all.insert(second.next("i"));
  }
  CHECK(all.size() == 20'000);
}

TEST_CASE("a forked child draws random bits of its own, not its parent's", "[ids]") {
  IdGenerator ids;
  ids.next("i");  // the parent has drawn bits it has not handed out yet
  int pipe_ends[2];
  REQUIRE(::pipe(pipe_ends) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const std::string id = ids.next("i");
    const bool written =
        ::write(pipe_ends[1], id.data(), id.size()) == static_cast<ssize_t>(id.size());
    ::_exit(written ? 0 : 1);
  }
  const std::string mine = ids.next("i");
  std::string theirs(mine.size(), '\0');
  const auto read = ::read(pipe_ends[0], theirs.data(), theirs.size());
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(pipe_ends[0]);
  ::close(pipe_ends[1]);
  REQUIRE(read == static_cast<ssize_t>(mine.size()));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // The random part: the last 16 hex digits (with the dash), the same only if the bits were.
  CHECK(theirs.substr(theirs.size() - 17) != mine.substr(mine.size() - 17));
}

}  // namespace
}  // namespace ablauf::detail
