#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "lab/design.hpp"
#include "sim/errors.hpp"
#include "sim/random.hpp"
#include "lab/sensitivity.hpp"
#include "lab/test_functions.hpp"

using namespace lab;

namespace {

constexpr std::size_t kBootstrap = 1000;

bool covers(const Interval& interval, double value) { return interval.lo95 <= value && value <= interval.hi95; }

// Factor indices from most to least important by the given measure.
std::vector<std::size_t> ranking(const std::vector<double>& importance) {
  std::vector<std::size_t> order(importance.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return importance[a] > importance[b]; });
  return order;
}

struct Accuracy {
  double worst_error = 0.0;
  int intervals = 0, covering = 0;
};

// Estimates the Sobol indices of `function` on a Saltelli design and
// compares them with its closed form; INFO shows every estimate on failure.
template <class Function>
Accuracy check_sobol(const Function& function, std::size_t base_samples, std::uint64_t seed, double tolerance) {
  const Design design = saltelli_design(function.factors(), base_samples, seed);
  const SobolResult result = sobol_indices(design, function.evaluate(design.values), kBootstrap, seed);
  const AnalyticIndices exact = function.indices();
  REQUIRE(result.defined());
  Accuracy accuracy;
  for (std::size_t i = 0; i < exact.first_order.size(); ++i) {
    const SobolIndices& s = result.factors[i];
    INFO("seed " << seed << ", " << s.factor << ": S1 " << s.first_order.estimate << " [" << s.first_order.lo95 << ", "
                 << s.first_order.hi95 << "] vs " << exact.first_order[i] << "; ST " << s.total.estimate << " ["
                 << s.total.lo95 << ", " << s.total.hi95 << "] vs " << exact.total[i]);
    CHECK(s.first_order.estimate == Approx(exact.first_order[i]).margin(tolerance));
    CHECK(s.total.estimate == Approx(exact.total[i]).margin(tolerance));
    accuracy.worst_error = std::max({accuracy.worst_error, std::abs(s.first_order.estimate - exact.first_order[i]),
                                     std::abs(s.total.estimate - exact.total[i])});
    accuracy.intervals += 2;
    accuracy.covering += covers(s.first_order, exact.first_order[i]) + covers(s.total, exact.total[i]);
  }
  return accuracy;
}

// G-function coefficient sets unlike the textbook ones (0, 1, 4.5, 9, 99...):
// unsorted, with repeated and small coefficients, so interactions are strong
// (S_Ti well above S_i) and factor order in the output is exercised.
const std::vector<double> kGCoefficientsA{2.0, 0.0, 8.0, 0.5, 30.0};
const std::vector<double> kGCoefficientsB{0.2, 0.2, 3.0, 1.0, 12.0, 50.0};

}  // namespace

// Ishigami: the values published for a = 7, b = 0.1 (Saltelli et al. 2008,
// Global Sensitivity Analysis: The Primer, §4.9; Sobol' & Levitan 1999).
// G-function: its closed form is generic in the coefficients, so it is
// checked against direct quadrature of a 2-input case, where
// S_1 = Var(E[Y | x1]) / V and S_T1 = 1 - S_2.
TEST_CASE("test functions' closed-form indices match published values and quadrature") {
  const AnalyticIndices ishigami = IshigamiFunction().indices();
  CHECK(ishigami.variance == Approx(13.8446).margin(5e-5));
  CHECK(ishigami.first_order[0] == Approx(0.3139).margin(5e-5));
  CHECK(ishigami.first_order[1] == Approx(0.4424).margin(5e-5));
  CHECK(ishigami.first_order[2] == 0.0);
  CHECK(ishigami.total[0] == Approx(0.5576).margin(5e-5));
  CHECK(ishigami.total[1] == Approx(0.4424).margin(5e-5));
  CHECK(ishigami.total[2] == Approx(0.2437).margin(5e-5));

  // Midpoint rule on an n x n grid: exact up to O(1/n^2) for these
  // piecewise-linear factors, far below the 1e-4 relative tolerance.
  const SobolGFunction g({0.3, 7.0});
  constexpr int n = 1000;
  Eigen::MatrixXd y(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) y(i, j) = g(Eigen::RowVector2d((i + 0.5) / n, (j + 0.5) / n));
  const double mean = y.mean();
  const double variance = (y.array() - mean).square().mean();
  const double v1 = (y.rowwise().mean().array() - mean).square().mean();  // Var(E[Y | x1])
  const double v2 = (y.colwise().mean().array() - mean).square().mean();  // Var(E[Y | x2])
  const AnalyticIndices closed = g.indices();
  CHECK(closed.variance == Approx(variance).epsilon(1e-4));
  CHECK(closed.first_order[0] == Approx(v1 / variance).epsilon(1e-4));
  CHECK(closed.first_order[1] == Approx(v2 / variance).epsilon(1e-4));
  CHECK(closed.total[0] == Approx(1.0 - v2 / variance).epsilon(1e-4));
  CHECK(closed.total[1] == Approx(1.0 - v1 / variance).epsilon(1e-4));
  CHECK_THROWS_AS(SobolGFunction({-1.0}), sim::InputError);
}

// Tolerances. At N = 4096 the bootstrap half-widths are 0.01-0.045, i.e.
// standard errors up to 0.02, which is what a plain random sample of this
// size would give; a Sobol design does better: over seeds 1-6 the worst
// error found was 0.003 for Ishigami (both settings) and 0.008 for the
// G-functions (S_T of the strongly interacting pair a = 0.2, 0.2). 0.01 and
// 0.02 leave margins of about 3x and 2.5x on those while still catching an
// estimator off by one plain-sampling standard error. Three seeds each.
TEST_CASE("Sobol indices of Ishigami and of G-functions match the closed forms") {
  Accuracy total;
  const auto add = [&](const Accuracy& a) {
    total.worst_error = std::max(total.worst_error, a.worst_error);
    total.intervals += a.intervals;
    total.covering += a.covering;
  };
  for (const std::uint64_t seed : {1, 2, 3}) {
    add(check_sobol(IshigamiFunction(), 4096, seed, 0.01));
    add(check_sobol(IshigamiFunction(5.0, 0.2), 4096, seed, 0.01));
    add(check_sobol(SobolGFunction(kGCoefficientsA), 4096, seed, 0.02));
    add(check_sobol(SobolGFunction(kGCoefficientsB), 4096, seed, 0.02));
  }
  // 95% intervals: with 120 of them, more than 10% missing would be far
  // outside binomial chance even if they were exact rather than conservative.
  INFO("closed form inside " << total.covering << " of " << total.intervals << " bootstrap intervals; worst error "
                             << total.worst_error);
  CHECK(total.covering >= total.intervals * 9 / 10);
}

TEST_CASE("Sobol indices: inert factors, offsets, lost runs and determinism") {
  const IshigamiFunction ishigami;
  std::vector<Factor> factors = IshigamiFunction::factors();
  factors.push_back({"inert", 0.0, 1.0, {}});
  const Design design = saltelli_design(factors, 1024, 4);
  const Eigen::VectorXd outputs = ishigami.evaluate(design.values.leftCols(3));
  const SobolResult result = sobol_indices(design, outputs, 200, 4);
  REQUIRE(result.defined());
  // A factor the model ignores leaves f(A_B^i) = f(A) exactly: both indices 0.
  CHECK(result.factors[3].first_order.estimate == 0.0);
  CHECK(result.factors[3].total.estimate == 0.0);
  CHECK(result.factors[3].total.hi95 == 0.0);

  // Outputs are centred before the estimators: a large offset changes nothing.
  const SobolResult shifted = sobol_indices(design, outputs.array() + 1e6, 200, 4);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(shifted.factors[i].first_order.estimate == Approx(result.factors[i].first_order.estimate).margin(1e-6));
    CHECK(shifted.factors[i].total.estimate == Approx(result.factors[i].total.estimate).margin(1e-6));
  }

  // A run without an outcome drops its base sample, not the analysis.
  Eigen::VectorXd lost = outputs;
  lost(static_cast<Eigen::Index>(design.saltelli.row_of_a_b(1, 17))) = NAN;
  const SobolResult without = sobol_indices(design, lost, 200, 4);
  CHECK(without.defined());
  CHECK(without.base_samples == 1023);
  CHECK(without.factors[1].first_order.estimate == Approx(result.factors[1].first_order.estimate).margin(0.01));

  // The bootstrap is keyed by its seed.
  const SobolResult again = sobol_indices(design, outputs, 200, 4);
  CHECK(again.factors[0].first_order.lo95 == result.factors[0].first_order.lo95);
  CHECK(sobol_indices(design, outputs, 200, 5).factors[0].first_order.lo95 != result.factors[0].first_order.lo95);
  CHECK(std::isnan(sobol_indices(design, outputs, 0, 4).factors[0].total.lo95));
}

TEST_CASE("Sobol indices of an outcome that does not vary are NaN with a reason") {
  const Design design = saltelli_design(IshigamiFunction::factors(), 256, 1);
  const SobolResult flat =
      sobol_indices(design, Eigen::VectorXd::Constant(static_cast<Eigen::Index>(design.rows()), 0.42), 100, 1);
  CHECK_FALSE(flat.defined());
  CHECK(flat.degenerate.find("does not vary") != std::string::npos);
  REQUIRE(flat.factors.size() == 3);
  CHECK(std::isnan(flat.factors[0].first_order.estimate));
  CHECK(std::isnan(flat.factors[2].total.estimate));

  const SobolResult lost =
      sobol_indices(design, Eigen::VectorXd::Constant(static_cast<Eigen::Index>(design.rows()), NAN), 100, 1);
  CHECK_FALSE(lost.defined());
  CHECK(std::isnan(lost.factors[1].total.estimate));

  CHECK_THROWS_AS(sobol_indices(design, Eigen::VectorXd::Zero(7), 100, 1), sim::InputError);
  const Design morris = morris_design(IshigamiFunction::factors(), 5, 4, 1);
  CHECK_THROWS_AS(sobol_indices(morris, Eigen::VectorXd::Zero(static_cast<Eigen::Index>(morris.rows())), 100, 1),
                  sim::InputError);
}

// mu* of factor i of the G-function is proportional to 1 / (1 + a_i) (on the
// p = 4 grid every step changes g_i by 4/3 / (1 + a_i)), so it ranks factors
// as the closed-form indices do. The coefficients are spaced so that
// neighbours differ by at least 1.6x; over seeds 1-50 the ranking held for
// every seed at r = 50, p = 4 (closest neighbours 1.11x apart) and at
// r = 100, p = 6.
TEST_CASE("Morris mu* ranks the G-function's factors as the closed form does") {
  const SobolGFunction g({4.0, 0.0, 30.0, 1.5, 99.0, 0.6, 10.0});
  const std::vector<std::size_t> expected = ranking(g.indices().total);
  for (const auto& [trajectories, levels] : {std::pair<std::size_t, std::size_t>{50, 4}, {100, 6}})
    for (const std::uint64_t seed : {1, 2, 3, 4, 5}) {
      const Design design = morris_design(g.factors(), trajectories, levels, seed);
      const MorrisResult result = morris_effects(design, g.evaluate(design.values));
      REQUIRE(result.defined());
      std::vector<double> mu_star;
      for (const MorrisEffects& effects : result.factors) {
        CHECK(effects.effects == trajectories);
        mu_star.push_back(effects.mu_star);
      }
      INFO("r " << trajectories << ", p " << levels << ", seed " << seed);
      CHECK(ranking(mu_star) == expected);
    }
}

TEST_CASE("Morris effects of a linear model are its slopes per unit of range") {
  // y = 3 rate - 2 delay: effects per unit cube are slope x range width.
  const std::vector<Factor> factors{{"rate", 0.5, 2.5, {}}, {"share", 0.0, 1.0, {}}, {"delay", -3.0, 7.0, {}}};
  const Design design = morris_design(factors, 12, 6, 3);
  const Eigen::VectorXd outputs = 3.0 * design.values.col(0) - 2.0 * design.values.col(2);
  const MorrisResult result = morris_effects(design, outputs);
  CHECK(result.factors[0].mu == Approx(6.0));
  CHECK(result.factors[0].mu_star == Approx(6.0));
  CHECK(result.factors[0].sigma == Approx(0.0).margin(1e-9));
  CHECK(result.factors[1].mu_star == 0.0);
  CHECK(result.factors[2].mu == Approx(-20.0));
  CHECK(result.factors[2].mu_star == Approx(20.0));

  // A step without an outcome is skipped; a factor with none is reported.
  Eigen::VectorXd lost = outputs;
  lost(0) = NAN;
  CHECK(morris_effects(design, lost).defined());
  const MorrisResult none = morris_effects(design, Eigen::VectorXd::Constant(outputs.size(), NAN));
  CHECK_FALSE(none.defined());
  CHECK(std::isnan(none.factors[0].mu_star));
  CHECK(std::isnan(morris_effects(morris_design(factors, 1, 4, 3), Eigen::VectorXd::Zero(4)).factors[0].sigma));
}

namespace {

// G-function outputs at `points` LHS points, each repeated over `replicates`
// runs with normal noise of variance `noise_variance` added.
Eigen::MatrixXd noisy_outputs(const SobolGFunction& g, std::size_t points, Eigen::Index replicates,
                              double noise_variance) {
  const Design design = latin_hypercube(g.factors(), points, 77);
  const Eigen::VectorXd signal = g.evaluate(design.values);
  const sim::RandomStreams streams(78);
  Eigen::MatrixXd outputs(signal.size(), replicates);
  for (Eigen::Index p = 0; p < signal.size(); ++p)
    for (Eigen::Index r = 0; r < replicates; ++r)
      outputs(p, r) =
          signal(p) + std::sqrt(noise_variance) *
                          streams.draws(1, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(r)).normal();
  return outputs;
}

}  // namespace

// Tolerances (4 standard errors, as elsewhere in the tests). The
// between-point variance comes from 4000 points of a product function with
// kurtosis 3.7 (relative standard error sqrt(2.7 / 4000) = 2.6%), the noise
// variance from 12000 degrees of freedom (sqrt(2 / 12000) = 1.3%), so a share
// s is off by about s(1 - s) x 3%, at most 0.0075: margin 0.03. The noise
// variance itself: 4 x 1.3%, about 5%.
TEST_CASE("replicate noise share: 0 without noise, the configured share with it") {
  const SobolGFunction g(kGCoefficientsA);
  const double signal_variance = g.indices().variance;
  const ReplicateNoise deterministic = replicate_noise_share(noisy_outputs(g, 500, 3, 0.0));
  REQUIRE(deterministic.defined());
  CHECK(deterministic.share == 0.0);
  CHECK(deterministic.between_variance == Approx(signal_variance).epsilon(0.15));

  for (const double share : {0.1, 0.3, 0.8}) {
    INFO("configured share " << share);
    const double noise_variance = signal_variance * share / (1.0 - share);
    Eigen::MatrixXd outputs = noisy_outputs(g, 4000, 4, noise_variance);
    const ReplicateNoise noise = replicate_noise_share(outputs);
    REQUIRE(noise.defined());
    CHECK(noise.share == Approx(share).margin(0.03));
    CHECK(noise.within_variance == Approx(noise_variance).epsilon(0.05));
    // Runs lost at some points (unequal replicate counts) change little.
    for (Eigen::Index p = 0; p < outputs.rows(); p += 3) outputs(p, p % 4) = NAN;
    const ReplicateNoise unequal = replicate_noise_share(outputs);
    CHECK(unequal.runs == 4000 * 4 - 1334);
    CHECK(unequal.share == Approx(share).margin(0.03));
  }
}

TEST_CASE("replicate noise share is NaN with a reason when it cannot be told") {
  CHECK_FALSE(replicate_noise_share(Eigen::MatrixXd::Random(20, 1)).defined());  // one replicate
  CHECK_FALSE(replicate_noise_share(Eigen::MatrixXd::Random(1, 20)).defined());  // one point
  const ReplicateNoise flat = replicate_noise_share(Eigen::MatrixXd::Constant(10, 3, 2.5));
  CHECK_FALSE(flat.defined());
  CHECK(std::isnan(flat.share));
  CHECK(flat.degenerate.find("does not vary") != std::string::npos);
}
