#include "ablauf/source.hpp"

#include "test_support.hpp"

#include <atomic>
#include <thread>

using namespace ablauf;

namespace {

const char* const document = R"({
  "id": "flow",
  "steps": [
    { "id": "a", "type": "end" },
    {
      "id": "b",
      "tïtle": "Prüfen",
      "when": "x \u003e 1 && y"
    }
  ],
  "a/b": { "~c": 1 }
})";

}  // namespace

TEST_CASE("a source locates values and keys by JSON pointer", "[source]") {
  const Source source("flow.json", document);
  const auto at = [&](std::string_view pointer, Anchor anchor = Anchor::value) {
    const auto where = source.locate(pointer, anchor);
    CHECK(where.file == "flow.json");
    return std::pair{where.line, where.column};
  };
  CHECK(at("") == std::pair{1u, 1u});
  CHECK(at("/id") == std::pair{2u, 9u});
  CHECK(at("/id", Anchor::key) == std::pair{2u, 3u});
  CHECK(at("/steps/0") == std::pair{4u, 5u});
  CHECK(at("/steps/0/type") == std::pair{4u, 26u});
  CHECK(at("/steps/1/id") == std::pair{6u, 13u});
  // Keys with escapes in the pointer, and columns after non-ASCII characters.
  CHECK(at("/a~1b/~0c") == std::pair{11u, 18u});
  CHECK(at("/steps/1/tïtle") == std::pair{7u, 16u});
}

TEST_CASE("a pointer to nothing is located at its nearest parent", "[source]") {
  const Source source("flow.json", document);
  CHECK(source.locate("/steps/1/next").line == 5);
  CHECK(source.locate("/steps/1/next", Anchor::key).column == 5);
  CHECK(source.locate("/missing/deeper").line == 1);
}

TEST_CASE("a position inside a string accounts for escapes", "[source]") {
  const Source source("flow.json", document);
  // The decoded string is `x > 1 && y`; its 'y' (offset 9) stands after the 6-byte \u003e.
  const auto where = source.locate_in_string("/steps/1/when", 9);
  CHECK(where.line == 8);
  CHECK(where.column == 30);
  CHECK(source.locate_in_string("/steps/1/when", 0).column == 16);
}

TEST_CASE("a source may be located from several threads at once", "[source]") {
  const Source source("flow.json", document);
  std::vector<std::thread> threads;
  std::atomic<int> right{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] { right += source.locate("/steps/1/id").line == 6; });
  for (auto& t : threads) t.join();
  CHECK(right == 4);
}
