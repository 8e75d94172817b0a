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

TEST_CASE("locating by offset gives the same line and column as counting from the start",
          "[source]") {
  // Lines of every length around the index's stride, with multi-byte characters across it.
  std::string text = "\xEF\xBB\xBF";
  for (int line = 0; line < 40; ++line) {
    text += std::string(static_cast<std::size_t>(line * 37 % 300), 'a');
    text += line % 3 ? "\xC3\xBC\xE2\x82\xAC" : "";  // ü€
    text += '\n';
  }
  const Source source("lines.json", text);
  std::uint32_t line = 1, column = 1;
  for (std::size_t offset = 0; offset <= text.size(); ++offset) {
    const auto where = source.location_at(offset);
    INFO("offset " << offset);
    REQUIRE(where.line == line);
    // Inside the byte order mark, every offset is the first column.
    REQUIRE(where.column == (offset < 3 ? 1 : column));
    if (offset == text.size()) break;
    if (text[offset] == '\n') {
      ++line;
      column = 1;
    } else if (offset >= 3 && (static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  CHECK(source.location_at(text.size() + 100).line == line);
}

TEST_CASE("a source lists the keys written twice in one object", "[source]") {
  const Source source("twice.json", R"({"to": "a", "x": {"to": 1, "y": [{"to": 2}]},
 "to": "b", "a~b": 1, "a~b": 2, "to": "c"})");
  const auto& repeats = source.duplicate_keys();
  REQUIRE(repeats.size() == 3);
  CHECK(repeats[0].pointer == "/to");
  CHECK(source.location_at(repeats[0].first).column == 2);
  CHECK(source.location_at(repeats[0].second).line == 2);
  CHECK(source.location_at(repeats[0].second).column == 2);
  CHECK(repeats[1].pointer == "/a~0b");
  CHECK(repeats[2].pointer == "/to");
  CHECK(repeats[2].first == repeats[0].second);
}

TEST_CASE("members of an object written twice are not repeats of their own", "[source]") {
  // Only "a" repeats; "a/b" stands once in each of the two objects.
  const Source source("nested.json", R"({"a": {"b": 1}, "a": {"b": 2}})");
  REQUIRE(source.duplicate_keys().size() == 1);
  CHECK(source.duplicate_keys()[0].pointer == "/a");
}
