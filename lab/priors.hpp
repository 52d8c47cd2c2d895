#pragma once
// Prior distributions of calibrated parameters: uniform, log-uniform,
// truncated normal and beta. Each has a density (for ABC-SMC importance
// weights) and is sampled by inversion of its distribution function, so a
// draw is a pure function of one keyed uniform (bit-identical at any thread
// count). The distributions themselves are Boost.Math's.
#include <string>

namespace lab {

enum class PriorKind { uniform, log_uniform, truncated_normal, beta };

struct Prior {
  PriorKind kind = PriorKind::uniform;
  // uniform, log_uniform: [low, high]; truncated_normal: mean, sd on [low, high]
  // (either bound may be infinite); beta: alpha, beta on [low, high] (default [0, 1]).
  double low = 0.0, high = 1.0;
  double mean = 0.0, sd = 1.0;
  double alpha = 1.0, beta = 1.0;

  static Prior uniform(double low, double high);
  static Prior log_uniform(double low, double high);
  static Prior truncated_normal(double mean, double sd, double low, double high);
  static Prior beta_distribution(double alpha, double beta, double low = 0.0, double high = 1.0);

  // The density at x (0 outside the support).
  [[nodiscard]] double density(double x) const;
  // The value whose distribution function is u, for u in [0, 1).
  [[nodiscard]] double quantile(double u) const;
  [[nodiscard]] bool contains(double x) const { return x >= low && x <= high; }
  // "uniform [0, 1]", "beta(2, 5)", ...
  [[nodiscard]] std::string describe() const;
};

[[nodiscard]] std::string to_string(PriorKind kind);

}  // namespace lab
