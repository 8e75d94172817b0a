// A create_task step's follow-ups (internal): when its task's assignee is reminded ("remind")
// and when an overdue task is handed on ("escalate"). Read the same way when a definition loads
// and when the step runs.
#pragma once

#include "ablauf/duration.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <string>
#include <string_view>

namespace ablauf::detail {

// One entry of "remind": "P1D before due", "P2D after due", or a duration alone, counted from
// when the task was made.
struct Reminder {
  enum class From { made, before_due, after_due };
  Duration offset;
  From from = From::made;
};
tl::expected<Reminder, std::string> parse_reminder(std::string_view text);

// "escalate": {"after": "P2D", "to": "team_lead"}: `after` past the due date (or, for a task
// without one, past when it was made), the task goes to `to`, a person or a role as written.
struct Escalation {
  Duration after;
  std::string to;
};
tl::expected<Escalation, std::string> parse_escalation(const boost::json::value& value);

}  // namespace ablauf::detail
