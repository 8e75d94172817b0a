// Who may act where definitions name people and roles (roles.hpp).
#include "http/roles.hpp"

#include <algorithm>

namespace ablauf::http::detail {

std::vector<std::string> answerers(const StepDefinition& step, const SectionDefinition& section,
                                   const ItemDefinition& item) {
  if (!item.roles.empty()) return item.roles;
  if (!section.roles.empty()) return section.roles;
  const auto* assignee = step.parameters.if_contains("assignee");
  if (!assignee || !assignee->is_string() || assignee->get_string().empty()) return {};
  return {std::string(assignee->get_string())};
}

bool may_answer(const User& user, const StepDefinition& step, const SectionDefinition& section,
                const ItemDefinition& item) {
  if (user.has_role(admin_role) && item.kind != ItemKind::signature) return true;
  const auto names = answerers(step, section, item);
  return names.empty() ||
         std::any_of(names.begin(), names.end(), [&](const auto& name) { return user.is(name); });
}

bool may_claim(const User& user, const Task& task) {
  return user.has_role(admin_role) || user.is(task.assignee);
}

bool may_complete(const User& user, const Task& task) {
  return user.has_role(admin_role) ||
         (user.is(task.assignee) && (task.claimed_by.empty() || task.claimed_by == user.name));
}

bool may_verify(const User& user, const Task& task) {
  return !task.verify_by.empty() && (user.has_role(admin_role) || user.is(task.verify_by));
}

bool awaits(const User& user, const Task& task) {
  if (!task.completed)
    return user.is(task.assignee) && (task.claimed_by.empty() || task.claimed_by == user.name);
  return !task.closed() && user.is(task.verify_by);
}

}  // namespace ablauf::http::detail
