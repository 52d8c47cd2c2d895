// `ppisim run` and `ppisim validate`.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "sim/text.hpp"
#include "cli/summary_table.hpp"
#include "cli/terminal.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "results/output_lock.hpp"
#include "results/results_file.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace cli {
namespace {

sim::Scenario load_checked(const std::string& file, std::vector<std::string> overrides,
                           std::uint64_t max_agents = models::kDefaultMaxAgents) {
  auto scenario = sim::load_scenario(file, models::parameter_registry(), overrides);
  models::check_parameters(scenario.parameters, max_agents);
  return scenario;
}

std::string default_output(const std::string& scenario) {
  return std::filesystem::path(scenario).stem().string() + ".h5";
}

int default_threads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

}  // namespace

int validate_command(const std::string& scenario_file, const std::vector<std::string>& overrides) {
  const auto scenario = load_checked(scenario_file, overrides);
  std::cout << "# Resolved scenario: " << scenario_file;
  for (std::size_t i = 1; i < scenario.chain.size(); ++i) std::cout << " <- " << scenario.chain[i].string();
  std::cout << "\n" << scenario.resolved_yaml();
  std::cerr << scenario_file << ": valid\n";
  return 0;
}

int run_command(const RunOptions& options) {
  // Before any file exists, so a signal at any moment still removes the partial file.
  const auto& stop = install_stop_handlers();
  std::vector<std::string> overrides = options.overrides;
  if (options.seed >= 0) overrides.push_back("seed=" + std::to_string(options.seed));
  if (options.replicates >= 0) overrides.push_back("replicates=" + std::to_string(options.replicates));
  const auto scenario = load_checked(options.scenario, overrides, options.max_agents);
  const auto& parameters = scenario.parameters;

  if (options.print_plan) {
    std::cout << models::build_plan(parameters).describe();
    return 0;
  }
  if (options.threads < 0) throw sim::InputError("--threads must be 0 (all cores) or more");
  const std::string output = options.output.empty() ? default_output(options.scenario) : options.output;
  results::check_output_path(output, options.force);
  const results::OutputLock writing(output);  // one writer per output, from here to the end

  const auto replicates = static_cast<std::uint64_t>(parameters.integer("replicates"));
  const auto base_seed = static_cast<std::uint64_t>(parameters.integer("seed"));
  const int days = models::simulated_days(parameters);
  std::vector<sim::RunRequest> requests;
  for (std::uint64_t r = 0; r < replicates; ++r) requests.push_back({r, sim::replicate_seed(base_seed, r), &parameters});

  const auto& catalog = models::output_catalog();
  const results::RunProvenance provenance{options.command_line, parameters.text("name"), scenario.resolved_yaml(),
                                      base_seed, replicates};
  results::ResultsWriter writer(output, options.force, catalog, models::parameter_registry(), requests.size(), days,
                            provenance);
  std::vector<std::vector<double>> summaries(catalog.summaries().size());

  ProgressBar progress(!options.quiet);
  sim::RunOptions run_options;
  run_options.days = days;
  run_options.threads = options.threads == 0 ? default_threads() : options.threads;
  run_options.stop = &stop;
  run_options.on_progress = [&](double done) { progress.update(done); };
  sim::run_all(requests, models::build_plan, catalog, run_options, [&](sim::RunResult&& result) {
    writer.write(result, parameters);
    for (std::size_t k = 0; k < summaries.size(); ++k) summaries[k].push_back(result.summary[k]);
  });
  writer.commit();
  progress.finish();

  if (!options.quiet) {
    fmt::print("{}: {} replicate{} of {} days, seed {} -> {}\n\n", sim::printable_line(parameters.text("name")), replicates,
               replicates == 1 ? "" : "s", days, base_seed, output);
    fmt::print("{}", format_summary_table(catalog.summaries(), summaries, key_outcomes()));
    fmt::print("\nAll outcomes: ppisim summary {}\n", output);
  }
  return 0;
}

}  // namespace cli
