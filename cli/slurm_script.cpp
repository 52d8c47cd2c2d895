// `ppisim sweep --slurm-script`: an sbatch script that runs a sweep as a
// Slurm job array, one shard per task (ppisim reads SLURM_ARRAY_TASK_ID),
// and submits the merge as a job that waits for every task
// (--dependency=afterok). Its size, time and memory come from the dry run's
// estimate of one run.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/sweep.hpp"
#include "cli/terminal.hpp"
#include "models/model.hpp"
#include "sim/errors.hpp"
#include "sim/version.hpp"

namespace cli {
namespace {

namespace fs = std::filesystem;

constexpr double kTaskTargetSeconds = 3600.0;  // an array task of about an hour: long enough to be worth scheduling
constexpr std::uint64_t kMaxTasks = 1000;      // Slurm's default MaxArraySize is 1001
constexpr double kBaseBytes = 256e6;           // the binary, HDF5 and the journal's buffers

// Slurm's [days-]hours:minutes:seconds.
std::string slurm_time(double seconds) {
  auto total = static_cast<std::uint64_t>(std::ceil(seconds));
  const auto days = total / 86400;
  total %= 86400;
  return fmt::format("{}-{:02}:{:02}:{:02}", days, total / 3600, total % 3600 / 60, total % 60);
}

// Whole megabytes, rounded up.
std::uint64_t megabytes(double bytes) { return static_cast<std::uint64_t>(std::ceil(bytes / (1024.0 * 1024.0))); }

// The largest population of any design point (sampled when there are many), in bytes.
double bytes_per_run(const Sweep& sweep) {
  if (sweep.analytic()) return 0.0;
  const auto points = sweep.experiment.design.rows();
  const std::size_t step = std::max<std::size_t>(1, points / 1000);
  double agents = 0.0;
  for (std::size_t point = 0; point < points; point += step)
    agents = std::max(agents, models::estimated_agents(sweep.experiment.parameters_at(point)));
  return agents * models::kBytesPerAgent;
}

}  // namespace

int slurm_script(const Sweep& sweep, const SweepOptions& options) {
  const auto& experiment = sweep.experiment;
  const std::uint64_t runs = experiment.runs();
  const int cpus = options.threads > 0 ? options.threads : 1;
  const double run_seconds = seconds_per_run(sweep);
  const double cpu_seconds = run_seconds * static_cast<double>(runs);
  std::uint64_t tasks = options.slurm_tasks;
  if (tasks == 0)
    tasks = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::ceil(cpu_seconds / (kTaskTargetSeconds * cpus))), 1,
                                      std::min<std::uint64_t>(runs, kMaxTasks));
  if (tasks > runs)
    throw sim::InputError(sim::SourceLocation{"--slurm-tasks", 0, 0},
                          fmt::format("{} tasks for {} runs would leave tasks with nothing to do; give at most {}", tasks,
                                      runs, runs));
  const std::uint64_t runs_per_task = (runs + tasks - 1) / tasks;
  // Twice the estimate and ten minutes more: design points differ, and one short run was measured.
  const double task_seconds = 2.0 * run_seconds * static_cast<double>(runs_per_task) / cpus + 600.0;
  const auto task_memory = megabytes(kBaseBytes + cpus * bytes_per_run(sweep));
  const auto merge_memory = megabytes(2 * kBaseBytes + 64.0 * static_cast<double>(runs) * static_cast<double>(experiment.analyse.size() + 2));
  const double merge_seconds = 600.0 + 0.002 * static_cast<double>(runs);

  const fs::path here = fs::current_path();
  const fs::path output =
      fs::absolute(options.output.empty() ? fs::path(fs::path(options.experiment).stem().string() + ".h5") : fs::path(options.output))
          .lexically_normal();
  const std::string name = output.stem().string();
  const fs::path parts = output.parent_path() / (name + ".part");
  std::error_code error;
  fs::path binary = fs::read_symlink("/proc/self/exe", error);
  if (error) binary = "ppisim";

  fmt::print(R"(#!/bin/bash
# The sweep {experiment} as a Slurm job array of {tasks} task(s), one shard of
# about {per_task} runs each, then their merge into {output}.
# Written by `ppisim sweep --slurm-script` (ppisim {version}, revision {revision}).
#
# Submit it with:  sbatch {script}
#
# Task I runs shard I/{tasks} (ppisim reads SLURM_ARRAY_TASK_ID) into
# {parts}-I.h5, with its own journal: a rerun task (scontrol requeue, or the
# array submitted again) resumes where it stopped and skips a finished shard.
# The first task submits the merge, which waits for every task
# (--dependency=afterok) and is cancelled if one fails; then the shards can
# be removed. Estimates from the dry run: {run_seconds:.3g} s a run on one core,
# {runs} runs, {cpu_hours:.2g} core-hours in all; time below is twice the
# estimate plus ten minutes.
#SBATCH --job-name=ppisim-{name}
#SBATCH --array=1-{tasks}
#SBATCH --cpus-per-task={cpus}
#SBATCH --time={task_time}
#SBATCH --mem={task_memory}M
#SBATCH --chdir={here}
#SBATCH --output={name}-%A_%a.log
#SBATCH --open-mode=append
set -euo pipefail
: "${{SLURM_ARRAY_TASK_ID:?is not set: submit this script with sbatch, it is a job array}}"
export PPISIM={binary_q}
export PPISIM_EXPERIMENT={experiment_q}
export PPISIM_PARTS={parts_q}
export PPISIM_OUTPUT={output_q}

if [ "$SLURM_ARRAY_TASK_ID" = "$SLURM_ARRAY_TASK_MIN" ] && [ "${{SLURM_RESTART_COUNT:-0}}" = 0 ]; then
  sbatch --job-name=ppisim-{name}-merge --dependency=afterok:"$SLURM_ARRAY_JOB_ID" --kill-on-invalid-dep=yes \
    --export=ALL --cpus-per-task=1 --time={merge_time} --mem={merge_memory}M --chdir={here_q} \
    --output={name}-merge-%j.log <<'MERGE'
#!/bin/bash
exec "$PPISIM" merge "$PPISIM_PARTS"-{{1..{tasks}}}.h5 -o "$PPISIM_OUTPUT" --quiet
MERGE
fi

part="$PPISIM_PARTS-$SLURM_ARRAY_TASK_ID.h5"
if [ -e "$part" ]; then
  echo "$part is already done"
  exit 0
fi
exec "$PPISIM" sweep "$PPISIM_EXPERIMENT" -o "$part" --threads "${{SLURM_CPUS_PER_TASK:-{cpus}}}" --resume --quiet
)",
             fmt::arg("experiment", options.experiment), fmt::arg("tasks", tasks), fmt::arg("per_task", runs_per_task),
             fmt::arg("output", output.string()), fmt::arg("version", sim::kVersion), fmt::arg("revision", sim::kGitRevision),
             fmt::arg("script", name + ".sbatch"), fmt::arg("parts", parts.string()), fmt::arg("run_seconds", run_seconds),
             fmt::arg("runs", runs), fmt::arg("cpu_hours", cpu_seconds / 3600.0), fmt::arg("name", name),
             fmt::arg("cpus", cpus), fmt::arg("task_time", slurm_time(task_seconds)), fmt::arg("task_memory", task_memory),
             fmt::arg("here", here.string()), fmt::arg("here_q", shell_quote(here.string())),
             fmt::arg("binary_q", shell_quote(binary.string())),
             fmt::arg("experiment_q", shell_quote(fs::absolute(options.experiment).lexically_normal().string())),
             fmt::arg("parts_q", shell_quote(parts.string())), fmt::arg("output_q", shell_quote(output.string())),
             fmt::arg("merge_time", slurm_time(merge_seconds)), fmt::arg("merge_memory", merge_memory));
  return 0;
}

}  // namespace cli
