#pragma once
// Calibration files: which parameters to fit (each with a prior), against
// which observed targets, simulated in which named scenarios, and how (ABC-SMC
// settings). Checked as strictly as scenarios and experiments: every error
// names file:line:column and what was expected. The format is described in
// docs/calibration.md; scenarios/calibration/ holds examples.
//
// A target is a summary outcome of one scenario (the mean over replicates),
// or a risk ratio of two scenarios: risk = 1 - outcome / among (e.g. the share
// of mothers who had stopped breastfeeding by an age, among those who
// started), ratio = risk(treated) / risk(control) per replicate, paired by
// replicate seed, then averaged over replicates. All scenarios of one
// particle share replicate seeds (common random numbers).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lab/abc_smc.hpp"
#include "lab/calibration_models.hpp"
#include "sim/scenario.hpp"

namespace lab {

struct CalibrationScenario {
  std::string name;
  sim::Scenario scenario;  // the base with its overlays applied
  std::vector<std::pair<std::string, sim::ParameterValue>> overlays;
};

struct CalibrationTarget {
  enum class Kind { outcome, risk_ratio };
  std::string name;
  Kind kind = Kind::outcome;
  std::size_t scenario = 0;  // outcome: its scenario; risk_ratio: the treated one
  std::size_t control = 0;   // risk_ratio only
  std::string outcome, among;  // risk_ratio: risk = 1 - outcome / among
  std::size_t outcome_index = 0, among_index = 0;  // in the model's outputs
  double observed = 0.0;
  std::optional<std::pair<double, double>> interval95;  // as given
  double standard_error = 0.0;  // on the comparison scale (log for ratios)

  [[nodiscard]] bool log_scale() const { return kind == Kind::risk_ratio; }
  [[nodiscard]] AbcTarget abc() const { return {name, observed, standard_error, log_scale()}; }
  [[nodiscard]] std::string describe() const;  // "any_bf_6w in usual_care", "risk ratio ..."
};

struct CalibrationParameter {
  std::string name;
  Prior prior;
  const sim::ParameterSpec* spec = nullptr;  // null for a built-in test model
  sim::SourceLocation where;
};

// What the calibration needs to know of the model it runs: its parameters,
// the names of its summary outputs, and the default denominator of risks.
struct CalibrationContext {
  const sim::ParameterRegistry* registry = nullptr;
  std::vector<std::string> outputs;
  std::string risk_among;                  // e.g. "initiation_rate"
  std::vector<std::string> risk_outcomes;  // the outcomes a risk ratio may take (empty: any output)
};

struct Calibration {
  std::filesystem::path file;
  std::string name, description;
  std::optional<CalibrationTestModel> test_model;  // or scenarios of the simulator
  std::vector<CalibrationScenario> scenarios;
  std::vector<CalibrationTarget> targets;
  std::vector<CalibrationParameter> parameters;
  std::size_t population = 500;
  std::size_t replicates = 1;  // per particle and scenario
  double quantile = 0.5;
  StoppingRule stop;
  std::uint64_t seed = 1;
  std::string calibration_yaml;  // the file as given
  std::string resolved_yaml;     // that, the resolved scenarios: the journal's fingerprint

  [[nodiscard]] std::vector<Prior> priors() const;
  [[nodiscard]] std::vector<AbcTarget> abc_targets() const;
  // Scenario `scenario`'s parameters with the particle's values `theta` set.
  [[nodiscard]] sim::ParameterSet parameters_of(std::size_t scenario, const std::vector<double>& theta) const;
  // The targets from the summary outcomes of every scenario and replicate
  // ([scenario][replicate][output]): values and replicate standard errors.
  [[nodiscard]] Simulated evaluate(const std::vector<std::vector<std::vector<double>>>& summaries) const;
};

// The test models need no context; a file naming scenarios needs `context`.
Calibration load_calibration(const std::filesystem::path& file, const CalibrationContext& context);

// The free parameters' names, in order.
std::vector<std::string> parameter_names(const Calibration& calibration);

}  // namespace lab
