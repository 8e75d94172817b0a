// An instance's events told as sentences: which words each event type uses, and how the ids in
// its data become the titles and labels of the definition.
#include "ablauf/timeline.hpp"

#include "ablauf/instance.hpp"

#include "ablauf/answer.hpp"
#include "print/answer_text.hpp"
#include "template/rendered_text.hpp"
#include "value_text.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <map>

namespace ablauf {
namespace {

namespace json = boost::json;

// The fixed words of a timeline. A sentence with a placeholder is split around it.
struct Words {
  std::string open_quote, close_quote;
  std::string yes, no, not_applicable;
  std::string started, version, key;  // "Started “Title” (version 1), key K"
  std::string step_began, attempt;
  std::string waits_checklist, waits_task, waits_timer, waits_event, waits_join, waits_call,
      waits_adapter, waits;
  std::string done, moves_to, path_ends, joined;
  std::string failed, will_retry, timed_out;
  std::string answered, signed_item, hash;
  std::string task_created, task_for, task_due, task_done, task_claimed, task_released;
  std::string task_reminded, task_escalated, escalated_to, escalated_from;
  std::string timer_wait, timer_timeout, timer_retry, timer_remind, timer_escalate;
  std::string fired_wait, fired_timeout, fired_retry, fired_remind, fired_escalate;
  std::string received, assigned;
  std::string completed, instance_failed, cancelled;
  std::string score, passed, not_passed, flagged;  // a scoring checklist's result
  std::string action_raised, raised_fail, raised_flag, raised_rule, action_verified, priority;
  std::array<std::string, 4> priorities;  // low, normal, high, urgent
};

Words words_in(const std::string& language) {
  if (language == "de")
    return {.open_quote = "„",
            .close_quote = "“",
            .yes = "ja",
            .no = "nein",
            .not_applicable = "entfällt",
            .started = "Gestartet: ",
            .version = "Version",
            .key = "Schlüssel",
            .step_began = "Beginnt: ",
            .attempt = "Versuch",
            .waits_checklist = "wartet auf die ausgefüllte Checkliste",
            .waits_task = "wartet auf die Aufgabe",
            .waits_timer = "wartet auf seinen Zeitpunkt",
            .waits_event = "wartet auf das Ereignis",
            .waits_join = "wartet auf die übrigen Zweige",
            .waits_call = "wartet auf den Untervorgang",
            .waits_adapter = "wartet auf seinen Adapter",
            .waits = "wartet",
            .done = "Erledigt: ",
            .moves_to = "weiter mit",
            .path_ends = "der Pfad endet",
            .joined = "Zweige zusammengeführt: ",
            .failed = "Fehlgeschlagen: ",
            .will_retry = "wird wiederholt",
            .timed_out = "Frist verstrichen, eskaliert: ",
            .answered = "Beantwortet: ",
            .signed_item = "Unterschrieben: ",
            .hash = "SHA-256 der Angaben",
            .task_created = "Aufgabe angelegt: ",
            .task_for = "für",
            .task_due = "fällig",
            .task_done = "Aufgabe erledigt: ",
            .task_claimed = "Aufgabe übernommen: ",
            .task_released = "Aufgabe zurückgegeben: ",
            .task_reminded = "Erinnerung an die Aufgabe: ",
            .task_escalated = "Aufgabe überfällig, eskaliert: ",
            .escalated_to = "an",
            .escalated_from = "bisher",
            .timer_wait = "Warten bis ",
            .timer_timeout = "Frist bis ",
            .timer_retry = "Neuer Versuch um ",
            .timer_remind = "Erinnerung am ",
            .timer_escalate = "Eskalation am ",
            .fired_wait = "Wartezeit vorbei",
            .fired_timeout = "Frist abgelaufen",
            .fired_retry = "Zeit für den neuen Versuch",
            .fired_remind = "Zeit für die Erinnerung",
            .fired_escalate = "Zeit für die Eskalation",
            .received = "Ereignis empfangen: ",
            .assigned = "Variablen gesetzt",
            .completed = "Vorgang abgeschlossen",
            .instance_failed = "Vorgang fehlgeschlagen: ",
            .cancelled = "Vorgang abgebrochen",
            .score = "Ergebnis",
            .passed = "bestanden",
            .not_passed = "nicht bestanden",
            .flagged = "Auffällig",
            .action_raised = "Korrekturmaßnahme angelegt: ",
            .raised_fail = "nicht erfüllt",
            .raised_flag = "auffällig",
            .raised_rule = "Regel trifft zu",
            .action_verified = "Korrekturmaßnahme bestätigt: ",
            .priority = "Priorität",
            .priorities = {"niedrig", "normal", "hoch", "dringend"}};
  return {.open_quote = "“",
          .close_quote = "”",
          .yes = "yes",
          .no = "no",
          .not_applicable = "not applicable",
          .started = "Started ",
          .version = "version",
          .key = "key",
          .step_began = "Began ",
          .attempt = "attempt",
          .waits_checklist = "waits for its checklist to be filled in",
          .waits_task = "waits for the task",
          .waits_timer = "waits for its timer",
          .waits_event = "waits for the event",
          .waits_join = "waits for its other branches",
          .waits_call = "waits for the sub-workflow",
          .waits_adapter = "waits for its adapter",
          .waits = "waits",
          .done = "Done: ",
          .moves_to = "next",
          .path_ends = "the path ends",
          .joined = "Branches joined: ",
          .failed = "Failed: ",
          .will_retry = "to be retried",
          .timed_out = "Timed out, escalated: ",
          .answered = "Answered ",
          .signed_item = "Signed ",
          .hash = "SHA-256 of the answers",
          .task_created = "Task created: ",
          .task_for = "for",
          .task_due = "due",
          .task_done = "Task done: ",
          .task_claimed = "Task taken: ",
          .task_released = "Task given back: ",
          .task_reminded = "Reminder of the task: ",
          .task_escalated = "Task overdue, escalated: ",
          .escalated_to = "to",
          .escalated_from = "was",
          .timer_wait = "Waiting until ",
          .timer_timeout = "Deadline ",
          .timer_retry = "Retry at ",
          .timer_remind = "Reminder on ",
          .timer_escalate = "Escalation on ",
          .fired_wait = "The wait is over",
          .fired_timeout = "The deadline passed",
          .fired_retry = "Time to retry",
          .fired_remind = "Time for the reminder",
          .fired_escalate = "Time for the escalation",
          .received = "Event received: ",
          .assigned = "Variables set",
          .completed = "Instance completed",
          .instance_failed = "Instance failed: ",
          .cancelled = "Instance cancelled",
          .score = "score",
          .passed = "passed",
          .not_passed = "failed",
          .flagged = "Flagged",
          .action_raised = "Corrective action raised: ",
          .raised_fail = "failed",
          .raised_flag = "flagged",
          .raised_rule = "rule holds",
          .action_verified = "Corrective action verified: ",
          .priority = "priority",
          .priorities = {"low", "normal", "high", "urgent"}};
}

using detail::string_at;

// Nested objects become dotted paths: {"customer": {"id": "K-1"}} reads customer.id = K-1.
void flatten(const json::value& value, const std::string& path, std::vector<TimelineChange>& out) {
  if (const auto* object = value.if_object(); object && !object->empty()) {
    for (const auto& [key, member] : *object)
      flatten(member, path.empty() ? std::string(key) : path + "." + std::string(key), out);
    return;
  }
  out.push_back(
      {path, value.is_string() ? std::string(value.get_string()) : detail::to_text(value)});
}

class Teller {
 public:
  Teller(const WorkflowDefinition& definition, const TimelineOptions& options)
      : definition_(definition),
        language_(options.language.empty() ? definition.default_language : options.language),
        words_(words_in(language_)) {}

  TimelineEntry tell(const Event& event) {
    // The instance as of this event, for the titles written as templates. A history that does
    // not start at its beginning leaves them as written.
    if (!state_.apply(event)) state_.last_sequence = 0;
    TimelineEntry entry{.sequence = event.sequence,
                        .type = event.type,
                        .time = event.time,
                        .actor = event.actor,
                        .step = event.step,
                        .text = {},
                        .changes = {}};
    entry.text = sentence(event, entry.changes);
    return entry;
  }

 private:
  std::string text(const LocalizedText& localized) const {
    return std::string(localized.get(language_, definition_.default_language));
  }

  std::string quoted(std::string_view text) const {
    return words_.open_quote + std::string(text) + words_.close_quote;
  }

  // A step by its title in quotes, or by its id where it has none or is unknown. A title
  // written as a template reads as the instance's data fill it in at this point.
  std::string step_name(std::string_view id) const {
    const auto* step = definition_.find_step(id);
    std::string title;
    if (step && state_.last_sequence > 0)
      title = detail::rendered_text(step->title, language_, definition_.default_language,
                                    state_.data, definition_.time_zone);
    else if (step)
      title = text(step->title);
    return quoted(title.empty() ? id : title);
  }

  std::string sentence(const Event& event, std::vector<TimelineChange>& changes) {
    const auto& data = event.data;
    const auto& w = words_;
    const std::string step = step_name(event.step);
    switch (event.type) {
      case EventType::instance_started: {
        const std::string title = text(definition_.title);
        std::string out = w.started + quoted(title.empty() ? string_at(data, "workflow") : title);
        if (const auto* version = data.if_contains("version"))
          out += " (" + w.version + " " + detail::to_text(*version) + ")";
        if (const auto number = string_at(data, "document_number"); !number.empty())
          out += ", " + number;
        if (const auto key = string_at(data, "business_key"); !key.empty())
          out += ", " + w.key + " " + key;
        if (const auto* input = data.if_contains("input")) flatten(*input, "", changes);
        return out;
      }
      case EventType::step_started: return w.step_began + step + attempt_of(event);
      case EventType::step_waiting: return step + " " + waiting(data);
      case EventType::step_completed: {
        if (const auto* merged = data.if_contains("merged"); merged && merged->is_bool())
          return w.joined + step + moves(event);
        if (const auto* output = data.if_contains("output"); output && !is_checklist(event.step))
          flatten(*output, "", changes);
        return w.done + step + scored(event, changes) + moves(event);
      }
      case EventType::step_failed: {
        // A timeout into its on_timeout path is the escalation the definition plans for.
        const auto* timed_out = data.if_contains("timed_out");
        if (event.next && timed_out && timed_out->is_bool() && timed_out->get_bool())
          return w.timed_out + step + " (" + string_at(data, "after") + ")" + moves(event);
        std::string out = w.failed + step + attempt_of(event) + ": " + string_at(data, "error");
        const auto* retryable = data.if_contains("retryable");
        if (!event.next && retryable && retryable->is_bool() && retryable->get_bool())
          out += "; " + w.will_retry;
        return out + moves(event);
      }
      case EventType::answer_recorded: return answered(event);
      case EventType::signature_recorded: {
        changes.push_back({w.hash, string_at(data, "hash")});
        return w.signed_item + item_name(event.step, string_at(data, "item"));
      }
      case EventType::task_created: {
        const auto task = string_at(data, "task");
        auto title = string_at(data, "title");
        if (title.empty()) title = task;
        tasks_[task] = title;
        const auto item = string_at(data, "item");
        std::string out = (item.empty() ? w.task_created : w.action_raised) + quoted(title);
        if (const auto assignee = string_at(data, "assignee"); !assignee.empty())
          out += " " + w.task_for + " " + assignee;
        if (event.due) out += ", " + w.task_due + " " + format_datetime(*event.due, locale());
        if (!item.empty()) {
          const auto priority = priority_from_string(string_at(data, "priority"));
          const auto raised_by = string_at(data, "raised_by");
          out += ", " + w.priority + " " +
                 w.priorities[static_cast<std::size_t>(priority.value_or(Priority::normal))] +
                 " (" + item_name(event.step, item) + ": " +
                 (raised_by == "flag"   ? w.raised_flag
                  : raised_by == "rule" ? w.raised_rule
                                        : w.raised_fail) +
                 ")";
        }
        return out;
      }
      case EventType::task_verified: {
        const auto task = string_at(data, "task");
        const auto found = tasks_.find(task);
        return w.action_verified + quoted(found == tasks_.end() ? task : found->second);
      }
      case EventType::task_completed: {
        const auto task = string_at(data, "task");
        const auto found = tasks_.find(task);
        std::string out = w.task_done + quoted(found == tasks_.end() ? task : found->second);
        if (const auto outcome = string_at(data, "outcome"); !outcome.empty())
          out += ": " + outcome;
        return out;
      }
      case EventType::task_reminded: {
        const auto task = string_at(data, "task");
        const auto found = tasks_.find(task);
        std::string out = w.task_reminded + quoted(found == tasks_.end() ? task : found->second);
        if (const auto assignee = string_at(data, "assignee"); !assignee.empty())
          out += " (" + w.task_for + " " + assignee + ")";
        return out;
      }
      case EventType::task_escalated: {
        const auto task = string_at(data, "task");
        const auto found = tasks_.find(task);
        std::string out = w.task_escalated + quoted(found == tasks_.end() ? task : found->second) +
                          " " + w.escalated_to + " " + string_at(data, "to");
        if (const auto from = string_at(data, "from"); !from.empty())
          out += " (" + w.escalated_from + " " + from + ")";
        return out;
      }
      case EventType::task_claimed:
      case EventType::task_released: {
        const auto task = string_at(data, "task");
        const auto found = tasks_.find(task);
        return (event.type == EventType::task_claimed ? w.task_claimed : w.task_released) +
               quoted(found == tasks_.end() ? task : found->second);
      }
      case EventType::timer_set: {
        const auto purpose =
            timer_purpose_from_string(string_at(data, "purpose")).value_or(TimerPurpose::wait);
        timers_[string_at(data, "timer")] = purpose;
        const std::string& words = purpose == TimerPurpose::timeout    ? w.timer_timeout
                                   : purpose == TimerPurpose::retry    ? w.timer_retry
                                   : purpose == TimerPurpose::remind   ? w.timer_remind
                                   : purpose == TimerPurpose::escalate ? w.timer_escalate
                                                                       : w.timer_wait;
        return words + (event.due ? format_datetime(*event.due, locale()) : std::string()) + " (" +
               step + ")";
      }
      case EventType::timer_fired: {
        const auto purpose = timers_[string_at(data, "timer")];  // wait, if never set
        const std::string& words = purpose == TimerPurpose::timeout    ? w.fired_timeout
                                   : purpose == TimerPurpose::retry    ? w.fired_retry
                                   : purpose == TimerPurpose::remind   ? w.fired_remind
                                   : purpose == TimerPurpose::escalate ? w.fired_escalate
                                                                       : w.fired_wait;
        return words + " (" + step + ")";
      }
      case EventType::signal_received: {
        if (const auto* payload = data.if_contains("payload"); payload && !payload->is_null())
          flatten(*payload, "", changes);
        return w.received + quoted(string_at(data, "name"));
      }
      case EventType::vars_assigned: {
        if (const auto* vars = data.if_contains("vars"); vars && vars->is_object())
          for (const auto& [name, value] : vars->get_object())
            flatten(value, "vars." + std::string(name), changes);
        return w.assigned;
      }
      case EventType::instance_completed: return w.completed;
      case EventType::instance_failed: return w.instance_failed + string_at(data, "error");
      case EventType::instance_cancelled: {
        const auto reason = string_at(data, "reason");
        return reason.empty() ? w.cancelled : w.cancelled + ": " + reason;
      }
    }
    return std::string(to_string(event.type));
  }

  std::string attempt_of(const Event& event) const {
    if (event.attempt <= 1) return {};
    return " (" + words_.attempt + " " + std::to_string(event.attempt) + ")";
  }

  // "; next “Send invoice”", or "; the path ends"; nothing when the token stays.
  std::string moves(const Event& event) const {
    if (!event.next) return {};
    if (event.next->empty()) return "; " + words_.path_ends;
    std::string out = "; " + words_.moves_to + " ";
    for (std::size_t n = 0; n < event.next->size(); ++n)
      out += (n == 0 ? "" : ", ") + step_name((*event.next)[n]);
    return out;
  }

  std::string waiting(const json::object& data) const {
    const auto& w = words_;
    const auto why = string_at(data, "for");
    switch (waiting_for_from_string(why).value_or(WaitingFor::nothing)) {
      case WaitingFor::checklist: return w.waits_checklist;
      case WaitingFor::task: {
        const auto task = string_at(data, "task");
        const auto found = tasks_.find(task);
        return w.waits_task + " " + quoted(found == tasks_.end() ? task : found->second);
      }
      case WaitingFor::timer: return w.waits_timer;  // the timer_set entry that follows says when
      case WaitingFor::event: {
        const auto* event = data.if_contains("event");
        return w.waits_event + " " +
               quoted(event && !event->is_null() ? detail::to_text(*event) : std::string());
      }
      case WaitingFor::join: return w.waits_join;
      case WaitingFor::call: return w.waits_call + " " + string_at(data, "instance");
      case WaitingFor::adapter: return w.waits_adapter;
      case WaitingFor::nothing: break;
    }
    return why.empty() ? w.waits : w.waits + " (" + why + ")";
  }

  bool is_checklist(std::string_view step_id) const {
    const auto* step = definition_.find_step(step_id);
    return step && step->checklist;
  }

  std::string item_name(std::string_view step_id, const std::string& item_id) const {
    const auto* step = definition_.find_step(step_id);
    const auto* item = step ? print::find_item(*step, item_id) : nullptr;
    const std::string label = item ? text(item->label) : std::string();
    return quoted(label.empty() ? item_id : label);
  }

  // " — score 42.86 % (failed)" of a checklist that scores, its flagged answers as changes.
  std::string scored(const Event& event, std::vector<TimelineChange>& changes) const {
    const auto* found = event.data.if_contains("score");
    const auto* score = found ? found->if_object() : nullptr;
    if (!score) return {};
    std::string out;
    if (const auto* percent = score->if_contains("percent"); percent && percent->is_number()) {
      out =
          " — " + words_.score + " " + format_percent(percent->to_number<double>() / 100, locale());
    }
    if (const auto* passed = score->if_contains("passed"); passed && passed->is_bool())
      out += (out.empty() ? " — " : " ") + std::string("(") +
             (passed->get_bool() ? words_.passed : words_.not_passed) + ")";
    const auto* step = definition_.find_step(event.step);
    if (const auto* flags = score->if_contains("flags"); flags && flags->is_array())
      for (const auto& flag : flags->get_array()) {
        if (!flag.is_object()) continue;
        const auto item_id = string_at(flag.get_object(), "item");
        const auto* item = step ? print::find_item(*step, item_id) : nullptr;
        const auto* answer = flag.get_object().if_contains("answer");
        std::string said = answer ? detail::to_text(*answer) : std::string();
        if (answer && item)
          said =
              print::answer_text(*answer, *item, [this](const LocalizedText& t) { return text(t); },
                                 {words_.yes, words_.no, words_.not_applicable, locale()});
        changes.push_back({words_.flagged + " " + item_name(event.step, item_id), said});
      }
    return out;
  }

  std::string answered(const Event& event) const {
    const auto item_id = string_at(event.data, "item");
    const auto* value = event.data.if_contains("value");
    const auto* step = definition_.find_step(event.step);
    const auto* item = step ? print::find_item(*step, item_id) : nullptr;
    std::string said;
    if (value && item) {
      said = print::answer_text(*value, *item, [this](const LocalizedText& t) { return text(t); },
                                {words_.yes, words_.no, words_.not_applicable, locale()});
      if (const auto unit = text(item->unit);
          !unit.empty() && item->kind == ItemKind::number && !is_not_applicable(*value))
        said += " " + unit;
    } else if (value) {
      said = detail::to_text(*value);
    }
    return words_.answered + item_name(event.step, item_id) + ": " + said;
  }

  // How numbers and times are written: in the reader's language and the definition's zone.
  FormatLocale locale() const { return {language_, definition_.time_zone}; }

  const WorkflowDefinition& definition_;
  std::string language_;
  Words words_;
  InstanceState state_;  // the fold of the events told so far; last_sequence 0 when unknown
  std::map<std::string, std::string> tasks_;    // task id → title, from task_created
  std::map<std::string, TimerPurpose> timers_;  // timer id → purpose, from timer_set
};

}  // namespace

std::vector<TimelineEntry> read_timeline(const WorkflowDefinition& definition,
                                         std::span<const Event> history,
                                         const TimelineOptions& options) {
  Teller teller(definition, options);
  std::vector<TimelineEntry> entries;
  entries.reserve(history.size());
  for (const auto& event : history) entries.push_back(teller.tell(event));
  return entries;
}

json::value to_json(const TimelineEntry& entry) {
  json::object out{{"seq", entry.sequence},
                   {"time", to_rfc3339(entry.time)},
                   {"actor", entry.actor},
                   {"type", to_string(entry.type)}};
  if (!entry.step.empty()) out["step"] = entry.step;
  out["text"] = entry.text;
  if (!entry.changes.empty()) {
    json::array changes;
    for (const auto& change : entry.changes)
      changes.push_back(json::object{{"name", change.name}, {"value", change.value}});
    out["changes"] = std::move(changes);
  }
  return out;
}

}  // namespace ablauf
