#include "models/model.hpp"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "models/feeding_curve.hpp"
#include "models/modules.hpp"
#include "models/parameters.hpp"
#include "sim/text.hpp"

namespace models {

int simulated_days(const sim::ParameterSet& parameters) {
  return static_cast<int>(std::lround(parameters.real("horizon")));
}

double estimated_agents(const sim::ParameterSet& parameters) {
  double cohorts = 0.0;  // interventions that add agents: every volunteer of every extra cohort
  for (const auto& intervention : parameters.interventions)
    if (intervention.kind == "extra_training_cohort") cohorts += intervention.number("size");
  return parameters.real("population.births") * 183.0 + parameters.real("professionals.midwives") +
         parameters.real("professionals.health_visitors") + parameters.real("volunteers.initial") + cohorts;
}

// Throws when the survey table is impossible. Deriving the curve costs a
// few hundred microseconds, and a sweep checks every design point (most
// vary no feeding.* parameter, the curve's only inputs), so the last table
// found possible is remembered.
static void check_feeding_curve(const sim::ParameterSet& parameters) {
  thread_local std::vector<double> last_possible;
  std::vector<double> table;
  for (const auto& spec : parameters.registry().all())
    if (spec.path.starts_with("feeding.") && spec.kind == sim::ParameterKind::real) table.push_back(parameters.real(spec.path));
  if (!last_possible.empty() && table == last_possible) return;
  (void)derive_feeding_curve(parameters);
  last_possible = std::move(table);
}

void check_parameters(const sim::ParameterSet& parameters, std::uint64_t max_agents) {
  // First, before anything is allocated.
  if (const double agents = estimated_agents(parameters); agents > static_cast<double>(max_agents))
    throw sim::InputError(parameters.where("population.births"),
                          fmt::format("the population is too large: about {:.0f} agents at once (births per day x 183 "
                                      "+ midwives + health visitors + volunteers + extra training cohorts) would need about {:.1f} GB per "
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
  for (const auto& intervention : parameters.interventions) {
    if (intervention.start >= days)
      throw sim::InputError(intervention.where,
                            fmt::format("intervention '{}' starts on day {}, after the horizon (day {}): it would never "
                                        "act; start it earlier or lengthen the horizon",
                                        intervention.kind, sim::format_number(intervention.start), days));
    for (const int target : intervention.targets)
      if (target > localities)
        throw sim::InputError(intervention.where, "intervention '" + intervention.kind + "' targets locality " +
                                                      std::to_string(target) + ", but there are only " +
                                                      std::to_string(localities) + " (population.localities)");
  }
  check_feeding_curve(parameters);
}

const std::vector<ModuleType>& daily_plan() {
  static const std::vector<ModuleType> plan{
      interventions_module(),
      demography_module(),
      professional_care_module(),
      referral_module(),
      peer_support_module(),
      mother_network_module(),
      boundary_module(),
      learning_module(),
      volunteer_experience_module(),
      professional_attitudes_module(),
      difficulties_module(),
      feeding_module(),
      outcomes_module(),
      tension_module(),
  };
  return plan;
}

sim::Plan build_plan(const sim::ParameterSet&) { return plan_of(daily_plan()); }

sim::Plan plan_of(const std::vector<ModuleType>& modules) {
  auto world = std::make_shared<World>();
  sim::Plan plan;
  for (const auto& module : modules) plan.modules.push_back(module.make(*world));
  plan.set_up = [&state = *world](sim::RunContext& context) {
    state.build(context.parameters(), context.random(), context.days());
    context.measure_from(state.measure_from);  // summaries that are means of a series count from here
  };
  plan.start_day = [&state = *world] { state.start_day(); };
  // The end-of-run snapshot is of the graph (professionals, volunteers and
  // their ties); the mothers' columns, a third of an England run's memory, are
  // freed first, so the two are never resident together.
  plan.before_end_snapshot = [&state = *world] { state.mothers.release(); };
  plan.shared_state = std::move(world);
  return plan;
}

}  // namespace models
