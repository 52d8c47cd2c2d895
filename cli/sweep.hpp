#pragma once
// What `ppisim sweep` and `ppisim merge` share: an experiment prepared for
// running, one run computed from its number, and the assembly of finished
// runs (from a journal, or from shard files) into the results file, with the
// design and the sensitivity table, so a merge writes what one sweep would.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "lab/experiment.hpp"
#include "models/model.hpp"
#include "lab/sweep_results.hpp"
#include "sim/outputs.hpp"
#include "sim/parameters.hpp"

namespace cli {

struct Sweep {
  lab::Experiment experiment;
  sim::OutputCatalog analytic_catalog;     // used for analytic models
  sim::ParameterRegistry factor_registry;  // analytic models: one number per factor, for /parameters
  int days = 1;

  [[nodiscard]] bool analytic() const { return experiment.analytic.has_value(); }
  [[nodiscard]] const sim::OutputCatalog& catalog() const;
  [[nodiscard]] const sim::ParameterRegistry& registry() const;
  [[nodiscard]] std::size_t series_values() const;
  [[nodiscard]] std::size_t values_per_run() const { return catalog().summaries().size() + series_values(); }
};

// Loads and checks an experiment file, every design point as `ppisim run`
// checks a scenario, populations against `max_agents` (InputError when wrong).
Sweep prepare_sweep(const std::string& experiment_file, std::uint64_t max_agents = models::kDefaultMaxAgents);

// Hash of the experiment file and its resolved base scenario: what shards
// must share to be merged (the binary is checked beside it).
std::uint64_t experiment_fingerprint(const Sweep& sweep);

// Estimated seconds of one run on one thread (a short run, scaled up).
double seconds_per_run(const Sweep& sweep);

// Passes every finished run (number, journal values) to the visitor.
using RunVisitor = std::function<void(std::uint64_t run, std::span<const double> values)>;
using RunSource = std::function<void(const RunVisitor&)>;

// Writes the results file of the whole sweep from its finished runs (every
// run, once at least) and returns the sensitivity table.
std::vector<lab::SensitivityRow> assemble_sweep(const Sweep& sweep, const RunSource& runs, const std::string& command_line,
                                                bool force, const std::string& output);

struct SweepOptions;
// `ppisim sweep --slurm-script`: prints an sbatch job-array script of the sweep's shards and their merge.
int slurm_script(const Sweep& sweep, const SweepOptions& options);

}  // namespace cli
