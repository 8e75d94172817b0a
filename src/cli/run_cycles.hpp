// `ablauf run --cycles N`: the definition's schedules start its instances on the simulated
// clock, and each one is driven as `run` drives one instance, side by side in time.
#pragma once

#include "run_drive.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace ablauf::cli {

// Lets time pass on the simulated clock of `drive` from one occurrence of its workflow's
// schedules to the next until `count` instances started (the engine starts them:
// Engine::run_schedules()), and drives each of them, and any an earlier run of its schedules
// left unfinished, in the order of their timers and scripted events: each with its own copy of
// the script, its events timed from its own start. Returns the worst exit status of them
// (exit_stopped, exit_invalid, exit_waiting, exit_ok); `ids` gets the instances driven.
// REQUIRES: drive.simulated, and the workflow has schedules.
int drive_cycles(const Drive& drive, std::size_t count, std::vector<std::string>& ids);

}  // namespace ablauf::cli
