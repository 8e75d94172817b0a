#include "ablauf/json.hpp"

#include "test_support.hpp"

using namespace ablauf;

namespace {

tl::expected<boost::json::value, Diagnostic> parse(std::string text,
                                                   const JsonLimits& limits = {}) {
  const Source source("doc.json", std::move(text));
  return parse_json(source, limits);
}

}  // namespace

TEST_CASE("a syntax error points at the character at fault", "[json]") {
  auto result = parse("{\n  \"id\": \"x\"\n  \"version\": 1\n}");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::syntax_error);
  CHECK(result.error().location.file == "doc.json");
  CHECK(result.error().location.line == 3);
  CHECK(result.error().location.column == 3);
  CHECK_THAT(result.error().message, Catch::Contains("at '\"' (is a comma missing before it?)"));
}

TEST_CASE("a document that ends too early says so", "[json]") {
  auto result = parse("{\"steps\": [");
  REQUIRE_FALSE(result);
  CHECK(result.error().location.line == 1);
  CHECK(result.error().location.column == 12);
  CHECK_THAT(result.error().message, Catch::Contains("ends too early"));
}

TEST_CASE("columns count characters, not bytes", "[json]") {
  auto result = parse("{\"titel\": \"Prüfung\" x}");
  REQUIRE_FALSE(result);
  CHECK(result.error().location.column == 21);
}

TEST_CASE("JSON limits are enforced with errors naming them", "[json]") {
  SECTION("size") {
    auto result = parse("[1, 2, 3]", {.max_document_bytes = 8});
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::document_too_large);
    CHECK_THAT(result.error().message, Catch::Contains("max_document_bytes"));
  }
  SECTION("depth: at the limit accepted, one past rejected") {
    CHECK(parse("[[[1]]]", {.max_depth = 3}));
    auto result = parse("[[[[1]]]]", {.max_depth = 3});
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::too_deep);
    CHECK(result.error().location.column == 4);
    CHECK_THAT(result.error().message, Catch::Contains("max_depth"));
  }
  SECTION("string length, located at the string") {
    CHECK(parse(R"({"a": "12345"})", {.max_string_length = 5}));
    auto result = parse("{\"a\": [\"ok\",\n \"123456\"]}", {.max_string_length = 5});
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::string_too_long);
    CHECK(result.error().pointer == "/a/1");
    CHECK(result.error().location.line == 2);
    CHECK(result.error().location.column == 2);
  }
  SECTION("a key too long is located at the key") {
    auto result = parse("{\"ok\": 1,\n  \"too_long\": 2}", {.max_string_length = 5});
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::string_too_long);
    CHECK(result.error().pointer == "/too_long");
    CHECK(result.error().location.line == 2);
    CHECK(result.error().location.column == 3);
  }
}

TEST_CASE("a UTF-8 byte order mark is skipped", "[json]") {
  auto result = parse("\xEF\xBB\xBF{\"a\": 1}");
  REQUIRE(result);
  CHECK(result->at("a") == 1);
}

// JSONTestSuite: y_ files must parse, n_ files must fail with a located error, and no file
// (i_ included) may crash or hang. Keys written twice are valid JSON, but ablauf refuses them
// on purpose (docs/limits.md): readers disagree on which value counts.
TEST_CASE("the JSONTestSuite parsing corpus is judged correctly", "[json][corpus]") {
  const auto dir = std::filesystem::path(ABLAUF_CORPORA_DIR) / "jsontestsuite/test_parsing";
  std::size_t accepted = 0, rejected = 0, either = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    const Source source(name, test::read_file(entry.path()));
    const auto result = parse_json(source);
    if (name.find("duplicated_key") != std::string::npos) {
      REQUIRE_FALSE(result);
      CHECK_THAT(result.error().message, Catch::Contains("given twice"));
      ++accepted;
      continue;
    }
    switch (name[0]) {
      case 'y':
        CHECK(result);
        ++accepted;
        break;
      case 'n':
        REQUIRE_FALSE(result);
        CHECK(result.error().location.known());
        CHECK(result.error().location.file == name);
        CHECK_FALSE(result.error().message.empty());
        ++rejected;
        break;
      default: ++either;
    }
  }
  CHECK(accepted == 95);
  CHECK(rejected == 188);
  CHECK(either == 35);
}

TEST_CASE("a key written twice in one object is refused at the repeat, naming the first",
          "[json]") {
  // Boost.JSON alone would keep the last: the mail would go to the second address.
  auto result = parse("{\"type\": \"send_email\",\n \"to\": \"a@example.de\",\n  \"to\": \"evil@example.com\"}");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::syntax_error);
  CHECK(result.error().pointer == "/to");
  CHECK(result.error().location.line == 3);
  CHECK(result.error().location.column == 3);
  CHECK_THAT(result.error().message,
             Catch::Contains("the key 'to' is given twice") && Catch::Contains("first at 2:2"));
}

TEST_CASE("keys repeated deep inside, escaped, or in many objects are found", "[json]") {
  SECTION("deep inside arrays") {
    auto result = parse(R"({"steps": [{"id": "a"}, {"id": "b", "next": "c", "next": "d"}]})");
    REQUIRE_FALSE(result);
    CHECK(result.error().pointer == "/steps/1/next");
  }
  SECTION("written once plainly and once with an escape") {
    auto result = parse(R"({"a/b": 1, "a\/b": 2})");
    REQUIRE_FALSE(result);
    CHECK(result.error().pointer == "/a~1b");
    CHECK_THAT(result.error().message, Catch::Contains("'a/b'"));
  }
  SECTION("the same key in sibling objects is no repeat") {
    CHECK(parse(R"([{"to": 1}, {"to": 2}, {"to": {"to": 3}}])"));
  }
  SECTION("a large object with a repeat at its end") {
    std::string text = "{";
    for (int i = 0; i < 100'000; ++i) text += "\"k" + std::to_string(i) + "\": 1, ";
    text += "\"k7\": 2}";
    auto result = parse(std::move(text), {.max_string_length = 64});
    REQUIRE_FALSE(result);
    CHECK(result.error().pointer == "/k7");
  }
}

TEST_CASE("limits of zero or past their ceiling are refused, not used", "[json][limits]") {
  const auto refused = [](const JsonLimits& limits, const char* field) {
    auto result = parse("[1]", limits);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::invalid_value);
    CHECK_THAT(result.error().message, Catch::Contains(field));
  };
  refused({.max_document_bytes = 0}, "max_document_bytes");
  refused({.max_depth = 0}, "max_depth");
  refused({.max_string_length = 0}, "max_string_length");
  // What a negative number becomes in a std::size_t.
  refused({.max_depth = static_cast<std::size_t>(-1)}, "max_depth");
  refused({.max_document_bytes = static_cast<std::size_t>(-5)}, "max_document_bytes");
  refused({.max_depth = JsonLimits::max_depth_ceiling + 1}, "max_depth");
  CHECK(parse("[1]", {.max_depth = 1}));
}

TEST_CASE("nesting at the depth ceiling parses; one level past it is refused", "[json][limits]") {
  const std::size_t depth = JsonLimits::max_depth_ceiling;
  const JsonLimits limits{.max_depth = depth};
  CHECK(parse(std::string(depth, '[') + std::string(depth, ']'), limits));
  auto result = parse(std::string(depth + 1, '[') + std::string(depth + 1, ']'), limits);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::too_deep);
  // 100,000 levels, as a hostile document might nest, stop at the limit too.
  CHECK_FALSE(parse(std::string(100'000, '[') + std::string(100'000, ']'), limits));
}
