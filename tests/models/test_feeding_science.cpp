// Science test: with every support effect switched off, the simulated share
// still breastfeeding at each age equals the closed form of the configured
// hazards (FeedingCurve::expected_shares) within 4 standard errors.
#include <catch2/catch.hpp>
#include <cmath>

#include "output_indices.hpp"
#include "models/feeding_curve.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace {

sim::ParameterSet no_support_effects(bool peer_support_runs) {
  sim::ParameterSet p(models::parameter_registry());
  sim::apply_override(p, "name=science");
  sim::apply_override(p, "population.births=20000 per year");
  sim::apply_override(p, "horizon=2 years");
  sim::apply_override(p, "mothers.confidence.effect=0");
  sim::apply_override(p, peer_support_runs ? "scheme.peer_support=true" : "scheme.peer_support=false");
  return p;
}

void check_against_closed_form(const sim::ParameterSet& p, std::uint64_t seed) {
  const auto result = sim::run_one(models::build_plan, models::output_catalog(), p, seed, models::simulated_days(p));
  const auto expected = models::derive_feeding_curve(p).expected_shares();
  const double n = result.summary[test_support::summary::mothers_measured];
  REQUIRE(n > 10'000);
  const auto within_4_se = [n](double simulated, double share) {
    INFO("simulated " << simulated << ", closed form " << share << ", n " << n);
    CHECK(std::abs(simulated - share) < 4.0 * std::sqrt(share * (1.0 - share) / n));
  };
  using namespace test_support::summary;
  within_4_se(result.summary[initiation_rate], expected.any[0]);
  const std::pair<std::size_t, int> any[]{{any_bf_1w, 7}, {any_bf_6w, 42}, {any_bf_3m, 91}, {any_bf_4m, 122}, {any_bf_6m, 182}};
  const std::pair<std::size_t, int> exclusive[]{{excl_bf_1w, 7}, {excl_bf_6w, 42}, {excl_bf_3m, 91}, {excl_bf_4m, 122}, {excl_bf_6m, 182}};
  for (const auto& [outcome, age] : any) within_4_se(result.summary[outcome], expected.any[static_cast<std::size_t>(age)]);
  for (const auto& [outcome, age] : exclusive)
    within_4_se(result.summary[outcome], expected.exclusive[static_cast<std::size_t>(age)]);
}

}  // namespace

TEST_CASE("usual care alone follows the closed form of the feeding hazards") {
  check_against_closed_form(no_support_effects(false), 11);
}

TEST_CASE("peer contacts with no effect leave the feeding curve unchanged") {
  const auto p = no_support_effects(true);
  check_against_closed_form(p, 12);
}

TEST_CASE("peer support that raises confidence raises breastfeeding at 6 weeks") {
  auto with = no_support_effects(true);
  sim::apply_override(with, "mothers.confidence.effect=3");
  sim::apply_override(with, "scheme.referral_policy=opt_out");
  sim::apply_override(with, "volunteers.initial=2000");
  const auto without = no_support_effects(false);
  const int days = models::simulated_days(with);
  const auto supported = sim::run_one(models::build_plan, models::output_catalog(), with, 5, days);
  const auto usual = sim::run_one(models::build_plan, models::output_catalog(), without, 5, days);
  using namespace test_support::summary;
  CHECK(supported.summary[reached_by_volunteer] > 0.5);
  // Common random numbers: the same mothers are born in both runs.
  CHECK(supported.summary[mothers_measured] == usual.summary[mothers_measured]);
  CHECK(supported.summary[any_bf_6w] > usual.summary[any_bf_6w] + 0.03);
}
