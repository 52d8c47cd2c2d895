#include "lab/test_functions.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "sim/errors.hpp"

namespace lab {
namespace {

Eigen::VectorXd evaluate_rows(const Eigen::MatrixXd& points, Eigen::Index columns, const auto& function) {
  if (points.cols() != columns)
    throw sim::InputError("a test function of " + std::to_string(columns) + " inputs was given points with " +
                     std::to_string(points.cols()) + " columns");
  Eigen::VectorXd outputs(points.rows());
  for (Eigen::Index r = 0; r < points.rows(); ++r) outputs(r) = function(points.row(r));
  return outputs;
}

}  // namespace

double IshigamiFunction::operator()(double x1, double x2, double x3) const {
  const double sin_x2 = std::sin(x2);
  return std::sin(x1) * (1.0 + b_ * std::pow(x3, 4)) + a_ * sin_x2 * sin_x2;
}

Eigen::VectorXd IshigamiFunction::evaluate(const Eigen::MatrixXd& points) const {
  return evaluate_rows(points, 3, [&](const auto& x) { return (*this)(x(0), x(1), x(2)); });
}

std::vector<Factor> IshigamiFunction::factors() {
  constexpr double pi = std::numbers::pi;
  return {{"x1", -pi, pi, {}}, {"x2", -pi, pi, {}}, {"x3", -pi, pi, {}}};
}

AnalyticIndices IshigamiFunction::indices() const {
  const double pi4 = std::pow(std::numbers::pi, 4);
  const double v1 = 0.5 * std::pow(1.0 + b_ * pi4 / 5.0, 2);
  const double v2 = a_ * a_ / 8.0;
  const double v13 = 8.0 * b_ * b_ * pi4 * pi4 / 225.0;
  const double variance = v1 + v2 + v13;
  return {{v1 / variance, v2 / variance, 0.0}, {(v1 + v13) / variance, v2 / variance, v13 / variance}, variance};
}

SobolGFunction::SobolGFunction(std::vector<double> coefficients) : coefficients_(std::move(coefficients)) {
  if (coefficients_.empty()) throw sim::InputError("the G-function needs at least one coefficient");
  for (const double a : coefficients_)
    if (!(a > -1.0) || !std::isfinite(a)) throw sim::InputError("G-function coefficients must be finite and > -1");
}

double SobolGFunction::operator()(const Eigen::Ref<const Eigen::RowVectorXd>& x) const {
  double product = 1.0;
  for (std::size_t i = 0; i < coefficients_.size(); ++i) {
    const double a = coefficients_[i];
    product *= (std::abs(4.0 * x(static_cast<Eigen::Index>(i)) - 2.0) + a) / (1.0 + a);
  }
  return product;
}

Eigen::VectorXd SobolGFunction::evaluate(const Eigen::MatrixXd& points) const {
  return evaluate_rows(points, static_cast<Eigen::Index>(coefficients_.size()),
                       [&](const auto& x) { return (*this)(x); });
}

std::vector<Factor> SobolGFunction::factors() const {
  std::vector<Factor> factors;
  for (std::size_t i = 0; i < coefficients_.size(); ++i) factors.push_back({"x" + std::to_string(i + 1), 0.0, 1.0, {}});
  return factors;
}

AnalyticIndices SobolGFunction::indices() const {
  std::vector<double> partial;  // V_i
  double product = 1.0;         // Π (1 + V_i)
  for (const double a : coefficients_) {
    partial.push_back(1.0 / (3.0 * (1.0 + a) * (1.0 + a)));
    product *= 1.0 + partial.back();
  }
  AnalyticIndices result;
  result.variance = product - 1.0;
  for (const double v : partial) {
    result.first_order.push_back(v / result.variance);
    result.total.push_back(v * (product / (1.0 + v)) / result.variance);
  }
  return result;
}

}  // namespace lab
