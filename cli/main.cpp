// ppisim: the command line. Exit codes: 0 success, 1 runtime failure,
// 2 bad input or usage, 130 interrupted (SIGINT/SIGTERM).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <filesystem>

#include "cli/classroom_server.hpp"
#include "cli/commands.hpp"
#include "cli/distributed.hpp"
#include "cli/participatory_file.hpp"
#include "cli/terminal.hpp"
#include "sim/errors.hpp"
#include "sim/simulation.hpp"
#include "sim/text.hpp"
#include "sim/version.hpp"

namespace {

constexpr int kUsage = static_cast<int>(sim::ExitCode::bad_input);

// `-o ""` would otherwise fall back to the default name without a word.
const CLI::Validator kFileName(
    [](std::string& name) { return name.empty() ? std::string("expected a file name, got an empty one") : std::string(); },
    "FILE");

int dispatch(int argc, char** argv) {
  CLI::App app{"ppisim: agent-based simulator of the peer-professional interface in breastfeeding peer support"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("ppisim {} (revision {})", sim::kVersion, sim::kGitRevision));
  app.footer("Exit codes: 0 success, 1 runtime failure, 2 bad input or usage, 130 interrupted.");

  cli::RunOptions run;
  run.command_line = cli::join_command_line(argc, argv);
  auto* run_app = app.add_subcommand("run", "Run a scenario's replicates and write an HDF5 results file");
  run_app->add_option("scenario", run.scenario, "Scenario YAML file")->required();
  run_app->add_option("-o,--output", run.output, "Results file (default: the scenario file's stem + .h5, here)")
      ->check(kFileName);
  run_app->add_option("--replicates", run.replicates, "Replicate runs (overrides the scenario)")->check(CLI::Range(1LL, 1'000'000LL));
  run_app->add_option("--seed", run.seed, "Base random seed (overrides the scenario)")
      ->check(CLI::Range(0LL, 9007199254740992LL));
  run_app->add_option("--threads", run.threads, "Worker threads (default 0: all cores)")->check(CLI::Range(0, 4096));
  run_app->add_option("--set", run.overrides, "Override a parameter: path=value (repeatable)");
  run_app->add_option("--knockout", run.knockouts, "Switch a mechanism off, for ablation studies (repeatable; "
                                                   "'ppisim mechanisms' lists them)");
  run_app->add_flag("--force", run.force, "Overwrite an existing results file");
  run_app->add_flag("--quiet", run.quiet, "No progress bar and no summary table");
  run_app->add_flag("--print-plan", run.print_plan, "Print the daily order of modules and exit");
  run_app->add_option("--posterior", run.posterior,
                      "A calibration's posterior file (ppisim calibrate), or 'default' for the shipped UK calibration "
                      "(scenarios/calibration/uk_trials.h5): run every replicate at each of --draws posterior draws")
      ->check(kFileName);
  run_app->add_option("--draws", run.draws, "Posterior draws with --posterior (default 20)")->check(CLI::Range(1LL, 100'000LL));
  run_app->add_option("--max-agents", run.max_agents, "Refuse populations of more agents than this at once (default 1000000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000'000}));

  cli::SweepOptions sweep;
  sweep.command_line = run.command_line;
  auto* sweep_app = app.add_subcommand("sweep", "Run an experiment (a design over parameters) and its sensitivity analysis");
  sweep_app->add_option("experiment", sweep.experiment, "Experiment YAML file")->required();
  sweep_app->add_option("-o,--output", sweep.output, "Results file (default: the experiment file's stem + .h5, here)")
      ->check(kFileName);
  sweep_app->add_option("--threads", sweep.threads, "Worker threads (default 0: all cores)")->check(CLI::Range(0, 4096));
  sweep_app->add_flag("--resume", sweep.resume, "Finish an interrupted sweep from its journal (OUTPUT.journal)");
  sweep_app->add_flag("--force", sweep.force, "Overwrite an existing results file, or discard an old journal");
  sweep_app->add_flag("--quiet", sweep.quiet, "No progress bar and no table");
  sweep_app->add_flag("--dry-run", sweep.dry_run, "Print the number of runs, the design and an estimated time; run nothing");
  sweep_app->add_option("--max-agents", sweep.max_agents,
                        "Refuse a design point whose population exceeds this many agents at once (default 1000000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000'000}));
  sweep_app->add_option("--shard", sweep.shard,
                        "Run only shard I of N (I/N, from 1) into a shard file for `ppisim merge`; default: from Slurm's "
                        "SLURM_ARRAY_TASK_ID among SLURM_ARRAY_TASK_MIN..MAX when set (a job array task), else the "
                        "whole sweep; 'none' ignores Slurm's variables")
      ->check(CLI::Validator(
          [](std::string& shard) { return shard.empty() ? std::string("expected a shard as I/N, got an empty one") : std::string(); },
          "I/N"));
  sweep_app->add_flag("--slurm-script", sweep.slurm_script,
                      "Print an sbatch job-array script running the sweep in shards, and their merge as a dependent job");
  sweep_app->add_option("--slurm-tasks", sweep.slurm_tasks,
                        "Array size of --slurm-script (default: from the dry-run estimate, about an hour a task)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));

  cli::MergeOptions merge;
  merge.command_line = run.command_line;
  auto* merge_app = app.add_subcommand("merge", "Join the shard files of one sweep (sweep --shard I/N) into the results "
                                                "file a single sweep would write");
  merge_app->add_option("shards", merge.shards, "Shard files (.h5), every shard of the split once, in any order")->required();
  merge_app->add_option("-o,--output", merge.output, "Results file (default: the experiment file's stem + .h5, here)")
      ->check(kFileName);
  merge_app->add_option("--experiment", merge.experiment,
                        "The experiment file, when it moved since the shards were made (default: the path they record)");
  merge_app->add_flag("--force", merge.force, "Overwrite an existing results file");
  merge_app->add_flag("--quiet", merge.quiet, "No table");

  cli::CalibrateOptions calibrate;
  calibrate.command_line = run.command_line;
  auto* calibrate_app = app.add_subcommand("calibrate", "Fit parameters to observed targets by ABC-SMC and write their posterior");
  calibrate_app->add_option("calibration", calibrate.calibration, "Calibration YAML file")->required();
  calibrate_app->add_option("-o,--output", calibrate.output, "Posterior file (default: the calibration file's stem + .h5, here)")
      ->check(kFileName);
  calibrate_app->add_option("--threads", calibrate.threads, "Worker threads (default 0: all cores)")->check(CLI::Range(0, 4096));
  calibrate_app->add_option("--seed", calibrate.seed, "Random seed (overrides abc.seed)")->check(CLI::Range(0LL, 9007199254740992LL));
  calibrate_app->add_flag("--resume", calibrate.resume, "Finish an interrupted calibration from its journal (OUTPUT.journal)");
  calibrate_app->add_flag("--force", calibrate.force, "Overwrite an existing posterior file, or discard an old journal");
  calibrate_app->add_flag("--quiet", calibrate.quiet, "No progress bar and no posterior table");
  calibrate_app->add_flag("--dry-run", calibrate.dry_run,
                          "Print the priors, targets with their distance scales, settings and the time of one simulation; run nothing");

  cli::DiscoverOptions discover;
  auto* discover_app = app.add_subcommand(
      "discover", "Scenario discovery (PRIM): the boxes of a sweep's factors where design points meet a condition on "
                  "their replicate means; printed and written into the file's /discovery group (replacing any earlier one)");
  discover_app->add_option("sweep", discover.file, "A sweep's results file (.h5, from ppisim sweep)")->required()->check(kFileName);
  discover_app->add_option("--where", discover.where,
                           "The condition: TERM < NUMBER (or <=, >, >=), joined by 'and'; TERM is OUTCOME (the point's "
                           "replicate mean), or with --comparator diff(OUTCOME) or ratio(OUTCOME) (paired by seed), e.g. "
                           "\"ratio(stopped_any_by_6w_among_starters) < 0.85\"")
      ->required();
  discover_app->add_option("--comparator", discover.comparator,
                           "The comparator scenario's results file (ppisim run with the sweep's seed and replicates), "
                           "for diff() and ratio()")
      ->check(kFileName);
  discover_app->add_option("--min-coverage", discover.min_coverage,
                           "Each box covers at least this share of the cases (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  discover_app->add_option("--max-boxes", discover.max_boxes, "Boxes sought one after another (default 3)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100}));
  discover_app->add_option("--max-restricted", discover.max_restricted, "Factors a box may restrict (default: any number)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}));
  discover_app->add_option("--bootstrap", discover.bootstrap,
                           "Bootstrap resamples of the design points for the 95% intervals (default 200)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{100'000}));
  discover_app->add_option("--seed", discover.seed, "Seed of the bootstrap (default 1)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{9007199254740992}));

  std::vector<std::string> report_files;
  std::string report_output, report_title, report_baseline;
  auto* report_app = app.add_subcommand("report", "Write one self-contained HTML report of results files, led by the "
                                                  "decision: each option against the comparator (the first file, or --baseline)");
  report_app->add_option("results", report_files, "Results files (.h5)")->required();
  report_app->add_option("-o,--output", report_output, "HTML file (default: the first results file with .html)")
      ->check(kFileName);
  report_app->add_option("--title", report_title, "Report title");
  report_app->add_option("--baseline", report_baseline, "The comparator every other file is compared with (default: the first)")
      ->check(kFileName);

  std::string validate_file;
  std::vector<std::string> validate_overrides, validate_knockouts;
  auto* validate_app = app.add_subcommand("validate", "Check a scenario and print it fully resolved; runs nothing");
  validate_app->add_option("scenario", validate_file, "Scenario YAML file")->required();
  validate_app->add_option("--set", validate_overrides, "Override a parameter: path=value (repeatable)");
  validate_app->add_option("--knockout", validate_knockouts, "Switch a mechanism off (repeatable)");

  std::string params_format = "markdown";
  auto* params_app = app.add_subcommand("params", "List every parameter with default, unit, range and source");
  params_app->add_option("--format", params_format, "markdown or yaml")->check(CLI::IsMember({"markdown", "yaml"}));

  std::string mechanisms_format = "table";
  auto* mechanisms_app = app.add_subcommand("mechanisms", "List the model's mechanisms, with their findings and what "
                                                          "knocking each out (--knockout NAME) means");
  mechanisms_app->add_option("--format", mechanisms_format, "table (Markdown), yaml, or names (one per line)")
      ->check(CLI::IsMember({"table", "yaml", "names"}));

  std::string summary_file, summary_format = "table";
  bool per_run = false;
  auto* summary_app = app.add_subcommand("summary", "Summary of a results file: outcomes as replicate means with 95% intervals; a sweep's sensitivity "
                                                  "indices; a calibration's posterior");
  summary_app->add_option("file", summary_file, "Results file (.h5)")->required();
  summary_app->add_option("--format", summary_format, "table, csv or json")->check(CLI::IsMember({"table", "csv", "json"}));
  summary_app->add_flag("--per-run", per_run, "One row per run, with its parameters and seed");

  cli::ServeOptions serve;
  auto* serve_app = app.add_subcommand("serve", "Serve the classroom page: run a scenario live in a web browser");
  serve_app->add_option("scenario", serve.scenario, "Scenario the page starts with (default: breastfriends)");
  serve_app->add_option("--scenarios", serve.scenarios,
                        "Folder whose *.yaml files the page may start (default: the scenario's folder, else scenarios)");
  serve_app->add_option("--host", serve.host, "Address to listen on (default 127.0.0.1: this machine only)");
  serve_app->add_option("--port", serve.port, "Port (default 8080; 0: any free port)")->check(CLI::Range(0, 65535));
  serve_app->add_option("--max-agents", serve.max_agents, "Largest population a page may run (default 200000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000'000}));
  serve_app->add_option("--max-sessions", serve.max_sessions, "Browser sessions at once (default 100)")
      ->check(CLI::Range(1, 10'000));

  cli::ReplayOptions replay;
  auto* replay_app = app.add_subcommand(
      "replay", "Re-apply a participatory session's decisions (its /participatory group) to its scenario and seed, and "
                "check that they reproduce its run bit for bit (exit 1 if not)");
  replay_app->add_option("file", replay.file, "Results file saved from a participatory session")->required()->check(CLI::ExistingFile);
  replay_app->add_option("-o,--output", replay.output, "Also write the replayed run, with its decisions, to this file");
  replay_app->add_flag("--force", replay.force, "Overwrite --output if it exists");

  std::string docs_topic, docs_output;
  auto* docs_app =
      app.add_subcommand("docs", "Write the ODD model description, its parameter or output tables, or the classroom page's Info tab, as Markdown");
  docs_app->add_option("topic", docs_topic, "odd (the whole description), parameters, outputs or info (the page's Info tab)")
      ->required()
      ->check(CLI::IsMember({"odd", "parameters", "outputs", "info"}));
  docs_app->add_option("-o,--output", docs_output, "Write to this file (replaced atomically) instead of stdout")
      ->check(kFileName);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& request) {
    return app.exit(request);
  } catch (const CLI::CallForAllHelp& request) {
    return app.exit(request);
  } catch (const CLI::CallForVersion& request) {
    return app.exit(request);
  } catch (const CLI::ParseError& error) {
    fmt::print(stderr, "ppisim: error: {} (see ppisim --help)\n", sim::printable_line(error.what()));
    return kUsage;
  }
  // Under mpirun every rank runs main(): only run, sweep and calibrate divide their work between them.
  if (cli::Distributed::active() && !*sweep_app && !*run_app && !*calibrate_app)
    throw sim::InputError(fmt::format(
        "ppisim {} does not spread over MPI ranks: under mpirun ({} ranks) every rank would do the whole job and race "
        "for its output; run it without mpirun (only run, sweep and calibrate divide their runs between ranks)",
        app.get_subcommands().front()->get_name(), cli::Distributed::size()));
  if (*run_app) return cli::run_command(run);
  if (*sweep_app) return cli::sweep_command(sweep);
  if (*merge_app) return cli::merge_command(merge);
  if (*calibrate_app) return cli::calibrate_command(calibrate);
  if (*discover_app) return cli::discover_command(discover);
  if (*report_app) return cli::report_command(report_files, report_output, report_title, report_baseline);
  if (*validate_app) return cli::validate_command(validate_file, validate_overrides, validate_knockouts);
  if (*params_app) return cli::params_command(params_format);
  if (*mechanisms_app) return cli::mechanisms_command(mechanisms_format);
  if (*docs_app) return cli::docs_command(docs_topic, docs_output);
  if (*replay_app) return cli::replay_command(replay);
  if (*serve_app) {
    if (!serve_app->count("--scenarios") && !serve.scenario.empty())
      serve.scenarios = std::filesystem::path(serve.scenario).parent_path().string();
    if (serve.scenarios.empty()) serve.scenarios = ".";
    return cli::serve_command(serve);
  }
  return cli::summary_command(summary_file, summary_format, per_run);
}

}  // namespace

// Under mpirun every rank reads the same input, so only rank 0 reports. Bad
// input fails on every rank alike; any other failure ends all ranks rather
// than leave them waiting for each other.
int fail(int code, const std::string& message, bool on_every_rank) {
  if (cli::Distributed::rank() == 0) fmt::print(stderr, "{}\n", message);
  if (cli::Distributed::active() && !on_every_rank) cli::Distributed::abort(code);
  return code;
}

int main(int argc, char** argv) {
  const cli::Distributed ranks(argc, argv);
  try {
    return dispatch(argc, argv);
  } catch (const sim::InputError& error) {
    return fail(kUsage, fmt::format("ppisim: error: {}", sim::printable_line(error.what())), true);
  } catch (const sim::Interrupted&) {
    // Under MPI every rank stops together (cli/distributed.hpp): none is left waiting.
    return fail(static_cast<int>(sim::ExitCode::interrupted), "\nppisim: interrupted; no results file was written", true);
  } catch (const std::exception& error) {
    return fail(static_cast<int>(sim::ExitCode::runtime_failure),
                fmt::format("ppisim: failed: {}", sim::printable_line(error.what())), false);
  }
}
