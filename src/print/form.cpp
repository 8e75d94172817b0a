#include "print/form.hpp"

#include "ablauf/answer.hpp"
#include "ablauf/clock.hpp"
#include "ablauf/file_reference.hpp"
#include "ablauf/instance.hpp"
#include "message_text.hpp"
#include "print/answer_text.hpp"
#include "value_text.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>

namespace ablauf::print {
namespace {

FormWords words_in(const std::string& language) {
  if (language == "de")
    return {.required = "Pflichtangabe",
            .conditional = "falls zutreffend",
            .tick_one = "eine Antwort ankreuzen",
            .tick_any = "alle zutreffenden ankreuzen",
            .sign_off = "Abzeichnung",
            .name = "Name",
            .date = "Datum",
            .signature = "Unterschrift",
            .date_format = "TT.MM.JJJJ",
            .yes = "ja",
            .no = "nein",
            .not_applicable = "entfällt",
            .time_format = "hh:mm",
            .datetime_format = "TT.MM.JJJJ hh:mm, Zeitzone",
            .latitude = "Breite",
            .longitude = "Länge",
            .accuracy = "Genauigkeit (m)",
            .files_attached = "Anzahl beigefügter Dateien",
            .score = "Ergebnis",
            .passed = "bestanden",
            .not_passed = "nicht bestanden",
            .flagged = "Auffällig",
            .action = "Korrekturmaßnahme",
            .due = "fällig",
            .priority = "Priorität",
            .open_quote = "„",
            .close_quote = "“",
            .priorities = {"niedrig", "normal", "hoch", "dringend"},
            .open = "offen",
            .in_progress = "in Bearbeitung",
            .done = "erledigt",
            .awaiting_verification = "Bestätigung ausstehend durch",
            .verified = "bestätigt",
            .instance = "Vorgang",
            .signed_hash = "SHA-256 der unterschriebenen Angaben",
            .document_number = "Dokumentnummer",
            .started = "Begonnen",
            .by = "von"};
  return {.required = "required",
          .conditional = "if applicable",
          .tick_one = "tick one",
          .tick_any = "tick all that apply",
          .sign_off = "Sign-off",
          .name = "Name",
          .date = "Date",
          .signature = "Signature",
          .date_format = "YYYY-MM-DD",
          .yes = "yes",
          .no = "no",
          .not_applicable = "not applicable",
          .time_format = "hh:mm",
          .datetime_format = "YYYY-MM-DD hh:mm, time zone",
          .latitude = "Latitude",
          .longitude = "Longitude",
          .accuracy = "Accuracy (m)",
          .files_attached = "Number of files attached",
          .score = "Score",
          .passed = "passed",
          .not_passed = "failed",
          .flagged = "Flagged",
          .action = "Corrective action",
          .due = "due",
          .priority = "priority",
          .open_quote = "“",
          .close_quote = "”",
          .priorities = {"low", "normal", "high", "urgent"},
          .open = "open",
          .in_progress = "in progress",
          .done = "done",
          .awaiting_verification = "awaiting verification by",
          .verified = "verified",
          .instance = "Instance",
          .signed_hash = "SHA-256 of the answers signed",
          .document_number = "Document number",
          .started = "Started",
          .by = "by"};
}

std::string number_text(double value) {
  std::string out;
  detail::append_number(value, out);
  return out;
}

// "1 = schlecht, 5 = sehr gut": what a rating's ends mean; "" when its definition does not say.
std::string scale_ends(const ItemDefinition& item,
                       const std::function<std::string(const LocalizedText&)>& text) {
  std::string out;
  if (!item.low_label.empty()) out = number_text(*item.min) + " = " + text(item.low_label);
  if (!item.high_label.empty())
    out += (out.empty() ? "" : ", ") + number_text(*item.max) + " = " + text(item.high_label);
  return out;
}

std::string range_of(const ItemDefinition& item) {
  if (item.kind != ItemKind::number) return {};
  if (item.min && item.max) return number_text(*item.min) + "–" + number_text(*item.max);
  if (item.min) return "≥ " + number_text(*item.min);
  if (item.max) return "≤ " + number_text(*item.max);
  return {};
}

// Whether `option` is among the chosen `value` (a choice's string, a multi_choice's array).
bool is_chosen(const boost::json::value& value, const std::string& option) {
  if (value.is_string()) return value.get_string() == option;
  if (!value.is_array()) return false;
  for (const auto& chosen : value.get_array())
    if (chosen.is_string() && chosen.get_string() == option) return true;
  return false;
}

// A media type as a person filling the form by hand names it: "PDF", "JPEG", "Bilder".
std::string type_name(const std::string& type, bool german) {
  static const std::map<std::string, std::string, std::less<>> names = {
      {"application/pdf", "PDF"}, {"image/jpeg", "JPEG"}, {"image/png", "PNG"},
      {"image/gif", "GIF"},       {"image/webp", "WebP"}, {"image/heic", "HEIC"},
      {"text/plain", "Text"},     {"text/csv", "CSV"}};
  if (const auto found = names.find(type); found != names.end()) return found->second;
  if (type == "image/*") return german ? "Bilder" : "images";
  return type;
}

// The files of a file or photo item's answer, with the content of the photos a form can show.
std::vector<PrintedFile> printed_files(const boost::json::value& value, const BlobStore* files,
                                       bool german) {
  std::vector<PrintedFile> printed;
  for (auto& file : file_references(value)) {
    PrintedFile out{.name = file.name,
                    .details = file.media_type + ", " + detail::size_text(file.size, german),
                    .sha256 = file.sha256,
                    .media_type = file.media_type,
                    .image = {}};
    const bool shown = file.media_type == "image/jpeg" || file.media_type == "image/png";
    // A file that is missing or changed shows as its name and hash alone: the form says what
    // was answered, and `ablauf instances verify` says what became of it.
    if (shown && files)
      if (auto content = files->get(file.sha256); content && *content)
        out.image = std::move(**content);
    printed.push_back(std::move(out));
  }
  return printed;
}

// A group's rows as text, a cell per item; with no answer, the empty rows of a blank form (one,
// for a group that does not repeat).
std::vector<std::vector<std::string>> group_rows(
    const ItemDefinition& group, const boost::json::value* value,
    const std::function<std::string(const LocalizedText&)>& text, const FormWords& words) {
  std::vector<std::vector<std::string>> rows;
  if (!value || is_not_applicable(*value)) {
    if (value) return rows;  // "not applicable": no rows
    const auto count = group.repeat ? std::min(std::max(group.min_rows, blank_rows), group.max_rows)
                                    : std::uint32_t{1};
    rows.assign(count, std::vector<std::string>(group.items.size()));
    return rows;
  }
  const auto cells = [&](const boost::json::object& row) {
    std::vector<std::string> out;
    for (const auto& item : group.items) {
      const auto* answer = row.if_contains(item.id);
      out.push_back(answer ? answer_text(*answer, item, text,
                                         {words.yes, words.no, words.not_applicable, words.locale})
                           : std::string());
    }
    return out;
  };
  if (const auto* one = value->if_object()) rows.push_back(cells(*one));
  if (const auto* many = value->if_array())
    for (const auto& row : *many)
      if (const auto* object = row.if_object()) rows.push_back(cells(*object));
  return rows;
}

// "Ergebnis: 42,86 % (nicht bestanden) · Sicherheit 50 % · Zustand 40 %": a scoring checklist's
// result, from the score its step_completed event keeps; and its flagged answers.
void add_result(FormPart& part, const StepDefinition& step, const boost::json::object& score,
                const std::function<std::string(const LocalizedText&)>& text,
                const FormWords& words) {
  const auto percent = [&](const boost::json::object& points) {
    const auto* value = points.if_contains("percent");
    if (!value || !value->is_number()) return std::string("–");
    return format_percent(value->to_number<double>() / 100, words.locale);
  };
  const auto* passed = score.if_contains("passed");
  part.result = words.score + ": " + percent(score) +
                (passed && passed->is_bool()
                     ? " (" + (passed->get_bool() ? words.passed : words.not_passed) + ")"
                     : std::string());
  if (const auto* sections = score.if_contains("sections"); sections && sections->is_object())
    for (const auto& section : step.checklist->sections)
      if (const auto* counted = sections->get_object().if_contains(section.id);
          counted && counted->is_object()) {
        std::string title = text(section.title);
        part.result +=
            " · " + (title.empty() ? section.id : title) + " " + percent(counted->get_object());
      }
  if (const auto* flags = score.if_contains("flags"); flags && flags->is_array())
    for (const auto& flag : flags->get_array()) {
      if (!flag.is_object()) continue;
      const auto* id = flag.get_object().if_contains("item");
      const auto* answer = flag.get_object().if_contains("answer");
      if (!id || !id->is_string() || !answer) continue;
      const auto* item = find_item(step, id->get_string());
      if (!item) continue;
      std::string label = text(item->label);
      part.flagged.push_back(
          (label.empty() ? item->id : label) + ": " +
          answer_text(*answer, *item, text,
                      {words.yes, words.no, words.not_applicable, words.locale}));
    }
}

// "Korrekturmaßnahme „Kunden anrufen“: collections, fällig 2026-11-26, Priorität hoch —
// erledigt (anna), Bestätigung ausstehend durch billing_team": a corrective action on its item.
std::string action_line(const Task& task, const FormWords& words) {
  std::string out = words.action + " " + words.open_quote + task.title + words.close_quote;
  if (!task.assignee.empty()) out += ": " + task.assignee;
  if (task.due) out += ", " + words.due + " " + format_date(*task.due, words.locale);
  out += ", " + words.priority + " " + words.priorities[static_cast<std::size_t>(task.priority)];
  const auto status = task.status();
  if (status == "open") return out + " — " + words.open;
  if (status == "in_progress")
    return out + " — " + words.in_progress + " (" + task.claimed_by + ")";
  out += " — " + words.done + " (" + task.completed_by + ")";
  if (status == "verified") return out + ", " + words.verified + " (" + task.verified_by + ")";
  if (!task.verify_by.empty()) out += ", " + words.awaiting_verification + " " + task.verify_by;
  return out;
}

}  // namespace

Form build_form(const WorkflowDefinition& definition, const FormOptions& options) {
  const auto& language = options.language;
  const auto history = options.history;
  // The last answer or signature recorded for each (step, item).
  std::map<std::pair<std::string, std::string>, const Event*> recorded;
  std::map<std::string, const boost::json::object*, std::less<>> scores;  // step → its last
  for (const auto& event : history)
    if (event.type == EventType::step_completed)
      if (const auto* score = event.data.if_contains("score"); score && score->is_object())
        scores[event.step] = &score->get_object();
  for (const auto& event : history)
    if (event.type == EventType::answer_recorded || event.type == EventType::signature_recorded)
      if (const auto* item = event.data.if_contains("item"); item && item->is_string())
        recorded[{event.step, std::string(item->get_string())}] = &event;
  // The instance as its history has it now: its header, and the corrective actions raised.
  std::optional<InstanceState> state;
  if (!history.empty())
    if (auto folded = fold(options.instance, history)) state = std::move(*folded);
  std::vector<Task> actions;
  if (state)
    std::copy_if(state->tasks.begin(), state->tasks.end(), std::back_inserter(actions),
                 [](const Task& task) { return task.is_action(); });
  const std::string& fallback = definition.default_language;
  const std::string chosen = language.empty() ? fallback : language;
  const auto text = [&](const LocalizedText& localized) {
    return std::string(localized.get(chosen, fallback));
  };
  Form form{.instance = options.instance,
            .language = chosen,
            .title = text(definition.title),
            .description = text(definition.description),
            .parts = {},
            .words = words_in(chosen)};
  form.words.locale = {chosen, definition.time_zone};
  const auto& w = form.words;
  if (state && !state->document_number.empty())
    form.header.push_back({w.document_number, state->document_number});
  else if (!state && definition.document_number)
    form.header.push_back({w.document_number, {}});
  if (!form.instance.empty()) form.header.push_back({w.instance, form.instance});
  if (state)
    form.header.push_back(
        {w.started, format_datetime(state->started_at, w.locale) +
                        (state->started_by.empty() || state->started_by == "system"
                             ? std::string()
                             : " " + w.by + " " + state->started_by)});
  for (const auto& step : definition.steps) {
    if (!step.checklist || (!options.step.empty() && step.id != options.step)) continue;
    FormPart part{text(step.title), text(step.description), {}, {}, {}, {}};
    if (part.title.empty()) part.title = step.id;
    if (const auto score = scores.find(step.id); score != scores.end())
      add_result(part, step, *score->second, text, form.words);
    for (const auto& action : actions)
      if (action.step == step.id && action.raised_by == "rule")
        part.actions.push_back(action_line(action, form.words));
    for (const auto& section : step.checklist->sections) {
      FormSection printed{text(section.title), text(section.description), {}};
      // A checklist definition's step is its section: say its title and description once.
      if (printed.title == part.title) printed.title.clear();
      if (printed.description == part.description) printed.description.clear();
      for (const auto& item : section.items) {
        FormItem entry{.label = text(item.label),
                       .description = text(item.description),
                       .kind = item.kind,
                       .required = item.required,
                       .conditional = item.visible_if.has_value(),
                       .not_applicable = item.not_applicable,
                       .options = {},
                       .unit = text(item.unit),
                       .range = range_of(item)};
        if (entry.label.empty()) entry.label = item.id;
        for (const auto& action : actions)
          if (action.step == step.id && action.item == item.id)
            entry.actions.push_back(action_line(action, form.words));
        const auto found = recorded.find({step.id, item.id});
        const Event* event = found == recorded.end() ? nullptr : found->second;
        const boost::json::value* value = nullptr;
        if (event) {
          const bool signed_item = event->type == EventType::signature_recorded;
          value = event->data.if_contains(signed_item ? "hash" : "value");
          if (value)
            entry.entry = Entry{answer_text(*value, item, text,
                                            {form.words.yes, form.words.no,
                                             form.words.not_applicable, form.words.locale}),
                                event->actor, format_datetime(event->time, form.words.locale),
                                value->is_bool() && value->get_bool(), is_not_applicable(*value)};
        }
        for (const auto& option : item.options) {
          auto label = text(option.label);
          entry.options.push_back(label.empty() ? option.value : std::move(label));
          entry.chosen.push_back(value && is_chosen(*value, option.value));
        }
        if (item.kind == ItemKind::group) {
          for (const auto& column : item.items) {
            std::string heading = text(column.label);
            if (heading.empty()) heading = column.id;
            if (const auto unit = text(column.unit); !unit.empty()) heading += " (" + unit + ")";
            // A rating's scale, so that a row written by hand uses it: "Schwere (1 = gering,
            // 5 = existenzbedrohend)".
            if (column.kind == ItemKind::rating && column.min && column.max) {
              auto ends = scale_ends(column, text);
              heading += " (" +
                         (ends.empty() ? number_text(*column.min) + "–" + number_text(*column.max)
                                       : std::move(ends)) +
                         ")";
            }
            entry.columns.push_back(std::move(heading));
          }
          entry.rows = group_rows(item, value, text, form.words);
        }
        if (takes_files(item.kind)) {
          for (const auto& type : item.media_types)
            entry.accepted +=
                (entry.accepted.empty() ? "" : ", ") + type_name(type, chosen == "de");
          if (value) entry.files = printed_files(*value, options.files, chosen == "de");
        }
        if (item.kind == ItemKind::rating) {  // a box per step of the scale, ticked as answered
          // At most the loader's eleven steps, also for an item a host built in code.
          for (auto point = *item.min; point <= *item.max && entry.options.size() < 11; ++point) {
            entry.options.push_back(number_text(point));
            entry.chosen.push_back(value && value->is_number() &&
                                   value->to_number<double>() == point);
          }
          entry.range = scale_ends(item, text);
        }
        printed.items.push_back(std::move(entry));
      }
      part.sections.push_back(std::move(printed));
    }
    form.parts.push_back(std::move(part));
  }
  return form;
}

}  // namespace ablauf::print
