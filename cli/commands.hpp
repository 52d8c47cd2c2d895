#pragma once
// The ppisim subcommands. Each returns the process exit code; bad input is
// reported by throwing sim::InputError (exit 2), failures by
// sim::RuntimeFailure (exit 1).
#include <cstdint>
#include <string>
#include <vector>

namespace cli {

struct RunOptions {
  std::string scenario;
  std::string output;  // empty: <scenario stem>.h5
  std::vector<std::string> overrides;
  std::vector<std::string> knockouts;  // mechanisms switched off (--knockout)
  long long replicates = -1;  // -1: the scenario's
  long long seed = -1;        // -1: the scenario's
  int threads = 0;            // 0: all cores
  bool force = false, quiet = false, print_plan = false;
  std::uint64_t max_agents = 1'000'000;  // models::kDefaultMaxAgents
  std::string posterior;  // a calibration's posterior file: run over its draws
  long long draws = -1;   // posterior draws (-1: 20)
  std::string command_line;
};

int run_command(const RunOptions& options);

struct SweepOptions {
  std::string experiment;
  std::string output;  // empty: <experiment stem>.h5
  int threads = 0;     // 0: all cores
  std::uint64_t max_agents = 1'000'000;  // per run, at every design point (models::kDefaultMaxAgents)
  bool force = false, resume = false, quiet = false, dry_run = false;
  std::string shard;   // "I/N"; empty: from Slurm's SLURM_ARRAY_TASK_* if set; "none": the whole sweep
  bool slurm_script = false;
  std::uint64_t slurm_tasks = 0;  // --slurm-script's array size; 0: from the estimated time
  std::string command_line;
};

struct MergeOptions {
  std::vector<std::string> shards;
  std::string output;      // empty: <experiment stem>.h5
  std::string experiment;  // empty: the file the shards name
  bool force = false, quiet = false;
  std::string command_line;
};

int sweep_command(const SweepOptions& options);
int merge_command(const MergeOptions& options);

struct CalibrateOptions {
  std::string calibration;
  std::string output;     // empty: <calibration stem>.h5
  int threads = 0;        // 0: all cores
  long long seed = -1;    // -1: the file's abc.seed
  bool force = false, resume = false, quiet = false, dry_run = false;
  std::string command_line;
};

int calibrate_command(const CalibrateOptions& options);
struct DiscoverOptions {
  std::string file;   // a sweep's results file
  std::string where;  // the condition on each design point's replicate means
  std::string comparator;  // a comparator scenario's results, for diff() and ratio()
  double min_coverage = 0.5;
  std::size_t max_boxes = 3;
  std::size_t max_restricted = 0;  // 0: no limit
  std::size_t bootstrap = 200;
  std::uint64_t seed = 1;
};

int discover_command(const DiscoverOptions& options);
int report_command(const std::vector<std::string>& results, const std::string& output, const std::string& title,
                   const std::string& baseline);
int validate_command(const std::string& scenario, const std::vector<std::string>& overrides,
                     const std::vector<std::string>& knockouts);
int params_command(const std::string& format);
int mechanisms_command(const std::string& format);
int summary_command(const std::string& file, const std::string& format, bool per_run);
// Markdown generated from the code: topic "odd", "parameters" or "outputs";
// to stdout, or atomically to `output` when it is not empty.
int docs_command(const std::string& topic, const std::string& output);

}  // namespace cli
