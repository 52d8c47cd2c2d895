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

// The modules in daily order (models/model.cpp, one line each); the registry,
// the output catalog and every run's plan are built from this list.
const std::vector<ModuleType>& daily_plan();

// The same for any list of modules (a test adds a module of its own; see
// docs/adding-a-mechanism.md): its registry, its catalog, a run's plan.
sim::ParameterRegistry registry_of(const std::vector<ModuleType>& modules);
sim::OutputCatalog catalog_of(const std::vector<ModuleType>& modules);
sim::Plan plan_of(const std::vector<ModuleType>& modules);

// Each module, defined in its own file (models/NAME.cpp).
const ModuleType& interventions_module();       // scheme settings, interventions, joint meetings (F9)
const ModuleType& demography_module();          // births, leaving, training cohorts (F8)
const ModuleType& professional_care_module();   // workload, scheduled contacts (F3, F4)
const ModuleType& referral_module();            // gate-keeping, referral, access (F6)
const ModuleType& peer_support_module();        // volunteers' contacts, boundary events (F5)
const ModuleType& mother_network_module();      // mothers' community ties, word of mouth (F8)
const ModuleType& boundary_module();            // noticing and perceiving (F5, F7)
const ModuleType& learning_module();            // cultural knowledge (F4)
const ModuleType& volunteer_experience_module();// F1, F2, F7, F8
const ModuleType& professional_attitudes_module();// concern, trust, control (F5-F8)
const ModuleType& difficulties_module();        // mothers' difficulty episodes (F4)
const ModuleType& feeding_module();             // feeding transitions (the outcome)
const ModuleType& outcomes_module();            // tallies, summaries
const ModuleType& tension_module();             // the tension index (F5-F7)

}  // namespace models
