#include "steps/task_follow_ups.hpp"

namespace ablauf::detail {
namespace json = boost::json;

tl::expected<Reminder, std::string> parse_reminder(std::string_view text) {
  Reminder reminder;
  std::string_view duration = text;
  for (const auto& [suffix, from] :
       {std::pair{std::string_view(" before due"), Reminder::From::before_due},
        std::pair{std::string_view(" after due"), Reminder::From::after_due}})
    if (text.ends_with(suffix)) {
      duration = text.substr(0, text.size() - suffix.size());
      reminder.from = from;
    }
  auto parsed = parse_duration(duration);
  if (!parsed)
    return tl::make_unexpected("'" + std::string(text) +
                               "' is not a reminder: write a duration and \"before due\" or "
                               "\"after due\" (\"P1D before due\"), or a duration alone, counted "
                               "from when the task is made");
  if (parsed->exact().count() == 0 && !parsed->is_calendar())
    return tl::make_unexpected("'" + std::string(text) + "': a reminder's duration is above zero");
  if (reminder.from == Reminder::From::before_due && parsed->is_calendar())
    return tl::make_unexpected("'" + std::string(text) +
                               "': a reminder before the due date counts in days and hours "
                               "(\"P1D before due\"), not months or business days");
  reminder.offset = *parsed;
  return reminder;
}

tl::expected<Escalation, std::string> parse_escalation(const json::value& value) {
  const auto* object = value.if_object();
  constexpr std::string_view form =
      "an escalation is {\"after\": a duration past the due date, \"to\": a person or role}";
  if (object == nullptr) return tl::make_unexpected(std::string(form));
  for (const auto& [key, _] : *object)
    if (key != "after" && key != "to")
      return tl::make_unexpected("unknown field '" + std::string(key) + "': " + std::string(form));
  const auto* after = object->if_contains("after");
  const auto* to = object->if_contains("to");
  if (after == nullptr || to == nullptr || !to->is_string() || to->get_string().empty())
    return tl::make_unexpected(std::string(form));
  auto duration = parse_duration(*after);
  if (!duration) return tl::make_unexpected("'after': " + duration.error().message);
  const std::string_view who = to->get_string();
  if (who.find("{{") != std::string_view::npos)
    return tl::make_unexpected(
        "'to' names a person or a role as written, not a template: it is read again when the "
        "task is overdue");
  return Escalation{*duration, std::string(who)};
}

}  // namespace ablauf::detail
