#pragma once
// Built-in models with closed-form posteriors, selectable as `model:` in a
// calibration file, to check ABC-SMC (and a user's settings) before trusting
// it with the simulator:
//   normal_mean      y ~ N(theta, sd^2); a normal prior gives a normal posterior
//   beta_binomial    successes ~ Binomial(trials, p); a beta prior gives Beta(a + k, b + n - k)
//   linear_gaussian  y_j ~ N(intercept + slope x_j, sd^2); normal priors give a
//                    bivariate normal posterior, correlated unless the x_j are centred
#include <Eigen/Dense>
#include <string>
#include <utility>
#include <vector>

#include "lab/abc_smc.hpp"

namespace lab {

struct CalibrationTestModel {
  std::string kind;        // normal_mean, beta_binomial or linear_gaussian
  double sd = 1.0;         // normal_mean, linear_gaussian: the noise standard deviation
  std::uint64_t trials = 10;  // beta_binomial
  std::vector<double> x{0.0, 1.0};  // linear_gaussian: the design points

  // The parameter and output names it takes and gives, in order.
  [[nodiscard]] std::vector<std::string> parameters() const;
  [[nodiscard]] std::vector<std::string> outputs() const;
  // Where a parameter may lie: [0, 1] for a probability, the whole line otherwise.
  [[nodiscard]] std::pair<double, double> parameter_range(const std::string& name) const;
  // One simulation of `theta`, its noise keyed by `seed`; outputs in order.
  [[nodiscard]] Simulated simulate(const std::vector<double>& theta, std::uint64_t seed) const;
};

[[nodiscard]] std::vector<std::string> calibration_test_model_kinds();

struct GaussianPosterior {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
};

// normal_mean and linear_gaussian under independent normal priors (means,
// sds), given observed outputs y: the exact posterior.
GaussianPosterior linear_gaussian_posterior(const Eigen::MatrixXd& design, double noise_sd, const Eigen::VectorXd& prior_mean,
                                            const Eigen::VectorXd& prior_sd, const Eigen::VectorXd& observed);
GaussianPosterior exact_gaussian_posterior(const CalibrationTestModel& model, const std::vector<Prior>& priors,
                                           const std::vector<double>& observed);

}  // namespace lab
