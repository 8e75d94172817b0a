// Properties of the event fold, checked against random sequences of what hosts and people do to
// an engine: start instances (business keys repeated at times), answer and submit checklists,
// complete tasks, send signals, cancel, let time pass, and crash (cleanly, or after the store
// stopped taking writes) and resume on the same store. After every sequence:
//   1. each instance's state is the fold of its stored history;
//   2. no effect happens twice: one mail per idempotency key, handed to the Mailer at most once
//      per engine (twice across a crash, the same mail), and each record written once;
//   3. each history is numbered 1..n, and a finished instance's last event is its terminal one;
//   4. a call refused with an error changed nothing in the store.
//
// RapidCheck draws a new seed each run and prints it with the smallest failing sequence it
// shrank to. To rerun that case: RC_PARAMS="seed=<seed>" ./ablauf_tests "[property]". A longer
// soak: RC_PARAMS="max_success=10000" (sequences grow with the size: add "max_size=200" for
// longer ones). Each property runs 100 sequences by default (RapidCheck's max_success).
#include "engine_support.hpp"

#include <ablauf/sqlite_store.hpp>

#include <rapidcheck.h>
#include <rapidcheck/catch.h>
#include <boost/json/serialize.hpp>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace ablauf {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// An order: a checklist routes it to a task, a wait for a payment (with a timeout and a timer
// after it) or a review in a sub-workflow; it then saves a record under a key that other
// instances may share, and sends a mail.
const char* order_text = R"({"id": "order", "version": 1, "kind": "workflow", "title": "O",
  "steps": [
    {"id": "check", "type": "fill_checklist",
     "items": [{"id": "ok", "label": "OK"},
               {"id": "amount", "label": "Betrag", "kind": "number", "min": 0, "max": 1000},
               {"id": "route", "label": "Weg", "kind": "choice",
                "options": ["task", "wait", "call"]},
               {"id": "note", "label": "Notiz", "kind": "text", "required": false, "max": 8}],
     "timeout": "P2D", "on_timeout": "late",
     "next": [{"when": "steps.check.answers.route == \"task\"", "to": "approve"},
              {"when": "steps.check.answers.route == \"wait\"", "to": "hold"},
              {"to": "sub"}]},
    {"id": "late", "type": "create_task", "title": "Spät: {{input.key}}", "assignee": "lead",
     "next": "done"},
    {"id": "approve", "type": "create_task", "title": "Freigabe {{input.key}}",
     "assignee": "lead", "due": "P1D", "outcomes": ["yes", "no"],
     "next": [{"when": "steps.approve.outcome == \"yes\"", "to": "save"}, {"to": "refuse"}]},
    {"id": "hold", "type": "wait", "event": "paid", "correlation": "input.key",
     "timeout": "PT2H", "on_timeout": "pause", "next": "save"},
    {"id": "pause", "type": "wait", "duration": "PT1H", "next": "save"},
    {"id": "sub", "type": "call", "workflow": "review",
     "input": {"amount": {"=": "steps.check.answers.amount"}}, "next": "save"},
    {"id": "save", "type": "save_record", "collection": "orders", "key": "{{input.key}}",
     "record": {"nonce": {"=": "input.nonce"}, "amount": {"=": "steps.check.answers.amount"}},
     "next": "mail"},
    {"id": "mail", "type": "send_email", "to": "{{input.email}}",
     "subject": "Bestellung {{input.key}}", "body": "Danke.", "next": "done"},
    {"id": "refuse", "type": "end", "status": "failed"},
    {"id": "done", "type": "end"}]})";

// A notice: mails first, waits, then saves under the shared key, going on if that fails.
const char* notice_text = R"({"id": "notice", "version": 1, "kind": "workflow", "title": "N",
  "steps": [
    {"id": "mail", "type": "send_email", "to": "{{input.email}}",
     "subject": "Hinweis {{input.key}}", "body": "Bitte beachten.", "next": "pause"},
    {"id": "pause", "type": "wait", "duration": "PT30M", "next": "save"},
    {"id": "save", "type": "save_record", "collection": "orders", "key": "{{input.key}}",
     "record": {"nonce": {"=": "input.nonce"}}, "on_error": "done", "next": "done"},
    {"id": "done", "type": "end"}]})";

// The sub-workflow of an order's call step; also started on its own.
const char* review_text = R"({"id": "review", "version": 1, "kind": "workflow", "title": "R",
  "steps": [
    {"id": "decide", "type": "wait", "event": "reviewed", "assign": {"approved": "event.ok"},
     "next": [{"when": "event.ok == true", "to": "fine"}, {"to": "bad"}]},
    {"id": "fine", "type": "end"},
    {"id": "bad", "type": "end", "status": "failed"}]})";

// What the sequences do. Each operation's numbers pick its target and values from small pools,
// modulo their size, so that every number means something and shrinking keeps it meaningful.
// An instance picked by a below 6 is one where the operation fits, if any (see World::fitting).
enum class Kind {
  start,          // a: workflow, b: business key, c: record key
  answer,         // a: instance, b: item, c: value (and, at 9, a step it does not wait at)
  submit,         // a: instance, b: which items, c and a: their values
  complete_task,  // a: instance, b: task, c: outcome
  signal,         // a: instance or correlation key, b: which of them, c: event and payload
  cancel,         // a: instance
  advance,        // a: how far the clock moves
  run_due,        //
  crash,          // the engine goes; a new one on the same store resumes
  power_cut,      // the store takes a appends more, then none until the next crash
  mailer_down,    // the Mailer refuses (a odd) or takes (a even) what it is handed
};

struct Op {
  Kind kind = Kind::run_due;
  int a = 0;
  int b = 0;
  int c = 0;
};

const char* name_of(Kind kind) {
  static constexpr std::array names{"start",  "answer",    "submit",     "complete_task",
                                    "signal", "cancel",    "advance",    "run_due",
                                    "crash",  "power_cut", "mailer_down"};
  return names[static_cast<std::size_t>(kind)];
}

// How RapidCheck prints an operation in a counterexample (found by argument-dependent lookup).
void showValue(const Op& op, std::ostream& os) {
  os << name_of(op.kind) << "(" << op.a << ", " << op.b << ", " << op.c << ")";
}

rc::Gen<Op> gen_op() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::weightedElement<Kind>({{5, Kind::start},
                                                     {8, Kind::answer},
                                                     {4, Kind::submit},
                                                     {4, Kind::complete_task},
                                                     {4, Kind::signal},
                                                     {1, Kind::cancel},
                                                     {3, Kind::advance},
                                                     {3, Kind::run_due},
                                                     {2, Kind::crash},
                                                     {1, Kind::power_cut},
                                                     {1, Kind::mailer_down}}),
                     rc::gen::inRange(0, 8), rc::gen::inRange(0, 32), rc::gen::inRange(0, 10)),
      [](const std::tuple<Kind, int, int, int>& t) {
        return Op{std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t)};
      });
}

// Sequences are at most 60 operations long at RapidCheck's default max_size of 100.
rc::Gen<std::vector<Op>> gen_ops() {
  return rc::gen::scale(0.6, rc::gen::container<std::vector<Op>>(gen_op()));
}

// A Mailer that counts what it takes, per idempotency key: in this engine's life and in all.
struct CountingMailer final : Mailer {
  bool down = false;
  std::map<std::string, int> this_life;
  std::map<std::string, int> overall;
  std::map<std::string, Mail> first;
  std::vector<std::string> problems;
  int sent = 0;

  tl::expected<std::string, std::string> send(const Mail& mail) override {
    if (down) return tl::make_unexpected(std::string("the mail server is down"));
    ++this_life[mail.idempotency_key];
    ++overall[mail.idempotency_key];
    const auto [kept, fresh] = first.emplace(mail.idempotency_key, mail);
    if (!fresh && (kept->second.subject != mail.subject || kept->second.to != mail.to ||
                   kept->second.body != mail.body))
      problems.push_back("the key " + mail.idempotency_key + " came with another mail");
    return "msg-" + std::to_string(++sent);
  }
};

// A store that stops taking writes, as a full disk or a process in its last moments would:
// after `left` more appends every append and mark_sent fails, until the next crash. Reads go on.
class FailingStore final : public Store {
 public:
  explicit FailingStore(Store* inner) : inner_(inner) {}
  void reset(Store* inner) {
    inner_ = inner;
    left_.reset();
  }
  void cut_after(int appends) { left_ = appends; }
  bool dead() const { return left_ && *left_ <= 0; }
  // How many writes it refused: a call that saw none ran on a working store.
  int refused() const { return refused_; }

  tl::expected<void, Error> append(std::string_view instance, std::uint64_t expected_last,
                                   Commit commit) override {
    if (dead()) return refuse();
    if (left_) --*left_;
    return inner_->append(instance, expected_last, std::move(commit));
  }
  tl::expected<void, Error> mark_sent(std::int64_t mail, std::string_view message_id) override {
    if (dead()) return refuse();
    return inner_->mark_sent(mail, message_id);
  }
  tl::expected<std::vector<Event>, Error> load(std::string_view instance,
                                               std::uint64_t after) const override {
    return inner_->load(instance, after);
  }
  tl::expected<std::optional<Snapshot>, Error> load_snapshot(
      std::string_view instance) const override {
    return inner_->load_snapshot(instance);
  }
  tl::expected<std::optional<json::object>, Error> find_record(
      std::string_view collection, std::string_view key) const override {
    return inner_->find_record(collection, key);
  }
  tl::expected<std::vector<StoredRecord>, Error> records(
      std::string_view collection) const override {
    return inner_->records(collection);
  }
  tl::expected<std::vector<OutboxMail>, Error> outbox(bool unsent_only) const override {
    return inner_->outbox(unsent_only);
  }
  bool wants_snapshots() const noexcept override { return inner_->wants_snapshots(); }
  bool durable() const noexcept override { return inner_->durable(); }
  tl::expected<std::vector<std::string>, Error> instance_ids() const override {
    return inner_->instance_ids();
  }
  tl::expected<std::optional<std::string>, Error> find_by_key(std::string_view workflow,
                                                              std::string_view key) const override {
    return inner_->find_by_key(workflow, key);
  }
  tl::expected<std::vector<std::string>, Error> due(Time now) const override {
    return inner_->due(now);
  }
  tl::expected<std::vector<std::string>, Error> unfinished() const override {
    return inner_->unfinished();
  }

 private:
  tl::expected<void, Error> refuse() {
    ++refused_;
    return tl::make_unexpected(Error{ErrorCode::store_error, "the disk is full", {}, {}});
  }
  Store* inner_;
  std::optional<int> left_;
  int refused_ = 0;
};

// A SQLite database file of its own, removed with its journal at the end.
class TempDatabase {
 public:
  TempDatabase() {
    static int count = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("ablauf-fold-property-" + std::to_string(::getpid()) + "-" + std::to_string(++count) +
             ".db");
    remove();
  }
  ~TempDatabase() { remove(); }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;
  std::string path() const { return path_.string(); }

 private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path_.string() + suffix);
  }
  std::filesystem::path path_;
};

// How an engine of one sequence is made: RapidCheck picks these too.
struct Setup {
  bool sqlite = false;
  std::uint32_t snapshot_every = 100;
  std::size_t cached_instances = 10'000;
};

bool terminal(EventType type) {
  return type == EventType::instance_completed || type == EventType::instance_failed ||
         type == EventType::instance_cancelled;
}

std::string text_of(const json::value& value) {
  return json::serialize(value);
}

template <typename T>
T checked(tl::expected<T, Error> result, const char* what) {
  if (!result) RC_FAIL(std::string(what) + ": " + result.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

// The world a sequence runs in: a store that outlives engines, a clock, a Mailer, and the
// engine of the moment.
class World {
 public:
  World(const std::vector<Workflow>& workflows, Setup setup)
      : workflows_(workflows), setup_(setup), failing_(nullptr) {
    open_store();
    make_engine();
  }
  ~World() {
    engine_.reset();
    sqlite_.reset();
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  void run(const Op& op) {
    const std::optional<Fingerprint> before =
        refusable(op.kind) ? std::optional(fingerprint()) : std::nullopt;
    const int refused_before = failing_.refused();
    tl::expected<void, Error> outcome;
    switch (op.kind) {
      case Kind::start: outcome = start(op); break;
      case Kind::answer: outcome = answer(op); break;
      case Kind::submit: outcome = submit(op); break;
      case Kind::complete_task: outcome = complete_task(op); break;
      case Kind::signal: outcome = signal(op); break;
      case Kind::cancel: outcome = engine_->cancel(instance(op.a), "jonas", "storniert"); break;
      case Kind::advance: {
        static constexpr std::array<std::chrono::milliseconds, 6> steps{1min, 30min, 1h,
                                                                        2h,   24h,   72h};
        clock_.advance(steps[static_cast<std::size_t>(op.a) % steps.size()]);
        break;
      }
      case Kind::run_due: {
        auto fired = engine_->run_due();
        // With a working store and Mailer, running what is due cannot fail.
        if (!failing_.dead() && !mailer_.down && !mailer_was_down_) RC_ASSERT(fired.has_value());
        break;
      }
      case Kind::crash: crash(); break;
      case Kind::power_cut: failing_.cut_after(op.a % 6); break;
      case Kind::mailer_down:
        mailer_.down = op.a % 2 == 1;
        mailer_was_down_ = mailer_was_down_ || mailer_.down;
        break;
    }
    // A refusal, with the store working all along, left the store as it was.
    if (before && !outcome && failing_.refused() == refused_before) {
      RC_LOG() << name_of(op.kind) << " refused: " << outcome.error().message << "\n";
      RC_ASSERT(outcome.error().code != ErrorCode::store_error);
      RC_ASSERT(fingerprint() == *before);
    }
  }

  // Crashes if the store stopped taking writes, so that the next engine finds what it kept.
  void recover() {
    if (failing_.dead()) crash();
  }

  void check_properties() {
    const auto ids = checked(store().instance_ids(), "instances");
    std::map<std::string, int> saves_by_key;  // record key → completed save steps
    std::map<std::string, std::int64_t> nonce_by_key;
    for (const auto& id : ids) {
      const auto events = checked(store().load(id, 0), "load");
      RC_ASSERT(!events.empty());

      // 3. Numbered 1..n; a terminal event only at the end, and there iff the state finished.
      for (std::size_t i = 0; i < events.size(); ++i) {
        RC_ASSERT(events[i].sequence == i + 1);
        if (i + 1 < events.size()) RC_ASSERT(!terminal(events[i].type));
      }

      // 1. The engine's state is the fold of the stored history, whether it comes from the
      // engine's memory, a snapshot, or the events.
      const auto folded = checked(fold(id, events), "fold");
      const auto state = checked(engine_->get(id), "get");
      RC_ASSERT(state.id == id);
      if (to_json(state) != to_json(folded))
        RC_FAIL("the state of " + id + " drifted from its history:\n engine: " +
                text_of(to_json(state)) + "\n fold:   " + text_of(to_json(folded)));
      RC_ASSERT(checked(engine_->history(id), "history") == events);
      const auto again = checked(state_from_json(id, to_json(folded)), "state_from_json");
      RC_ASSERT(to_json(again) == to_json(folded));

      RC_ASSERT(terminal(events.back().type) == folded.finished());
      if (folded.finished()) RC_ASSERT(folded.tokens.empty());

      // 2. (records) Which instances saved under which key.
      for (const auto& event : events)
        if (event.step == "save" && event.type == EventType::step_completed) {
          const auto& input = folded.data.at("input").as_object();
          const std::string key(input.at("key").as_string());
          ++saves_by_key[key];
          nonce_by_key[key] = input.at("nonce").as_int64();
        }
    }

    // 2. Each record key written once, by the one instance whose save completed; a save of a
    // key that exists failed its step and left the record alone.
    const auto records = checked(store().records("orders"), "records");
    RC_ASSERT(records.size() == saves_by_key.size());
    for (const auto& record : records) {
      RC_ASSERT(saves_by_key[record.key] == 1);
      RC_ASSERT(record.record.at("nonce").as_int64() == nonce_by_key[record.key]);
    }

    // 2. One mail per idempotency key, each handed over at most once per engine and at most
    // twice in all, and every key handed over was queued.
    const auto outbox = checked(store().outbox(false), "outbox");
    std::set<std::string> keys;
    for (const auto& mail : outbox) {
      RC_ASSERT(!mail.mail.idempotency_key.empty());
      RC_ASSERT(keys.insert(mail.mail.idempotency_key).second);
      if (mail.message_id) RC_ASSERT(mailer_.overall.count(mail.mail.idempotency_key) == 1u);
    }
    for (const auto& [key, count] : mailer_.overall) {
      RC_ASSERT(keys.count(key) == 1u);
      RC_ASSERT(count <= 2);
    }
    RC_ASSERT(max_this_life_ <= 1);
    for (const auto& [key, count] : mailer_.this_life) RC_ASSERT(count <= 1);
    if (!mailer_.problems.empty()) RC_FAIL(mailer_.problems.front());
  }

  // What a sequence got to, for the distribution RapidCheck prints.
  void tag() const {
    bool finished = false, saved = false, duplicate = false;
    for (const auto& id : checked(store().instance_ids(), "instances")) {
      finished = finished || checked(engine_->get(id), "get").finished();
      for (const auto& event : checked(store().load(id, 0), "load")) {
        saved = saved || (event.step == "save" && event.type == EventType::step_completed);
        duplicate = duplicate || (event.step == "save" && event.type == EventType::step_failed);
      }
    }
    bool handed_again = false;
    for (const auto& [key, count] : mailer_.overall) handed_again = handed_again || count > 1;
    RC_CLASSIFY(finished, "finished");
    RC_CLASSIFY(saved, "saved");
    RC_CLASSIFY(duplicate, "duplicate refused");
    RC_CLASSIFY(!mailer_.overall.empty(), "mailed");
    RC_CLASSIFY(handed_again, "mail handed over again");
    RC_CLASSIFY(crashes_ > 0, "crashed");
    RC_CLASSIFY(failing_.refused() > 0, "writes refused");
  }

 private:
  // What a refused call must leave as it was: every history's length, the outbox, the records.
  struct Fingerprint {
    std::vector<std::size_t> histories;
    std::size_t mails = 0;
    std::size_t sent = 0;
    std::size_t records = 0;
    friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
  };
  Fingerprint fingerprint() const {
    Fingerprint print;
    for (const auto& id : checked(store().instance_ids(), "instances"))
      print.histories.push_back(checked(store().load(id, 0), "load").size());
    for (const auto& mail : checked(store().outbox(false), "outbox")) {
      ++print.mails;
      if (mail.message_id) ++print.sent;
    }
    print.records = checked(store().records("orders"), "records").size();
    return print;
  }
  static bool refusable(Kind kind) {
    return kind == Kind::start || kind == Kind::answer || kind == Kind::submit ||
           kind == Kind::complete_task || kind == Kind::signal || kind == Kind::cancel;
  }

  Store& store() const { return *current_; }

  void open_store() {
    if (!setup_.sqlite) {
      current_ = &memory_;
      failing_.reset(current_);
      return;
    }
    // synchronous=normal: a crash of the process keeps every commit, which is all a test that
    // never loses power needs, and it spares the disk a sync per append.
    auto opened =
        SqliteStore::open(database_.path(), {.synchronous = SqliteOptions::Synchronous::normal});
    if (!opened) RC_FAIL("cannot open " + database_.path() + ": " + opened.error().message);
    sqlite_ = std::move(*opened);
    current_ = sqlite_.get();
    failing_.reset(current_);
  }

  void make_engine() {
    mailer_.this_life.clear();
    mailer_was_down_ = mailer_.down;
    engine_ = std::make_unique<Engine>(EngineConfig{
        .store = &failing_,
        .clock = &clock_,
        .mailer = &mailer_,
        .on_error = [](const std::string&, const Error&) {},
        .language = "de",
        .snapshot_every = setup_.snapshot_every,
        .cached_instances = setup_.cached_instances,
    });
    for (const auto& workflow : workflows_) checked(engine_->deploy(workflow), "deploy");
  }

  // The engine goes as a process would: what it had in memory is lost. A SQLite store is closed
  // and opened again from its file.
  void crash() {
    ++crashes_;
    for (const auto& [key, count] : mailer_.this_life)
      max_this_life_ = std::max(max_this_life_, count);
    engine_.reset();
    sqlite_.reset();
    open_store();
    make_engine();
    auto resumed = engine_->resume();
    if (!mailer_.down) RC_ASSERT(resumed.has_value());
  }

  std::string instance(int pick) const {
    const auto ids = checked(store().instance_ids(), "instances");
    if (ids.empty()) return "i-unknown";
    return ids[static_cast<std::size_t>(pick) % ids.size()];
  }

  // Most picks (below 6) go to an instance where the operation fits, if there is one, so that
  // sequences get far; the others to any instance, where it mostly does not.
  template <class Fits>
  std::optional<InstanceState> fitting(int pick, Fits fits) const {
    if (pick >= 6) return std::nullopt;
    std::vector<InstanceState> found;
    for (const auto& id : checked(store().instance_ids(), "instances"))
      if (auto state = checked(engine_->get(id), "get"); fits(state))
        found.push_back(std::move(state));
    if (found.empty()) return std::nullopt;
    return std::move(found[static_cast<std::size_t>(pick) % found.size()]);
  }
  std::string fitting_id(int pick, const std::function<bool(const InstanceState&)>& fits) const {
    const auto state = fitting(pick, fits);
    return state ? state->id : instance(pick);
  }
  // The step a waiting token of the instance is at, waiting for `what`; "" if none.
  static std::string waiting_at(const InstanceState& state, WaitingFor what) {
    for (const auto& token : state.tokens)
      if (token.state == Token::State::waiting && token.waiting_for == what) return token.step;
    return {};
  }

  tl::expected<void, Error> start(const Op& op) {
    static constexpr std::array workflows{"order", "order", "notice", "review", "ordr"};
    static constexpr std::array record_keys{"A", "B", "C"};
    const std::string workflow = workflows[static_cast<std::size_t>(op.a) % workflows.size()];
    const std::string business_key = op.b % 4 == 0 ? "" : "K" + std::to_string(op.b % 4);
    json::object input{{"key", record_keys[static_cast<std::size_t>(op.c) % record_keys.size()]},
                       {"nonce", ++nonce_},
                       {"email", "erika@example.de"},
                       {"amount", 5}};
    auto id = engine_->start(workflow, std::move(input), {.business_key = business_key});
    if (!id) return tl::make_unexpected(std::move(id.error()));
    // Starting again with a business key returns the first instance.
    if (!business_key.empty()) {
      const auto [known, fresh] = started_.emplace(std::pair(workflow, business_key), *id);
      if (!fresh) RC_ASSERT(known->second == *id);
    }
    return {};
  }

  // Values for each checklist item (a checkbox, a number in 0..1000, a choice, an optional text
  // of at most 8 characters, an item that does not exist): valid for picks 0..5, else not.
  static json::value value_for(std::size_t item, int pick) {
    static const std::array<std::vector<json::value>, 5> valid{
        std::vector<json::value>{true}, std::vector<json::value>{5, 1000, 0},
        std::vector<json::value>{"task", "wait", "call"}, std::vector<json::value>{"gut", ""},
        std::vector<json::value>{true}};
    static const std::array<std::vector<json::value>, 5> invalid{
        std::vector<json::value>{false, "ja", nullptr, 1},
        std::vector<json::value>{-1, 1000.5, "12", true}, std::vector<json::value>{"fly", 3},
        std::vector<json::value>{"viel zu lang", 7}, std::vector<json::value>{true}};
    const auto& pool = pick < 6 ? valid[item] : invalid[item];
    return pool[static_cast<std::size_t>(pick) % pool.size()];
  }
  static constexpr std::array items{"ok", "amount", "route", "note", "nope"};

  tl::expected<void, Error> answer(const Op& op) {
    const std::size_t item = static_cast<std::size_t>(op.b) % items.size();
    const auto id =
        fitting_id(op.a, [](const auto& s) { return waiting_at(s, WaitingFor::checklist) != ""; });
    // 0..5 a valid value, 6..8 an invalid one, 9 a valid one for a step no instance waits at.
    return engine_->answer(id, op.c == 9 ? "hold" : "check", items[item],
                           value_for(item, op.c == 9 ? 0 : op.c), "erika");
  }

  // b below 24: the three required items and, with b odd, the note; else the items b names.
  tl::expected<void, Error> submit(const Op& op) {
    const int chosen = op.b < 24 ? 0b0111 | (op.b & 1) << 3 : op.b;
    json::object answers;
    for (std::size_t item = 0; item < items.size(); ++item)
      if ((chosen >> item) & 1)
        answers[items[item]] = value_for(item, (op.c + op.a * static_cast<int>(item)) % 10);
    const auto id =
        fitting_id(op.a, [](const auto& s) { return waiting_at(s, WaitingFor::checklist) != ""; });
    return engine_->submit(id, "check", answers, "erika");
  }

  // An open task of the instance for b below 24, else any task of it, or one it does not have.
  tl::expected<void, Error> complete_task(const Op& op) {
    static constexpr std::array outcomes{"yes", "no", "", "maybe"};
    const auto open = [](const Task& task) { return !task.completed; };
    auto state = fitting(
        op.a, [&](const auto& s) { return std::any_of(s.tasks.begin(), s.tasks.end(), open); });
    if (!state) state = engine_->get(instance(op.a)).value_or(InstanceState{.id = "i-unknown"});
    std::vector<Task> tasks;
    std::copy_if(state->tasks.begin(), state->tasks.end(), std::back_inserter(tasks),
                 [&](const Task& task) { return op.b >= 24 || open(task); });
    const auto pick = static_cast<std::size_t>(op.b);
    const std::string task = pick < tasks.size() * 4 ? tasks[pick % tasks.size()].id : "t-unknown";
    // The first outcomes fit the approval task; the task made when the checklist is late has
    // none, and refuses one.
    return engine_->complete_task(
        state->id, task, outcomes[static_cast<std::size_t>(op.c) % outcomes.size()], "jonas");
  }

  // To an instance waiting for an event (by its id for b even, else by its record key, which
  // the payment wait correlates by): for c below 6 the event it waits for.
  tl::expected<void, Error> signal(const Op& op) {
    static constexpr std::array events{"paid", "reviewed", "nope"};
    static const std::array<json::value, 4> payloads{json::object{{"ok", true}},
                                                     json::object{{"ok", false}}, nullptr,
                                                     json::object{{"ok", "x"}}};
    static constexpr std::array record_keys{"A", "B", "C", "D"};
    const auto state =
        fitting(op.a, [](const auto& s) { return waiting_at(s, WaitingFor::event) != ""; });
    std::string event = events[static_cast<std::size_t>(op.c) % events.size()];
    if (state && op.c < 6)
      event = waiting_at(*state, WaitingFor::event) == "hold" ? "paid" : "reviewed";
    std::string target;
    if (op.b % 2 == 0)
      target = state ? state->id : instance(op.a);
    else if (state && state->data.at("input").as_object().contains("key"))
      target = state->data.at("input").at("key").as_string();
    else
      target = record_keys[static_cast<std::size_t>(op.a) % record_keys.size()];
    return engine_->signal(target, event,
                           payloads[static_cast<std::size_t>(op.c / 3 + op.b) % payloads.size()]);
  }

  const std::vector<Workflow>& workflows_;
  Setup setup_;
  TempDatabase database_;
  MemoryStore memory_;
  std::unique_ptr<SqliteStore> sqlite_;
  Store* current_ = nullptr;  // memory_ or sqlite_
  FailingStore failing_;
  ManualClock clock_{test::monday};
  CountingMailer mailer_;
  std::unique_ptr<Engine> engine_;
  std::map<std::pair<std::string, std::string>, std::string> started_;
  std::int64_t nonce_ = 0;
  int crashes_ = 0;
  int max_this_life_ = 0;
  bool mailer_was_down_ = false;  // in this engine's life: mail may wait out a backoff
};

std::vector<Workflow> workflows() {
  return {test::compile_text(order_text), test::compile_text(notice_text),
          test::compile_text(review_text)};
}

void run_sequence(const std::vector<Workflow>& workflows, const Setup& setup,
                  const std::vector<Op>& ops) {
  World world(workflows, setup);
  for (const auto& op : ops) world.run(op);
  world.check_properties();  // also while the store refuses writes
  world.recover();
  world.check_properties();
  world.tag();
}

TEST_CASE("the state is the fold of the history, whatever is done to instances in memory",
          "[engine][property]") {
  const auto defined = workflows();
  rc::prop("random operations on a MemoryStore", [&] {
    const Setup setup{
        .sqlite = false,
        .snapshot_every = 100,
        .cached_instances = *rc::gen::elementOf(std::vector<std::size_t>{0, 1, 2, 10'000})};
    run_sequence(defined, setup, *gen_ops());
  });
}

TEST_CASE("the state is the fold of the history across crashes of a SQLite store",
          "[engine][property][sqlite]") {
  const auto defined = workflows();
  rc::prop("random operations on a SqliteStore, crashed and reopened", [&] {
    const Setup setup{
        .sqlite = true,
        .snapshot_every = *rc::gen::elementOf(std::vector<std::uint32_t>{0, 1, 3, 100}),
        .cached_instances = *rc::gen::elementOf(std::vector<std::size_t>{0, 2, 10'000})};
    run_sequence(defined, setup, *gen_ops());
  });
}

}  // namespace
}  // namespace ablauf
