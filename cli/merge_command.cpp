// `ppisim merge`: the shard files of one sweep (ppisim sweep --shard I/N)
// joined into the results file one process would have written: the same
// runs, design and sensitivity table, dataset by dataset. Shards of another
// experiment or binary, a shard given twice and a missing one are refused
// by name before anything is written.
#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "cli/commands.hpp"
#include "cli/sweep.hpp"
#include "lab/sweep_shard.hpp"
#include "results/results_file.hpp"
#include "sim/errors.hpp"
#include "sim/version.hpp"

namespace cli {
namespace {

namespace fs = std::filesystem;

sim::InputError refused(const lab::ShardInfo& info, const std::string& message) {
  return sim::InputError(sim::SourceLocation{info.path.string(), 0, 0}, message);
}

std::string binary_of(const lab::ShardInfo& info) {
  return fmt::format("ppisim {} (revision {})", info.ppisim_version, info.git_revision);
}

// One split of one experiment by one binary, which must be this one: only
// then does the merged file equal a single sweep's.
void check_same_sweep(const std::vector<lab::ShardInfo>& shards) {
  const auto& first = shards.front();
  for (const auto& info : shards) {
    if (info.experiment_fingerprint != first.experiment_fingerprint || info.sweep_runs != first.sweep_runs)
      throw refused(info, fmt::format("a shard of a different experiment than {} (fingerprint {:016x}, not {:016x}); "
                                      "merge the shards of one sweep only",
                                      first.path.string(), info.experiment_fingerprint, first.experiment_fingerprint));
    if (info.shard.count != first.shard.count)
      throw refused(info, fmt::format("shard {} of a split into {}, but {} is shard {}; merge the shards of one split",
                                      info.shard.name(), info.shard.count, first.path.string(), first.shard.name()));
    if (info.ppisim_version != first.ppisim_version || info.git_revision != first.git_revision)
      throw refused(info, fmt::format("made by {}, but {} by {}; run every shard with one binary", binary_of(info),
                                      first.path.string(), binary_of(first)));
  }
  if (first.ppisim_version != sim::kVersion || first.git_revision != sim::kGitRevision)
    throw refused(first, fmt::format("made by {}, and this is ppisim {} (revision {}); merge with the binary that "
                                     "made the shards",
                                     binary_of(first), sim::kVersion, sim::kGitRevision));
}

// Shard 1..N, each exactly once; a missing one is named with the command that makes it.
std::vector<const lab::ShardInfo*> in_order(const std::vector<lab::ShardInfo>& shards, const std::string& experiment) {
  const auto count = shards.front().shard.count;
  std::vector<const lab::ShardInfo*> ordered(count, nullptr);
  for (const auto& info : shards) {
    auto& slot = ordered[info.shard.index - 1];
    if (slot && fs::equivalent(slot->path, info.path))
      throw refused(info, "given twice; name each shard file once");
    if (slot)
      throw refused(info, fmt::format("shard {} is given twice: {} and {}", info.shard.name(), slot->path.string(),
                                      info.path.string()));
    slot = &info;
  }
  std::vector<std::string> missing;
  for (std::uint64_t index = 1; index <= count; ++index)
    if (!ordered[index - 1]) missing.push_back(lab::Shard{index, count}.name());
  if (!missing.empty())
    throw sim::InputError(fmt::format("{} {} missing; make {} with: ppisim sweep {} --shard {} -o PART.h5",
                                      missing.size() == 1 ? "shard" : "shards", fmt::join(missing, ", "),
                                      missing.size() == 1 ? "it" : "each", experiment, missing.front()));
  return ordered;
}

}  // namespace

int merge_command(const MergeOptions& options) {
  std::vector<lab::ShardInfo> shards;
  for (const auto& path : options.shards) shards.push_back(lab::read_shard_info(path));
  check_same_sweep(shards);
  const auto& first = shards.front();
  const std::string experiment_file = options.experiment.empty() ? first.experiment_file : options.experiment;
  const auto ordered = in_order(shards, experiment_file);
  std::error_code error;
  if (!fs::exists(experiment_file, error))
    throw refused(first, "made from the experiment " + experiment_file +
                             ", which is not there; give its path with --experiment FILE");
  const Sweep sweep = prepare_sweep(experiment_file);
  if (experiment_fingerprint(sweep) != first.experiment_fingerprint)
    throw refused(first, "made from another version of " + experiment_file +
                             " (the file or its base scenario changed since); rerun the shards, or give the original "
                             "with --experiment FILE");
  const std::string output =
      options.output.empty() ? fs::path(experiment_file).stem().string() + ".h5" : options.output;
  for (const auto& info : shards)
    if (fs::equivalent(info.path, output, error)) throw refused(info, "is the output too; name another file with -o");
  results::check_output_path(output, options.force);

  std::vector<std::string> summaries, series;
  for (const auto& spec : sweep.catalog().summaries()) summaries.push_back(spec.name);
  if (sweep.experiment.store_timeseries)
    for (const auto& spec : sweep.catalog().series()) series.push_back(spec.name);
  const auto rows = assemble_sweep(
      sweep,
      [&](const RunVisitor& visit) {
        for (const auto* info : ordered)
          lab::for_each_shard_run(*info, summaries, series, static_cast<std::size_t>(sweep.days), visit);
      },
      options.command_line, options.force, output);
  if (!options.quiet) {
    fmt::print("{}: {} shards, {} runs ({} design points x {} replicates) -> {}\n\n", sweep.experiment.name,
               ordered.size(), sweep.experiment.runs(), sweep.experiment.design.rows(), sweep.experiment.replicates, output);
    fmt::print("{}", lab::format_sensitivity(rows));
  }
  return 0;
}

}  // namespace cli
