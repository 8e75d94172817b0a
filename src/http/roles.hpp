// Who may answer a checklist item, sign it or complete a task, by the names definitions give
// (internal; docs/http.md#users-and-roles, docs/format.md#who-acts).
#pragma once

#include <ablauf/definition.hpp>
#include <ablauf/http_users.hpp>
#include <ablauf/instance.hpp>

#include <string>
#include <vector>

namespace ablauf::http::detail {

// Who answers `item` of `section` of `step`: the item's roles, else the section's, else the
// step's assignee; empty: anyone.
std::vector<std::string> answerers(const StepDefinition& step, const SectionDefinition& section,
                                   const ItemDefinition& item);

// Whether `user` may answer `item` (sign it, for a signature). An admin may answer any item,
// but signs only where the item names them: a signature is a person's own.
bool may_answer(const User& user, const StepDefinition& step, const SectionDefinition& section,
                const ItemDefinition& item);

// Whether `user` may take `task`: they are its assignee or have its role, or are an admin.
bool may_claim(const User& user, const Task& task);

// Whether `user` may complete `task`: they may take it and no one else has, or they are an
// admin.
bool may_complete(const User& user, const Task& task);

// Whether `user` may verify a corrective action that was done: an admin, or whoever its
// verify_by names (the engine refuses the one who did it).
bool may_verify(const User& user, const Task& task);

// Whether the task is `user`'s to act on now: open and theirs to take, or a corrective action
// done and theirs to verify.
bool awaits(const User& user, const Task& task);

}  // namespace ablauf::http::detail
