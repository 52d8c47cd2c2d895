#pragma once
// Sensitivity analysis of one outcome over a design (lab/design.hpp):
// first-order and total Sobol indices with bootstrap intervals, Morris
// elementary effects, and the share of variance that is replicate noise in
// a stochastic model. A caller with several outcomes calls once per outcome.
//
// Undefined results are NaN with a reason (`degenerate`), never an
// exception: an outcome that does not vary is a finding, not a failure.
// Inputs that do not fit the design (wrong kind or length) are InputError.
#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "lab/design.hpp"

namespace lab {

// A point estimate and its 95% interval (NaN when not computed).
struct Interval {
  double estimate = std::numeric_limits<double>::quiet_NaN();
  double lo95 = std::numeric_limits<double>::quiet_NaN();
  double hi95 = std::numeric_limits<double>::quiet_NaN();
};

// The 2.5% and 97.5% points of bootstrap values (linear interpolation between order statistics); NaN when empty.
std::pair<double, double> percentile_interval(std::vector<double> values);

struct SobolIndices {
  std::string factor;
  Interval first_order;  // S_i
  Interval total;        // S_Ti
};

struct SobolResult {
  std::vector<SobolIndices> factors;                           // in design column order
  double variance = std::numeric_limits<double>::quiet_NaN();  // of the outcome over A and B
  std::size_t base_samples = 0;
  std::size_t bootstrap_resamples = 0;
  std::string degenerate;  // empty, or why every index is NaN

  [[nodiscard]] bool defined() const { return degenerate.empty(); }
};

// Sobol indices from the outputs (one per design row) of a Saltelli design.
// S_i by the estimator of Saltelli et al. (2010, Table 2 (b)),
//   V_i = 1/N Σ_j f(B)_j (f(A_B^i)_j - f(A)_j),
// S_Ti by Jansen's (1999),
//   V_Ti = 1/(2N) Σ_j (f(A)_j - f(A_B^i)_j)^2,
// both over V(Y), the variance of the 2N outputs of A and B. Outputs are
// centred on their mean first, which leaves the indices' expectation
// unchanged and stops a large mean from swamping them in rounding and noise.
// Intervals: percentile bootstrap over base samples (the k + 2 rows of a
// base sample move together), resamples keyed by `seed`; 0 resamples leaves
// them NaN. On a Sobol design they are conservative: resampling does not
// know the points were spread evenly.
SobolResult sobol_indices(const Design& design, const Eigen::VectorXd& outputs, std::size_t bootstrap_resamples,
                          std::uint64_t seed);

struct MorrisEffects {
  std::string factor;
  double mu = std::numeric_limits<double>::quiet_NaN();       // mean elementary effect
  double mu_star = std::numeric_limits<double>::quiet_NaN();  // mean |effect| (Campolongo et al. 2007)
  double sigma = std::numeric_limits<double>::quiet_NaN();    // standard deviation (n - 1) of the effects
  std::size_t effects = 0;                                    // finite effects used
};

struct MorrisResult {
  std::vector<MorrisEffects> factors;  // in design column order
  std::string degenerate;              // empty, or which factors have no finite effect

  [[nodiscard]] bool defined() const { return degenerate.empty(); }
};

// Morris statistics from the outputs (one per row) of a Morris design.
// Effects are per unit of the unit cube: (y(x ± Δ e_i) - y(x)) / (±Δ), so
// factors with different ranges compare. A step whose output is not finite
// is skipped; sigma needs two effects.
MorrisResult morris_effects(const Design& design, const Eigen::VectorXd& outputs);

struct ReplicateNoise {
  double share = std::numeric_limits<double>::quiet_NaN();             // within / (within + between)
  double within_variance = std::numeric_limits<double>::quiet_NaN();   // replicate noise
  double between_variance = std::numeric_limits<double>::quiet_NaN();  // of the point means' expectation
  std::size_t points = 0;                                              // design points with a finite output
  std::size_t runs = 0;                                                // finite outputs
  std::string degenerate;                                              // empty, or why the share is NaN

  [[nodiscard]] bool defined() const { return degenerate.empty(); }
};

// The share of the variance of one run's outcome that is replicate noise,
// from a matrix with one row per design point and one column per replicate
// (non-finite entries are runs without that outcome and are left out). A
// one-way random-effects ANOVA, by the method of moments for unequal group
// sizes: within = MS_within, between = max(0, (MS_between - MS_within) / n0),
// with n0 = (n - Σ n_i^2 / n) / (points - 1). Zero for a deterministic model.
ReplicateNoise replicate_noise_share(const Eigen::MatrixXd& outputs_by_point_and_replicate);

}  // namespace lab
