// Priors of calibrated parameters: each density integrates to one over its
// support, and sampling by inversion (the quantile) is the inverse of the
// distribution function the density integrates to.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "lab/priors.hpp"
#include "sim/errors.hpp"

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The integral of the density from the quantile at u0 to the quantile at u1
// (midpoint rule on a fine grid) must be u1 - u0.
double mass_between(const lab::Prior& prior, double u0, double u1) {
  const double a = prior.quantile(u0), b = prior.quantile(u1);
  constexpr int kSteps = 20000;
  double sum = 0.0;
  for (int i = 0; i < kSteps; ++i) sum += prior.density(a + (b - a) * (i + 0.5) / kSteps);
  return sum * (b - a) / kSteps;
}

std::vector<lab::Prior> examples() {
  return {lab::Prior::uniform(-2.0, 3.0), lab::Prior::log_uniform(0.01, 10.0),
          lab::Prior::truncated_normal(0.3, 0.2, 0.0, 1.0), lab::Prior::truncated_normal(1.0, 2.0, -kInfinity, kInfinity),
          lab::Prior::beta_distribution(2.0, 5.0), lab::Prior::beta_distribution(3.0, 1.5, 10.0, 20.0)};
}

}  // namespace

TEST_CASE("each prior's quantile inverts the distribution function of its density") {
  for (const auto& prior : examples()) {
    INFO(prior.describe());
    for (const auto& [u0, u1] : std::vector<std::pair<double, double>>{{0.01, 0.5}, {0.2, 0.7}, {0.5, 0.99}})
      CHECK(mass_between(prior, u0, u1) == Approx(u1 - u0).epsilon(1e-4));
    CHECK(prior.contains(prior.quantile(0.0)));
    CHECK(prior.contains(prior.quantile(0.999999)));
  }
}

TEST_CASE("prior means and densities agree with their closed forms") {
  const auto mean_of = [](const lab::Prior& prior) {
    constexpr int kPoints = 100000;
    double sum = 0.0;
    for (int i = 0; i < kPoints; ++i) sum += prior.quantile((i + 0.5) / kPoints);
    return sum / kPoints;
  };
  CHECK(mean_of(lab::Prior::uniform(-2.0, 3.0)) == Approx(0.5).epsilon(1e-6));
  CHECK(mean_of(lab::Prior::log_uniform(1.0, std::exp(1.0))) == Approx(std::exp(1.0) - 1.0).epsilon(1e-5));
  CHECK(mean_of(lab::Prior::beta_distribution(2.0, 5.0)) == Approx(2.0 / 7.0).epsilon(1e-5));
  // A normal truncated to [0, inf): mean = mu + sd * phi(a) / (1 - Phi(a)), a = -mu / sd; mu = 0 gives sd sqrt(2/pi).
  CHECK(mean_of(lab::Prior::truncated_normal(0.0, 1.0, 0.0, kInfinity)) == Approx(std::sqrt(2.0 / M_PI)).epsilon(1e-3));
  CHECK(lab::Prior::truncated_normal(0.0, 1.0, 0.0, kInfinity).density(0.0) == Approx(2.0 / std::sqrt(2.0 * M_PI)));
  CHECK(lab::Prior::log_uniform(1.0, 100.0).density(10.0) == Approx(1.0 / (10.0 * std::log(100.0))));
  CHECK(lab::Prior::beta_distribution(2.0, 2.0).density(0.5) == Approx(1.5));
  CHECK(lab::Prior::uniform(0.0, 1.0).density(1.5) == 0.0);
  CHECK(lab::Prior::beta_distribution(2.0, 2.0).density(-0.1) == 0.0);
}

TEST_CASE("impossible priors are refused") {
  CHECK_THROWS_AS(lab::Prior::uniform(1.0, 1.0), sim::InputError);
  CHECK_THROWS_AS(lab::Prior::log_uniform(0.0, 1.0), sim::InputError);
  CHECK_THROWS_AS(lab::Prior::truncated_normal(0.0, 0.0, -1.0, 1.0), sim::InputError);
  CHECK_THROWS_AS(lab::Prior::truncated_normal(0.0, 1.0, 50.0, 60.0), sim::InputError);
  CHECK_THROWS_AS(lab::Prior::beta_distribution(0.0, 1.0), sim::InputError);
}
