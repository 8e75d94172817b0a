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
// (i_ included) may crash or hang.
TEST_CASE("the JSONTestSuite parsing corpus is judged correctly", "[json][corpus]") {
  const auto dir = std::filesystem::path(ABLAUF_CORPORA_DIR) / "jsontestsuite/test_parsing";
  std::size_t accepted = 0, rejected = 0, either = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    const Source source(name, test::read_file(entry.path()));
    const auto result = parse_json(source);
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
