#include "lab/calibration_models.hpp"

#include <cmath>
#include <limits>

#include "sim/errors.hpp"
#include "sim/random.hpp"

namespace lab {

std::vector<std::string> calibration_test_model_kinds() { return {"normal_mean", "beta_binomial", "linear_gaussian"}; }

std::vector<std::string> CalibrationTestModel::parameters() const {
  if (kind == "normal_mean") return {"theta"};
  if (kind == "beta_binomial") return {"p"};
  return {"intercept", "slope"};
}

std::vector<std::string> CalibrationTestModel::outputs() const {
  if (kind == "normal_mean") return {"y"};
  if (kind == "beta_binomial") return {"successes"};
  std::vector<std::string> names;
  for (std::size_t j = 0; j < x.size(); ++j) names.push_back("y" + std::to_string(j + 1));
  return names;
}

std::pair<double, double> CalibrationTestModel::parameter_range(const std::string& name) const {
  if (kind == "beta_binomial" && name == "p") return {0.0, 1.0};
  return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
}

Simulated CalibrationTestModel::simulate(const std::vector<double>& theta, std::uint64_t seed) const {
  auto draws = sim::RandomStreams(seed).draws(0, 0, 0);
  Simulated simulated;
  if (kind == "normal_mean") {
    simulated.values = {theta[0] + sd * draws.normal()};
  } else if (kind == "beta_binomial") {
    std::uint64_t successes = 0;
    for (std::uint64_t trial = 0; trial < trials; ++trial) successes += draws.bernoulli(theta[0]) ? 1 : 0;
    simulated.values = {static_cast<double>(successes)};
  } else {
    for (const double point : x) simulated.values.push_back(theta[0] + theta[1] * point + sd * draws.normal());
  }
  simulated.standard_errors.assign(simulated.values.size(), std::nan(""));
  return simulated;
}

GaussianPosterior linear_gaussian_posterior(const Eigen::MatrixXd& design, double noise_sd, const Eigen::VectorXd& prior_mean,
                                            const Eigen::VectorXd& prior_sd, const Eigen::VectorXd& observed) {
  const Eigen::MatrixXd prior_precision = prior_sd.array().square().inverse().matrix().asDiagonal();
  const Eigen::MatrixXd precision = prior_precision + design.transpose() * design / (noise_sd * noise_sd);
  GaussianPosterior posterior;
  posterior.covariance = precision.inverse();
  posterior.mean = posterior.covariance * (prior_precision * prior_mean + design.transpose() * observed / (noise_sd * noise_sd));
  return posterior;
}

GaussianPosterior exact_gaussian_posterior(const CalibrationTestModel& model, const std::vector<Prior>& priors,
                                           const std::vector<double>& observed) {
  Eigen::VectorXd mean(static_cast<Eigen::Index>(priors.size())), sd(mean.size());
  for (std::size_t p = 0; p < priors.size(); ++p) {
    if (priors[p].kind != PriorKind::truncated_normal || std::isfinite(priors[p].low) || std::isfinite(priors[p].high))
      throw sim::InputError("the closed form needs untruncated normal priors");
    mean[static_cast<Eigen::Index>(p)] = priors[p].mean;
    sd[static_cast<Eigen::Index>(p)] = priors[p].sd;
  }
  const Eigen::Map<const Eigen::VectorXd> y(observed.data(), static_cast<Eigen::Index>(observed.size()));
  Eigen::MatrixXd design;
  if (model.kind == "normal_mean") {
    design = Eigen::MatrixXd::Ones(1, 1);
  } else {
    design.resize(static_cast<Eigen::Index>(model.x.size()), 2);
    for (std::size_t j = 0; j < model.x.size(); ++j) design.row(static_cast<Eigen::Index>(j)) << 1.0, model.x[j];
  }
  return linear_gaussian_posterior(design, model.sd, mean, sd, y);
}

}  // namespace lab
