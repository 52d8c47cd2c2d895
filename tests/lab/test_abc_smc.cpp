// ABC-SMC against closed-form posteriors. Each check states the final
// tolerance it runs to (in standardised distance units: target standard
// errors) and how close the ABC posterior must come; at a loose tolerance the
// same seed is measurably further from the truth, so the checks see the
// convergence, not only its end. A coverage test runs many synthetic data
// sets: nominal 90% intervals must cover the truth at a rate a binomial test
// accepts. Then determinism: threads and resuming do not change a bit.
#include <boost/math/distributions/binomial.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <mutex>

#include "lab/abc_smc.hpp"
#include "lab/calibration_models.hpp"
#include "sim/random.hpp"

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

lab::Prior normal_prior(double mean, double sd) { return lab::Prior::truncated_normal(mean, sd, -kInfinity, kInfinity); }

struct Summary {
  Eigen::VectorXd mean, sd;
  Eigen::MatrixXd correlation;
  double last_tolerance = 0.0;
};

Summary summarise(const lab::AbcResult& result) {
  const auto& posterior = result.posterior();
  const Eigen::MatrixXd values = lab::particle_matrix(posterior);
  const Eigen::MatrixXd covariance = lab::weighted_covariance(values, posterior.weights);
  Summary summary{lab::weighted_mean(values, posterior.weights), covariance.diagonal().array().sqrt(), {}, posterior.tolerance};
  summary.correlation = covariance.array() / (summary.sd * summary.sd.transpose()).array();
  return summary;
}

lab::AbcResult calibrate(const lab::CalibrationTestModel& model, const std::vector<lab::Prior>& priors,
                         const std::vector<double>& observed, double scale, double final_tolerance, std::size_t population,
                         std::uint64_t seed = 7, int threads = 1) {
  std::vector<lab::AbcTarget> targets;
  for (std::size_t k = 0; k < observed.size(); ++k) targets.push_back({model.outputs()[k], observed[k], scale, false});
  lab::AbcSettings settings;
  settings.population = population;
  settings.stop = {final_tolerance, 0.0005, 30};
  settings.seed = seed;
  settings.threads = threads;
  return lab::run_abc_smc(priors, targets, [&](const std::vector<double>& theta, std::uint64_t s) { return model.simulate(theta, s); },
                          settings);
}

}  // namespace

TEST_CASE("normal mean: the ABC posterior converges to the normal closed form as the tolerance shrinks") {
  const lab::CalibrationTestModel model{.kind = "normal_mean", .sd = 0.5};
  const std::vector<lab::Prior> priors{normal_prior(0.0, 1.0)};
  const std::vector<double> observed{1.2};
  const auto exact = lab::exact_gaussian_posterior(model, priors, observed);  // mean 0.96, sd sqrt(0.2)
  const double exact_sd = std::sqrt(exact.covariance(0, 0));
  REQUIRE(exact.mean[0] == Approx(0.96));
  REQUIRE(exact_sd == Approx(std::sqrt(0.2)));

  const auto loose = summarise(calibrate(model, priors, observed, 0.5, 2.0, 2000));
  const auto tight = summarise(calibrate(model, priors, observed, 0.5, 0.05, 2000));
  CHECK(tight.last_tolerance == 0.05);
  INFO("loose: mean " << loose.mean[0] << " sd " << loose.sd[0] << "; tight: mean " << tight.mean[0] << " sd " << tight.sd[0]);
  // Tolerance 0.05 SE: mean within 0.1 posterior sd (about 3 Monte Carlo SEs), sd within 6%.
  CHECK(std::abs(tight.mean[0] - exact.mean[0]) < 0.1 * exact_sd);
  CHECK(std::abs(tight.sd[0] / exact_sd - 1.0) < 0.06);
  // Tolerance 2 SE: the ABC likelihood is much wider, the posterior visibly too wide and pulled to the prior.
  CHECK(loose.sd[0] / exact_sd > 1.2);
  CHECK(std::abs(loose.sd[0] - exact_sd) > 3.0 * std::abs(tight.sd[0] - exact_sd));
}

TEST_CASE("normal mean under each kind of prior: the ABC posterior matches the posterior computed by quadrature") {
  // posterior(theta) ~ prior(theta) N(y; theta, sd^2), its mean and sd by the midpoint rule on the prior's
  // support, each prior's shape written out here (not lab's densities: a wrong density must fail the check).
  const lab::CalibrationTestModel model{.kind = "normal_mean", .sd = 0.5};
  struct Case {
    lab::Prior prior;
    std::function<double(double)> shape;  // the prior density up to a constant
    double observed;
  };
  const std::vector<Case> cases{
      {lab::Prior::uniform(0.0, 3.0), [](double) { return 1.0; }, 0.2},  // truncated at 0: piles against the bound
      {lab::Prior::log_uniform(0.1, 10.0), [](double t) { return 1.0 / t; }, 1.0},
      {lab::Prior::truncated_normal(1.0, 0.5, 0.5, 4.0), [](double t) { return std::exp(-2.0 * (t - 1.0) * (t - 1.0)); }, 0.4},
      {lab::Prior::beta_distribution(2.0, 2.0, -1.0, 3.0), [](double t) { return (t + 1.0) * (3.0 - t); }, 2.5}};
  for (const auto& [prior, shape, observed] : cases) {
    INFO(prior.describe() << ", y = " << observed);
    constexpr int kSteps = 200000;
    double mass = 0.0, first = 0.0, second = 0.0;
    for (int step = 0; step < kSteps; ++step) {
      const double theta = prior.low + (prior.high - prior.low) * (step + 0.5) / kSteps;
      const double z = (observed - theta) / model.sd;
      const double density = shape(theta) * std::exp(-0.5 * z * z);
      mass += density;
      first += density * theta;
      second += density * theta * theta;
    }
    const double exact_mean = first / mass, exact_sd = std::sqrt(second / mass - exact_mean * exact_mean);
    // Tolerance 0.05 SE; 1500 particles: mean within 0.15 posterior sd, sd within 10% (successive generations'
    // particles are correlated, so the Monte Carlo error is larger than the ESS alone suggests; three seeds of
    // 4000 particles on the uniform case spread by 4% in sd).
    const auto abc = summarise(calibrate(model, {prior}, {observed}, 0.5, 0.05, 1500));
    INFO("exact mean " << exact_mean << " sd " << exact_sd << "; ABC mean " << abc.mean[0] << " sd " << abc.sd[0]);
    CHECK(std::abs(abc.mean[0] - exact_mean) < 0.15 * exact_sd);
    CHECK(std::abs(abc.sd[0] / exact_sd - 1.0) < 0.10);
  }
}

TEST_CASE("beta-binomial: exact matching reproduces Beta(a + k, b + n - k)") {
  const lab::CalibrationTestModel model{.kind = "beta_binomial", .trials = 20};
  const std::vector<lab::Prior> priors{lab::Prior::beta_distribution(2.0, 3.0)};
  const std::vector<double> observed{7.0};
  const double a = 2.0 + 7.0, b = 3.0 + 13.0;
  const double exact_mean = a / (a + b), exact_sd = std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1.0)));
  // Scale 1 success: tolerance 0 accepts only simulations of exactly 7 successes (exact ABC); 4 accepts 3..11.
  const auto loose = summarise(calibrate(model, priors, observed, 1.0, 4.0, 2000));
  const auto exact = summarise(calibrate(model, priors, observed, 1.0, 0.0, 2000));
  CHECK(exact.last_tolerance == 0.0);
  INFO("loose: mean " << loose.mean[0] << " sd " << loose.sd[0] << "; exact: mean " << exact.mean[0] << " sd " << exact.sd[0]);
  CHECK(std::abs(exact.mean[0] - exact_mean) < 0.1 * exact_sd);
  CHECK(std::abs(exact.sd[0] / exact_sd - 1.0) < 0.06);
  CHECK(loose.sd[0] / exact_sd > 1.3);
}

TEST_CASE("linear-Gaussian: the correlated two-parameter posterior is recovered") {
  const lab::CalibrationTestModel model{.kind = "linear_gaussian", .sd = 0.5, .x = {0.0, 1.0}};
  const std::vector<lab::Prior> priors{normal_prior(0.0, 1.0), normal_prior(0.0, 1.0)};
  const std::vector<double> observed{0.3, 1.1};
  const auto exact = lab::exact_gaussian_posterior(model, priors, observed);
  const Eigen::VectorXd exact_sd = exact.covariance.diagonal().array().sqrt();
  const double exact_correlation = exact.covariance(0, 1) / (exact_sd[0] * exact_sd[1]);
  REQUIRE(exact_correlation == Approx(-4.0 / std::sqrt(45.0)));  // precision [[9, 4], [4, 5]]

  const auto loose = summarise(calibrate(model, priors, observed, 0.5, 3.0, 1500));
  const auto tight = summarise(calibrate(model, priors, observed, 0.5, 0.15, 1500));
  INFO("tight: mean " << tight.mean.transpose() << " sd " << tight.sd.transpose() << " r " << tight.correlation(0, 1));
  INFO("loose: sd " << loose.sd.transpose() << " r " << loose.correlation(0, 1) << "; exact r " << exact_correlation);
  // Tolerance 0.15 SE: means within 0.12 sd, sds within 8%, correlation within 0.06.
  for (Eigen::Index p = 0; p < 2; ++p) {
    CHECK(std::abs(tight.mean[p] - exact.mean[p]) < 0.12 * exact_sd[p]);
    CHECK(std::abs(tight.sd[p] / exact_sd[p] - 1.0) < 0.08);
  }
  CHECK(std::abs(tight.correlation(0, 1) - exact_correlation) < 0.06);
  // Tolerance 3 SE: both sds at least 20% too wide.
  CHECK((loose.sd.array() / exact_sd.array() > 1.2).all());
}

TEST_CASE("coverage: nominal 90% intervals cover the truth at a binomially plausible rate") {
  const lab::CalibrationTestModel model{.kind = "normal_mean", .sd = 0.5};
  const std::vector<lab::Prior> priors{normal_prior(0.0, 1.0)};
  constexpr int kDataSets = 120;
  int covered = 0;
  for (int set = 0; set < kDataSets; ++set) {
    // The truth from the prior, the data from the model: the setting in which credible intervals are calibrated.
    auto draws = sim::RandomStreams(9000 + static_cast<std::uint64_t>(set)).draws(1, 0, 0);
    const double truth = priors[0].quantile(draws.uniform());
    const double observed = truth + model.sd * draws.normal();
    const auto result = calibrate(model, priors, {observed}, 0.5, 0.1, 300, 100 + static_cast<std::uint64_t>(set));
    const auto& posterior = result.posterior();
    std::vector<double> values;
    for (const auto& particle : posterior.particles) values.push_back(particle.theta[0]);
    const double low = lab::weighted_quantile(values, posterior.weights, 0.05);
    const double high = lab::weighted_quantile(values, posterior.weights, 0.95);
    covered += (low <= truth && truth <= high) ? 1 : 0;
  }
  // Two-sided 99.8% acceptance region of Binomial(120, 0.9).
  const boost::math::binomial_distribution<double> binomial(kDataSets, 0.9);
  const double lowest = boost::math::quantile(binomial, 0.001), highest = boost::math::quantile(boost::math::complement(binomial, 0.001));
  INFO(covered << " of " << kDataSets << " covered; accepted " << lowest << " to " << highest);
  CHECK(covered >= lowest);
  CHECK(covered <= highest);
}

TEST_CASE("the posterior is the same bits at 1 and 3 threads, and after resuming from recorded particles") {
  const lab::CalibrationTestModel model{.kind = "linear_gaussian", .sd = 0.5, .x = {0.0, 1.0}};
  const std::vector<lab::Prior> priors{lab::Prior::uniform(-3.0, 3.0), lab::Prior::log_uniform(0.1, 10.0)};
  const std::vector<lab::AbcTarget> targets{{"y1", 0.3, 0.5, false}, {"y2", 1.1, 0.5, false}};
  const lab::AbcModel simulate = [&](const std::vector<double>& theta, std::uint64_t s) { return model.simulate(theta, s); };
  lab::AbcSettings settings;
  settings.population = 200;
  settings.stop = {0.5, 0.001, 8};
  std::map<std::pair<std::size_t, std::size_t>, lab::Particle> journal;
  std::mutex mutex;
  settings.record = [&](std::size_t g, std::size_t i, const lab::Particle& particle) {
    const std::lock_guard lock(mutex);
    journal[{g, i}] = particle;
  };
  const auto one = lab::run_abc_smc(priors, targets, simulate, settings);
  settings.threads = 3;
  settings.record = nullptr;
  const auto three = lab::run_abc_smc(priors, targets, simulate, settings);
  // A resumed run: every third particle of every generation as if journalled before a kill.
  settings.recorded = [&](std::size_t g, std::size_t i) -> std::optional<lab::Particle> {
    const auto found = journal.find({g, i});
    if (found == journal.end() || i % 3 != 0) return std::nullopt;
    return found->second;
  };
  const auto resumed = lab::run_abc_smc(priors, targets, simulate, settings);
  REQUIRE(one.generations.size() > 2);
  for (const auto* other : {&three, &resumed}) {
    REQUIRE(other->generations.size() == one.generations.size());
    for (std::size_t g = 0; g < one.generations.size(); ++g) {
      CHECK(other->generations[g].tolerance == one.generations[g].tolerance);
      CHECK(other->generations[g].weights == one.generations[g].weights);
      CHECK(other->generations[g].attempts == one.generations[g].attempts);
      for (std::size_t i = 0; i < settings.population; ++i)
        CHECK(other->generations[g].particles[i].theta == one.generations[g].particles[i].theta);
    }
    CHECK(other->predictive == one.predictive);
  }
}

TEST_CASE("a tolerance the model cannot reach stops the run with the last complete generation") {
  const lab::CalibrationTestModel model{.kind = "normal_mean", .sd = 0.5};
  const std::vector<lab::AbcTarget> targets{{"y", 1.0, 0.5, false}};
  lab::AbcSettings settings;
  settings.population = 100;
  settings.quantile = 0.9;
  settings.stop = {0.0, 0.05, 50};  // tolerance 0 is unreachable for a continuous output
  const auto result = lab::run_abc_smc({lab::Prior::uniform(-5.0, 5.0)}, targets,
                                       [&](const std::vector<double>& theta, std::uint64_t s) { return model.simulate(theta, s); },
                                       settings);
  CHECK(result.generations.size() < 50);
  CHECK(result.posterior().complete);
  CHECK(result.posterior().acceptance_rate > 0.0);
  CHECK_FALSE(result.stop_reason.empty());
}

TEST_CASE("undefined targets are never accepted, and a model that never defines them fails instead of returning the prior") {
  const std::vector<lab::AbcTarget> targets{{"y", 1.0, 0.5, false}};
  lab::AbcSettings settings;
  settings.population = 50;
  settings.stop = {0.1, 0.01, 5};
  // Defined only for theta >= 0.8 (80% of the prior undefined): the posterior stays where it is defined.
  const lab::AbcModel mostly_undefined = [](const std::vector<double>& theta, std::uint64_t) {
    return lab::Simulated{{theta[0] < 0.8 ? std::nan("") : theta[0]}, {std::nan("")}};
  };
  const auto result = lab::run_abc_smc({lab::Prior::uniform(0.0, 1.0)}, targets, mostly_undefined, settings);
  for (const auto& particle : result.posterior().particles) CHECK(particle.theta[0] >= 0.8);
  const lab::AbcModel never_defined = [](const std::vector<double>&, std::uint64_t) {
    return lab::Simulated{{std::nan("")}, {std::nan("")}};
  };
  CHECK_THROWS_WITH(lab::run_abc_smc({lab::Prior::uniform(0.0, 1.0)}, targets, never_defined, settings),
                    Catch::Contains("left a target undefined"));
}
