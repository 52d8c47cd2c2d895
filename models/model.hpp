#pragma once
// The model's entry points for the engine and the command line.
#include <cstdint>

#include "sim/module.hpp"
#include "sim/parameters.hpp"

namespace models {

// Agents a run may hold at once unless the user raises it (--max-agents):
// refused before anything is allocated, with an estimate of the memory needed.
inline constexpr std::uint64_t kDefaultMaxAgents = 1'000'000;

// Memory of one agent: its columns, social ties and per-day bookkeeping (a
// rough upper estimate, for limits and job sizes).
inline constexpr double kBytesPerAgent = 1024.0;

// Agents a run holds at once: mothers followed for about half a year
// (births per day x 183), professionals and the initial volunteers.
double estimated_agents(const sim::ParameterSet& parameters);

// Checks that involve several parameters (the registry checks each one
// alone), and the size of the population against `max_agents`; throws
// InputError located at the offending key.
void check_parameters(const sim::ParameterSet& parameters, std::uint64_t max_agents = kDefaultMaxAgents);

// Number of simulated days of a run.
int simulated_days(const sim::ParameterSet& parameters);

// The modules of one run, in daily order, sharing one fresh World.
sim::Plan build_plan(const sim::ParameterSet& parameters);

}  // namespace models
