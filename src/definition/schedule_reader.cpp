// A definition's "schedules": when the engine starts instances by itself (schedule.hpp).
#include "definition/definition_parts.hpp"
#include "definition/definition_reader.hpp"
#include "time/calendar.hpp"
#include "time/time_zone.hpp"

#include "ablauf/schedule.hpp"
#include "ablauf/template.hpp"

#include <set>
#include <string>

namespace ablauf::detail {
namespace {

// "start" and "end": a date (its midnight in the zone; an end date takes in its whole day) or
// an RFC 3339 date-time with its offset.
std::optional<Time> read_bound(DefinitionReader& reader, Fields& fields, std::string_view name,
                               std::string_view zone, bool end) {
  auto text = fields.string(name);
  if (!text) return std::nullopt;
  const auto parsed = parse_date(*text);
  if (!parsed) {
    reader.error(ErrorCode::invalid_value, fields.pointer_of(name),
                 "'" + *text +
                     "' is not a date (\"2027-01-01\") or a date-time with its offset "
                     "(\"2027-01-01T06:00:00+01:00\")");
    return std::nullopt;
  }
  if (parsed->has_time()) return parse_rfc3339(*text).value();
  const auto day = parsed->day + std::chrono::days(end ? 1 : 0);
  const auto midnight = instant_of(WallTime(day), zone);
  return end ? midnight - std::chrono::milliseconds(1) : midnight;
}

// Every string of a schedule's input is a template over the occurrence; each is compiled here
// so that a broken tag or a name the occurrence does not have is found before anything runs.
void check_input_templates(DefinitionReader& reader, const boost::json::value& value,
                           const std::string& pointer) {
  std::vector<std::pair<const boost::json::value*, std::string>> pending{{&value, pointer}};
  while (!pending.empty()) {
    auto [at, where] = std::move(pending.back());
    pending.pop_back();
    if (const auto* object = at->if_object()) {
      for (const auto& [key, member] : *object)
        pending.emplace_back(&member, member_pointer(where, key));
    } else if (const auto* array = at->if_array()) {
      for (std::size_t i = 0; i < array->size(); ++i)
        pending.emplace_back(&(*array)[i], element_pointer(where, i));
    } else if (const auto* text = at->if_string()) {
      auto compiled = Template::compile(*text, reader.options().templates);
      if (!compiled) {
        reader.error(ErrorCode::invalid_template, where, compiled.error().message);
        continue;
      }
      for (const auto& name : compiled->names())
        if (!name.starts_with("occurrence") && !name.starts_with("schedule"))
          reader.error(ErrorCode::invalid_template, where,
                       "a schedule's input knows only 'occurrence' (time, local, date, year, "
                       "month, day) and 'schedule' (id), not '" +
                           name + "'");
    }
  }
}

template <class Choice>
std::optional<Choice> read_choice(DefinitionReader& reader, Fields& fields, std::string_view name,
                                  std::initializer_list<std::pair<std::string_view, Choice>> all) {
  auto text = fields.string(name);
  if (!text) return std::nullopt;
  std::string listed;
  for (const auto& [word, choice] : all) {
    if (*text == word) return choice;
    listed += (listed.empty() ? "\"" : ", \"") + std::string(word) + "\"";
  }
  reader.error(ErrorCode::invalid_value, fields.pointer_of(name),
               "'" + *text + "' is not one of " + listed);
  return std::nullopt;
}

std::optional<ScheduleDefinition> read_schedule(DefinitionReader& reader,
                                                const boost::json::object& object,
                                                const std::string& pointer,
                                                std::string_view definition_zone) {
  Fields fields(reader, object, pointer,
                {"id", "rule", "cron", "time_zone", "start", "end", "input", "starts", "catch_up",
                 "overlap", "grace", "description"},
                "a schedule");
  ScheduleDefinition out;
  out.pointer = pointer;
  bool complete = true;
  if (auto id = fields.identifier("id", Fields::required))
    out.id = std::move(*id);
  else
    complete = false;
  const bool has_rule = fields.has("rule"), has_cron = fields.has("cron");
  if (has_rule == has_cron) {
    reader.error(ErrorCode::missing_field, pointer,
                 has_rule ? "a schedule has a \"rule\" or a \"cron\" line, not both"
                          : "a schedule needs a \"rule\" (\"FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;"
                            "BYMINUTE=0\") or a \"cron\" line (\"0 6 1 * *\")",
                 Anchor::key);
    complete = false;
  }
  auto recurrence = fields.string(has_cron ? "cron" : "rule");
  if (!recurrence) complete = false;
  out.cron = has_cron;
  if (auto zone = fields.time_zone("time_zone")) out.time_zone = std::move(*zone);
  const std::string_view zone = out.time_zone.empty() ? definition_zone : out.time_zone;
  out.start = read_bound(reader, fields, "start", zone, false);
  out.end = read_bound(reader, fields, "end", zone, true);
  if (const auto* input = fields.object("input")) {
    out.input = *input;
    check_input_templates(reader, *fields.value("input"), fields.pointer_of("input"));
  }
  if (auto starts = read_choice<bool>(reader, fields, "starts", {{"one", false}, {"host", true}}))
    out.host_starts = *starts;
  if (auto catch_up = read_choice<CatchUp>(
          reader, fields, "catch_up",
          {{"skip", CatchUp::skip}, {"one", CatchUp::one}, {"all", CatchUp::all}}))
    out.catch_up = *catch_up;
  if (auto overlap = read_choice<Overlap>(reader, fields, "overlap",
                                          {{"allow", Overlap::allow}, {"skip", Overlap::skip}}))
    out.overlap = *overlap;
  if (auto grace = fields.duration("grace")) {
    if (grace->is_calendar() || grace->exact().count() <= 0)
      reader.error(ErrorCode::invalid_value, fields.pointer_of("grace"),
                   "a schedule's grace is days, hours or minutes above zero, such as \"PT1H\"");
    else
      out.grace = grace->exact();
  }
  (void)fields.text("description");
  fields.check_unknown();
  if (!complete) return std::nullopt;
  out.recurrence = std::move(*recurrence);
  if (auto checked = out.recurrence_in(definition_zone); !checked) {
    reader.error(ErrorCode::invalid_value, fields.pointer_of(has_cron ? "cron" : "rule"),
                 "'" + out.recurrence + "': " + checked.error());
    return std::nullopt;
  }
  return out;
}

}  // namespace

void read_schedules(DefinitionReader& reader, Fields& fields, WorkflowDefinition& out) {
  const auto* schedules = fields.array("schedules");
  if (schedules == nullptr) return;
  std::set<std::string, std::less<>> ids;
  for (std::size_t i = 0; i < schedules->size(); ++i) {
    const auto pointer = element_pointer(fields.pointer_of("schedules"), i);
    const auto* object = (*schedules)[i].if_object();
    if (object == nullptr) {
      reader.error(ErrorCode::wrong_type, pointer,
                   "a schedule is an object: {\"id\": …, \"rule\": …, \"input\": {…}}");
      continue;
    }
    auto schedule = read_schedule(reader, *object, pointer, out.time_zone);
    if (!schedule) continue;
    if (!ids.insert(schedule->id).second) {
      reader.error(ErrorCode::duplicate_id, member_pointer(pointer, "id"),
                   "the schedule id '" + schedule->id + "' is used twice");
      continue;
    }
    out.schedules.push_back(std::move(*schedule));
  }
}

}  // namespace ablauf::detail
