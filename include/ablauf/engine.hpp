/// @file
/// The engine: runs instances of deployed workflows.
///
/// A host deploys compiled workflows, starts instances and feeds them what people and the
/// outside world do: checklist answers, completed tasks, signals. The engine moves each instance
/// through its step graph, calls the adapters of typed actions, and records every change as an
/// event in its Store (see event.hpp), so that an instance's state is always the fold of its
/// history.
///
/// ```cpp
/// ablauf::Engine engine;                       // in memory, wall clock
/// engine.deploy(std::move(workflow));
/// auto id = engine.start("invoicing", input);  // runs until it waits for someone
/// engine.answer(*id, "check", "amount_ok", true, "erika");
/// ```
///
/// Threads: the engine advances instances on its Executor (executor.hpp). With the default,
/// InlineExecutor, every call returns once the instance it touched waits or ends; with a
/// ThreadPool, calls return once what they record is stored, the instance advances on the pool,
/// and wait_idle() waits until all is done.
///
/// Thread-safety: every member may be called from several threads at once. Calls on different
/// instances run in parallel; an instance is changed by one thread at a time. Adapters and
/// observers run while their instance is locked: they must not call the engine.
#pragma once

#include <ablauf/adapter.hpp>
#include <ablauf/attachment_renderer.hpp>
#include <ablauf/clock.hpp>
#include <ablauf/error.hpp>
#include <ablauf/executor.hpp>
#include <ablauf/file_answers.hpp>
#include <ablauf/file_reference.hpp>
#include <ablauf/instance.hpp>
#include <ablauf/schedule.hpp>
#include <ablauf/services.hpp>
#include <ablauf/store.hpp>
#include <ablauf/workflow.hpp>

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// Limits of running instances; docs/limits.md lists them with those of definitions
/// (LoadOptions). A value at a limit is accepted. What passes one is refused before anything is
/// stored when a caller brought it (an input, answer, signal payload or finished step's output),
/// and otherwise fails the step (its on_error may take over) or, for history and activations,
/// the instance, with an error whose code names the limit (ErrorKind::limit).
struct EngineLimits {
  /// Largest value entering an instance at once: a step's output, an answer, a signal's
  /// payload, a sub-workflow's result, as serialized JSON.
  std::size_t max_output_bytes = 1024 * 1024;
  /// Largest instance data (input, vars, outputs, answers), as serialized JSON: a new value is
  /// refused when the data and it together would be larger, even where it replaces an older one.
  std::size_t max_data_bytes = 16 * 1024 * 1024;
  /// Most events in one instance's history. The event that would pass it is refused, and an
  /// instance that runs into it fails: its history ends with one event more than the limit.
  std::uint64_t max_history_events = 1'000'000;
  /// Most times a token leaves a step over an instance's life (InstanceState::activations): the
  /// guard against a loop that never ends. A step that would start past it fails the instance.
  std::uint64_t max_activations = 100'000;
  /// Farthest ahead a timer or a task's due date may lie when it is set.
  std::chrono::milliseconds max_timer_horizon = std::chrono::days(3'660);
  /// Operations of one expression evaluation (EvaluationOptions::max_operations).
  std::size_t max_evaluation_operations = 100'000;
  /// Bytes one template renders (RenderOptions::max_output_bytes).
  std::size_t max_rendered_bytes = 1024 * 1024;
  /// Deepest nesting of sub-workflows (InstanceState::call_depth): a call step that would start
  /// one deeper fails, not retried. The guard against a workflow that calls itself, directly or
  /// through others, where the loader could not see it (a callee named by an expression).
  std::uint32_t max_call_depth = 64;
  /// Most recipients of one mail (to, cc and bcc together): a send_email step whose rendered
  /// recipients pass it fails, not retried.
  std::size_t max_recipients = 100;
  /// Most bytes of files one mail carries (send_email's `attachments`, all together, before the
  /// mailer encodes them): a step whose attachments pass it fails, not retried. 15 MiB stays
  /// under the 20–25 MB most mail servers take once Base64 made it a third larger.
  std::uint64_t max_attachment_bytes = 15 * 1024 * 1024;
  /// Largest file Engine::keep_file() keeps, in bytes, whatever an item allows (its
  /// `max_bytes`): the bound on what one upload costs the store. 1 to largest_file_bytes.
  std::uint64_t max_file_bytes = 25 * 1024 * 1024;
  /// Most instances one schedule starts in one Engine::run_schedules(): after a long downtime
  /// with `"catch_up": "all"`, the rest start in the calls after, this many at a time.
  std::size_t max_schedule_starts = 100;
  /// The most max_file_bytes may be, as an item's `max_bytes`: 1 GiB.
  static constexpr std::uint64_t largest_file_bytes = ItemDefinition::largest_max_bytes;
};

/// How an engine shares work with engines in other processes, through a store with a
/// WorkQueue (PostgresStore); with other stores these are not used. Whoever advances an
/// instance holds a claim on it: run_worker() claims instances with work in batches, and a
/// call such as answer() claims the one it changes (if a worker holds it, the call records its
/// change and leaves the rest to that worker).
struct WorkerOptions {
  /// The name claims are recorded under; "" means `<host name>:<process id>`.
  std::string name;
  /// How long a claim lasts unless renewed. A worker renews its claims every third of it, so a
  /// process that dies or stalls loses them within one lease.
  std::chrono::milliseconds lease{30'000};
  /// Most instances run_worker() claims at once.
  std::size_t batch = 16;
  /// How long an idle worker waits before it looks for work again.
  std::chrono::milliseconds poll_interval{200};
};

/// How soon a mail the Mailer refused is handed to it again (Engine::deliver_mail()): after
/// `initial`, doubled with each refusal, at most `longest`. Kept in the engine's memory: a new
/// process tries each queued mail at once.
struct MailRetry {
  std::chrono::milliseconds initial{30'000};     ///< the wait after the first refusal; > 0
  std::chrono::milliseconds longest{3'600'000};  ///< the longest wait; >= initial
};

/// What an engine is made with: where it keeps instances, what time it is, where mail, tasks
/// and records go, and its limits. By default: in memory, on the system clock.
struct EngineConfig {
  /// Not owned, and must outlive the engine; null means the engine's own default: a MemoryStore,
  /// the system clock, an InlineExecutor. send_email queues its mail in the store's outbox, and
  /// the engine hands it to `mailer` (if any) once it is stored. save_record and update_record
  /// write into the store with the step's outcome, exactly once, unless the host gives its own
  /// `records` (called with an idempotency key: at least once). Tasks go to `tasks` if given, and
  /// are kept in their instances either way.
  Store* store = nullptr;
  Clock* clock = nullptr;          ///< what time it is; null: the system clock. Not owned.
  Mailer* mailer = nullptr;        ///< null: mail stays queued in the outbox, unsent. Not owned.
  TaskSink* tasks = nullptr;       ///< null: tasks live only in their instances. Not owned.
  RecordStore* records = nullptr;  ///< null: the store keeps the records. Not owned.
  /// Where the content of files and photos answered on checklists is kept; null: the store's
  /// own (Store::blob_store()). Not owned.
  BlobStore* files = nullptr;
  /// Where instances advance; null: an InlineExecutor, in the calling thread. Not owned.
  Executor* executor = nullptr;
  /// Sees every event once it is stored: for logging, metrics, the host's own audit trail.
  std::function<void(const std::string& instance, const Event& event)> observer;
  /// Hears of errors in work no caller waits for (the store failing while an instance advances
  /// on the executor; the instance stays as last stored), and of every attempt an adapter
  /// failed (it answered failed or threw: ErrorCode::adapter_failed, naming the step, the
  /// attempt and the message; the step is retried or fails as it declares, as its history
  /// records). Default: one line on standard error for each.
  std::function<void(const std::string& instance, const Error& error)> on_error;
  /// The language of what the engine writes for people when a definition gives several: task
  /// titles, mail subjects and bodies, the labels quoted when an answer is refused. A text
  /// missing in it is taken in the definition's default_language, else the first one given.
  std::string language;
  /// Makes the `form` and `document` attachments of send_email steps; unset, a workflow with
  /// such a step is refused by deploy(). ablauf::pdf_attachments() (printable.hpp) makes PDFs.
  AttachmentRenderer render_attachment;
  /// The sender of mail whose send_email step names none (`from`), one address such as
  /// "Stadtwerke Musterstadt <abrechnung@stadtwerke.example>"; "" leaves it to the Mailer.
  std::string mail_from;
  /// Which instances each occurrence of a definition's schedules starts; unset, one with the
  /// schedule's input. A host that bills every active account on the 1st returns one start per
  /// account, keyed by its number (Engine::run_schedules()). Called on whichever thread ticks
  /// the schedules, by several workers at once where they share a store.
  ScheduleStarts schedule_starts;
  /// Whether run_due() and run_worker() start what schedules say is due. false leaves that to
  /// the host's own calls of run_schedules(): one process that ticks them for many workers, or
  /// a run that decides how many occurrences it starts (`ablauf run --cycles`).
  bool tick_schedules = true;
  /// How many events an instance gathers between snapshots of its state in a store that wants
  /// them (not MemoryStore); loading it reads the latest snapshot and the events since. 0: never.
  std::uint32_t snapshot_every = 100;
  /// How many unfinished instances the engine keeps in memory between calls, the most recently
  /// used; another is read again from the store (its latest snapshot and the events since) when
  /// next touched. Bounds the engine's memory however many instances wait. 0: none.
  std::size_t cached_instances = 10'000;
  /// Whether reading an instance from a durable store checks the hash chain (history.hpp) of
  /// the events it reads: each costs a SHA-256 of its canonical JSON. On, an event edited in the
  /// store is refused with invalid_event naming it, instead of being acted on. The events are
  /// checked from the one the latest snapshot (or the state the engine kept) ends with; the
  /// snapshot itself, and the events before it, are checked by verify_history() over the whole
  /// history, as `ablauf instances verify` does. See docs/operations.md for the cost.
  bool verify_history = true;
  EngineLimits limits;   ///< what one instance may hold and do
  WorkerOptions worker;  ///< how to share work through a store with a WorkQueue
  MailRetry mail_retry;  ///< how soon refused mail is tried again
};

/// Whether `config` makes sense: every limit of EngineLimits and WorkerOptions::batch at least
/// 1, every duration above 0 (a worker's lease at least 3 ms, as it renews every third of it),
/// and mail_retry.longest not below mail_retry.initial. The error names the field and the value
/// found. An engine made with a config that fails this check refuses deploy() with the same
/// error, so that no workflow is deployed on it.
tl::expected<void, Error> check_config(const EngineConfig& config);

/// Which instances list() returns; empty fields match every instance.
struct InstanceFilter {
  std::string workflow;                  ///< a workflow's id, matching each of its versions
  std::optional<InstanceStatus> status;  ///< the instance's status now
  /// An assignee with an open task, such as "accounts_receivable", or the verifier of a
  /// corrective action done and not yet verified.
  std::string waiting_for;
  std::string business_key;           ///< the host's key given at start
  std::optional<Time> started_from;   ///< started at or after
  std::optional<Time> started_until;  ///< started before
  std::optional<Time> updated_from;   ///< last changed at or after
  std::optional<Time> updated_until;  ///< last changed before
};

/// How start() begins an instance; the defaults run the newest version at once, as "system".
struct StartOptions {
  /// Starting twice with the same key returns the first instance.
  std::string business_key;
  /// The version to run; 0 runs the newest deployed.
  std::uint32_t version = 0;
  std::string actor = "system";  ///< who started it, as recorded in its first event
  /// Only stores the new instance, at its start, and returns: no step runs in this call. Where
  /// workers share the store, one of them claims it (a front end that starts instances and runs
  /// none); elsewhere resume() runs it.
  bool enqueue = false;
  /// The call's idempotency key (see the calls that change instances); empty: none.
  RequestKey request;
};

/// A schedule of a deployed workflow and where it stands (Engine::schedules()).
struct ScheduleStatus {
  std::string workflow;         ///< the workflow's id
  std::uint32_t version = 0;    ///< the deployed version whose schedule it is: the newest
  ScheduleDefinition schedule;  ///< as its definition declares it
  std::string time_zone;        ///< the zone its times are read in; "" for UTC
  /// Its last occurrence dealt with and the instance it started last; none before the engine
  /// first ran it (from then on its occurrences start).
  std::optional<ScheduleMark> mark;
  std::vector<Time> next;  ///< its next occurrences, after the mark (else after now)
};

/// As `ablauf schedules --json` and `GET /api/v1/schedules` give it: workflow, version,
/// schedule, rule or cron, time_zone, starts, catch_up, overlap, last and last_instance (once it
/// ran), next (RFC 3339, UTC).
boost::json::object to_json(const ScheduleStatus& status);

/// A file a person gives for a file or photo item (Engine::keep_file()), before answering with it.
struct FileUpload {
  std::string content;  ///< its bytes
  /// As the person named it; folders are cut off ("C:\\Scans\\vertrag.pdf" is kept as
  /// "vertrag.pdf"), and "" is kept as "file".
  std::string name;
  /// As its sender says ("image/jpeg"); "" to take what the content shows, else
  /// application/octet-stream.
  std::string media_type;
  /// When it was taken or written, RFC 3339 with its UTC offset; "" when not known.
  std::string taken_at;
};

/// A sign-off in a Form: the signature item and who signs it.
struct FormSignature {
  std::string item;    ///< the id of a signature item of the step
  std::string signer;  ///< who signs, a person's name or id; must not be empty
};

/// A checklist step's form as a person submits it: answers and sign-offs together, recorded by
/// Engine::submit() whole or not at all.
struct Form {
  /// Item id → value, each checked as Engine::answer() checks it.
  boost::json::object answers;
  /// Sign-offs, at most one per item. Each signs the answers to the items before it in the
  /// step, this form's answers included, as Engine::sign() does.
  std::vector<FormSignature> signatures;
};

/// Runs instances of deployed workflows, recording every change in its Store. Every member may
/// be called from several threads at once; see engine.hpp for threads and locking.
///
/// **Idempotency keys.** The calls that change instances for a caller (start() through
/// StartOptions::request, submit(), complete_task(), signal(), cancel()) take a RequestKey: a
/// key the caller makes once per intended change and sends again when it retries, say after a
/// timeout. The key is committed with the change, in the same transaction; a call with a key
/// that was committed before changes nothing and fails with duplicate_request (find_request()
/// says which instance the first call changed), also after a crash between the change and the
/// caller's hearing of it. An empty key is none. Keys need a store that keeps_requests().
class Engine {
 public:
  /// An engine with the store, clock, services and limits of `config`; by default all in
  /// memory, on the system clock, advancing instances in the calling thread.
  explicit Engine(EngineConfig config = {});
  /// Waits until no instance is advancing (wait_idle()): work on the executor refers to it.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Makes a workflow startable. Every version is kept: instances stay on the version they
  /// started with. Deploying a version that is already deployed is an error.
  tl::expected<void, Error> deploy(Workflow workflow);

  /// Every deployed workflow, each version, ordered by id and then version.
  std::vector<Workflow> workflows() const;
  /// The deployed version of a workflow, the newest for 0; not_found naming what is deployed
  /// when it is not.
  tl::expected<Workflow, Error> workflow(std::string_view id, std::uint32_t version = 0) const;

  /// Registers the adapter of a host's own step type (registered in the StepTypeRegistry the
  /// definitions were loaded with). Replaces a built-in one of the same name.
  void register_adapter(std::string type, std::shared_ptr<Adapter> adapter);

  /// Starts an instance and lets it run until it waits or ends; returns its id. Input that does
  /// not fit what the workflow declares (WorkflowDefinition::input) is refused, and nothing
  /// stored: an invalid_value error that names every problem ("/customer/email: expected an
  /// email address, not 'erika'"), its pointer the first problem's.
  tl::expected<std::string, Error> start(std::string_view workflow, boost::json::value input,
                                         const StartOptions& options = {});

  /// The instance's state as of its last stored event; not_found for an unknown id.
  tl::expected<InstanceState, Error> get(std::string_view instance) const;
  /// The instance of `workflow` started with `business_key` (StartOptions::business_key), by the
  /// store's index; none when no instance has it.
  tl::expected<std::optional<std::string>, Error> find(std::string_view workflow,
                                                       std::string_view business_key) const;
  /// What the call with this idempotency key changed, if one was made (and its key not
  /// forgotten, Store::forget_requests()).
  tl::expected<std::optional<RequestRecord>, Error> find_request(std::string_view key) const;
  /// The instance's events, oldest first: what its state is the fold of. not_found for an
  /// unknown id.
  tl::expected<std::vector<Event>, Error> history(std::string_view instance) const;
  /// The id of every instance in the store, of every workflow, in the order they were created.
  tl::expected<std::vector<std::string>, Error> instance_ids() const;
  /// The name of instance_ids() in 0.1, easily taken for list().
  [[deprecated("use instance_ids()")]] tl::expected<std::vector<std::string>, Error> instances()
      const {
    return instance_ids();
  }
  /// The states of the instances that match, in the order they were started. It reads every
  /// instance, but for a filter naming a workflow and a business key, which the store's index
  /// answers reading one.
  tl::expected<std::vector<InstanceState>, Error> list(const InstanceFilter& filter = {}) const;

  /// Records a person's answer to a checklist item of a step the instance waits at. The value
  /// is checked against the item's kind and rules (check_answer(): a required checkbox takes only
  /// true); a rejected answer changes nothing. The step completes once every required, visible
  /// item is answered.
  tl::expected<void, Error> answer(std::string_view instance, std::string_view step,
                                   std::string_view item, boost::json::value value,
                                   std::string_view actor);

  /// Records several answers to one step at once, as a submitted form: every value is checked
  /// first, and if one is refused, none is recorded. Optional items answered together with the
  /// last required one are kept, where answering one by one would have completed the step first.
  /// The same as submitting a Form without signatures.
  tl::expected<void, Error> submit(std::string_view instance, std::string_view step,
                                   const boost::json::object& answers, std::string_view actor);

  /// Records a whole form of one step: every answer and every sign-off is checked first (the
  /// step waits, each item exists and is of the right kind, each value is accepted, each signer
  /// named), and if one is refused, nothing is recorded. Then the answers are recorded, then the
  /// sign-offs in the order of the step's items, and the step completes if it is done. Answers
  /// are recorded as `actor`'s, each signature as its signer's.
  tl::expected<void, Error> submit(std::string_view instance, std::string_view step,
                                   const Form& form, std::string_view actor,
                                   const RequestKey& request = {});

  /// Signs a signature item: records who and when, and a SHA-256 over the answers given to the
  /// items before it in the step and over the history before it, so that a printed copy can be
  /// checked against the record: the event's "hash" is the SHA-256 hex of the answers' JSON
  /// text (in the order of the form), a newline, and its "chain", the hash of the last stored
  /// event before the form that holds the signature (history.hpp).
  tl::expected<void, Error> sign(std::string_view instance, std::string_view step,
                                 std::string_view item, std::string_view actor);

  /// Keeps a file for a file or photo item of a step `instance` waits at, and returns the
  /// reference to answer the item with (answer(), submit(); to_json() gives its JSON). The file
  /// is checked first: within EngineLimits::max_file_bytes (output_too_large past it), of a
  /// media type the item takes, within the item's `max_bytes`, and showing by its first bytes
  /// the type its sender claims (sniff_media_type(); a photo must show an image type). Then it
  /// is kept in the BlobStore, durably, before this returns. It records nothing in the
  /// instance: a file kept and never answered with is an orphan that sweep_files() removes.
  tl::expected<FileReference, Error> keep_file(std::string_view instance, std::string_view step,
                                               std::string_view item, FileUpload file);
  /// Where the engine keeps files: EngineConfig::files, else its store's; null when neither
  /// keeps any, and then file and photo items cannot be answered.
  BlobStore* files() const noexcept;
  /// The content of a file an answer of `instance` refers to, checked against its hash
  /// (content_changed when it no longer matches); not_found when no answer of the instance
  /// refers to `sha256`, so that knowing a hash reads no other instance's file.
  tl::expected<std::string, Error> file_content(std::string_view instance,
                                                std::string_view sha256) const;
  /// ablauf::verify_files() (file_answers.hpp) over the history of `instance` and the engine's
  /// files: one line for each file that is missing or changed; none when all are as answered.
  tl::expected<std::vector<std::string>, Error> verify_files(std::string_view instance) const;
  /// ablauf::sweep_files() (file_answers.hpp) over the engine's store and files: removes the
  /// orphans kept before `kept_before`, never a file an answer refers to.
  tl::expected<FileSweep, Error> sweep_files(Time kept_before);

  /// Completes a task the instance created, with one of its outcomes (if it declares any).
  tl::expected<void, Error> complete_task(std::string_view instance, std::string_view task,
                                          std::string_view outcome, std::string_view actor,
                                          const RequestKey& request = {});
  /// complete_task() with what the person gives beside the outcome (the terms agreed, a
  /// note): the task_completed event keeps it, and the step's output holds it as "data" beside
  /// "outcome", where the expressions of the steps after read it. Within
  /// EngineLimits::max_output_bytes (output_too_large past it, and nothing recorded); an empty
  /// object is no data.
  tl::expected<void, Error> complete_task(std::string_view instance, std::string_view task,
                                          std::string_view outcome, const boost::json::object& data,
                                          std::string_view actor, const RequestKey& request = {});

  /// Verifies a corrective action that was done (Task::verify_by): a task_verified event by
  /// `actor`, which closes it. Refused (invalid_value) for a task that names no verifier, is not
  /// done or is verified already, and for the one who did it: verifying is a second person's.
  /// Which role may verify is the front end's to check (ablauf::http checks verify_by). The last
  /// action closed lets an instance that reached its end complete.
  tl::expected<void, Error> verify_task(std::string_view instance, std::string_view task,
                                        std::string_view actor, const RequestKey& request = {});

  /// Delivers an event to a wait step waiting for it (such as "payment_received"). `target` is
  /// an instance id, or a correlation key: the value of a waiting step's `correlation`
  /// expression (say, the invoice number), so the sender need not know the instance.
  tl::expected<void, Error> signal(std::string_view target, std::string_view event,
                                   boost::json::value payload = nullptr,
                                   const RequestKey& request = {});

  /// Finishes a step whose adapter answered pending, once the outside system is done: completed
  /// (with an output) or failed (retried or handled as the step declares).
  tl::expected<void, Error> finish_step(std::string_view instance, std::string_view step,
                                        StepResult result);

  /// Starts what schedules have due (run_schedules()), fires every timer that is due by the
  /// clock's now (waits, retries, timeouts), lets the instances run on, delivers queued mail
  /// (deliver_mail()), and returns how many timers fired.
  /// Every due instance is advanced as far as it goes; if one of them could not be (the store
  /// refused its outcome) or mail could not be delivered, the first such error is returned.
  tl::expected<std::size_t, Error> run_due();

  /// Starts the instances that schedules of deployed workflows (the newest version of each)
  /// have due by the clock's now, and returns how many it started. A schedule first seen starts
  /// from now on. Each occurrence starts one instance, with the business key
  /// occurrence_key() and the schedule's input rendered for it, as "schedule:<id>"; engines
  /// sharing a store start it once between them (Store::move_schedule_mark()). Occurrences more
  /// than the schedule's grace late were missed: started as its catch_up says. While the
  /// instance it started last runs, an `"overlap": "skip"` schedule leaves occurrences out. At
  /// most EngineLimits::max_schedule_starts per schedule and call. An occurrence whose input the
  /// workflow refuses is left out and reported to EngineConfig::on_error; a store that fails
  /// stops its schedule until the next call, and its error is returned. run_due() and
  /// run_worker() call it.
  tl::expected<std::size_t, Error> run_schedules();
  /// The schedules of deployed workflows (the newest version of each), with the next `count`
  /// occurrences of each.
  tl::expected<std::vector<ScheduleStatus>, Error> schedules(std::size_t count = 3) const;

  /// Carries on with instances after a restart: runs again every step that was started but has
  /// no outcome (with the same idempotency key), fires due timers, takes the results of finished
  /// sub-workflows, then delivers the mail still queued (deliver_mail()), also that of finished
  /// instances. With an id, that instance; else every unfinished one. Returns how many were
  /// looked at; waiting instances keep waiting. As run_due(), returns the first error.
  tl::expected<std::size_t, Error> resume(std::string_view instance = {});

  /// Waits until no instance is advancing or scheduled to. Not from an adapter or observer.
  void wait_idle();

  /// @name Sharing work with other processes
  /// Through a store with a WorkQueue (PostgresStore); see WorkerOptions.
  /// @{

  /// Claims a batch of instances with work (a token to run, a timer due by the clock's now),
  /// advances each and lets its claim go; returns how many it claimed, or the first error that
  /// stopped one of them (each is advanced as far as it goes).
  tl::expected<std::size_t, Error> claim_and_run();
  /// Runs claim_and_run() until `stop` is requested, waiting poll_interval whenever there is no
  /// work (and delivering queued mail then), and renews its claims while their steps run.
  /// Errors (the database away for a while, its disk full) go to on_error, and the worker
  /// carries on after a pause that doubles with each failure in a row, from poll_interval up to
  /// the lease. Returns once the claims it held are let go.
  void run_worker(std::stop_token stop);
  /// What this engine's workers and calls did with claims, since it was made.
  WorkerStats worker_stats() const;
  /// @}

  /// Takes an open task for `actor`, so that others see it is being done: recorded as a
  /// task_claimed event, and Task::claimed_by. A task someone else has taken is refused
  /// (invalid_value, naming them); taking one's own again changes nothing. The engine lets anyone
  /// complete a task all the same; a front end decides who may (ablauf::http lets only the one
  /// who took it, and admins).
  tl::expected<void, Error> claim_task(std::string_view instance, std::string_view task,
                                       std::string_view actor, const RequestKey& request = {});
  /// Gives a taken task back, for anyone it is assigned to to take: a task_released event by
  /// `actor`. A task no one has taken is refused (invalid_value).
  tl::expected<void, Error> release_task(std::string_view instance, std::string_view task,
                                         std::string_view actor, const RequestKey& request = {});

  /// Ends an unfinished instance as cancelled, recording `actor` and `reason`, and cancels the
  /// sub-workflows its call steps wait for. An instance that has already ended is an error.
  tl::expected<void, Error> cancel(std::string_view instance, std::string_view actor,
                                   std::string_view reason = {}, const RequestKey& request = {});

  /// Hands the mail send_email queued to the configured Mailer, each marked sent in the store
  /// once the Mailer took it; returns how many were marked. The engine does this after every
  /// call that queued mail, in run_due() and in resume(); a host may call it any time.
  ///
  /// Each mail goes queued → handed over → confirmed. A mail the Mailer refused is tried again
  /// only once EngineConfig::mail_retry's backoff has passed; the others go on meanwhile, and
  /// the call returns an io_error naming the refusals. A mail the Mailer took but the store
  /// could not mark (a full disk) is never handed over again by this engine: later deliveries
  /// only try to mark it, and until then the call returns the store's error. Only a crash
  /// between the Mailer's taking a mail and its mark makes the next process hand it over again,
  /// with the same idempotency key, which a Mailer uses to keep one copy (at least once, under
  /// one key).
  tl::expected<std::size_t, Error> deliver_mail();

  /// The outbox: every mail send_email queued, in order, with its message id once delivered.
  tl::expected<std::vector<OutboxMail>, Error> outbox() const;

  /// A record save_record or update_record wrote (in the store, or the host's RecordStore).
  tl::expected<std::optional<boost::json::object>, Error> record(std::string_view collection,
                                                                 std::string_view key) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ablauf
