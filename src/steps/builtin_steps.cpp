#include "steps/builtin_steps.hpp"

namespace ablauf::detail {

// Each is defined in the file of its name; a new built-in type adds its line here.
StepTypeSpec fill_checklist_step();
StepTypeSpec send_email_step();
StepTypeSpec create_task_step();
StepTypeSpec save_record_step();
StepTypeSpec update_record_step();
StepTypeSpec decision_step();
StepTypeSpec parallel_step();
StepTypeSpec join_step();
StepTypeSpec wait_step();
StepTypeSpec call_step();
StepTypeSpec end_step();

std::vector<StepTypeSpec> builtin_step_types() {
  return {fill_checklist_step(), send_email_step(), create_task_step(), save_record_step(),
          update_record_step(),  decision_step(),   parallel_step(),    join_step(),
          wait_step(),           call_step(),       end_step()};
}

}  // namespace ablauf::detail
