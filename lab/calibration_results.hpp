#pragma once
// A calibration's own group in its results file (layout in
// docs/calibration.md): every generation's particles, weights and distances,
// the acceptance, ESS, tolerance and timing of each, the posterior and its
// predictive simulations; written, read and summarised here. The results
// store writes the file's provenance and renames it into place.
#include <hdf5.h>

#include <Eigen/Dense>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lab/abc_smc.hpp"
#include "lab/calibration_file.hpp"

namespace lab {

void write_calibration(hid_t root, const Calibration& calibration, const AbcResult& result);

struct PosteriorContents {
  std::map<std::string, std::string> attributes;  // of /calibration
  std::vector<std::string> parameters, priors, units;
  std::vector<std::string> targets, target_descriptions;
  std::vector<double> observed, standard_error, lo95, hi95;  // lo95/hi95 NaN when a standard error was given
  std::vector<std::uint64_t> log_scale;                       // 1: standard_error is of the log
  std::vector<double> tolerance, acceptance_rate, ess, seconds, replicate_noise;  // per generation
  std::vector<std::uint64_t> attempts;
  Eigen::MatrixXd theta;       // posterior particles x parameters
  std::vector<double> weights;
  Eigen::MatrixXd predictive;  // posterior particles x targets
};

// True when `path` is a calibration's results file.
bool is_calibration_file(const std::filesystem::path& path);
PosteriorContents read_calibration(const std::filesystem::path& path);

// What `ppisim summary` prints: "table", "csv" or "json".
std::string format_posterior(const PosteriorContents& contents, const std::string& format);

// K posterior particles by systematic resampling of the weights (one keyed
// uniform from `seed`): each particle about K w_i times, a pure function of
// the weights, K and the seed.
std::vector<std::size_t> draw_particles(const std::vector<double>& weights, std::size_t draws, std::uint64_t seed);

// A run over posterior draws: which draw each run used (/runs/draw), which
// particle each draw is (/posterior_draws/particle) and its parameters.
void write_posterior_draws(hid_t root, const std::filesystem::path& posterior, const PosteriorContents& contents,
                           const std::vector<std::size_t>& particles, const std::vector<std::uint64_t>& draw_of_run);
struct RunDraws {
  std::vector<std::uint64_t> draw_of_run;  // empty: not a run over posterior draws
  std::string posterior_file;
  std::size_t draws = 0;
};
RunDraws read_run_draws(const std::filesystem::path& path);

// Outcomes of runs over K posterior draws x R replicates: the mean, where 95%
// of runs fall (parameter and replicate uncertainty together), the 95% range
// of the draws' replicate means (parameter uncertainty), and the shares of
// the variance of one run from each (one-way random-effects ANOVA).
struct PosteriorOutcome {
  double mean, lo95, hi95, parameter_lo95, parameter_hi95, parameter_share, replicate_share;
};
PosteriorOutcome summarise_posterior_outcome(const std::vector<double>& values, const std::vector<std::uint64_t>& draw_of_run,
                                             std::size_t draws);

}  // namespace lab
