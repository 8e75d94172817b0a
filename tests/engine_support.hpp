// Helpers shared by the engine's tests: an engine on a manual clock with its services at hand,
// and workflows compiled from text.
#pragma once

#include "test_support.hpp"

#include <ablauf/engine.hpp>
#include <ablauf/step_type.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace ablauf::test {

namespace json = boost::json;

inline const Time monday = *parse_rfc3339("2026-11-23T09:00:00Z");

struct Fixture {
  explicit Fixture(Executor* executor = nullptr, EngineLimits limits = {})
      : engine(config(executor, limits)) {}
  explicit Fixture(EngineLimits limits) : Fixture(nullptr, limits) {}

  ManualClock clock{monday};
  MemoryStore store;
  MemoryMailer outbox;
  MemoryRecordStore records;
  std::mutex observed_mutex;
  std::vector<Event> observed;
  Engine engine;

  EngineConfig config(Executor* executor, EngineLimits limits) {
    return {.store = &store,
            .clock = &clock,
            .mailer = &outbox,
            .records = &records,
            .executor = executor,
            .observer =
                [this](const std::string&, const Event& e) {
                  std::lock_guard lock(observed_mutex);
                  observed.push_back(e);
                },
            .language = "de",
            .limits = limits};
  }

  // The invoicing seed's lines step, answered with one line of 1,000 EUR net at 19 %: the
  // invoice's total is 1,190 EUR.
  void enter_invoice_lines(const std::string& id) {
    answer(id, "invoice_lines", "lines", one_invoice_line());
  }
  static json::array one_invoice_line() {
    return json::array{json::object{
        {"description", "Wartung"}, {"quantity", 1}, {"unit_price", 1000}, {"tax_rate", 19}}};
  }

  void deploy(const std::string& file) {
    REQUIRE(engine.deploy(test::compile_file(test::workflows_dir() / file)));
  }
  InstanceState state(const std::string& id) {
    auto s = engine.get(id);
    REQUIRE(s);
    return std::move(*s);
  }
  void answer(const std::string& id, const std::string& step, const std::string& item,
              json::value value) {
    auto ok = engine.answer(id, step, item, std::move(value), "erika");
    INFO(step << "." << item);
    if (!ok) FAIL(ok.error().message);
  }
  std::string waiting_step(const std::string& id) {
    const auto s = state(id);
    REQUIRE(s.tokens.size() == 1);
    return s.tokens[0].step;
  }
};

// A Mailer that refuses while `down`, and keeps what it takes.
struct FlakyMailer final : Mailer {
  bool down = false;
  std::vector<Mail> sent;
  tl::expected<std::string, std::string> send(const Mail& mail) override {
    if (down) return tl::make_unexpected(std::string("the mail server is down"));
    sent.push_back(mail);
    return "msg-" + std::to_string(sent.size());
  }
};

// A store that fails, as a disk or a process would, at the append that carries a given event
// type (for one instance, or any): the engine has stored the events before it, none after. It
// also counts the instances read from their start (their latest snapshot, if any), and can
// pass for a host's store from before idempotency keys (keeps_requests false).
class DyingStore final : public Store {
 public:
  explicit DyingStore(Store& inner) : inner_(inner) {}
  std::optional<EventType> die_at;
  std::string only_for;
  bool refuse_mark_sent = false;
  bool keeps_keys = true;
  mutable std::atomic<int> reads_from_start{0};

  BlobStore* blob_store() noexcept override { return inner_.blob_store(); }
  tl::expected<void, Error> append(std::string_view instance, std::uint64_t expected_last,
                                   Commit commit) override {
    for (const auto& event : commit.events)
      if (die_at && event.type == *die_at && (only_for.empty() || only_for == instance))
        return tl::make_unexpected(Error{ErrorCode::store_error, "the disk is gone", {}, {}});
    return inner_.append(instance, expected_last, std::move(commit));
  }
  tl::expected<std::vector<Event>, Error> load(std::string_view instance,
                                               std::uint64_t after) const override {
    return inner_.load(instance, after);
  }
  tl::expected<std::optional<Snapshot>, Error> load_snapshot(
      std::string_view instance) const override {
    ++reads_from_start;
    return inner_.load_snapshot(instance);
  }
  tl::expected<std::optional<boost::json::object>, Error> find_record(
      std::string_view collection, std::string_view key) const override {
    return inner_.find_record(collection, key);
  }
  tl::expected<std::vector<StoredRecord>, Error> records(
      std::string_view collection) const override {
    return inner_.records(collection);
  }
  tl::expected<std::vector<OutboxMail>, Error> outbox(bool unsent_only) const override {
    return inner_.outbox(unsent_only);
  }
  tl::expected<void, Error> mark_sent(std::int64_t mail, std::string_view message_id) override {
    if (refuse_mark_sent)
      return tl::make_unexpected(Error{ErrorCode::store_error, "the disk is gone", {}, {}});
    return inner_.mark_sent(mail, message_id);
  }
  tl::expected<std::vector<std::string>, Error> instance_ids() const override {
    return inner_.instance_ids();
  }
  tl::expected<std::optional<std::string>, Error> find_by_key(std::string_view workflow,
                                                              std::string_view key) const override {
    return inner_.find_by_key(workflow, key);
  }
  tl::expected<std::vector<std::string>, Error> due(Time now) const override {
    return inner_.due(now);
  }
  tl::expected<std::vector<std::string>, Error> unfinished() const override {
    return inner_.unfinished();
  }
  bool keeps_requests() const noexcept override { return keeps_keys && inner_.keeps_requests(); }
  tl::expected<std::optional<RequestRecord>, Error> find_request(
      std::string_view key) const override {
    return inner_.find_request(key);
  }
  tl::expected<std::size_t, Error> forget_requests(Time before) override {
    return inner_.forget_requests(before);
  }

 private:
  Store& inner_;
};

}  // namespace ablauf::test
