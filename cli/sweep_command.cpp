// `ppisim sweep`: an experiment's runs spread over threads, each finished run
// appended to a journal at once (so a killed sweep loses nothing it
// finished and `--resume` runs only what is missing), then assembled into
// one results file with the design and the sensitivity indices.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "cli/commands.hpp"
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
#include "sim/simulation.hpp"
#include "lab/test_functions.hpp"
#include "sim/text.hpp"
#include "sim/version.hpp"

namespace cli {
namespace {

namespace fs = std::filesystem;
using Row = lab::SensitivityRow;

constexpr std::size_t kBootstrapResamples = 1000;

struct Sweep {
  lab::Experiment experiment;
  sim::OutputCatalog analytic_catalog;  // used for analytic models
  sim::ParameterRegistry factor_registry;  // analytic models: one number per factor, for /parameters
  int days = 1;

  [[nodiscard]] bool analytic() const { return experiment.analytic.has_value(); }
  [[nodiscard]] const sim::OutputCatalog& catalog() const { return analytic() ? analytic_catalog : models::output_catalog(); }
  [[nodiscard]] const sim::ParameterRegistry& registry() const {
    return analytic() ? factor_registry : models::parameter_registry();
  }
  [[nodiscard]] std::size_t series_values() const {
    return experiment.store_timeseries ? catalog().series().size() * static_cast<std::size_t>(days) : 0;
  }
  [[nodiscard]] std::size_t values_per_run() const { return catalog().summaries().size() + series_values(); }
};

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

Sweep prepare(const SweepOptions& options) {
  Sweep sweep{lab::load_experiment(options.experiment, models::parameter_registry()), {}, {}, 1};
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
    models::check_parameters(experiment.base->parameters, options.max_agents);
    check_every_point(experiment, options.max_agents);
    sweep.days = models::simulated_days(experiment.base->parameters);
    for (const auto& factor : experiment.factors)
      if (factor.name == "horizon" && experiment.store_timeseries)
        throw sim::InputError(factor.where, "a sweep that varies the horizon can store summaries only (store: summary)");
  }
  check_outcomes(sweep);
  return sweep;
}

std::uint64_t fingerprint(const Sweep& sweep) {
  const std::string text = sweep.experiment.resolved_yaml + sim::kVersion + sim::kGitRevision;
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
std::vector<double> compute_run(const Sweep& sweep, std::uint64_t run) {
  const auto& experiment = sweep.experiment;
  if (sweep.analytic()) return {analytic_output(sweep, experiment.point_of(run))};
  const auto replicate = experiment.replicate_of(run);
  const auto parameters = experiment.parameters_at(experiment.point_of(run));
  auto result = sim::run_one(models::build_plan, sweep.catalog(), parameters, sim::replicate_seed(experiment.seed, replicate),
                             models::simulated_days(parameters));
  return values_of(result, sweep);
}

// Rank 0 hands out the missing runs and journals results; the others compute.
void run_missing_distributed(const Sweep& sweep, lab::RunJournal* journal, const SweepOptions& options) {
  if (Distributed::rank() != 0) {
    Distributed::work(sweep.values_per_run(), [&](std::uint64_t run) { return compute_run(sweep, run); });
    return;
  }
  std::vector<std::uint64_t> todo;
  for (std::uint64_t run = 0; run < sweep.experiment.runs(); ++run)
    if (!journal->done(run)) todo.push_back(run);
  ProgressBar progress(!options.quiet);
  Distributed::coordinate(
      todo, sweep.values_per_run(), [&](std::uint64_t run, std::span<const double> values) { journal->append(run, values); },
      [&](std::uint64_t) {
        progress.update(static_cast<double>(journal->done_count()) / static_cast<double>(sweep.experiment.runs()),
                        fmt::format("{}/{} runs on {} ranks", journal->done_count(), sweep.experiment.runs(), Distributed::size()));
      });
  journal->sync();
  progress.finish();
}

void run_missing(const Sweep& sweep, lab::RunJournal& journal, const SweepOptions& options,
                 const std::atomic<bool>& stop) {
  const auto& experiment = sweep.experiment;
  std::vector<std::size_t> todo;
  for (std::size_t run = 0; run < experiment.runs(); ++run)
    if (!journal.done(run)) todo.push_back(run);
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
      record(run, compute_run(sweep, run));
    }
  } else {
    const auto make_job = [&](std::size_t position) {
      const std::size_t run = todo[position];
      const auto replicate = experiment.replicate_of(run);
      auto parameters = std::make_shared<const sim::ParameterSet>(experiment.parameters_at(experiment.point_of(run)));
      const int days = models::simulated_days(*parameters);
      return sim::RunJob{run, replicate, sim::replicate_seed(experiment.seed, replicate), std::move(parameters), days};
    };
    sim::RunOptions run_options;
    run_options.threads = options.threads == 0 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : options.threads;
    run_options.stop = &stop;
    run_options.on_progress = [&](double) {
      const auto done = journal.done_count();
      progress.update(static_cast<double>(done) / static_cast<double>(experiment.runs()),
                      progress_detail(done, experiment.runs(), elapsed(), done_at_start));
    };
    sim::run_jobs(todo.size(), make_job, models::build_plan, sweep.catalog(), run_options,
                  [&](sim::RunResult&& result, const sim::ParameterSet&) { record(result.run_index, values_of(result, sweep)); });
  }
  journal.sync();
  progress.finish();
}

sim::ParameterSet parameters_of_point(const Sweep& sweep, std::size_t point) {
  if (!sweep.analytic()) return sweep.experiment.parameters_at(point);
  sim::ParameterSet parameters(sweep.factor_registry);
  for (std::size_t f = 0; f < sweep.experiment.factors.size(); ++f)
    parameters.set(sweep.experiment.factors[f].name,
                   sweep.experiment.design.values(static_cast<Eigen::Index>(point), static_cast<Eigen::Index>(f)), {});
  return parameters;
}

// Reads the journal into the results file; returns the sensitivity table.
std::vector<Row> assemble(const Sweep& sweep, const lab::RunJournal& journal, const SweepOptions& options,
                          const std::string& output) {
  const auto& experiment = sweep.experiment;
  const auto& catalog = sweep.catalog();
  results::RunProvenance provenance{options.command_line,     experiment.name,
                                experiment.base ? experiment.base->resolved_yaml() : std::string{},
                                experiment.seed,          experiment.replicates, "sweep",
                                experiment.experiment_yaml, experiment.store_timeseries};
  results::ResultsWriter writer(output, options.force, catalog, sweep.registry(), experiment.runs(), sweep.days, provenance);
  std::vector<std::size_t> analysed;
  for (const auto& name : experiment.analyse) analysed.push_back(catalog.summary_index(name));
  std::vector<Eigen::MatrixXd> by_point(analysed.size(), Eigen::MatrixXd::Constant(
      static_cast<Eigen::Index>(experiment.design.rows()), static_cast<Eigen::Index>(experiment.replicates), std::nan("")));
  std::vector<std::uint64_t> points(experiment.runs());
  const std::size_t summaries = catalog.summaries().size();
  journal.for_each([&](std::uint64_t run, std::span<const double> values) {
    sim::RunResult result;
    result.run_index = run;
    result.replicate = experiment.replicate_of(run);
    result.seed = sim::replicate_seed(experiment.seed, result.replicate);
    result.days = sweep.days;
    result.summary.assign(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(summaries));
    result.series.assign(values.begin() + static_cast<std::ptrdiff_t>(summaries), values.end());
    const auto point = experiment.point_of(run);
    points[run] = point;
    writer.write(result, parameters_of_point(sweep, point));
    for (std::size_t a = 0; a < analysed.size(); ++a)
      by_point[a](static_cast<Eigen::Index>(point), static_cast<Eigen::Index>(result.replicate)) = result.summary[analysed[a]];
  });
  lab::write_design(writer.root(), experiment, points);
  std::vector<Row> rows;
  for (std::size_t a = 0; a < analysed.size(); ++a) {
    auto outcome_rows = lab::analyse_outcome(experiment, experiment.analyse[a], by_point[a], kBootstrapResamples);
    rows.insert(rows.end(), outcome_rows.begin(), outcome_rows.end());
  }
  lab::write_sensitivity(writer.root(), rows);
  writer.commit();
  return rows;
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

int dry_run(const Sweep& sweep, const SweepOptions& options) {
  const auto& experiment = sweep.experiment;
  const int threads = options.threads == 0 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : options.threads;
  fmt::print("experiment {}: {} design, {} points x {} replicates = {} runs\n", sim::printable_line(experiment.name),
             lab::design_kind_name(experiment.design.kind), experiment.design.rows(), experiment.replicates, experiment.runs());
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

}  // namespace

int sweep_command(const SweepOptions& options) {
  const auto& stop = install_stop_handlers();
  const Sweep sweep = prepare(options);
  if (options.dry_run) return Distributed::rank() == 0 ? dry_run(sweep, options) : 0;
  if (Distributed::active() && Distributed::rank() != 0) {
    run_missing_distributed(sweep, nullptr, options);  // files are rank 0's alone
    return 0;
  }
  if (options.threads < 0) throw sim::InputError("--threads must be 0 (all cores) or more");
  const std::string output = options.output.empty() ? fs::path(options.experiment).stem().string() + ".h5" : options.output;
  results::check_output_path(output, options.force);
  const results::OutputLock writing(output);  // one writer per output: before its journal is touched
  const fs::path journal_path = output + ".journal";
  const auto& experiment = sweep.experiment;
  if (options.force && !options.resume) {
    lab::RunJournal::check_not_in_use(journal_path);  // --force discards an interrupted sweep, never a running one
    std::error_code ignored;
    fs::remove(journal_path, ignored);
  }
  std::error_code unreadable;  // an unreadable journal is reported when it is opened
  auto journal = options.resume && fs::exists(journal_path, unreadable)
                     ? lab::RunJournal::resume(journal_path, fingerprint(sweep), experiment.runs(), sweep.values_per_run())
                     : lab::RunJournal::create(journal_path, fingerprint(sweep), experiment.runs(), sweep.values_per_run());
  if (!options.quiet && journal.done_count() > 0)
    fmt::print(stderr, "resuming: {} of {} runs already done\n", journal.done_count(), experiment.runs());
  try {
    if (Distributed::active())
      run_missing_distributed(sweep, &journal, options);
    else
      run_missing(sweep, journal, options, stop);
  } catch (const sim::Interrupted&) {
    journal.sync();
    fmt::print(stderr, "\nppisim: sweep interrupted after {} of {} runs; finish it with: ppisim sweep {} -o {} --resume\n",
               journal.done_count(), experiment.runs(), options.experiment, output);
    return static_cast<int>(sim::ExitCode::interrupted);
  }
  const auto rows = assemble(sweep, journal, options, output);
  journal.remove();
  if (!options.quiet) {
    fmt::print("{}: {} runs ({} design points x {} replicates) -> {}\n\n", sim::printable_line(experiment.name), experiment.runs(),
               experiment.design.rows(), experiment.replicates, output);
    fmt::print("{}", lab::format_sensitivity(rows));
  }
  return 0;
}

}  // namespace cli
