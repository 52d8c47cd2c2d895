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

}  // namespace lab
