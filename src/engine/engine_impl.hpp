// The engine's inner parts (internal): the state of one call, and how steps run.
#pragma once

#include "ablauf/engine.hpp"

#include <map>
#include <mutex>
#include <random>

namespace ablauf::detail {

// One instance while a call changes it: its state, its workflow, and the events made so far.
// Each event is applied at once, so later decisions in the same call see it; the events are
// appended to the store together when the call ends.
struct Run {
  InstanceState state;
  std::shared_ptr<const Workflow> workflow;
  std::uint64_t base_sequence = 0;  // the store's last sequence number when loaded
  std::vector<Event> events;

  tl::expected<void, Error> emit(EventType type, std::string step, boost::json::object data,
                                 Time now, std::string actor = "system", std::uint32_t attempt = 0);
};

struct EngineParts {
  EngineConfig config;
  MemoryStore own_store;
  SystemClock own_clock;
  Outbox own_outbox;
  MemoryRecordStore own_records;
  Store& store;
  Clock& clock;
  Mailer& mailer;
  RecordStore& records;

  mutable std::mutex mutex;  // one call at a time (instances in parallel come with executors)
  std::map<std::string, std::map<std::uint32_t, std::shared_ptr<const Workflow>>, std::less<>>
      workflows;
  std::map<std::string, std::shared_ptr<Adapter>, std::less<>> adapters;
  // Each instance's state as of its last stored event (see load()).
  mutable std::map<std::string, InstanceState, std::less<>> states;
  std::mt19937_64 ids{std::random_device{}()};

  explicit EngineParts(EngineConfig c);

  tl::expected<Run, Error> load(std::string_view instance) const;
  tl::expected<void, Error> commit(Run& run);
  // What every call ends with: run what is ready, then store the events.
  tl::expected<void, Error> settle(Run& run);

  // Runs every ready token until each waits or ends.
  tl::expected<void, Error> advance(Run& run);
  // Runs the step a token is at (again, for a retry).
  tl::expected<void, Error> execute(Run& run, std::uint32_t token);
  // The step is done: moves the token by the first transition that holds.
  tl::expected<void, Error> complete(Run& run, std::uint32_t token, const StepDefinition& step,
                                     boost::json::value output);
  // The step failed: retry it, take on_error, or fail the instance.
  tl::expected<void, Error> fail(Run& run, std::uint32_t token, const StepDefinition& step,
                                 std::uint32_t attempt, std::string error, bool retryable);
  tl::expected<void, Error> fail_instance(Run& run, std::string error);
  // Sets the step's timeout timer, if it has a timeout, for a token that now waits.
  tl::expected<void, Error> wait(Run& run, std::uint32_t token, const StepDefinition& step,
                                 boost::json::object why);
  // Fires one due timer.
  tl::expected<void, Error> fire(Run& run, const Timer& timer);
  // Completes a checklist step once every required, visible item is answered.
  tl::expected<void, Error> complete_checklist_if_done(Run& run, std::uint32_t token,
                                                       const StepDefinition& step);
  std::string new_id(std::string_view prefix);
};

// The built-in typed actions that talk to the host's services.
std::shared_ptr<Adapter> make_send_email(Mailer& mailer, std::string language);
std::shared_ptr<Adapter> make_save_record(RecordStore& records);
std::shared_ptr<Adapter> make_update_record(RecordStore& records);

// Text of a rendered parameter that may be localized ({"de": …, "en": …}).
std::string text_in(const boost::json::value& value, std::string_view language);

// The SHA-256 of `text`, in hex: what a signature records of the answers it signs.
std::string sha256_hex(std::string_view text);

}  // namespace ablauf::detail
