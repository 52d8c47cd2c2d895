#pragma once
// The behaviours of the model, one module each, in the order of the daily plan.
#include <memory>

#include "models/world.hpp"
#include "sim/module.hpp"

namespace models {

std::unique_ptr<sim::Module> make_interventions(World& world);          // scheme settings, day start (F9)
std::unique_ptr<sim::Module> make_demography(World& world);             // births, leaving, training cohorts (F8)
std::unique_ptr<sim::Module> make_professional_care(World& world);      // workload, scheduled contacts (F3, F4)
std::unique_ptr<sim::Module> make_referral(World& world);               // gate-keeping, referral, access (F6)
std::unique_ptr<sim::Module> make_peer_support(World& world);           // volunteers' contacts, boundary events (F5)
std::unique_ptr<sim::Module> make_boundary(World& world);               // noticing and perceiving (F5, F7)
std::unique_ptr<sim::Module> make_learning(World& world);               // cultural knowledge (F4)
std::unique_ptr<sim::Module> make_volunteer_experience(World& world);   // F1, F2, F7, F8
std::unique_ptr<sim::Module> make_professional_attitudes(World& world); // concern, trust, control (F5-F8)
std::unique_ptr<sim::Module> make_feeding(World& world);                // feeding transitions (outcome)
std::unique_ptr<sim::Module> make_outcomes(World& world);               // tallies, daily series, summaries

}  // namespace models
