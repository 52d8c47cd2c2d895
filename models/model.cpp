#include "models/model.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/feeding_curve.hpp"
#include "models/modules.hpp"
#include "models/parameters.hpp"

namespace models {

int simulated_days(const sim::ParameterSet& parameters) {
  return static_cast<int>(std::lround(parameters.real("horizon")));
}

double estimated_agents(const sim::ParameterSet& parameters) {
  return parameters.real("population.births") * 183.0 + parameters.real("professionals.midwives") +
         parameters.real("professionals.health_visitors") + parameters.real("volunteers.initial");
}

void check_parameters(const sim::ParameterSet& parameters, std::uint64_t max_agents) {
  // First, before anything is allocated.
  if (const double agents = estimated_agents(parameters); agents > static_cast<double>(max_agents))
    throw sim::InputError(parameters.where("population.births"),
                          fmt::format("the population is too large: about {:.0f} agents at once (births per day x 183 "
                                      "+ midwives + health visitors + volunteers) would need about {:.1f} GB per "
                                      "replicate; the limit is {} agents (raise it with --max-agents if the machine "
                                      "has the memory)",
                                      agents, agents * kBytesPerAgent / 1e9, max_agents));
  const int days = simulated_days(parameters);
  const auto from = std::lround(parameters.real("measurement.from"));
  if (days - 1 - kAge6Months < from)
    throw sim::InputError(parameters.where("horizon"),
                          "key 'horizon': no mother born after measurement.from (day " + std::to_string(from) +
                              ") can be followed to 26 weeks within " + std::to_string(days) +
                              " days; make the horizon at least " + std::to_string(from + kAge6Months + 1) + " days");
  if (parameters.shares("population.cultural_groups").size() > 255)
    throw sim::InputError(parameters.where("population.cultural_groups"),
                          "key 'population.cultural_groups': at most 255 groups");
  if (parameters.integer("population.localities") > 65535)
    throw sim::InputError(parameters.where("population.localities"), "key 'population.localities': at most 65535");
  const auto localities = parameters.integer("population.localities");
  for (const auto& intervention : parameters.interventions)
    for (const int target : intervention.targets)
      if (target > localities)
        throw sim::InputError(intervention.where, "intervention '" + intervention.kind + "' targets locality " +
                                                      std::to_string(target) + ", but there are only " +
                                                      std::to_string(localities) + " (population.localities)");
  (void)derive_feeding_curve(parameters);  // throws when the survey table is impossible
}

sim::Plan build_plan(const sim::ParameterSet& parameters) {
  (void)parameters;
  auto world = std::make_shared<World>();
  sim::Plan plan;
  plan.modules.push_back(make_interventions(*world));
  plan.modules.push_back(make_demography(*world));
  plan.modules.push_back(make_professional_care(*world));
  plan.modules.push_back(make_referral(*world));
  plan.modules.push_back(make_peer_support(*world));
  plan.modules.push_back(make_boundary(*world));
  plan.modules.push_back(make_learning(*world));
  plan.modules.push_back(make_volunteer_experience(*world));
  plan.modules.push_back(make_professional_attitudes(*world));
  plan.modules.push_back(make_feeding(*world));
  plan.modules.push_back(make_outcomes(*world));
  plan.shared_state = std::move(world);
  return plan;
}

}  // namespace models
