#pragma once
// Approximate Bayesian computation by sequential Monte Carlo: population
// Monte Carlo (Beaumont, Cornuet, Marin & Robert 2009, Biometrika 96:983)
// with tolerances chosen adaptively as a quantile of the previous
// generation's distances (in the manner of Del Moral, Doucet & Jasra 2012,
// Stat Comput 22:1009). The model is any function from parameters to
// simulated target values; this file knows nothing about what it simulates.
//
// Generation 0 draws the population from the prior and accepts it all.
// Generation g > 0 has tolerance eps_g = max(final tolerance, the
// `quantile`-quantile of generation g-1's distances); each particle picks an
// ancestor by weight, perturbs it with a multivariate normal kernel whose
// covariance is twice the previous population's weighted covariance, and is
// simulated until its distance is at most eps_g. Its importance weight is
// prior(theta) / sum_j w_j K(theta | theta_j).
//
// Determinism: particle i of generation g is a pure function of (seed, g, i)
// and generation g-1: its attempts k = 0, 1, ... draw from keyed streams
// (seed, stream = k, agent = i, day = g) and simulate with a seed derived
// from (seed, g, i, k). Particles are computed in any order on any number of
// threads and give the same bits.
#include <Eigen/Dense>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lab/priors.hpp"

namespace lab {

// An observed target and how far a simulation may be from it. Distances
// compare t(simulated) with t(observed), t = log for ratio targets, in units
// of `scale`, the observation's standard error on that scale.
struct AbcTarget {
  std::string name;
  double observed = 0.0;
  double scale = 1.0;
  bool log_scale = false;
};

// What one simulation of a parameter vector says about each target.
struct Simulated {
  std::vector<double> values;           // one per target (NaN: undefined, never accepted)
  std::vector<double> standard_errors;  // their replicate standard errors (NaN with one replicate)
};

// Simulates parameters `theta` (one per prior, in order); every random number
// keyed by `seed`.
using AbcModel = std::function<Simulated(const std::vector<double>& theta, std::uint64_t seed)>;

struct Particle {
  std::vector<double> theta;
  std::vector<double> simulated;
  double distance = 0.0;
  double noise = 0.0;          // replicate standard error of the distance terms, in distance units
  std::uint64_t attempts = 0;  // proposals made, those outside the prior included
  bool accepted = false;       // false: gave up after the attempt limit

  // As numbers, for journals and messages: accepted, attempts, distance,
  // noise, then theta and the simulated targets (kRecordHead + d + m values).
  static constexpr std::size_t kRecordHead = 4;
  [[nodiscard]] std::vector<double> record() const;
  static Particle from_record(std::span<const double> values, std::size_t parameters);
};

struct Generation {
  double tolerance = 0.0;  // +inf for generation 0
  std::vector<Particle> particles;
  std::vector<double> weights;  // normalised
  std::uint64_t attempts = 0;
  double acceptance_rate = 0.0;
  double ess = 0.0;  // effective sample size, 1 / sum w^2
  double seconds = 0.0;
  bool complete = false;  // every particle accepted within the attempt limit
};

struct StoppingRule {
  double final_tolerance = 0.0;     // stop once a generation's tolerance is at most this
  double min_acceptance = 0.01;     // stop once a generation's acceptance rate is below this
  std::size_t max_generations = 10;  // generation 0 included
};

struct AbcProgress {
  std::size_t generation = 0;
  double tolerance = 0.0;
  std::size_t accepted = 0;  // particles of this generation done so far
  std::uint64_t attempts = 0;
  double previous_ess = 0.0;
  double previous_acceptance = 1.0;
  double previous_noise = 0.0;  // median replicate noise of the previous generation's distances (NaN: not measured)
};

struct AbcSettings {
  std::size_t population = 500;
  double quantile = 0.5;  // of the previous distances: the next tolerance
  StoppingRule stop;
  std::uint64_t seed = 1;
  int threads = 1;
  const std::atomic<bool>* interrupt = nullptr;  // raised: throw sim::Interrupted between attempts
  // A particle already computed (from a journal), or nothing; generation
  // `max_generations` holds the posterior-predictive simulations.
  std::function<std::optional<Particle>(std::size_t generation, std::size_t particle)> recorded;
  // Each newly computed particle, called one at a time (under a lock).
  std::function<void(std::size_t generation, std::size_t particle, const Particle&)> record;
  // Called from the calling thread about five times a second.
  std::function<void(const AbcProgress&)> progress;
  // Null: the missing particles of a generation are computed on `threads`
  // threads. Otherwise they are computed elsewhere (MPI ranks): it must call
  // compute(i) somewhere for every i in `missing`, deliver(i, particle) on
  // this process (one at a time; then report() may show progress), and leave
  // `particles` (the generation, with the recorded ones already in place) the
  // same on every process.
  std::function<void(const std::vector<std::size_t>& missing, const std::function<Particle(std::size_t)>& compute,
                     const std::function<void(std::size_t, Particle&&)>& deliver, const std::function<void()>& report,
                     std::vector<Particle>& particles)>
      distribute;
};

struct AbcResult {
  std::vector<Generation> generations;  // the last complete one is the posterior
  std::string stop_reason;
  // One fresh simulation per posterior particle (seeds unlike any attempt's):
  // the posterior predictive distribution of each target, weighted as the posterior.
  std::vector<std::vector<double>> predictive;  // [particle][target]

  [[nodiscard]] const Generation& posterior() const;
};

// The attempt limit per particle: a particle that needs more gives up, and
// with it the generation (its acceptance rate is then below min_acceptance
// but for a chance of about e^-20).
std::uint64_t attempt_limit(const StoppingRule& rule);

// The standardised distance of `simulated` from the targets, and the
// replicate noise of it: sqrt(sum ((t(sim) - t(obs)) / scale)^2) and
// sqrt(sum (se_t / scale)^2).
double abc_distance(const std::vector<AbcTarget>& targets, const std::vector<double>& simulated);
double abc_noise(const std::vector<AbcTarget>& targets, const Simulated& simulated);

AbcResult run_abc_smc(const std::vector<Prior>& priors, const std::vector<AbcTarget>& targets, const AbcModel& model,
                      const AbcSettings& settings);

// Weighted summaries of a population (weights normalised).
Eigen::MatrixXd particle_matrix(const Generation& generation);  // particles x parameters
double weighted_quantile(std::vector<double> values, std::vector<double> weights, double q);
Eigen::VectorXd weighted_mean(const Eigen::MatrixXd& values, const std::vector<double>& weights);
Eigen::MatrixXd weighted_covariance(const Eigen::MatrixXd& values, const std::vector<double>& weights);
double effective_sample_size(const std::vector<double>& weights);
// The median of a generation's replicate noise, over particles where it was measured (NaN: nowhere).
double median_noise(const Generation& generation);

// A 95% interval as the standard error of the scale it is compared on:
// (hi - lo) / (2 x 1.959964), of log(hi) - log(lo) for ratios.
double standard_error_of_interval(double low, double high, bool log_scale);

}  // namespace lab
