// Names a host of 0.1 wrote still compile, as deprecated aliases of their new names: a rename
// costs a warning, not a broken build.
#include <ablauf/dynamic_value.hpp>
#include <ablauf/engine.hpp>
#include <ablauf/services.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static_assert(std::is_same_v<ablauf::Outbox, ablauf::MemoryMailer>);
static_assert(std::is_same_v<ablauf::DynamicValueOptions, ablauf::DynamicCompileOptions>);
#pragma GCC diagnostic pop

TEST_CASE("a mailer under its name of 0.1 keeps mail", "[compatibility]") {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  ablauf::Outbox outbox;
#pragma GCC diagnostic pop
  REQUIRE(outbox.send({.to = {"a@example.com"}, .subject = "s", .idempotency_key = "k"}));
  CHECK(outbox.mails().size() == 1);
}

TEST_CASE("an engine lists its instance ids under their name of 0.1", "[compatibility]") {
  ablauf::Engine engine;
  REQUIRE(engine.deploy(*ablauf::Workflow::compile(*ablauf::load_definition(
      R"({"id": "w", "version": 1, "kind": "workflow", "title": "W",
          "steps": [{"id": "done", "type": "end"}]})",
      "w.json"))));
  const auto started = engine.start("w", boost::json::object{});
  REQUIRE(started);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  const auto listed = engine.instances();
#pragma GCC diagnostic pop
  REQUIRE(listed);
  CHECK(*listed == std::vector<std::string>{*started});
  CHECK(*listed == *engine.instance_ids());
}
