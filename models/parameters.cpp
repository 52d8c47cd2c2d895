// The registry of every model parameter, assembled from the declarations in
// the files that use them: the run settings here, the world's parameters
// (world_builder.cpp), the scheme settings (scheme.cpp), the survey table (feeding_curve.cpp), then each module
// of the daily plan in order (its own file).
#include "models/parameters.hpp"

#include "models/declare.hpp"
#include "models/feeding_curve.hpp"
#include "models/modules.hpp"
#include "models/world.hpp"
#include "sim/quantity.hpp"

#include <stdexcept>

namespace models {
namespace {

using sim::ParameterKind;
using namespace declare;

void declare_run_settings(sim::ParameterRegistry& r) {
  r.add({.path = "name", .kind = ParameterKind::text, .description = "Short name of the scenario, used in reports",
         .source = setting("chosen by the author of the scenario")});
  r.add({.path = "description", .kind = ParameterKind::text, .default_value = std::string{},
         .description = "The question the scenario answers, in a sentence or two",
         .source = setting("chosen by the author of the scenario")});
  r.add({.path = "seed", .kind = ParameterKind::integer, .default_value = 1.0, .unit = "1", .min = 0.0,
         .max = 9007199254740992.0, .description = "Base random seed; replicate r runs with a seed derived from it",
         .source = setting("any whole number; equal seeds give common random numbers across scenarios"),
         .describes_run_plan = true});
  r.add({.path = "replicates", .kind = ParameterKind::integer, .default_value = 20.0, .unit = "runs", .min = 1.0,
         .max = 1'000'000.0, .description = "Number of replicate runs (different seeds, same parameters)",
         .source = setting("20 gives 95% intervals of about +-1 point on breastfeeding shares at town scale"),
         .describes_run_plan = true});
  r.add({.path = "horizon", .kind = ParameterKind::duration, .default_value = 3 * sim::kDaysPerYear, .unit = "days",
         .min = 1.0, .max = 100 * sim::kDaysPerYear, .description = "Simulated time from the start of the scheme",
         .source = setting("3 years covers several training cohorts")});
  r.add({.path = "measurement.from", .kind = ParameterKind::duration, .default_value = 0.0, .unit = "days",
         .min = 0.0, .max = 100 * sim::kDaysPerYear,
         .description = "Mothers born from this day on (and early enough to reach 26 weeks) count in the summary "
                        "outcomes",
         .source = setting("0 measures the scheme from its start; later days skip its start-up")});
}

}  // namespace

sim::ParameterRegistry registry_of(const std::vector<ModuleType>& modules) {
  sim::ParameterRegistry registry;
  declare_run_settings(registry);
  world_parameters().declare(registry);
  scheme_parameters().declare(registry);  // what interventions may change (scheme.cpp)
  declare_feeding_table(registry);
  for (const auto& module : modules)
    if (module.declare) module.declare(registry);
  return registry;
}

namespace {
sim::ParameterRegistry& the_registry() {
  static sim::ParameterRegistry registry = registry_of(daily_plan());
  return registry;
}
}  // namespace

const sim::ParameterRegistry& parameter_registry() { return the_registry(); }

void knock_out_by_default_for_testing(const std::string& name) {
  if (!the_registry().find_mechanism(name))
    throw std::invalid_argument(sim::unknown_mechanism(the_registry(), name));
  the_registry().set_default(sim::mechanism_switch(name), false);
}

const std::vector<std::string>& classroom_levers() {
  static const std::vector<std::string> levers{
      "scheme.boundary_clarity",           "professionals.initial.gatekeeping", "professionals.surveillance_max",
      "professionals.initial.surveillance", "scheme.referral_policy",          "professionals.referral_probability",
      "scheme.ward_access",                "scheme.contact_schedule.mode",      "scheme.contact_schedule.contacts",
      "professionals.initial.boundary_concern"};
  return levers;
}

}  // namespace models
