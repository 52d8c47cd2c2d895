#pragma once
// The model's entry points for the engine and the command line.
#include "sim/module.hpp"
#include "sim/parameters.hpp"

namespace models {

// Checks that involve several parameters (the registry checks each one
// alone); throws InputError located at the offending key.
void check_parameters(const sim::ParameterSet& parameters);

// Number of simulated days of a run.
int simulated_days(const sim::ParameterSet& parameters);

// The modules of one run, in daily order, sharing one fresh World.
sim::Plan build_plan(const sim::ParameterSet& parameters);

}  // namespace models
