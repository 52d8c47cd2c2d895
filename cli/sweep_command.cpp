// `ppisim sweep`: an experiment's runs spread over threads, each finished run
// appended to a journal at once (so a killed sweep loses nothing it
// finished and `--resume` runs only what is missing), then assembled into
// one results file with the design and the sensitivity indices; or, with
// --shard I/N, a 1/N of its runs into a shard file for `ppisim merge`.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "cli/commands.hpp"
#include "cli/sweep.hpp"
#include "cli/distributed.hpp"
#include "cli/terminal.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "lab/experiment.hpp"
#include "lab/journal.hpp"
#include "results/output_lock.hpp"
#include "results/results_file.hpp"
#include "lab/sweep_results.hpp"
#include "lab/sweep_shard.hpp"
#include "sim/simulation.hpp"
#include "lab/test_functions.hpp"
#include "sim/text.hpp"
#include "sim/version.hpp"

namespace cli {

const sim::OutputCatalog& Sweep::catalog() const { return analytic() ? analytic_catalog : models::output_catalog(); }
const sim::ParameterRegistry& Sweep::registry() const {
  return analytic() ? factor_registry : models::parameter_registry();
}
std::size_t Sweep::series_values() const {
  return experiment.store_timeseries ? catalog().series().size() * static_cast<std::size_t>(days) : 0;
}

namespace {

namespace fs = std::filesystem;
using Row = lab::SensitivityRow;

constexpr std::size_t kBootstrapResamples = 1000;

void check_outcomes(const Sweep& sweep) {
  std::vector<std::string> known;
  for (const auto& spec : sweep.catalog().summaries()) known.push_back(spec.name);
  for (const auto& outcome : sweep.experiment.analyse)
    if (std::find(known.begin(), known.end(), outcome) == known.end()) {
      const auto suggestion = sim::closest_match(outcome, known);
      throw sim::InputError(sim::SourceLocation{sweep.experiment.file.string(), 0, 0},
                            "key 'analyse': unknown outcome '" + outcome + "'" +
                                (suggestion ? "; did you mean '" + *suggestion + "'?" : ""));
    }
}

void check_analytic(const lab::Experiment& experiment) {
  const auto& model = *experiment.analytic;
  const std::size_t k = experiment.factors.size();
  const sim::SourceLocation where{experiment.file.string(), 0, 0};
  if (model.kind == "ishigami" && k != 3)
    throw sim::InputError(where, "the ishigami model takes exactly three factors (x1, x2, x3 on [-pi, pi])");
  if (model.kind == "g_function" && model.coefficients.size() != k)
    throw sim::InputError(where, "the g_function model needs one coefficient per factor (" + std::to_string(k) + ")");
}

// Every design point passes the checks `ppisim run` makes (horizon, agents,
// localities targeted...) before anything runs or is written: a point that
// would give NaN outcomes, or a population past the limit, is bad input.
void check_every_point(const lab::Experiment& experiment, std::uint64_t max_agents) {
  for (std::size_t point = 0; point < experiment.design.rows(); ++point) {
    try {
      models::check_parameters(experiment.parameters_at(point), max_agents);
    } catch (const sim::InputError& error) {
      std::string values;
      for (std::size_t f = 0; f < experiment.factors.size(); ++f)
        values += (values.empty() ? "" : ", ") + experiment.factors[f].name + " = " +
                  experiment.factors[f].describe_value(
                      experiment.design.values(static_cast<Eigen::Index>(point), static_cast<Eigen::Index>(f)));
      throw sim::InputError(error.where(), fmt::format("design point {} ({}): {}", point, values, error.message()));
    }
  }
}

// A journal belongs to one experiment, binary and shard: resuming with any other is refused.
std::uint64_t journal_fingerprint(const Sweep& sweep, const std::optional<lab::Shard>& shard) {
  std::string text = sweep.experiment.resolved_yaml + sim::kVersion + sim::kGitRevision;
  if (shard) text += "shard " + shard->name();
  return lab::fnv1a(text.data(), text.size());
}

std::vector<double> values_of(const sim::RunResult& result, const Sweep& sweep) {
  std::vector<double> values = result.summary;
  if (sweep.experiment.store_timeseries) values.insert(values.end(), result.series.begin(), result.series.end());
  return values;
}

double analytic_output(const Sweep& sweep, std::size_t point) {
  const auto& model = *sweep.experiment.analytic;
  const Eigen::RowVectorXd x = sweep.experiment.design.values.row(static_cast<Eigen::Index>(point));
  if (model.kind == "ishigami") return lab::IshigamiFunction(model.a, model.b)(x[0], x[1], x[2]);
  return lab::SobolGFunction(model.coefficients)(x);
}

std::string progress_detail(std::uint64_t done, std::uint64_t total, double seconds, std::uint64_t done_at_start) {
  const double rate = seconds > 0 ? static_cast<double>(done - done_at_start) / seconds : 0.0;
  return fmt::format("{}/{} runs, {:.1f} runs/s", done, total, rate);
}

// One run's journal values, computed from nothing but its number.
std::vector<double> compute_run(const Sweep& sweep, std::uint64_t run, const std::atomic<bool>* stop) {
  const auto& experiment = sweep.experiment;
  if (sweep.analytic()) return {analytic_output(sweep, experiment.point_of(run))};
  const auto replicate = experiment.replicate_of(run);
  const auto parameters = experiment.parameters_of_run(run);
  auto result = sim::run_one(models::build_plan, sweep.catalog(), parameters, sim::replicate_seed(experiment.seed, replicate),
                             models::simulated_days(parameters), stop);
  return values_of(result, sweep);
}

// The runs this process completes: the whole sweep's, or its shard's.
std::uint64_t runs_to_do(const Sweep& sweep, const std::optional<lab::Shard>& shard) {
  return shard ? shard->runs_of(sweep.experiment.runs()) : sweep.experiment.runs();
}

// Those of them the journal does not hold yet.
std::vector<std::uint64_t> missing_runs(const Sweep& sweep, const lab::RunJournal& journal,
                                        const std::optional<lab::Shard>& shard) {
  std::vector<std::uint64_t> todo;
  for (std::uint64_t run = 0; run < sweep.experiment.runs(); ++run)
    if ((!shard || shard->contains(run)) && !journal.done(run)) todo.push_back(run);
  return todo;
}

// Rank 0 hands out the missing runs and journals results; the others compute.
void run_missing_distributed(const Sweep& sweep, lab::RunJournal* journal, const std::vector<std::uint64_t>& todo,
                             std::uint64_t total, const SweepOptions& options, const std::atomic<bool>& stop,
                             const std::string& resume) {
  if (Distributed::rank() != 0) {
    Distributed::work(
        sweep.values_per_run(), [&](std::uint64_t run, const std::atomic<bool>& halt) { return compute_run(sweep, run, &halt); },
        stop);
    return;
  }
  // mpirun's output is rarely a terminal: progress as a line now and then.
  ProgressBar progress(!options.quiet, ProgressBar::Style::lines_unless_terminal);
  const auto start = std::chrono::steady_clock::now();
  const auto done_at_start = journal->done_count();
  Distributed::coordinate(
      todo, sweep.values_per_run(), [&](std::uint64_t run, std::span<const double> values) { journal->append(run, values); },
      [&](std::uint64_t) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        progress.update(static_cast<double>(journal->done_count()) / static_cast<double>(total),
                        progress_detail(journal->done_count(), total, seconds, done_at_start) +
                            fmt::format(" on {} ranks", Distributed::size()));
      },
      stop,
      [&] {
        progress.finish();
        fmt::print(stderr, "\nppisim: stopping every rank; the journal keeps every finished run: {}\n", resume);
        std::fflush(stderr);
      });
  journal->sync();
  progress.finish();
}

void run_missing(const Sweep& sweep, lab::RunJournal& journal, const std::vector<std::uint64_t>& todo, std::uint64_t total,
                 const SweepOptions& options, const std::atomic<bool>& stop) {
  const auto& experiment = sweep.experiment;
  ProgressBar progress(!options.quiet);
  const auto start = std::chrono::steady_clock::now();
  const auto done_at_start = journal.done_count();
  auto last_sync = start;
  const auto record = [&](std::uint64_t run, const std::vector<double>& values) {
    journal.append(run, values);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_sync > std::chrono::seconds(1)) {  // durable against power loss every second
      journal.sync();
      last_sync = now;
    }
  };
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  if (sweep.analytic()) {
    for (const auto run : todo) {
      if (stop.load()) throw sim::Interrupted();
      record(run, compute_run(sweep, run, nullptr));
    }
  } else {
    const auto make_job = [&](std::size_t position) {
      const std::size_t run = todo[position];
      const auto replicate = experiment.replicate_of(run);
      auto parameters = std::make_shared<const sim::ParameterSet>(experiment.parameters_of_run(run));
      const int days = models::simulated_days(*parameters);
      return sim::RunJob{run, replicate, sim::replicate_seed(experiment.seed, replicate), std::move(parameters), days};
    };
    sim::RunOptions run_options;
    run_options.threads = options.threads == 0 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : options.threads;
    run_options.stop = &stop;
    run_options.on_progress = [&](double) {
      const auto done = journal.done_count();
      progress.update(static_cast<double>(done) / static_cast<double>(total), progress_detail(done, total, elapsed(), done_at_start));
    };
    sim::run_jobs(todo.size(), make_job, models::build_plan, sweep.catalog(), run_options,
                  [&](sim::RunResult&& result, const sim::ParameterSet&) { record(result.run_index, values_of(result, sweep)); });
  }
  journal.sync();
  progress.finish();
}

// The parameters a run used, as its row of /parameters records them.
sim::ParameterSet parameters_of_run(const Sweep& sweep, std::uint64_t run) {
  const auto point = sweep.experiment.point_of(run);
  if (!sweep.analytic()) return sweep.experiment.parameters_of_run(run);
  sim::ParameterSet parameters(sweep.factor_registry);
  for (std::size_t f = 0; f < sweep.experiment.factors.size(); ++f)
    parameters.set(sweep.experiment.factors[f].name,
                   sweep.experiment.design.values(static_cast<Eigen::Index>(point), static_cast<Eigen::Index>(f)), {});
  return parameters;
}

// A finished run as the results writer takes it, from its number and journal values.
sim::RunResult result_of(const Sweep& sweep, std::uint64_t run, std::span<const double> values) {
  const auto& experiment = sweep.experiment;
  const std::size_t summaries = sweep.catalog().summaries().size();
  sim::RunResult result;
  result.run_index = run;
  result.replicate = experiment.replicate_of(run);
  result.seed = sim::replicate_seed(experiment.seed, result.replicate);
  result.days = sweep.days;
  result.summary.assign(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(summaries));
  result.series.assign(values.begin() + static_cast<std::ptrdiff_t>(summaries), values.end());
  return result;
}

// "R replicates", or "K posterior draws x R replicates".
std::string runs_per_point_text(const lab::Experiment& experiment) {
  const auto replicates = fmt::format("{} replicates", experiment.replicates);
  return experiment.posterior ? fmt::format("{} posterior draws x {}", experiment.draws(), replicates) : replicates;
}

// A sweep over posterior draws records which draw each of its runs (or its shard's) used, as `ppisim run --posterior` does.
void write_posterior_draws(const Sweep& sweep, results::ResultsWriter& writer, const std::optional<lab::Shard>& shard) {
  const auto& experiment = sweep.experiment;
  if (!experiment.posterior) return;
  const std::uint64_t rows = shard ? shard->runs_of(experiment.runs()) : experiment.runs();
  std::vector<std::uint64_t> draw_of_run(rows);
  for (std::uint64_t run = 0; run < experiment.runs(); ++run)
    if (!shard || shard->contains(run)) draw_of_run[shard ? shard->row_of(run) : run] = experiment.draw_of(run);
  const auto& sample = *experiment.posterior;
  lab::write_posterior_draws(writer.root(), sample.file, sample.contents, sample.particles, draw_of_run);
}

results::RunProvenance provenance_of(const Sweep& sweep, const std::string& command_line, const std::string& kind) {
  const auto& experiment = sweep.experiment;
  return {command_line,
          experiment.name,
          experiment.base ? experiment.base->resolved_yaml() : std::string{},
          experiment.seed,
          experiment.replicates,
          kind,
          experiment.experiment_yaml,
          experiment.store_timeseries};
}

// The journal of a shard into its shard file: its runs in order, marked
// with the shard and the experiment's fingerprint for `ppisim merge`.
void write_shard(const Sweep& sweep, const lab::Shard& shard, const lab::RunJournal& journal, const SweepOptions& options,
                 const std::string& output) {
  const std::uint64_t rows = shard.runs_of(sweep.experiment.runs());
  results::ResultsWriter writer(output, options.force, sweep.catalog(), sweep.registry(), rows, sweep.days,
                                provenance_of(sweep, options.command_line, "shard"));
  std::vector<std::uint64_t> points(rows);
  journal.for_each([&](std::uint64_t run, std::span<const double> values) {
    auto result = result_of(sweep, run, values);
    result.run_index = shard.row_of(run);
    const auto point = sweep.experiment.point_of(run);
    points[result.run_index] = point;
    writer.write(result, parameters_of_run(sweep, run));
  });
  write_posterior_draws(sweep, writer, shard);
  const lab::ShardInfo info{output, shard, experiment_fingerprint(sweep),
                            fs::absolute(options.experiment).lexically_normal().string(), sim::kVersion,
                            sim::kGitRevision, sweep.experiment.runs()};
  lab::write_shard_attributes(writer.root(), info, points);
  writer.commit();
}

int dry_run(const Sweep& sweep, const SweepOptions& options) {
  const auto& experiment = sweep.experiment;
  const int threads = options.threads == 0 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : options.threads;
  fmt::print("experiment {}: {} design, {} points x {} = {} runs\n", sim::printable_line(experiment.name),
             lab::design_kind_name(experiment.design.kind), experiment.design.rows(), runs_per_point_text(experiment), experiment.runs());
  for (const auto& factor : experiment.factors) {
    if (factor.categorical()) {
      std::string levels;
      for (const auto& level : factor.level_names) levels += (levels.empty() ? "" : ", ") + level;
      fmt::print("  {}: one of {}\n", sim::printable_line(factor.name), sim::printable_line(levels));
    } else if (factor.design.discrete()) {
      std::string levels;
      for (const double level : factor.design.levels) levels += (levels.empty() ? "" : ", ") + sim::format_number(level);
      fmt::print("  {}: one of {}\n", factor.name, levels);
    } else {
      fmt::print("  {}: uniform on [{}, {}]\n", factor.name, sim::format_number(factor.design.low),
                 sim::format_number(factor.design.high));
    }
  }
  const double estimate = seconds_per_run(sweep) * static_cast<double>(experiment.runs()) / threads;
  fmt::print("analyse: {}\nstore: {}\nestimated time on {} thread{}: {:.0f} s ({:.1f} h)\n",
             fmt::join(experiment.analyse, ", "), experiment.store_timeseries ? "timeseries" : "summary", threads,
             threads == 1 ? "" : "s", estimate, estimate / 3600.0);
  return 0;
}

// --shard I/N, or else a Slurm job array's task (SLURM_ARRAY_TASK_ID among
// SLURM_ARRAY_TASK_MIN..MAX, in steps of SLURM_ARRAY_TASK_STEP); "none"
// ignores Slurm's variables.
std::optional<lab::Shard> shard_of(const SweepOptions& options) {
  if (options.shard == "none") return std::nullopt;
  if (!options.shard.empty()) return lab::parse_shard(options.shard, "--shard");
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  const char* max = std::getenv("SLURM_ARRAY_TASK_MAX");
  if (!id || !min || !max) return std::nullopt;
  const char* step_text = std::getenv("SLURM_ARRAY_TASK_STEP");
  const char* count_text = std::getenv("SLURM_ARRAY_TASK_COUNT");
  const auto number = [](const char* text, const char* name) {
    try {
      std::size_t used = 0;
      const long long value = std::stoll(text, &used);
      if (used == std::string_view(text).size() && value >= 0) return static_cast<std::uint64_t>(value);
    } catch (const std::exception&) {
    }
    throw sim::InputError(sim::SourceLocation{name, 0, 0}, std::string("expected a whole number, got '") + text +
                                                               "'; give the shard with --shard I/N instead");
  };
  const auto task = number(id, "SLURM_ARRAY_TASK_ID"), first = number(min, "SLURM_ARRAY_TASK_MIN"),
             last = number(max, "SLURM_ARRAY_TASK_MAX"), step = step_text ? number(step_text, "SLURM_ARRAY_TASK_STEP") : 1;
  const auto count = count_text ? number(count_text, "SLURM_ARRAY_TASK_COUNT")
                                : (last >= first && step > 0 ? (last - first) / step + 1 : 0);
  if (step == 0 || task < first || (task - first) % step != 0)
    throw sim::InputError(sim::SourceLocation{"SLURM_ARRAY_TASK_ID", 0, 0},
                          "task " + std::to_string(task) + " is not one of the array's; give the shard with --shard I/N");
  return lab::parse_shard(std::to_string((task - first) / step + 1) + "/" + std::to_string(count),
                          "SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT");
}

std::string default_output(const SweepOptions& options, const std::optional<lab::Shard>& shard) {
  const std::string stem = fs::path(options.experiment).stem().string();
  return shard ? stem + ".part-" + std::to_string(shard->index) + ".h5" : stem + ".h5";
}

std::string resume_command(const SweepOptions& options, const std::optional<lab::Shard>& shard, const std::string& output) {
  return fmt::format("{}ppisim sweep {} -o {}{} --resume", Distributed::active() ? "mpirun ... " : "",
                     shell_quote(options.experiment), shell_quote(output), shard ? " --shard " + shard->name() : std::string{});
}

}  // namespace

Sweep prepare_sweep(const std::string& experiment_file, std::uint64_t max_agents) {
  Sweep sweep{lab::load_experiment(experiment_file, models::parameter_registry()), {}, {}, 1};
  auto& experiment = sweep.experiment;
  if (sweep.analytic()) {
    check_analytic(experiment);
    sweep.analytic_catalog.add_summary({"y", "1", "Output of the analytic test function"});
    for (const auto& factor : experiment.factors)
      sweep.factor_registry.add({.path = factor.name, .kind = sim::ParameterKind::real, .default_value = 0.0,
                                 .unit = "1", .min = -1e300, .max = 1e300, .description = "Factor of the test function"});
    if (experiment.store_timeseries)
      throw sim::InputError(sim::SourceLocation{experiment.file.string(), 0, 0}, "an analytic model has no time series to store");
  } else {
    models::check_parameters(experiment.base->parameters, max_agents);
    check_every_point(experiment, max_agents);
    sweep.days = models::simulated_days(experiment.base->parameters);
    for (const auto& factor : experiment.factors)
      if (factor.name == "horizon" && experiment.store_timeseries)
        throw sim::InputError(factor.where, "a sweep that varies the horizon can store summaries only (store: summary)");
  }
  check_outcomes(sweep);
  return sweep;
}

std::uint64_t experiment_fingerprint(const Sweep& sweep) {
  return lab::fnv1a(sweep.experiment.resolved_yaml.data(), sweep.experiment.resolved_yaml.size());
}

double seconds_per_run(const Sweep& sweep) {
  if (sweep.analytic()) return 1e-6;
  const auto parameters = sweep.experiment.parameters_at(0);
  const int days = std::min(models::simulated_days(parameters), 400);  // a short run, scaled up
  const auto start = std::chrono::steady_clock::now();
  (void)sim::run_one(models::build_plan, sweep.catalog(), parameters, 1, days);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return seconds * models::simulated_days(parameters) / days;
}

std::vector<Row> assemble_sweep(const Sweep& sweep, const RunSource& runs, const std::string& command_line, bool force,
                                const std::string& output) {
  const auto& experiment = sweep.experiment;
  const auto& catalog = sweep.catalog();
  results::ResultsWriter writer(output, force, catalog, sweep.registry(), experiment.runs(), sweep.days,
                                provenance_of(sweep, command_line, "sweep"));
  std::vector<std::size_t> analysed;
  for (const auto& name : experiment.analyse) analysed.push_back(catalog.summary_index(name));
  std::vector<Eigen::MatrixXd> by_point(analysed.size(), Eigen::MatrixXd::Constant(
      static_cast<Eigen::Index>(experiment.design.rows()), static_cast<Eigen::Index>(experiment.runs_per_point()), std::nan("")));
  std::vector<std::uint64_t> points(experiment.runs());
  runs([&](std::uint64_t run, std::span<const double> values) {
    const auto result = result_of(sweep, run, values);
    const auto point = experiment.point_of(run);
    points[run] = point;
    writer.write(result, parameters_of_run(sweep, run));
    for (std::size_t a = 0; a < analysed.size(); ++a)
      by_point[a](static_cast<Eigen::Index>(point), static_cast<Eigen::Index>(experiment.slot_of(run))) = result.summary[analysed[a]];
  });
  lab::write_design(writer.root(), experiment, points);
  write_posterior_draws(sweep, writer, std::nullopt);
  std::vector<Row> rows;
  for (std::size_t a = 0; a < analysed.size(); ++a) {
    auto outcome_rows = lab::analyse_outcome(experiment, experiment.analyse[a], by_point[a], kBootstrapResamples);
    rows.insert(rows.end(), outcome_rows.begin(), outcome_rows.end());
  }
  lab::write_sensitivity(writer.root(), rows);
  writer.commit();
  return rows;
}

int sweep_command(const SweepOptions& options) {
  const auto& stop = install_stop_handlers();
  const Sweep sweep = prepare_sweep(options.experiment, options.max_agents);
  if (options.dry_run) return Distributed::rank() == 0 ? dry_run(sweep, options) : 0;
  if (options.slurm_script) return Distributed::rank() == 0 ? slurm_script(sweep, options) : 0;
  const auto shard = shard_of(options);
  if (Distributed::active() && Distributed::rank() != 0) {
    try {
      run_missing_distributed(sweep, nullptr, {}, 0, options, stop, {});  // files are rank 0's alone
    } catch (const sim::Interrupted&) {
      return static_cast<int>(sim::ExitCode::interrupted);  // rank 0 says so, and how to resume
    }
    return 0;
  }
  if (options.threads < 0) throw sim::InputError("--threads must be 0 (all cores) or more");
  const std::string output = options.output.empty() ? default_output(options, shard) : options.output;
  results::check_output_path(output, options.force);
  const results::OutputLock writing(output);  // one writer per output: before its journal is touched
  const fs::path journal_path = output + ".journal";
  const auto& experiment = sweep.experiment;
  if (options.force && !options.resume) {
    lab::RunJournal::check_not_in_use(journal_path);  // --force discards an interrupted sweep, never a running one
    std::error_code ignored;
    fs::remove(journal_path, ignored);
  }
  const auto fingerprint = journal_fingerprint(sweep, shard);
  std::error_code unreadable;  // an unreadable journal is reported when it is opened
  auto journal = options.resume && fs::exists(journal_path, unreadable)
                     ? lab::RunJournal::resume(journal_path, fingerprint, experiment.runs(), sweep.values_per_run())
                     : lab::RunJournal::create(journal_path, fingerprint, experiment.runs(), sweep.values_per_run());
  const std::uint64_t total = runs_to_do(sweep, shard);
  if (!options.quiet && shard)
    fmt::print(stderr, "shard {}{}: {} of the {} runs\n", shard->name(), options.shard.empty() ? " (from Slurm's SLURM_ARRAY_TASK_*)" : "",
               total, experiment.runs());
  if (!options.quiet && journal.done_count() > 0)
    fmt::print(stderr, "resuming: {} of {} runs already done\n", journal.done_count(), total);
  try {
    const auto todo = missing_runs(sweep, journal, shard);
    if (Distributed::active())
      run_missing_distributed(sweep, &journal, todo, total, options, stop, resume_command(options, shard, output));
    else
      run_missing(sweep, journal, todo, total, options, stop);
  } catch (const sim::Interrupted&) {
    journal.sync();
    fmt::print(stderr, "\nppisim: sweep interrupted after {} of {} runs; finish it with: {}\n", journal.done_count(), total,
               resume_command(options, shard, output));
    return static_cast<int>(sim::ExitCode::interrupted);
  }
  if (shard) {
    write_shard(sweep, *shard, journal, options, output);
    journal.remove();
    if (!options.quiet)
      fmt::print("{}: shard {}, {} of {} runs -> {}\nwhen all {} shards are done: ppisim merge PART.h5... -o {}.h5\n",
                 experiment.name, shard->name(), total, experiment.runs(), output, shard->count,
                 fs::path(options.experiment).stem().string());
    return 0;
  }
  const auto rows = assemble_sweep(sweep, [&](const RunVisitor& visit) { journal.for_each(visit); }, options.command_line,
                                   options.force, output);
  journal.remove();
  if (!options.quiet) {
    fmt::print("{}: {} runs ({} design points x {}) -> {}\n\n", sim::printable_line(experiment.name), experiment.runs(),
               experiment.design.rows(), runs_per_point_text(experiment), output);
    fmt::print("{}", lab::format_sensitivity(rows));
  }
  return 0;
}

}  // namespace cli
