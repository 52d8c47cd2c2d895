#pragma once
// Runs the model day by day and hands back its World, for tests that look at
// individual agents rather than at the recorded outputs.
#include <memory>

#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "models/world.hpp"
#include "sim/scenario.hpp"

namespace test_support {

struct WorldRun {
  sim::ParameterSet parameters{models::parameter_registry()};
  sim::RunResult result;
  sim::Plan plan;
  [[nodiscard]] const models::World& world() const { return *std::static_pointer_cast<models::World>(plan.shared_state); }
  [[nodiscard]] double summary(std::size_t index) const { return result.summary[index]; }
  [[nodiscard]] double total(std::size_t series_index) const {
    double sum = 0.0;
    for (int day = 0; day < result.days; ++day) sum += result.at(series_index, day);
    return sum;
  }
};

inline std::unique_ptr<WorldRun> run_world(const std::vector<std::string>& overrides, std::uint64_t seed = 1) {
  auto run = std::make_unique<WorldRun>();
  sim::apply_override(run->parameters, "name=test");
  for (const auto& assignment : overrides) sim::apply_override(run->parameters, assignment);
  models::check_parameters(run->parameters);
  const int days = models::simulated_days(run->parameters);
  const auto& catalog = models::output_catalog();
  run->result.days = days;
  run->result.series.assign(catalog.series().size() * static_cast<std::size_t>(days), 0.0);
  run->result.summary.assign(catalog.summaries().size(), 0.0);
  run->plan = models::build_plan(run->parameters);
  sim::RunContext context(run->parameters, seed, days, run->result);
  for (auto& module : run->plan.modules) module->initialize(context);
  for (int day = 0; day < days; ++day) {
    context.advance_to(day);
    for (auto& module : run->plan.modules) module->step(context);
    for (auto& module : run->plan.modules) module->record(context);
  }
  for (auto& module : run->plan.modules) module->finalize(context);
  return run;
}

}  // namespace test_support
