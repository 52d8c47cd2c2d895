#pragma once
// Replicates of a library scenario, for the science tests: replicate r runs
// with replicate_seed(seed, r), so two scenarios run with one seed pair up
// run by run (common random numbers).
#include <string>
#include <vector>

#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace test_support {

inline std::vector<sim::RunResult> run_scenario(const std::string& scenario, const std::vector<std::string>& overrides,
                                                int replicates, std::uint64_t seed) {
  const auto loaded =
      sim::load_scenario(PPISIM_SOURCE_DIR "/scenarios/" + scenario, models::parameter_registry(), overrides);
  models::check_parameters(loaded.parameters);
  std::vector<sim::RunRequest> requests;
  for (std::uint64_t r = 0; r < static_cast<std::uint64_t>(replicates); ++r)
    requests.push_back({r, sim::replicate_seed(seed, r), &loaded.parameters});
  sim::RunOptions options;
  options.days = models::simulated_days(loaded.parameters);
  options.threads = 2;
  std::vector<sim::RunResult> results;
  sim::run_all(requests, models::build_plan, models::output_catalog(), options,
               [&](sim::RunResult&& result) { results.push_back(std::move(result)); });
  return results;
}

}  // namespace test_support
