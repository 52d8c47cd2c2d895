#pragma once
// Shards of a sweep: a deterministic 1/N of an experiment's runs, so a
// cluster's job array can run them apart and `ppisim merge` can join them
// into the file one process would have written. Shard I of N (1-based) holds
// the runs r with r mod N = I - 1: strided, so slow and fast design points
// spread evenly. A shard file is a results file (kind "shard") whose rows
// are its runs in order, with their run numbers (/runs/run) and the
// experiment's fingerprint, so shards of different experiments or binaries
// are never joined.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace lab {

struct Shard {
  std::uint64_t index = 1, count = 1;  // shard `index` of `count`, from 1

  [[nodiscard]] bool contains(std::uint64_t run) const { return run % count == index - 1; }
  [[nodiscard]] std::uint64_t row_of(std::uint64_t run) const { return run / count; }  // its row in the shard file
  [[nodiscard]] std::uint64_t runs_of(std::uint64_t sweep_runs) const {
    return sweep_runs / count + (sweep_runs % count >= index ? 1 : 0);
  }
  [[nodiscard]] std::string name() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// "I/N" with 1 <= I <= N; InputError naming `source` (e.g. "--shard") otherwise.
Shard parse_shard(const std::string& text, const std::string& source);

// What a shard file says about itself (root attributes).
struct ShardInfo {
  std::filesystem::path path;
  Shard shard;
  std::uint64_t experiment_fingerprint = 0;  // hash of the experiment file and its resolved base scenario
  std::string experiment_file;               // absolute path when the shard was made
  std::string ppisim_version, git_revision;
  std::uint64_t sweep_runs = 0;              // runs of the whole sweep
};

// Marks an open results file as shard `shard` of a sweep of `sweep_runs` runs:
// its attributes and /runs/run, /runs/point (`points[row]`) of each row.
void write_shard_attributes(hid_t root, const ShardInfo& info, const std::vector<std::uint64_t>& points);

// InputError unless `path` is a shard file.
ShardInfo read_shard_info(const std::filesystem::path& path);

// Calls `visit(run, values)` for each row of a shard file: its summaries in
// the order of `summaries`, then its daily series in the order of `series`
// (each `days` long; none for a summary-only sweep). InputError when the
// file's runs are not exactly its shard's, or a dataset is missing.
void for_each_shard_run(const ShardInfo& info, const std::vector<std::string>& summaries,
                        const std::vector<std::string>& series, std::size_t days,
                        const std::function<void(std::uint64_t run, std::span<const double> values)>& visit);

}  // namespace lab
