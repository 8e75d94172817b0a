// Readers for the parts of a definition (internal): steps, transitions, checklist sections
// and items. Each reports its findings to the DefinitionReader and returns what it could read.
#pragma once

#include "definition/definition_reader.hpp"

#include <map>

namespace ablauf::detail {

// Ids already used in a scope, with the pointer of their first use.
using IdScope = std::map<std::string, std::string, std::less<>>;

// Claims `id` in `scope`; reports a duplicate (naming the first use) and returns false if
// taken.
bool claim_id(DefinitionReader& reader, IdScope& scope, const std::string& id,
              const std::string& pointer, std::string_view what);

// A definition's "schedules" (schedule_reader.cpp), read after its time_zone.
void read_schedules(DefinitionReader& reader, Fields& fields, WorkflowDefinition& out);
std::optional<StepDefinition> read_step(DefinitionReader& reader, const boost::json::value& value,
                                        std::string pointer, IdScope& step_ids);

// A section's or a fill_checklist step's `actions`: corrective actions raised by rules over the
// answers. Their ids are claimed in `item_ids`, beside the items'.
std::vector<ActionRule> read_action_rules(DefinitionReader& reader, Fields& owner,
                                          IdScope& item_ids);

std::optional<SectionDefinition> read_section(DefinitionReader& reader,
                                              const boost::json::value& value, std::string pointer,
                                              IdScope& section_ids, IdScope& item_ids);

std::vector<ItemDefinition> read_items(DefinitionReader& reader, const boost::json::array& items,
                                       const std::string& pointer, IdScope& item_ids);

// `pass_mark` of a section or a checklist step: a percentage from 0 to 100; none when absent or
// out of range (reported).
std::optional<double> read_pass_mark(DefinitionReader& reader, Fields& fields);

// Checks what the corrective actions of a step's items need of the step's other items, once all
// are read: an item that scores for `on_fail`, one that can be flagged for `on_flag`, a date or
// datetime item for a due date counted from an answer.
void check_corrective_actions(DefinitionReader& reader, const ChecklistDefinition& checklist);

}  // namespace ablauf::detail
