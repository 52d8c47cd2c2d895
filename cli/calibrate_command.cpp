// `ppisim calibrate`: ABC-SMC over a calibration file's free parameters. Each
// particle runs every named scenario for the file's replicates with shared
// replicate seeds (common random numbers); every finished particle is
// appended to OUTPUT.journal at once, so `kill -9` then `--resume` loses
// nothing and gives the same posterior, bit for bit, at any thread count.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/distributed.hpp"
#include "cli/terminal.hpp"
#include "lab/abc_smc.hpp"
#include "lab/calibration_file.hpp"
#include "lab/calibration_results.hpp"
#include "lab/journal.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "results/results_file.hpp"
#include "sim/simulation.hpp"
#include "sim/text.hpp"
#include "sim/version.hpp"

namespace cli {
namespace {

namespace fs = std::filesystem;

// The model's one definition of the risk in a risk ratio: having stopped
// (any or exclusive) breastfeeding by an age, among mothers who started.
constexpr const char* kRiskAmong = "initiation_rate";

lab::Calibration load(const CalibrateOptions& options) {
  lab::CalibrationContext context;
  context.registry = &models::parameter_registry();
  for (const auto& spec : models::output_catalog().summaries()) context.outputs.push_back(spec.name);
  context.risk_among = kRiskAmong;
  for (const auto& name : context.outputs)
    if (name.starts_with("any_bf_") || name.starts_with("excl_bf_")) context.risk_outcomes.push_back(name);
  auto calibration = lab::load_calibration(options.calibration, context);
  if (options.seed >= 0) calibration.seed = static_cast<std::uint64_t>(options.seed);
  for (const auto& scenario : calibration.scenarios) models::check_parameters(scenario.scenario.parameters);
  return calibration;
}

std::uint64_t fingerprint(const lab::Calibration& calibration) {
  const std::string text = calibration.resolved_yaml + "seed " + std::to_string(calibration.seed) + sim::kVersion + sim::kGitRevision;
  return lab::fnv1a(text.data(), text.size());
}

// The model's checks of several parameters together, for one particle: values
// the priors allow but the model refuses are bad input, not a quiet rejection
// (which would change the prior without saying so).
void check_particle(const lab::Calibration& calibration, std::size_t scenario, const std::vector<double>& theta,
                    const sim::ParameterSet& parameters) {
  try {
    models::check_parameters(parameters);
  } catch (const sim::InputError& error) {
    std::string values;
    for (std::size_t p = 0; p < theta.size(); ++p)
      values += (p ? ", " : "") + calibration.parameters[p].name + " = " + sim::format_number(theta[p]);
    throw sim::InputError(sim::SourceLocation{calibration.file.string(), 0, 0},
                          "a particle drawn from the priors (" + values + ") fails the model's checks in scenario '" +
                              calibration.scenarios[scenario].name + "': " + error.what() + "; narrow the priors");
  }
}

// The simulator as an ABC model: every scenario, every replicate, shared seeds.
lab::AbcModel simulator(const lab::Calibration& calibration, const std::atomic<bool>& stop) {
  if (calibration.test_model) {
    return [&calibration](const std::vector<double>& theta, std::uint64_t seed) {
      const auto outputs = calibration.test_model->simulate(theta, seed);
      lab::Simulated simulated;
      for (const auto& target : calibration.targets) {
        simulated.values.push_back(outputs.values[target.outcome_index]);
        simulated.standard_errors.push_back(std::nan(""));
      }
      return simulated;
    };
  }
  return [&calibration, &stop](const std::vector<double>& theta, std::uint64_t seed) {
    std::vector<std::vector<std::vector<double>>> summaries(calibration.scenarios.size());
    for (std::size_t s = 0; s < calibration.scenarios.size(); ++s) {
      const auto parameters = calibration.parameters_of(s, theta);
      check_particle(calibration, s, theta, parameters);
      for (std::size_t r = 0; r < calibration.replicates; ++r) {
        auto result = sim::run_one(models::build_plan, models::output_catalog(), parameters, sim::replicate_seed(seed, r),
                                   models::simulated_days(parameters), &stop);
        summaries[s].push_back(std::move(result.summary));
      }
    }
    return calibration.evaluate(summaries);
  };
}

// The missing particles of a generation over MPI ranks: rank 0 hands them
// out and journals each as it arrives, then sends the whole generation to
// every rank, so that each builds the same next proposal.
// A signal to any rank stops every rank (Distributed); a worker finishes the
// particle in hand first, since its runs watch this process's own signals.
void distribute(const std::vector<std::size_t>& missing, const std::function<lab::Particle(std::size_t)>& compute,
                const std::function<void(std::size_t, lab::Particle&&)>& deliver, const std::function<void()>& report,
                std::vector<lab::Particle>& particles, std::size_t parameters, std::size_t values,
                const std::atomic<bool>& stop, const std::function<void()>& on_stopping) {
  if (Distributed::rank() == 0) {
    const std::vector<std::uint64_t> todo(missing.begin(), missing.end());
    Distributed::coordinate(
        todo, values,
        [&](std::uint64_t i, std::span<const double> record) { deliver(i, lab::Particle::from_record(record, parameters)); },
        [&](std::uint64_t) { report(); }, stop, on_stopping);
  } else {
    Distributed::work(values, [&](std::uint64_t i, const std::atomic<bool>&) { return compute(i).record(); }, stop);
  }
  std::vector<double> generation(particles.size() * values);
  if (Distributed::rank() == 0)
    for (std::size_t i = 0; i < particles.size(); ++i) {
      const auto record = particles[i].record();
      std::copy(record.begin(), record.end(), generation.begin() + static_cast<std::ptrdiff_t>(i * values));
    }
  Distributed::broadcast(generation);
  for (std::size_t i = 0; i < particles.size(); ++i)
    particles[i] = lab::Particle::from_record(std::span<const double>(generation).subspan(i * values, values), parameters);
}

std::string progress_detail(const lab::AbcProgress& progress, const lab::Calibration& calibration) {
  if (progress.generation == calibration.stop.max_generations)
    return fmt::format("posterior predictive {}/{}", progress.accepted, calibration.population);
  const double acceptance = progress.attempts ? static_cast<double>(progress.accepted) / static_cast<double>(progress.attempts) : 0.0;
  return fmt::format("gen {} tol {}{} | {}/{} accepted, rate {:.3f} | prev ESS {:.0f}", progress.generation,
                     std::isinf(progress.tolerance) ? std::string("inf") : fmt::format("{:.3g}", progress.tolerance),
                     std::isfinite(progress.previous_noise) ? fmt::format(" (noise {:.2g})", progress.previous_noise) : "",
                     progress.accepted, calibration.population, acceptance, progress.previous_ess);
}

void print_posterior(const std::string& output) { fmt::print("{}", lab::format_posterior(lab::read_calibration(output), "table")); }

// What a calibration would do, and what one simulation costs; runs one particle's simulations at the prior medians.
int dry_run(const lab::Calibration& calibration, const lab::AbcModel& model, int threads) {
  fmt::print("calibration {}: {} parameters, {} targets", calibration.name, calibration.parameters.size(), calibration.targets.size());
  if (calibration.test_model)
    fmt::print(", the built-in {} model\n", calibration.test_model->kind);
  else
    fmt::print(", {} scenarios x {} replicates per simulation (shared seeds)\n", calibration.scenarios.size(), calibration.replicates);
  for (const auto& parameter : calibration.parameters)
    fmt::print("  {}: {}{}\n", parameter.name, parameter.prior.describe(),
               parameter.spec && !parameter.spec->unit.empty() ? " (" + parameter.spec->unit + ")" : "");
  fmt::print("targets, each term of the distance (t(simulated) - t(observed)) / s:\n");
  for (const auto& target : calibration.targets) {
    const std::string where = target.kind == lab::CalibrationTarget::Kind::risk_ratio
                                  ? " (" + calibration.scenarios[target.scenario].name + " vs " + calibration.scenarios[target.control].name + ")"
                              : calibration.test_model ? "" : " in " + calibration.scenarios[target.scenario].name;
    const std::string uncertainty = target.interval95 ? fmt::format("95% [{}, {}]", sim::format_number(target.interval95->first),
                                                                    sim::format_number(target.interval95->second))
                                                      : "a standard error";
    fmt::print("  {}: {}{}, observed {} with {}: s = {:.4g}{}\n", target.name, target.describe(), where,
               sim::format_number(target.observed), uncertainty, target.standard_error, target.log_scale() ? " (of the log)" : "");
  }
  fmt::print("abc: population {}, next tolerance the {} quantile; stop at tolerance {}, acceptance below {} or {} generations; seed {}\n",
             calibration.population, sim::format_number(calibration.quantile), sim::format_number(calibration.stop.final_tolerance),
             sim::format_number(calibration.stop.min_acceptance), calibration.stop.max_generations, calibration.seed);
  std::vector<double> medians;
  for (const auto& parameter : calibration.parameters) medians.push_back(parameter.prior.quantile(0.5));
  const auto start = std::chrono::steady_clock::now();
  (void)model(medians, calibration.seed);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double generation = seconds * static_cast<double>(calibration.population) / threads;
  fmt::print("one simulation at the prior medians: {:.3g} s; generation 0 ({} simulations) on {} thread{}: about {:.0f} s; "
             "each later generation about that divided by its acceptance rate\n",
             seconds, calibration.population, threads, threads == 1 ? "" : "s", generation);
  return 0;
}

}  // namespace

int calibrate_command(const CalibrateOptions& options) {
  const auto& stop = install_stop_handlers();
  if (options.threads < 0) throw sim::InputError("--threads must be 0 (all cores) or more");
  const auto calibration = load(options);  // every rank reads the same file and fails alike
  const std::size_t d = calibration.parameters.size(), m = calibration.targets.size(), n = calibration.population;
  const std::uint64_t values = lab::Particle::kRecordHead + d + m;
  lab::AbcSettings settings;
  settings.population = n;
  settings.quantile = calibration.quantile;
  settings.stop = calibration.stop;
  settings.seed = calibration.seed;
  settings.threads = options.threads == 0 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : options.threads;
  settings.interrupt = &stop;
  const std::string output = options.output.empty() ? fs::path(options.calibration).stem().string() + ".h5" : options.output;
  // mpirun kills its ranks about a second after passing a signal on: say how to resume as soon as stopping starts.
  const auto announce_resume = [&] {
    fmt::print(stderr, "ppisim: stopping every rank; finish the calibration with: mpirun ... ppisim calibrate {} -o {} --resume\n",
               options.calibration, output);
  };
  if (Distributed::active())
    settings.distribute = [&](const std::vector<std::size_t>& missing, const std::function<lab::Particle(std::size_t)>& compute,
                              const std::function<void(std::size_t, lab::Particle&&)>& deliver, const std::function<void()>& report,
                              std::vector<lab::Particle>& particles) {
      distribute(missing, compute, deliver, report, particles, d, values, stop, announce_resume);
    };
  const auto model = simulator(calibration, stop);
  if (options.dry_run) return Distributed::rank() == 0 ? dry_run(calibration, model, settings.threads) : 0;
  if (Distributed::active() && Distributed::rank() != 0) {
    (void)lab::run_abc_smc(calibration.priors(), calibration.abc_targets(), model, settings);  // files are rank 0's alone
    return 0;
  }
  const fs::path journal_path = output + ".journal";
  // Generations 0 .. max_generations - 1, then the posterior predictive as generation max_generations.
  const std::uint64_t runs = (calibration.stop.max_generations + 1) * n;
  std::optional<lab::RunJournal> journal;
  try {
    results::check_output_path(output, options.force);
    if (options.force && !options.resume) {
      std::error_code ignored;
      fs::remove(journal_path, ignored);
    }
    std::error_code unreadable;  // an unreadable journal is reported when it is opened
    journal.emplace(options.resume && fs::exists(journal_path, unreadable)
                        ? lab::RunJournal::resume(journal_path, fingerprint(calibration), runs, values)
                        : lab::RunJournal::create(journal_path, fingerprint(calibration), runs, values));
  } catch (const sim::InputError& error) {
    if (!Distributed::active()) throw;
    // Only rank 0 knows: the other ranks are waiting for work, so end them all.
    fmt::print(stderr, "ppisim: error: {}\n", sim::printable_line(error.what()));
    Distributed::abort(static_cast<int>(sim::ExitCode::bad_input));
  }
  std::map<std::uint64_t, lab::Particle> recorded;
  journal->for_each([&](std::uint64_t run, std::span<const double> record) { recorded[run] = lab::Particle::from_record(record, d); });
  if (!options.quiet && !recorded.empty())
    fmt::print(stderr, "resuming: {} particles already done\n", recorded.size());
  settings.recorded = [&](std::size_t g, std::size_t i) -> std::optional<lab::Particle> {
    const auto found = recorded.find(g * n + i);
    return found == recorded.end() ? std::nullopt : std::optional<lab::Particle>(found->second);
  };
  auto last_sync = std::chrono::steady_clock::now();
  settings.record = [&](std::size_t g, std::size_t i, const lab::Particle& particle) {
    journal->append(g * n + i, particle.record());
    if (const auto now = std::chrono::steady_clock::now(); now - last_sync > std::chrono::seconds(1)) {
      journal->sync();  // durable against power loss every second
      last_sync = now;
    }
  };
  ProgressBar progress(!options.quiet);
  settings.progress = [&](const lab::AbcProgress& report) {
    const double within = static_cast<double>(report.accepted) / static_cast<double>(n);
    const double generations = static_cast<double>(calibration.stop.max_generations + 1);
    progress.update(std::min(1.0, (static_cast<double>(report.generation) + within) / generations), progress_detail(report, calibration));
  };
  lab::AbcResult result;
  try {
    result = lab::run_abc_smc(calibration.priors(), calibration.abc_targets(), model, settings);
  } catch (const sim::Interrupted&) {
    journal->sync();
    progress.finish();
    fmt::print(stderr, "\nppisim: calibration interrupted after {} particles; finish it with: ppisim calibrate {} -o {} --resume\n",
               journal->done_count(), options.calibration, output);
    return static_cast<int>(sim::ExitCode::interrupted);
  }
  journal->sync();
  progress.finish();

  const results::RunProvenance provenance{options.command_line, calibration.name, std::string{}, calibration.seed,
                                          calibration.replicates, "calibration", calibration.calibration_yaml, false};
  const sim::OutputCatalog no_outputs;
  const sim::ParameterRegistry no_parameters;
  results::ResultsWriter writer(output, options.force, no_outputs, no_parameters, 0, 0, provenance);
  lab::write_calibration(writer.root(), calibration, result);
  writer.commit();
  journal->remove();
  if (!options.quiet) print_posterior(output);
  return 0;
}

}  // namespace cli
