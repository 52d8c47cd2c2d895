// Posterior draws for runs: systematic resampling gives each particle its
// share of draws (within one), and the variance of runs over draws splits
// into parameter and replicate shares as a one-way ANOVA says.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "lab/calibration_results.hpp"
#include "sim/random.hpp"

TEST_CASE("posterior draws: every particle drawn about K w times, a pure function of the seed") {
  CHECK(lab::draw_particles({0.5, 0.25, 0.25}, 4, 3) == std::vector<std::size_t>{0, 0, 1, 2});
  std::vector<double> weights;
  double total = 0.0;
  for (std::uint32_t i = 0; i < 50; ++i) total += weights.emplace_back(sim::RandomStreams(11).uniform(0, i, 0));
  for (auto& weight : weights) weight /= total;
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    const auto draws = lab::draw_particles(weights, 1000, seed);
    REQUIRE(draws.size() == 1000);
    std::vector<double> counts(weights.size(), 0.0);
    for (const auto particle : draws) counts[particle] += 1.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      CHECK(counts[i] >= std::floor(1000 * weights[i]) - 1e-9);
      CHECK(counts[i] <= std::ceil(1000 * weights[i]) + 1e-9);
    }
    CHECK(lab::draw_particles(weights, 1000, seed) == draws);
  }
  CHECK(lab::draw_particles(weights, 7, 1) != lab::draw_particles(weights, 7, 2));
}

TEST_CASE("posterior runs: intervals and the parameter and replicate shares of the variance") {
  // Draw means 2, 6, 10 (variance 16); within-draw variance 2. One-way ANOVA:
  // MS_within = 2, MS_between = 2 x 16 = 32, between component (32 - 2) / 2 = 15.
  const std::vector<double> values{1, 3, 5, 7, 9, 11};
  const std::vector<std::uint64_t> draw_of_run{0, 0, 1, 1, 2, 2};
  const auto outcome = lab::summarise_posterior_outcome(values, draw_of_run, 3);
  CHECK(outcome.mean == Approx(6.0));
  CHECK(outcome.replicate_share == Approx(2.0 / 17.0));
  CHECK(outcome.parameter_share == Approx(15.0 / 17.0));
  CHECK(outcome.lo95 == 1.0);
  CHECK(outcome.hi95 == 11.0);
  CHECK(outcome.parameter_lo95 == 2.0);
  CHECK(outcome.parameter_hi95 == 10.0);
  // An outcome the parameters do not move: all replicate noise.
  const auto flat = lab::summarise_posterior_outcome({1, 3, 1, 3, 1, 3}, draw_of_run, 3);
  CHECK(flat.parameter_share == 0.0);
  CHECK(flat.replicate_share == 1.0);
}
