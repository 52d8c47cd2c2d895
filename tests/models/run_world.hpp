#pragma once
// Runs the model day by day and hands back its World, for tests that look at
// individual agents rather than at the recorded outputs.
#include <memory>

#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "models/world.hpp"
#include "sim/scenario.hpp"
#include "sim/stepped_run.hpp"

namespace test_support {

struct WorldRun {
  sim::ParameterSet parameters{models::parameter_registry()};
  std::unique_ptr<sim::SteppedRun> run;  // the engine's run: its plan holds the World
  sim::RunResult result;
  [[nodiscard]] const models::World& world() const {
    return *std::static_pointer_cast<models::World>(run->plan().shared_state);
  }
  [[nodiscard]] double summary(std::size_t index) const { return result.summary[index]; }
  [[nodiscard]] double total(std::size_t series_index) const {
    double sum = 0.0;
    for (int day = 0; day < result.days; ++day) sum += result.at(series_index, day);
    return sum;
  }
};

// Drives the engine's own run object to the horizon (no loop of its own).
inline std::unique_ptr<WorldRun> run_world(const std::vector<std::string>& overrides, std::uint64_t seed = 1) {
  auto run = std::make_unique<WorldRun>();
  sim::apply_override(run->parameters, "name=test");
  for (const auto& assignment : overrides) sim::apply_override(run->parameters, assignment);
  models::check_parameters(run->parameters);
  run->run = std::make_unique<sim::SteppedRun>(models::build_plan, models::output_catalog(), run->parameters, seed,
                                               models::simulated_days(run->parameters));
  while (run->run->advance_day()) {
  }
  run->result = run->run->finish(false);
  return run;
}

}  // namespace test_support
