// `ppisim run` and `ppisim validate`.
#include <fmt/format.h>

#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/distributed.hpp"
#include "sim/text.hpp"
#include "cli/summary_table.hpp"
#include "cli/terminal.hpp"
#include "lab/calibration_results.hpp"
#include "lab/posterior_draws.hpp"
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

// `--knockout NAME` is `--set mechanisms.NAME=false`, with its own message for an unknown name.
std::vector<std::string> with_knockouts(std::vector<std::string> overrides, const std::vector<std::string>& knockouts) {
  const auto& registry = models::parameter_registry();
  for (const auto& name : knockouts) {
    if (!registry.find_mechanism(name))
      throw sim::InputError(sim::SourceLocation{"--knockout " + name, 0, 0}, sim::unknown_mechanism(registry, name));
    overrides.push_back(sim::mechanism_switch(name) + "=false");
  }
  return overrides;
}

std::string default_output(const std::string& scenario) {
  return std::filesystem::path(scenario).stem().string() + ".h5";
}

int default_threads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

// One replicate's summaries and then its daily series, as a worker rank sends them.
std::vector<double> replicate_values(const sim::ParameterSet& parameters, std::uint64_t base_seed, std::uint64_t replicate,
                                     int days, const std::atomic<bool>& stop) {
  auto result = sim::run_one(models::build_plan, models::output_catalog(), parameters,
                             sim::replicate_seed(base_seed, replicate), days, &stop);
  std::vector<double> values = std::move(result.summary);
  values.insert(values.end(), result.series.begin(), result.series.end());
  return values;
}

std::size_t values_per_replicate(int days) {
  const auto& catalog = models::output_catalog();
  return catalog.summaries().size() + catalog.series().size() * static_cast<std::size_t>(days);
}

// A worker rank of `mpirun ppisim run`: computes the replicates rank 0 hands it.
int compute_replicates(const sim::ParameterSet& parameters, std::uint64_t base_seed, int days,
                       const std::atomic<bool>& stop) {
  try {
    Distributed::work(
        values_per_replicate(days),
        [&](std::uint64_t replicate, const std::atomic<bool>& halt) {
          return replicate_values(parameters, base_seed, replicate, days, halt);
        },
        stop);
  } catch (const sim::Interrupted&) {
    return static_cast<int>(sim::ExitCode::interrupted);  // rank 0 says so
  }
  return 0;
}

// Rank 0 of `mpirun ppisim run`: replicate 0 (the one whose agents the file
// keeps, as a run on one machine does) on a thread here, the others on the
// other ranks; rank 0 alone writes. Returns the summaries [outcome][replicate].
std::vector<std::vector<double>> write_replicates_from_ranks(results::ResultsWriter& writer,
                                                             const sim::ParameterSet& parameters, std::uint64_t replicates,
                                                             std::uint64_t base_seed, int days,
                                                             const RunOptions& options, const std::atomic<bool>& stop) {
  const auto& catalog = models::output_catalog();
  const std::size_t summary_count = catalog.summaries().size();
  auto first = std::async(std::launch::async, [&] {
    auto result = sim::run_one(models::build_plan, catalog, parameters, sim::replicate_seed(base_seed, 0), days, &stop,
                               nullptr, true);
    result.run_index = 0;
    result.replicate = 0;
    return result;
  });
  std::vector<std::uint64_t> others;
  for (std::uint64_t r = 1; r < replicates; ++r) others.push_back(r);
  std::vector<std::vector<double>> summaries(summary_count, std::vector<double>(replicates));
  const auto keep = [&](const sim::RunResult& result) {
    writer.write(result, parameters);
    for (std::size_t k = 0; k < summary_count; ++k) summaries[k][result.replicate] = result.summary[k];
  };
  ProgressBar progress(!options.quiet, ProgressBar::Style::lines_unless_terminal);
  try {
    Distributed::coordinate(
        others, values_per_replicate(days),
        [&](std::uint64_t replicate, std::span<const double> values) {
          sim::RunResult result;
          result.run_index = replicate;
          result.replicate = replicate;
          result.seed = sim::replicate_seed(base_seed, replicate);
          result.days = days;
          result.summary.assign(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(summary_count));
          result.series.assign(values.begin() + static_cast<std::ptrdiff_t>(summary_count), values.end());
          keep(result);
        },
        [&](std::uint64_t done) {
          progress.update(static_cast<double>(done) / static_cast<double>(replicates),
                          fmt::format("{}/{} replicates on {} ranks", done, replicates, Distributed::size()));
        },
        stop, [] {});
  } catch (...) {
    request_stop();  // another rank's signal stops replicate 0 here too
    first.wait();
    throw;
  }
  keep(first.get());
  progress.finish();
  return summaries;
}

// A run over posterior draws: the scenario's parameters with each draw's calibrated values set.
struct PosteriorDraws {
  lab::PosteriorSample sample;
  std::vector<sim::ParameterSet> parameters;
};

PosteriorDraws posterior_draws(const sim::ParameterSet& scenario, const RunOptions& options, std::uint64_t seed) {
  const sim::SourceLocation where{"--posterior", 0, 0};
  const auto draws = options.draws > 0 ? static_cast<std::size_t>(options.draws) : lab::kDefaultPosteriorDraws;
  PosteriorDraws result{lab::sample_posterior(options.posterior, draws, seed, models::parameter_registry(), where), {}};
  for (std::size_t draw = 0; draw < result.sample.draws(); ++draw) {
    sim::ParameterSet set = scenario;
    result.sample.apply(set, draw, where);
    models::check_parameters(set, options.max_agents);
    result.parameters.push_back(std::move(set));
  }
  return result;
}

}  // namespace

int validate_command(const std::string& scenario_file, const std::vector<std::string>& overrides,
                     const std::vector<std::string>& knockouts) {
  const auto scenario = load_checked(scenario_file, with_knockouts(overrides, knockouts));
  std::cout << "# Resolved scenario: " << scenario_file;
  for (std::size_t i = 1; i < scenario.chain.size(); ++i) std::cout << " <- " << scenario.chain[i].string();
  std::cout << "\n" << scenario.resolved_yaml();
  std::cerr << scenario_file << ": valid\n";
  return 0;
}

int run_command(const RunOptions& options) {
  // Before any file exists, so a signal at any moment still removes the partial file.
  const auto& stop = install_stop_handlers();
  std::vector<std::string> overrides = with_knockouts(options.overrides, options.knockouts);
  if (options.seed >= 0) overrides.push_back("seed=" + std::to_string(options.seed));
  if (options.replicates >= 0) overrides.push_back("replicates=" + std::to_string(options.replicates));
  const auto scenario = load_checked(options.scenario, overrides, options.max_agents);
  const auto& parameters = scenario.parameters;

  if (options.print_plan) {
    if (Distributed::rank() == 0) std::cout << models::build_plan(parameters).describe();
    return 0;
  }
  if (options.threads < 0) throw sim::InputError("--threads must be 0 (all cores) or more");
  const std::string output = options.output.empty() ? default_output(options.scenario) : options.output;
  std::optional<results::OutputLock> writing;  // one writer per output, from here to the end
  if (Distributed::rank() == 0) {  // files are rank 0's alone
    results::check_output_path(output, options.force);
    writing.emplace(output);
  }

  const auto replicates = static_cast<std::uint64_t>(parameters.integer("replicates"));
  const auto base_seed = static_cast<std::uint64_t>(parameters.integer("seed"));
  const int days = models::simulated_days(parameters);
  if (options.posterior.empty() && options.draws > 0) throw sim::InputError("--draws needs --posterior FILE");
  // Without a posterior, one "draw": the scenario itself. Every draw runs the same replicate seeds (common random numbers).
  const auto posterior = options.posterior.empty() ? std::optional<PosteriorDraws>() : posterior_draws(parameters, options, base_seed);
  const std::vector<sim::ParameterSet> single{parameters};
  const auto& draw_parameters = posterior ? posterior->parameters : single;
  std::vector<sim::RunRequest> requests;
  std::vector<std::uint64_t> draw_of_run;
  for (std::size_t k = 0; k < draw_parameters.size(); ++k)
    for (std::uint64_t r = 0; r < replicates; ++r) {
      requests.push_back({r, sim::replicate_seed(base_seed, r), &draw_parameters[k]});
      draw_of_run.push_back(k);
    }

  const auto& catalog = models::output_catalog();
  const results::RunProvenance provenance{options.command_line, parameters.text("name"), scenario.resolved_yaml(),
                                      base_seed, replicates};
  std::vector<std::vector<double>> summaries(catalog.summaries().size());
  if (Distributed::active()) {
    if (posterior) throw sim::InputError("--posterior under mpirun is not available yet: run it on one machine, with --threads");
    if (Distributed::rank() != 0) return compute_replicates(parameters, base_seed, days, stop);
    results::ResultsWriter writer(output, options.force, catalog, models::parameter_registry(), replicates, days,
                                  provenance);
    summaries = write_replicates_from_ranks(writer, parameters, replicates, base_seed, days, options, stop);
    writer.commit();
  } else {
    // The file's datasets are made while the first runs simulate (a town run's whole process
    // spent about a fifth of its time making them before any run began).
    std::optional<results::ResultsWriter> writer;
    ProgressBar progress(!options.quiet);
    sim::RunOptions run_options;
    run_options.days = days;
    run_options.threads = options.threads == 0 ? default_threads() : options.threads;
    run_options.stop = &stop;
    run_options.on_progress = [&](double done) { progress.update(done); };
    run_options.alongside_first_runs = [&] {
      writer.emplace(output, options.force, catalog, models::parameter_registry(), requests.size(), days, provenance);
    };
    sim::run_all(requests, models::build_plan, catalog, run_options, [&](sim::RunResult&& result) {
      writer->write(result, draw_parameters[draw_of_run[result.run_index]]);
      for (std::size_t k = 0; k < summaries.size(); ++k) summaries[k].push_back(result.summary[k]);
    });
    if (posterior)
      lab::write_posterior_draws(writer->root(), posterior->sample.file, posterior->sample.contents, posterior->sample.particles, draw_of_run);
    writer->commit();
    progress.finish();
  }

  if (!options.quiet) {
    fmt::print("{}: {} replicate{} of {} days, seed {}{} -> {}\n\n", sim::printable_line(parameters.text("name")), replicates,
               replicates == 1 ? "" : "s", days, base_seed,
               posterior ? fmt::format(", at each of {} posterior draws from {}", draw_parameters.size(), posterior->sample.file.string()) : "", output);
    if (posterior)
      fmt::print("{}", format_posterior_run_table(catalog.summaries(), summaries, draw_of_run, draw_parameters.size(), key_outcomes()));
    else
      fmt::print("{}", format_summary_table(catalog.summaries(), summaries, key_outcomes()));
    fmt::print("\nAll outcomes: ppisim summary {}\n", output);
  }
  return 0;
}

}  // namespace cli
