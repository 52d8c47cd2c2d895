#pragma once
// Posterior draws for runs and sweeps: K particles of a calibration's
// posterior (systematic resampling of its weights), each a set of calibrated
// parameter values to lay over a scenario. `ppisim run --posterior` and an
// experiment's `posterior:` both read a posterior through here, so both
// refuse the same files for the same reasons and draw the same particles.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lab/calibration_results.hpp"
#include "sim/parameters.hpp"

namespace lab {

// The word that names the shipped UK calibration (scenarios/calibration/uk_trials.h5).
inline constexpr const char* kDefaultPosterior = "default";
// Draws when none are asked for (`ppisim run --draws`, an experiment's `posterior.draws`).
inline constexpr std::size_t kDefaultPosteriorDraws = 20;

// `given` as a path: "default" is the shipped posterior of this source tree.
std::filesystem::path resolve_posterior_path(const std::string& given);

struct PosteriorSample {
  std::filesystem::path file;
  PosteriorContents contents;
  std::vector<std::size_t> particles;               // the particle of each draw
  std::vector<const sim::ParameterSpec*> parameters;  // the calibrated parameters, in the file's order

  [[nodiscard]] std::size_t draws() const { return particles.size(); }
  [[nodiscard]] double value(std::size_t draw, std::size_t parameter) const;
  // `parameters` with draw `draw`'s calibrated values set (located at `where` if one is refused).
  void apply(sim::ParameterSet& parameters, std::size_t draw, const sim::SourceLocation& where) const;
  // The draws' values as text, for a journal's fingerprint: a changed posterior file is a different experiment.
  [[nodiscard]] std::string describe() const;
};

// Reads `file` (a path, or "default") and draws `draws` particles with `seed`.
// Refused, located at `where`: no such file, not a posterior, a built-in test
// model's posterior, a parameter this ppisim lacks, a draw outside its range.
PosteriorSample sample_posterior(const std::string& file, std::size_t draws, std::uint64_t seed,
                                 const sim::ParameterRegistry& registry, const sim::SourceLocation& where);

}  // namespace lab
