#pragma once
// The behaviours of the model, one module each. A module's file declares its
// parameters, makes the module for a run, and says what it reads and writes;
// the daily plan (models/model.cpp) lists the modules in order, one line each.
#include <memory>
#include <vector>

#include "models/world.hpp"
#include "sim/module.hpp"
#include "sim/outputs.hpp"
#include "sim/parameters.hpp"

namespace models {

// A behaviour as the plan knows it: how it declares its parameters (none:
// nullptr) and its outputs (daily series and summaries), and how it is made.
struct ModuleType {
  void (*declare)(sim::ParameterRegistry& registry);
  void (*declare_outputs)(sim::OutputCatalog& catalog);
  std::unique_ptr<sim::Module> (*make)(World& world);
};

// The modules in daily order; the registry and every run's plan are built from this list.
const std::vector<ModuleType>& daily_plan();

// Each module's entry points, in its own file.
void declare_interventions(sim::ParameterRegistry& registry);
void declare_interventions_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_interventions(World& world);          // scheme settings, interventions (F9)
void declare_demography(sim::ParameterRegistry& registry);
void declare_demography_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_demography(World& world);             // births, leaving, training cohorts (F8)
void declare_professional_care(sim::ParameterRegistry& registry);
void declare_professional_care_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_professional_care(World& world);      // workload, scheduled contacts (F3, F4)
void declare_referral(sim::ParameterRegistry& registry);
void declare_referral_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_referral(World& world);               // gate-keeping, referral, access (F6)
void declare_peer_support(sim::ParameterRegistry& registry);
void declare_peer_support_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_peer_support(World& world);           // volunteers' contacts, boundary events (F5)
void declare_boundary_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_boundary(World& world);               // noticing and perceiving (F5, F7)
void declare_learning(sim::ParameterRegistry& registry);
void declare_learning_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_learning(World& world);               // cultural knowledge (F4)
void declare_volunteer_experience(sim::ParameterRegistry& registry);
void declare_volunteer_experience_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_volunteer_experience(World& world);   // F1, F2, F7, F8
void declare_professional_attitudes(sim::ParameterRegistry& registry);
void declare_professional_attitudes_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_professional_attitudes(World& world); // concern, trust, control (F5-F8)
void declare_feeding(sim::ParameterRegistry& registry);
void declare_feeding_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_feeding(World& world);                // feeding transitions (outcome)
void declare_outcomes_outputs(sim::OutputCatalog& catalog);
std::unique_ptr<sim::Module> make_outcomes(World& world);               // tallies, daily series, summaries

}  // namespace models
