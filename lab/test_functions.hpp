#pragma once
// Analytic test models for sensitivity analysis: functions whose Sobol
// indices are known in closed form, so the estimators in lab/sensitivity.hpp
// can be checked (by the tests, and by users before they trust a sweep).
#include <Eigen/Dense>
#include <vector>

#include "lab/design.hpp"

namespace lab {

// Closed-form variance-based sensitivity of a test function.
struct AnalyticIndices {
  std::vector<double> first_order;  // S_i, one per input
  std::vector<double> total;        // S_Ti
  double variance = 0.0;            // V(Y)
};

// Ishigami & Homma (1990): f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1 with
// x1, x2, x3 independent and uniform on [-π, π]. x3 acts only through its
// interaction with x1, so S_3 = 0 while S_T3 > 0.
class IshigamiFunction {
 public:
  explicit IshigamiFunction(double a = 7.0, double b = 0.1) : a_(a), b_(b) {}

  [[nodiscard]] double operator()(double x1, double x2, double x3) const;
  // One output per row of `points` (three columns: x1, x2, x3).
  [[nodiscard]] Eigen::VectorXd evaluate(const Eigen::MatrixXd& points) const;
  // x1, x2, x3 on [-π, π].
  [[nodiscard]] static std::vector<Factor> factors();
  // From the variance terms V_1 = (1 + bπ^4/5)^2 / 2, V_2 = a^2/8,
  // V_13 = 8 b^2 π^8 / 225 (Sobol' & Levitan 1999; Saltelli et al. 2008, §4.9).
  [[nodiscard]] AnalyticIndices indices() const;

 private:
  double a_, b_;
};

// The Sobol' G-function (Saltelli & Sobol' 1995): f(x) = Π_i g_i(x_i) with
// g_i(x) = (|4x - 2| + a_i) / (1 + a_i), x_i independent and uniform on
// [0, 1]. Input i matters less the larger a_i: a_i = 0 very, a_i >= 99 hardly.
class SobolGFunction {
 public:
  // One coefficient per input, each > -1 (InputError otherwise).
  explicit SobolGFunction(std::vector<double> coefficients);

  [[nodiscard]] double operator()(const Eigen::Ref<const Eigen::RowVectorXd>& x) const;
  // One output per row of `points` (one column per coefficient).
  [[nodiscard]] Eigen::VectorXd evaluate(const Eigen::MatrixXd& points) const;
  // x1 .. xk on [0, 1].
  [[nodiscard]] std::vector<Factor> factors() const;
  // From V_i = 1 / (3 (1 + a_i)^2), V = Π (1 + V_i) - 1 and
  // V_Ti = V_i Π_{j != i} (1 + V_j).
  [[nodiscard]] AnalyticIndices indices() const;

 private:
  std::vector<double> coefficients_;
};

}  // namespace lab
