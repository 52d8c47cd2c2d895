#pragma once
// Experiment files: a base scenario (or a built-in analytic test model),
// factors to vary, a design, replicates and the outcomes to analyse. Checked
// as strictly as scenarios: every error names file:line:column. Sweeps are
// data: an experiment expands to numbered runs, run = point * replicates +
// replicate, each rebuilt on demand from the design, never stored.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lab/design.hpp"
#include "lab/posterior_draws.hpp"
#include "sim/scenario.hpp"

namespace lab {

// One varied input: a parameter (numeric range or levels, or the words of a
// choice), or a named set of scenario overlays (a categorical factor).
struct ExperimentFactor {
  std::string name;     // parameter path, or the overlay factor's own name
  Factor design;        // in the design: a range, or levels 0 .. m-1 for words and overlays
  const sim::ParameterSpec* parameter = nullptr;  // null for overlays
  std::vector<std::string> level_names;      // words of a choice, or overlay names
  std::vector<std::vector<std::pair<std::string, sim::ParameterValue>>> overlays;  // per level
  sim::SourceLocation where;

  [[nodiscard]] bool categorical() const { return !level_names.empty(); }
  // The level name or number a design value stands for, for tables.
  [[nodiscard]] std::string describe_value(double value) const;
};

// A built-in function with known Sobol indices, to check the estimators.
struct AnalyticModel {
  std::string kind;                 // "ishigami" or "g_function"
  double a = 7.0, b = 0.1;          // Ishigami
  std::vector<double> coefficients; // G-function, one per factor
};

// The most runs one sweep may have (design points x replicates), and what
// each costs in memory while it runs and is assembled (journal index, to-do
// list, design point, a few analysed outcomes): about 0.5 GB at the limit.
inline constexpr std::size_t kMaxSweepRuns = 10'000'000;
inline constexpr double kBookkeepingBytesPerRun = 48.0;

struct Experiment {
  std::filesystem::path file;
  std::string name, description;
  std::optional<sim::Scenario> base;          // the scenario every run starts from
  std::optional<AnalyticModel> analytic;  // or a test function
  std::vector<ExperimentFactor> factors;
  Design design;
  std::size_t replicates = 1;  // per design point and posterior draw: replicate r runs seed r at every point and draw
  std::uint64_t seed = 0;
  // `posterior: {file: F, draws: K}`: every design point runs at K posterior
  // draws x `replicates` (common random numbers across draws and points).
  std::optional<PosteriorSample> posterior;
  std::vector<std::string> analyse;  // outcomes for sensitivity analysis
  bool store_timeseries = false;
  std::string experiment_yaml;  // the experiment file as given (YAML)
  std::string resolved_yaml;    // that and the resolved base scenario: the journal's fingerprint

  // Runs are numbered run = (point * draws + draw) * replicates + replicate.
  [[nodiscard]] std::size_t draws() const { return posterior ? posterior->draws() : 1; }
  [[nodiscard]] std::size_t runs_per_point() const { return draws() * replicates; }
  [[nodiscard]] std::size_t runs() const { return design.rows() * runs_per_point(); }
  [[nodiscard]] std::size_t point_of(std::size_t run) const { return run / runs_per_point(); }
  [[nodiscard]] std::size_t draw_of(std::size_t run) const { return (run / replicates) % draws(); }
  [[nodiscard]] std::size_t replicate_of(std::size_t run) const { return run % replicates; }
  // Which of its point's runs this is: 0 .. runs_per_point() - 1.
  [[nodiscard]] std::size_t slot_of(std::size_t run) const { return run % runs_per_point(); }
  // The base scenario's parameters with design point `point`'s values applied.
  [[nodiscard]] sim::ParameterSet parameters_at(std::size_t point) const;
  // Those of one run: its point's, and its posterior draw's calibrated values.
  [[nodiscard]] sim::ParameterSet parameters_of_run(std::size_t run) const;
};

Experiment load_experiment(const std::filesystem::path& file, const sim::ParameterRegistry& registry);

}  // namespace lab
