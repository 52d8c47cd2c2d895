// Determinism: the same scenario and seed give identical results at any
// thread count; different seeds give different results.
#include <catch2/catch.hpp>
#include <cstring>

#include "output_indices.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace {

// Equal bit for bit, NaN included (an outcome undefined in a run is NaN in every run).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<sim::RunResult> run_replicates(const sim::ParameterSet& p, std::uint64_t seed, int threads) {
  std::vector<sim::RunRequest> requests;
  for (std::uint64_t r = 0; r < 5; ++r) requests.push_back({r, sim::replicate_seed(seed, r), &p});
  sim::RunOptions options;
  options.days = models::simulated_days(p);
  options.threads = threads;
  std::vector<sim::RunResult> results;
  sim::run_all(requests, models::build_plan, models::output_catalog(), options,
               [&](sim::RunResult&& result) { results.push_back(std::move(result)); });
  return results;
}

sim::Scenario demo() {
  return sim::load_scenario(PPISIM_SOURCE_DIR "/scenarios/breastfriends.yaml", models::parameter_registry(),
                            {"horizon=1 year"});
}

}  // namespace

TEST_CASE("results are identical at 1, 2 and 4 threads") {
  const auto scenario = demo();
  const auto one = run_replicates(scenario.parameters, 99, 1);
  for (const int threads : {2, 4}) {
    const auto many = run_replicates(scenario.parameters, 99, threads);
    REQUIRE(many.size() == one.size());
    for (std::size_t r = 0; r < one.size(); ++r) {
      CHECK(many[r].run_index == r);
      CHECK(many[r].seed == one[r].seed);
      CHECK(same_bits(many[r].series, one[r].series));
      CHECK(same_bits(many[r].summary, one[r].summary));
    }
  }
}

TEST_CASE("different seeds give different runs") {
  const auto scenario = demo();
  const auto a = run_replicates(scenario.parameters, 1, 2);
  const auto b = run_replicates(scenario.parameters, 2, 2);
  CHECK_FALSE(same_bits(a[0].series, b[0].series));
  CHECK_FALSE(same_bits(a[0].summary, b[0].summary));
  CHECK_FALSE(same_bits(a[0].summary, a[1].summary));  // replicates differ from each other too
}

TEST_CASE("two scenarios with one seed share their random numbers") {
  const auto with = demo();
  const auto without = sim::load_scenario(PPISIM_SOURCE_DIR "/scenarios/no_peer_support.yaml",
                                          models::parameter_registry(), {"horizon=1 year"});
  const auto a = run_replicates(with.parameters, 7, 2);
  const auto b = run_replicates(without.parameters, 7, 2);
  const auto births = test_support::series::births;
  for (int day = 0; day < a[0].days; ++day) REQUIRE(a[0].at(births, day) == b[0].at(births, day));
  CHECK(a[0].summary[test_support::summary::initiation_rate] == b[0].summary[test_support::summary::initiation_rate]);
}
