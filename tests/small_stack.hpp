// Running a piece of a test in a thread with a small stack: the check that a deep input is
// handled without recursion, which would overflow it.
#pragma once

#include <catch2/catch.hpp>

#include <pthread.h>

#include <cstddef>
#include <functional>

namespace ablauf::test {

// Runs `work` in a thread whose stack holds `stack_bytes`, and waits for it.
inline void run_with_stack(std::size_t stack_bytes, const std::function<void()>& work) {
  pthread_attr_t attributes;
  REQUIRE(pthread_attr_init(&attributes) == 0);
  REQUIRE(pthread_attr_setstacksize(&attributes, stack_bytes) == 0);
  pthread_t thread;
  const int created = pthread_create(
      &thread, &attributes,
      [](void* argument) -> void* {
        (*static_cast<const std::function<void()>*>(argument))();
        return nullptr;
      },
      const_cast<std::function<void()>*>(&work));
  pthread_attr_destroy(&attributes);
  REQUIRE(created == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
}

}  // namespace ablauf::test
