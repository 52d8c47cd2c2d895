#pragma once
// The behaviours of the model, one module each, in the order of the daily plan.
#include <memory>

#include "models/world.hpp"
#include "sim/module.hpp"

namespace models {

std::unique_ptr<sim::Module> make_demography(World& world);            // births, leaving, training cohorts
std::unique_ptr<sim::Module> make_professional_care(World& world);     // scheduled contacts (F3)
std::unique_ptr<sim::Module> make_referral(World& world);              // gate-keeping and referral (F6)
std::unique_ptr<sim::Module> make_peer_support(World& world);          // volunteers' contacts
std::unique_ptr<sim::Module> make_feeding(World& world);               // feeding transitions (outcome)
std::unique_ptr<sim::Module> make_outcomes(World& world);              // tallies, daily series, summaries

}  // namespace models
